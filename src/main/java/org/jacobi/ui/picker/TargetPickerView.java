package org.jacobi.ui.picker;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.Pixels;

/**
 * The target picker: the model's output for the selected sample, drawn once as an image (viridis, one channel at a
 * time) or as bars largest first, with the target in words. A click on a pixel or a bar, a box dragged on the image,
 * or a target typed in the field (Enter) chooses it; typing also searches the bars by name. Where the tab differentiates the
 * logit before a final Sigmoid or Softmax, a check box chooses the probability instead, and a line says which is differentiated.
 */
public final class TargetPickerView extends VBox {
    /** Bars listed at most; the field's search reaches every element. */
    static final int MAX_BARS = 500;
    private static final double SIDE = 300;
    private static final String HINT = "Click a pixel or drag a box on the output (the box is summed), click a bar, or type "
        + "an index (mask[0,3,4]), a slice (mask[0,10:20,5:9], summed), top, or a class name, then Enter.";

    private final TargetPickerModel vm;
    private final Label words = new Label();
    private final Label problem = new Label();
    private final CheckBox probability = new CheckBox();
    private final Label differentiated = new Label();
    /** Whether the tab offers the logit before a final activation (the Saliency tab) or differentiates the output as it is. */
    private final boolean logitChoice;
    private final TextField field = new TextField();
    private final ComboBox<String> channel = new ComboBox<>();
    private final ImageView image = new ImageView();
    private final Rectangle chosenBox = box(Color.rgb(255, 60, 60), 2);
    private final Rectangle dragBox = box(Color.WHITE, 1);
    private final Pane imagePane = new Pane(image, chosenBox, dragBox);
    private final ListView<TargetPickerModel.Bar> bars = new ListView<>();
    private final Label empty = new Label("The output appears here once the model has run on the input.");
    private int[] pressed;
    /** The largest |value| among the bars listed, the length of a full bar. */
    private double barMax;

    /** A picker for a tab that differentiates the output as it is (the words still say when it follows a final activation). */
    public TargetPickerView(TargetPickerModel vm) {
        this(vm, false);
    }

