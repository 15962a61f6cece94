package org.jacobi.ui.attribution;

import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.Property;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.jacobi.analysis.Pixels;
import org.jacobi.attribution.IntegrationRule;
import org.jacobi.ui.picker.TargetPickerView;

/**
 * The Attribution tab: the target, the methods and their parameters above; below, the photo and each method's
 * attribution and overlay side by side on one colour scale, then the deletion and insertion curves.
 */
public final class AttributionView extends ScrollPane {
    /** Side of each picture in pixels. */
    static final int PICTURE = 200;
    private final AttributionViewModel vm;
    private final GridPane pictures = new GridPane();
    private final Label scaleNote = new Label();
    private final Label values = new Label();
    private final CurvesChart deletion = new CurvesChart("Deletion (smaller area is better)",
        "fraction removed, most attributed first");
    private final CurvesChart insertion = new CurvesChart("Insertion (larger area is better)",
        "fraction put back, most attributed first");
    private final HBox charts = new HBox(8, deletion, insertion);

    public AttributionView(AttributionViewModel vm) {
        this.vm = vm;
        FlowPane methods = new FlowPane(10, 4);
        for (String m : vm.methods()) {
            CheckBox box = new CheckBox(m);
            box.setId("attributionMethod-" + m);
            box.selectedProperty().bindBidirectional(vm.chosenProperty(m));
            methods.getChildren().add(box);
        }
        ComboBox<IntegrationRule> rule = new ComboBox<>();
        rule.getItems().setAll(IntegrationRule.values());
        rule.setConverter(new StringConverter<>() {
            @Override
            public String toString(IntegrationRule r) {
                return r == null ? "" : r.label();
            }

            @Override
            public IntegrationRule fromString(String s) {
                return IntegrationRule.parse(s);
            }
        });
        rule.valueProperty().bindBidirectional(vm.ruleProperty());
        ComboBox<String> baseline = new ComboBox<>();
        baseline.getItems().setAll(AttributionViewModel.baselineChoices());
        baseline.valueProperty().bindBidirectional(vm.baselineProperty());
        TextField window = field(6, "attributionWindow");
        window.setPromptText("auto");
        window.textProperty().bindBidirectional(vm.windowProperty());
        TextField stride = field(6, "attributionStride");
        stride.setPromptText("= window");
        stride.textProperty().bindBidirectional(vm.strideProperty());
        GridPane params = new GridPane();
        params.setHgap(6);
        params.setVgap(4);
        params.addRow(0, bold("Integrated Gradients"), new Label("steps"), number(vm.stepsProperty(), Integer::parseInt, "attributionSteps"),
            new Label("rule"), rule, new Label("baseline"), baseline, new Label("blur σ (px)"),
            number(vm.blurSigmaProperty(), Double::parseDouble, "attributionBlur"));
        params.addRow(1, bold("Noise tunnel, GradientSHAP"), new Label("samples"), number(vm.samplesProperty(), Integer::parseInt, "attributionSamples"),
            new Label("noise σ"), number(vm.noiseProperty(), Double::parseDouble, "attributionNoise"),
            new Label("seed"), number(vm.seedProperty(), Long::parseLong, "attributionSeed"));
        params.addRow(2, bold("Occlusion"), new Label("window"), window, new Label("stride"), stride);
        params.addRow(3, bold("Grad-CAM, layer grad × act."), new Label("layer"));
        params.add(layerChooser(vm.layers()), 2, 3, GridPane.REMAINING, 1);
        Button compute = new Button("Compute");
        compute.setId("attributionCompute");
        compute.setDefaultButton(false);
        compute.setOnAction(e -> vm.compute());
        compute.disableProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("attributionCancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.runningProperty().not());
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.runningProperty());
        CheckBox curves = new CheckBox("deletion/insertion curves");
        curves.selectedProperty().bindBidirectional(vm.curvesProperty());
        CheckBox absolute = new CheckBox("absolute values");
        absolute.setId("attributionAbsolute");
        absolute.selectedProperty().bindBidirectional(vm.absoluteProperty());
        CheckBox shared = new CheckBox("one scale for all");
        shared.setId("attributionSharedScale");
        shared.selectedProperty().bindBidirectional(vm.sharedScaleProperty());
        Label status = new Label();
        status.setId("attributionStatus");
        status.setWrapText(true);
        scaleNote.setWrapText(true); // the target's words, a logit's included, are read in full
        scaleNote.setMinHeight(Region.USE_PREF_SIZE);
        status.textProperty().bind(vm.statusProperty());
        HBox targetRow = row(new Label("Methods"), methods);
        HBox actions = row(compute, cancel, progress, curves, absolute, shared);
        pictures.setHgap(10);
        pictures.setVgap(4);
        values.setId("attributionValues");
        values.setStyle("-fx-font-family: monospace;");
        charts.managedProperty().bind(charts.visibleProperty());
        VBox box = new VBox(8, new TargetPickerView(vm.picker(), true), targetRow, params, actions, status, pictures, scaleNote, values, charts);
        box.setPadding(new Insets(8));
        setContent(box);
        setFitToWidth(true);
        vm.runProperty().addListener((o, a, b) -> show(b));
        show(vm.runProperty().get());
    }

