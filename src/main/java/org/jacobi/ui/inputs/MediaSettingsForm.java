package org.jacobi.ui.inputs;

import java.util.function.UnaryOperator;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import org.jacobi.core.JacobiException;
import org.jacobi.inputs.ChannelOrder;
import org.jacobi.inputs.ImageLayout;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.Normalization;
import org.jacobi.inputs.Resize;
import org.jacobi.ui.AppState;

/**
 * The form for how photos and sound clips become input values: layout, size, normalisation preset, channel order,
 * audio rate, and Save settings (the sidecar beside the model). A change reads the current photos again.
 */
final class MediaSettingsForm {
    private final InputsViewModel vm;
    private final AppState state;
    private final ComboBox<ImageLayout> layout = new ComboBox<>();
    private final ComboBox<String> resize = new ComboBox<>();
    private final ComboBox<String> normalize = new ComboBox<>();
    private final ComboBox<ChannelOrder> channels = new ComboBox<>();
    private final TextField sampleRate = new TextField();
    /** True while the controls are set from the settings, so that setting them changes nothing. */
    private boolean showing;

    MediaSettingsForm(InputsViewModel vm, AppState state) {
        this.vm = vm;
        this.state = state;
    }

    /** Adds the form's rows to {@code grid} from row {@code row} on; returns the next free row. */
    int addTo(GridPane grid, int row) {
        int r = row;
        grid.add(InputsView.bold("Photos and sound (PNG, JPEG, WAV)"), 0, r++, 2, 1);
        Label source = new Label();
        source.setId("mediaSettingsSource");
        source.setWrapText(true);
        source.textProperty().bind(vm.settingsSourceProperty().map(t -> t.isEmpty() ? "" : "Settings: " + t));
        grid.add(source, 0, r++, 2, 1);

        layout.setId("mediaLayout");
        layout.getItems().setAll(ImageLayout.values());
        layout.setTooltip(new Tooltip("Where the channel axis is: auto reads it from the input's shape (the axis of 1, 3 or 4);\n"
            + "nchw = [batch, C, H, W] (PyTorch), nhwc = [batch, H, W, C] (TensorFlow)"));
        layout.setOnAction(e -> change(s -> s.withLayout(layout.getValue())));
        grid.addRow(r++, new Label("Layout"), layout);

        resize.setId("mediaResize");
        resize.setEditable(true);
        resize.getItems().setAll("auto", "keep", "224x224", "multiple:32");
        resize.setTooltip(new Tooltip("Size for the input's dynamic height and width (a fixed one always wins):\n"
            + "auto or keep = the photo's own size, HxW (e.g. 224x224), multiple:N = rounded to a multiple of N"));
        resize.setOnAction(e -> change(s -> s.withResize(Resize.parse(resize.getValue()))));
        grid.addRow(r++, new Label("Size"), resize);

        normalize.setId("mediaNormalize");
        normalize.setEditable(true);
        normalize.getItems().setAll("0..1", "-1..1", "imagenet", "raw");
        normalize.setTooltip(new Tooltip("How pixel values 0..255 become input values: 0..1, -1..1 (MobileNet, many TensorFlow models),\n"
            + "imagenet (0..1, then torchvision's mean and std), raw (0..255), or custom: mean=R,G,B;std=R,G,B (0..1 units)"));
        normalize.setOnAction(e -> change(s -> s.withNormalization(Normalization.parse(normalize.getValue()))));
        grid.addRow(r++, new Label("Normalise"), normalize);

        channels.setId("mediaChannels");
        channels.getItems().setAll(ChannelOrder.values());
        channels.setTooltip(new Tooltip("Colour order: rgb (PyTorch, TensorFlow) or bgr (OpenCV and Caffe exports)"));
        channels.setOnAction(e -> change(s -> s.withChannels(channels.getValue())));
        grid.addRow(r++, new Label("Colours"), channels);

        sampleRate.setId("mediaSampleRate");
        sampleRate.setPrefColumnCount(8);
        sampleRate.setTooltip(new Tooltip("WAV clips are resampled to this rate in Hz (e.g. 16000); 0 keeps each clip's own rate"));
        sampleRate.setOnAction(e -> changeRate());
        sampleRate.focusedProperty().addListener((o, a, b) -> {
            if (!b) {
                changeRate();
            }
        });
        grid.addRow(r++, new Label("Audio Hz"), sampleRate);

        Button save = new Button("Save settings");
        save.setId("saveMediaSettings");
        save.setTooltip(new Tooltip("Saves these settings beside the model (MODEL.jacobi.json); they apply whenever it opens"));
        save.setOnAction(e -> vm.saveSettings());
        save.disableProperty().bind(state.modelProperty().isNull());
        grid.add(save, 1, r++);

        vm.settingsProperty().addListener((o, a, b) -> show(b));
        show(vm.settingsProperty().get());
        return r;
    }

    private void changeRate() {
        change(s -> s.withSampleRate(Integer.parseInt(sampleRate.getText().trim())));
    }

    /** Applies one control's change; text that does not parse is marked and explained, and changes nothing. */
    private void change(UnaryOperator<InputSettings> edit) {
        if (showing) {
            return;
        }
        try {
            vm.changeSettings(edit.apply(vm.settingsProperty().get()));
        } catch (NumberFormatException e) {
            state.showError(JacobiException.usage("The audio rate '" + sampleRate.getText() + "' is not a whole number of Hz, e.g. 16000."));
            show(vm.settingsProperty().get());
        } catch (RuntimeException e) {
            state.showError(e);
            show(vm.settingsProperty().get());
        }
    }

    private void show(InputSettings s) {
        showing = true;
        try {
            layout.setValue(s.layout());
            resize.setValue(s.resize().toString());
            normalize.setValue(s.normalization().name());
            channels.setValue(s.channels());
            sampleRate.setText(Integer.toString(s.sampleRate()));
        } finally {
            showing = false;
        }
    }
}