    /** @param logitChoice the tab differentiates the logit before a final Sigmoid or Softmax unless the box is ticked */
    public TargetPickerView(TargetPickerModel vm, boolean logitChoice) {
        super(6);
        this.vm = vm;
        this.logitChoice = logitChoice;
        setPadding(new Insets(4));
        setPrefWidth(SIDE + 60); // the words and the hint wrap at the picture's width
        setMaxWidth(SIDE + 60);
        words.setId("targetWords");
        words.setStyle("-fx-font-weight: bold;");
        words.setWrapText(true);
        words.setMinHeight(Region.USE_PREF_SIZE);
        problem.setId("targetProblem");
        problem.setStyle("-fx-text-fill: #c0392b;");
        problem.setWrapText(true);
        problem.textProperty().bind(vm.problemProperty());
        problem.managedProperty().bind(problem.textProperty().isNotEmpty());
        probability.setId("targetProbability");
        probability.selectedProperty().bindBidirectional(vm.probabilityProperty());
        probability.setTooltip(new Tooltip("Off: the logit before the final activation is differentiated, whose derivative "
            + "does not vanish where the probability saturates at 0 or 1. On: the probability itself."));
        differentiated.setId("targetDifferentiated");
        differentiated.setWrapText(true);
        differentiated.setMinHeight(Region.USE_PREF_SIZE);
        field.setId("targetField");
        field.setPromptText(promptFor(null));
        field.setPrefColumnCount(18);
        field.setTooltip(new Tooltip(HINT));
        field.setOnAction(e -> {
            vm.type(field.getText());
            if (vm.problemProperty().get().isEmpty() && vm.chosenProperty().get() != null) {
                field.setText(vm.chosenProperty().get().text()); // the search is over: every bar again, the chosen one marked
            }
        });
        field.textProperty().addListener((o, a, b) -> showBars());
        channel.setId("targetChannel");
        channel.valueProperty().addListener((o, a, b) -> drawImage());
        image.setId("targetOutputImage");
        image.setPreserveRatio(true);
        image.setSmooth(false);
        image.setFitWidth(SIDE);
        image.setFitHeight(SIDE);
        image.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> pressed = pixelAt(e));
        image.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::drag);
        image.addEventHandler(MouseEvent.MOUSE_RELEASED, this::release);
        bars.setId("targetBars");
        bars.setPrefHeight(220);
        bars.setCellFactory(l -> new BarCell());
        bars.setOnMouseClicked(e -> {
            TargetPickerModel.Bar b = bars.getSelectionModel().getSelectedItem();
            if (b != null) {
                vm.pickElement(b.element());
            }
        });
        Label hint = new Label(HINT);
        hint.setMinHeight(Region.USE_PREF_SIZE);
        hint.setWrapText(true);
        hint.setStyle("-fx-text-fill: #555;");
        HBox row = new HBox(8, new Label("Target"), field, channel);
        row.setAlignment(Pos.CENTER_LEFT);
        // the words below the picture: their length changes with the target, and the picture must not move under the mouse
        getChildren().addAll(row, empty, imagePane, bars, words, probability, differentiated, problem, hint);
        vm.outputProperty().addListener((o, a, b) -> showOutput());
        vm.chosenProperty().addListener((o, a, b) -> showChosen());
        showOutput();
    }

    private static Rectangle box(Color stroke, double width) {
        Rectangle r = new Rectangle();
        r.setFill(Color.TRANSPARENT);
        r.setStroke(stroke);
        r.setStrokeWidth(width);
        r.setMouseTransparent(true);
        r.setVisible(false);
        return r;
    }

    private void showOutput() {
        TargetPickerModel.Output out = vm.outputProperty().get();
        boolean isImage = out != null && out.layout().image();
        field.setPromptText(promptFor(out));
        empty.setVisible(out == null);
        empty.setManaged(out == null);
        show(imagePane, isImage);
        show(bars, out != null && !isImage);
        show(channel, isImage && out.layout().channels() > 1);
        if (isImage) {
            List<String> items = new ArrayList<>();
            for (int c = 0; c < out.layout().channels(); c++) {
                items.add("channel " + c);
            }
            if (!items.equals(channel.getItems())) {
                channel.getItems().setAll(items);
                channel.getSelectionModel().select(0);
            }
            drawImage();
        } else {
            image.setImage(null);
        }
        showBars();
        showChosen();
    }

    /** The field's hint with examples in the shown output's own name and rank (an element, a slice). */
    static String promptFor(TargetPickerModel.Output out) {
        if (out == null || out.shape().length == 0) {
            return "largest element; or an index, a slice, top, a class name";
        }
        StringBuilder element = new StringBuilder(out.name()).append('[');
        StringBuilder slice = new StringBuilder(out.name()).append('[');
        for (int axis = 0; axis < out.shape().length; axis++) {
            String sep = axis == 0 ? "" : ",";
            long size = out.shape()[axis];
            element.append(sep).append(Math.min(3, size - 1));
            slice.append(sep).append(size > 2 ? "0:" + Math.min(size, 10) : "0");
        }
        return "largest element; or " + element + "], " + slice + "], top, a class name";
    }

    private static void show(Region node, boolean visible) {
        node.setVisible(visible);
        node.setManaged(visible);
    }

    /** The shown channel of the output, drawn once (viridis from its smallest to its largest value). */
    private void drawImage() {
        TargetPickerModel.Output out = vm.outputProperty().get();
        if (out == null || !out.layout().image()) {
            return;
        }
        OutputLayout l = out.layout();
        int c = shownChannel();
        double[] v = new double[l.height() * l.width()];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < v.length; p++) {
            v[p] = out.values()[l.element(c, p / l.width(), p % l.width())];
            lo = Math.min(lo, v[p]);
            hi = Math.max(hi, v[p]);
        }
        int[] argb = new int[v.length];
        for (int p = 0; p < v.length; p++) {
            argb[p] = ColorMaps.VIRIDIS.argb(hi > lo ? (v[p] - lo) / (hi - lo) : 0.5);
        }
        int factor = Math.max(1, (int) SIDE / Math.max(l.width(), l.height()));
        int[] big = factor == 1 ? argb : Pixels.upscale(argb, l.width(), l.height(), factor);
        WritableImage img = new WritableImage(l.width() * factor, l.height() * factor);
        img.getPixelWriter().setPixels(0, 0, l.width() * factor, l.height() * factor, PixelFormat.getIntArgbInstance(), big, 0,
            l.width() * factor);
        image.setImage(img);
        Tooltip.install(image, new Tooltip(String.format(Locale.ROOT, "%s, channel %d: viridis from %.4g (dark) to %.4g (yellow)",
            out.name(), c, lo, hi)));
        showChosen();
    }

    private int shownChannel() {
        return Math.max(0, channel.getSelectionModel().getSelectedIndex());
    }

    /** The bars, largest first; while the field holds something other than the target, those it names. */
    private void showBars() {
        TargetPickerModel.Output out = vm.outputProperty().get();
        if (out == null || out.layout().image()) {
            bars.getItems().clear();
            return;
        }
        TargetPickerModel.Chosen chosen = vm.chosenProperty().get();
        String query = chosen != null && field.getText().equals(chosen.text()) ? "" : field.getText();
        List<TargetPickerModel.Bar> items = vm.bars(query, MAX_BARS);
        if (items.isEmpty()) {
            items = vm.bars("", MAX_BARS); // typed an index or a slice, not a name
        }
        barMax = items.stream().mapToDouble(b -> Math.abs(b.value())).max().orElse(0);
        bars.getItems().setAll(items);
        markChosenBar();
    }

    /** Selects the bar explained, so that it stands out. */
    private void markChosenBar() {
        TargetPickerModel.Chosen chosen = vm.chosenProperty().get();
        for (TargetPickerModel.Bar bar : bars.getItems()) {
            if (chosen != null && bar.element() == chosen.element()) {
                bars.getSelectionModel().select(bar);
            }
        }
    }

    private void showChosen() {
        TargetPickerModel.Chosen chosen = vm.chosenProperty().get();
        words.setText(chosen == null ? "" : "Explaining " + chosen.words());
        TargetPickerModel.Output out = vm.outputProperty().get();
        String what = chosen == null || out == null ? null : chosen.differentiated(out.name());
        show(probability, logitChoice && what != null);
        show(differentiated, logitChoice && what != null);
        if (logitChoice && what != null) {
            probability.setText("probability (after the final " + chosen.activation().operator() + ")");
            differentiated.setText("Differentiated: " + what);
        }
        if (chosen != null && !field.isFocused()) {
            field.setText(chosen.text());
        }
        markChosenBar();
        int[] b = chosen == null ? null : chosen.box();
        if (b != null && b[0] != shownChannel() && b[0] < channel.getItems().size()) {
            channel.getSelectionModel().select(b[0]); // draws again, and comes back here
            return;
        }
        chosenBox.setVisible(b != null && image.getImage() != null);
        if (chosenBox.isVisible()) {
            place(chosenBox, b[1], b[2], b[3], b[4]);
        }
    }

    /** Places {@code r} over rows {@code r0..r1-1} and columns {@code c0..c1-1} of the output. */
    private void place(Rectangle r, int r0, int c0, int r1, int c1) {
        OutputLayout l = vm.outputProperty().get().layout();
        double sx = image.getLayoutBounds().getWidth() / l.width();
        double sy = image.getLayoutBounds().getHeight() / l.height();
        r.setX(c0 * sx);
        r.setY(r0 * sy);
        r.setWidth(Math.max(2, (c1 - c0) * sx));
        r.setHeight(Math.max(2, (r1 - r0) * sy));
    }

    /** {row, col} of the output under the mouse, clamped to the image. */
    private int[] pixelAt(MouseEvent e) {
        OutputLayout l = vm.outputProperty().get().layout();
        int col = (int) Math.floor(e.getX() / image.getLayoutBounds().getWidth() * l.width());
        int row = (int) Math.floor(e.getY() / image.getLayoutBounds().getHeight() * l.height());
        return new int[] {Math.max(0, Math.min(row, l.height() - 1)), Math.max(0, Math.min(col, l.width() - 1))};
    }

    private void drag(MouseEvent e) {
        if (pressed == null) {
            return;
        }
        int[] p = pixelAt(e);
        dragBox.setVisible(true);
        place(dragBox, Math.min(p[0], pressed[0]), Math.min(p[1], pressed[1]), Math.max(p[0], pressed[0]) + 1,
            Math.max(p[1], pressed[1]) + 1);
    }

    private void release(MouseEvent e) {
        if (pressed == null) {
            return;
        }
        int[] p = pixelAt(e);
        dragBox.setVisible(false);
        vm.pickBox(shownChannel(), pressed[0], pressed[1], p[0], p[1]);
        pressed = null;
    }

    /** A bar: the element's name, a bar as long as its value is large (of the largest shown), and the value. */
    private final class BarCell extends ListCell<TargetPickerModel.Bar> {
        @Override
        protected void updateItem(TargetPickerModel.Bar bar, boolean emptyCell) {
            super.updateItem(bar, emptyCell);
            if (emptyCell || bar == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            Label name = new Label(bar.label());
            name.setMinWidth(100);
            name.setPrefWidth(100);
            name.setMaxWidth(100);
            Region length = new Region();
            double w = barMax > 0 ? 110 * Math.abs(bar.value()) / barMax : 0;
            length.setMinSize(w, 12);
            length.setPrefSize(w, 12);
            length.setMaxSize(w, 12);
            length.setStyle("-fx-background-color: " + (bar.value() >= 0 ? "#3b7dd8" : "#d8703b") + ";");
            HBox cell = new HBox(6, name, length, new Label(String.format(Locale.ROOT, "%.4g", bar.value())));
            cell.setAlignment(Pos.CENTER_LEFT);
            setGraphic(cell);
            setText(null);
        }
    }
}
