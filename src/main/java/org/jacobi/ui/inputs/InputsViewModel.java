package org.jacobi.ui.inputs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.analysis.InputFiles;
import org.jacobi.analysis.SampleGenerator;
import org.jacobi.analysis.SampleShapes;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.InputSettingsFiles;
import org.jacobi.inputs.MediaInputs;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;

/**
 * The Input panel: how samples are generated, how photos and sound clips become input values ({@link InputSettings},
 * remembered per model in its sidecar file), and reading input files.
 */
public final class InputsViewModel {
    private final Workspace workspace;
    private final AppState state;
    private final ObjectProperty<SampleGenerator.Kind> generatorKind = new SimpleObjectProperty<>(this, "generatorKind", SampleGenerator.Kind.NORMAL);
    private final LongProperty generatorSeed = new SimpleLongProperty(this, "generatorSeed", 0);
    private final IntegerProperty generatorCount = new SimpleIntegerProperty(this, "generatorCount", 4);
    private final ReadOnlyObjectWrapper<InputSettings> settings = new ReadOnlyObjectWrapper<>(this, "settings", InputSettings.defaults());
    private final ReadOnlyStringWrapper settingsSource = new ReadOnlyStringWrapper(this, "settingsSource", "");
    /** The shapes of the values inside the graph, from one forward run of the first sample of the open model. */
    private final ReadOnlyObjectWrapper<Map<String, String>> valueShapes = new ReadOnlyObjectWrapper<>(this, "valueShapes", Map.of());
    private Model shapesProbed;
    /** The photos or clips the current input was read from, read again when the settings change; empty when none. */
    private List<Path> mediaFiles = List.of();
    private final ObservableList<DynamicAxis> dynamicAxes = FXCollections.observableArrayList();

    public InputsViewModel(Workspace workspace) {
        this.workspace = workspace;
        this.state = workspace.state();
        state.modelProperty().addListener((o, a, b) -> valueShapes.set(Map.of()));
        state.modelInfoProperty().addListener((o, a, b) -> dynamicAxes.setAll(DynamicAxis.of(b)));
        state.inputsProperty().addListener((o, a, b) -> DynamicAxis.fill(dynamicAxes, b));
        dynamicAxes.setAll(DynamicAxis.of(state.modelInfoProperty().get()));
        DynamicAxis.fill(dynamicAxes, state.inputsProperty().get());
    }

    /** The shapes of the graph's values, for the choosers ("[1, 8, 14, 14]"); filled in by {@link #probeValueShapes}. */
    public ReadOnlyObjectProperty<Map<String, String>> valueShapesProperty() {
        return valueShapes.getReadOnlyProperty();
    }

    /**
     * Learns the shapes of the graph's values from one forward run of the first sample, once a model, when a chooser
     * first opens: a run that outputs every value of a large model holds them all at once, so it runs only when asked.
     */
    public void probeValueShapes() {
        Model model = state.model();
        Map<String, Tensor> inputs = state.inputsProperty().get();
        List<String> values = List.copyOf(state.valueChoices());
        if (inputs == null || model == null || model == shapesProbed || values.isEmpty()) {
            return;
        }
        shapesProbed = model;
        Map<String, Integer> axes = state.batchAxisProperty().get().axesOf(model.info());
        Map<String, Tensor> first = new LinkedHashMap<>();
        inputs.forEach((name, t) -> {
            int axis = axes.getOrDefault(name, BatchAxis.NO_AXIS);
            first.put(name, axis >= 0 && axis < t.rank() && t.dim(axis) > 1 ? t.sliceAlong(axis, 0, 1) : t);
        });
        workspace.executor().submit("Reading the shapes of the graph's values", monitor -> {
            Map<String, String> shapes = new HashMap<>();
            model.run(first, new LinkedHashSet<>(values)).forEach((name, t) -> shapes.put(name, Tensor.shapeToString(t.shape())));
            return shapes;
        }, shapes -> {
            if (state.model() == model) {
                valueShapes.set(Map.copyOf(shapes));
            }
        }, e -> {
            if (state.model() == model) {
                state.showError(e);
            }
        });
    }

    /** The settings a newly opened model's photos are read with: its metadata, then its sidecar file, if any. */
    public static InputSettingsFiles.Resolved settingsFor(Model model) {
        Path path = model.info().path();
        return InputSettingsFiles.resolve(path, model.metadata(), null, Map.of());
    }