    /** The feature map of the layer methods (with its shape), Grad-CAM's ReLU and why there is no list, if so. */
    private static Node layerChooser(LayerChooser layers) {
        ComboBox<String> layer = new ComboBox<>(layers.names());
        layer.setId("attributionLayer");
        layer.setPromptText("last convolution");
        layer.setConverter(new StringConverter<>() {
            @Override
            public String toString(String name) {
                return layers.label(name);
            }

            @Override
            public String fromString(String s) {
                return s;
            }
        });
        layer.valueProperty().bindBidirectional(layers.layerProperty());
        layer.setTooltip(new Tooltip("The feature map [channels, *spatial] whose gradient Grad-CAM weighs; chosen when a layer "
            + "method is ticked. Its map is upsampled to the input (nearest), as Captum's LayerAttribution.interpolate."));
        CheckBox relu = new CheckBox("ReLU (Grad-CAM)");
        relu.setId("attributionRelu");
        relu.selectedProperty().bindBidirectional(layers.reluProperty());
        Label note = new Label();
        note.textProperty().bind(layers.noteProperty());
        return row(layer, relu, note);
    }

    private void show(AttributionViewModel.Run run) {
        pictures.getChildren().clear();
        deletion.show(run, "deletion");
        insertion.show(run, "insertion");
        charts.setVisible(run != null && run.panels().get(0).curve("deletion") != null);
        if (run == null) {
            scaleNote.setText("");
            values.setText("");
            return;
        }
        scaleNote.setText(run.scaleNote() + " · target " + run.target());
        if (run.photo() != null) {
            pictures.add(new Label("Input"), 0, 0);
            pictures.add(picture(run.photo(), run.width(), run.height()), 0, 1);
            int column = 1;
            for (AttributionPanel p : run.panels()) {
                Label caption = new Label(vm.sharedScaleProperty().get() ? p.caption()
                    : p.caption() + String.format(Locale.ROOT, vm.absoluteProperty().get() ? " (max %.3g)" : " (±%.3g)", p.largest()));
                caption.setId("attributionCaption-" + p.method());
                caption.setWrapText(true); // "ig (completeness gap -6.8e-05) (±0.0317)" is wider than a picture
                caption.setMaxWidth(PICTURE);
                caption.setMinHeight(Region.USE_PREF_SIZE);
                pictures.add(caption, column, 0);
                pictures.add(picture(p.attribution(), run.width(), run.height()), column, 1);
                pictures.add(picture(p.overlay(), run.width(), run.height()), column, 2);
                column++;
            }
            values.setText("");
        } else {
            values.setText(ValueTable.of(run));
        }
    }

    private static ImageView picture(int[] argb, int w, int h) {
        int factor = Math.max(1, PICTURE / Math.max(w, h));
        int[] big = factor == 1 ? argb : Pixels.upscale(argb, w, h, factor);
        WritableImage img = new WritableImage(w * factor, h * factor);
        img.getPixelWriter().setPixels(0, 0, w * factor, h * factor, PixelFormat.getIntArgbInstance(), big, 0, w * factor);
        ImageView v = new ImageView(img);
        v.setFitWidth(PICTURE);
        v.setFitHeight(PICTURE);
        v.setPreserveRatio(true);
        return v;
    }

    private static Label bold(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    private static HBox row(Node... nodes) {
        HBox h = new HBox(8, nodes);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }

    private static TextField field(int columns, String id) {
        TextField f = new TextField();
        f.setPrefColumnCount(columns);
        f.setId(id);
        return f;
    }

    /** A text field edited as a number: bound to {@code property}; text that does not parse goes back to the value. */
    private static <T extends Number> TextField number(Property<Number> property, Function<String, T> parse, String id) {
        TextField f = field(5, id);
        TextFormatter<Number> formatter = new TextFormatter<>(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return n == null ? "" : n instanceof Double d ? String.format(Locale.ROOT, "%s", d) : n.toString();
            }

            @Override
            public Number fromString(String s) {
                try {
                    return parse.apply(s.strip());
                } catch (NumberFormatException e) {
                    return property.getValue();
                }
            }
        }, property.getValue());
        f.setTextFormatter(formatter);
        formatter.valueProperty().bindBidirectional(property);
        return f;
    }
}
