package org.jacobi.ui.saliency;

import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.jacobi.analysis.Pixels;
import org.jacobi.ui.picker.TargetPickerView;

/** The Saliency tab: the target picked on the output, and input, saliency map and overlay side by side, with channel and opacity above. */
public final class SaliencyView extends ScrollPane {
    private final SaliencyViewModel vm;
    private static final String NOT_AN_IMAGE = "Saliency maps need an image-shaped input, [C, H, W] or [H, W, C] with 1, 3 or 4 channels: "
        + "open a model that takes images (File > Open Demo > Handwritten digits) and drop a photo on it.";
    private final Label note = new Label(NOT_AN_IMAGE);
    private final ImageView input = pixelView();
    private final ImageView saliency = pixelView();
    private final ImageView overlayBase = pixelView();
    private final ImageView overlayTop = pixelView();
    private final HBox controls;
    private final HBox images;
    private final Label scaleNote = new Label();
    private final Tooltip saliencyTip = new Tooltip();
    private final Label largeNote = new Label();
    private final Button computeFull = new Button("Compute full Jacobian");

    public SaliencyView(SaliencyViewModel vm) {
        this.vm = vm;
        overlayTop.opacityProperty().bind(vm.overlayOpacityProperty());
        StackPane overlay = new StackPane(overlayBase, overlayTop);
        CheckBox abs = new CheckBox("absolute |dy/dx|");
        abs.selectedProperty().bindBidirectional(vm.absoluteProperty());
        ComboBox<String> channel = new ComboBox<>(vm.channelChoices());
        channel.getSelectionModel().selectedIndexProperty().addListener((o, a, b) ->
            vm.channelProperty().set(b.intValue() <= 0 ? -1 : b.intValue() - 1));
        vm.channelChoices().addListener((ListChangeListener<String>) c -> channel.getSelectionModel().select(0));
        Slider opacity = new Slider(0, 1, 0.5);
        opacity.valueProperty().bindBidirectional(vm.overlayOpacityProperty());
        controls = new HBox(8, abs, new Label("Channels"), channel, new Label("Overlay opacity"), opacity);
        controls.setAlignment(Pos.CENTER_LEFT);
        controls.setPadding(new Insets(6));
        images = new HBox(12, captioned("Input", input), captioned("Saliency", saliency), captioned("Overlay", overlay));
        images.setPadding(new Insets(6));
        scaleNote.setId("saliencyScale");
        scaleNote.setWrapText(true);
        Tooltip.install(saliency, saliencyTip);
        largeNote.setId("saliencyLargeJacobian");
        computeFull.setId("saliencyComputeFull");
        computeFull.setOnAction(e -> vm.computeFullJacobian());
        HBox large = new HBox(8, largeNote, computeFull);
        large.setAlignment(Pos.CENTER_LEFT);
        large.visibleProperty().bind(largeNote.textProperty().isNotEmpty());
        large.managedProperty().bind(large.visibleProperty());
        VBox maps = new VBox(6, controls, images, scaleNote);
        HBox pickerAndMaps = new HBox(12, new TargetPickerView(vm.picker(), true), maps);
        VBox box = new VBox(6, note, large, pickerAndMaps);
        box.setPadding(new Insets(6));
        setContent(box);
        vm.pictureProperty().addListener((o, a, b) -> show());
        vm.computingProperty().addListener((o, a, b) -> show());
        show();
    }

    private void show() {
        String largeText = vm.largeJacobianText();
        largeNote.setText(largeText == null ? "" : largeText);
        SaliencyViewModel.Picture p = vm.pictureProperty().get();
        boolean ok = p != null;
        controls.setDisable(!ok);
        images.setVisible(ok);
        scaleNote.setVisible(ok);
        note.setText(vm.computingProperty().get() ? "Computing the saliency map (one reverse pass)…" : NOT_AN_IMAGE);
        note.setVisible(!ok);
        note.setManaged(!ok);
        if (!ok) {
            for (ImageView v : List.of(input, saliency, overlayBase, overlayTop)) {
                v.setImage(null); // hidden, but the previous model's pictures need not stay in memory
            }
            scaleNote.setText("");
            return;
        }
        WritableImage inImg = image(p.input(), p.width(), p.height());
        WritableImage salImg = image(p.saliency(), p.width(), p.height());
        input.setImage(inImg);
        saliency.setImage(salImg);
        overlayBase.setImage(inImg);
        overlayTop.setImage(salImg);
        saliencyTip.setText(p.derivative());
        scaleNote.setText(p.scaleNote());
        scaleNote.setStyle(p.flat() ? "-fx-text-fill: #b35900; -fx-font-weight: bold;" : "");
        for (ImageView v : List.of(saliency, overlayTop)) {
            v.setVisible(!p.flat()); // a blank map would say nothing; the words below say why
        }
    }

    private static ImageView pixelView() {
        ImageView v = new ImageView();
        v.setFitWidth(280);
        v.setFitHeight(280);
        v.setPreserveRatio(true);
        v.setSmooth(false);
        return v;
    }

    private static Node captioned(String caption, Node content) {
        VBox b = new VBox(4, new Label(caption), content);
        b.setAlignment(Pos.TOP_CENTER);
        return b;
    }

    /** The pixels as an image, enlarged by whole pixels to about 280 px (ImageView smoothing is not always honoured). */
    static WritableImage image(int[] argb, int w, int h) {
        int factor = Math.max(1, 280 / Math.max(w, h));
        int[] big = factor == 1 ? argb : Pixels.upscale(argb, w, h, factor);
        WritableImage img = new WritableImage(w * factor, h * factor);
        img.getPixelWriter().setPixels(0, 0, w * factor, h * factor, PixelFormat.getIntArgbInstance(), big, 0, w * factor);
        return img;
    }
}