    /** A model has been opened with {@code resolved} settings and its input read from {@code files} (may be empty). */
    public void modelOpened(InputSettingsFiles.Resolved resolved, List<Path> files) {
        settings.set(resolved.settings());
        settingsSource.set(resolved.sources().isEmpty() ? "defaults" : "from " + String.join(", ", resolved.sources()));
        mediaFiles = files.stream().anyMatch(MediaInputs::isMediaFile) ? List.copyOf(files) : List.of();
    }

    /** The user changed the settings: the photos (or clips) of the current input are read again with them. */
    public void changeSettings(InputSettings changed) {
        if (changed.equals(settings.get())) {
            return;
        }
        settings.set(changed);
        settingsSource.set("changed, not saved");
        if (!mediaFiles.isEmpty() && state.model() != null) {
            loadInputFiles(mediaFiles);
        }
    }

    /** Saves the settings beside the model ({@code MODEL.jacobi.json}), so that they apply whenever it opens. */
    public void saveSettings() {
        Model model = state.model();
        if (model == null || model.info().path() == null) {
            state.showError(JacobiException.usage("Open a model first; the settings are saved beside it."));
            return;
        }
        Path file = InputSettingsFiles.sidecarFor(model.info().path());
        try {
            InputSettingsFiles.write(file, settings.get());
            settingsSource.set("from " + file.getFileName());
            state.showInfo("Input settings saved to " + file + "; they apply whenever " + model.info().path().getFileName() + " opens.");
        } catch (RuntimeException e) {
            state.showError(e);
        }
    }

    /** The generator settings now in the form. */
    public InputFiles.Generation generation() {
        return new InputFiles.Generation(generatorKind.get(), generatorSeed.get(), generatorCount.get());
    }

    /** Replaces the inputs with generated samples (kind, seed and count from the form). */
    public void generateSamples() {
        if (state.model() == null) {
            state.showError(new JacobiException("Open a model first."));
            return;
        }
        try {
            InputFiles.Generation gen = generation();
            ModelInfo sized = SampleShapes.withSampleShapes(state.model().info(), DynamicAxis.sampleShapes(state.model().info(), dynamicAxes));
            state.setInputs(InputFiles.generate(sized, gen), gen.describe());
            mediaFiles = List.of();
            workspace.recomputeIfReady();
        } catch (RuntimeException e) {
            state.showError(e);
        }
    }

    /** Reads tensor files, photos or clips as the open model's input, keeping other inputs as they are. */
    public void loadInputFiles(List<Path> files) {
        if (state.model() == null) {
            state.showError(new JacobiException("Open a model first."));
            return;
        }
        Model model = state.model();
        ModelInfo info = model.info();
        Map<String, Tensor> current = state.inputsProperty().get() == null ? Map.of() : state.inputsProperty().get();
        InputSettings using = settings.get();
        String target = state.wrtProperty().get();
        workspace.executor().submit("Reading " + InputFiles.describe(files),
            monitor -> InputFiles.read(info, current, files, using, target),
            in -> {
                if (state.model() == model) { // inputs read for a model closed meanwhile do not fit the open one
                    mediaFiles = files.stream().anyMatch(MediaInputs::isMediaFile) ? List.copyOf(files) : List.of();
                    state.setInputs(in, describe(files, using));
                    workspace.recomputeIfReady();
                }
            }, e -> {
                if (state.model() == model) {
                    state.showError(e);
                }
            });
    }

    /** "face.png (layout auto, resize auto, normalize -1..1, rgb)" for photos, the file names for tensor files. */
    public static String describe(List<Path> files, InputSettings using) {
        return InputFiles.describe(files) + (files.stream().anyMatch(MediaInputs::isMediaFile) ? " (" + using.describe() + ")" : "");
    }

    /**
     * One size box per dynamic axis (besides the batch) of each input: filled from the input file when it fixes them,
     * typed otherwise; generated samples take these sizes.
     */
    public ObservableList<DynamicAxis> dynamicAxes() {
        return dynamicAxes;
    }

    public ObjectProperty<SampleGenerator.Kind> generatorKindProperty() {
        return generatorKind;
    }

    public LongProperty generatorSeedProperty() {
        return generatorSeed;
    }

    public IntegerProperty generatorCountProperty() {
        return generatorCount;
    }

    /** How photos and clips become input values; change it with {@link #changeSettings}. */
    public ReadOnlyObjectProperty<InputSettings> settingsProperty() {
        return settings.getReadOnlyProperty();
    }

    /** Where the settings come from: "defaults", "from face.onnx.jacobi.json", "changed, not saved". */
    public ReadOnlyStringProperty settingsSourceProperty() {
        return settingsSource.getReadOnlyProperty();
    }
}
