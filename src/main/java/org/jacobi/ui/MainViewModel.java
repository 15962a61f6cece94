package org.jacobi.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.analysis.InputFiles;
import org.jacobi.analysis.JacobianSize;
import org.jacobi.analysis.SampleShapes;
import org.jacobi.core.CancelledException;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.InputSettingsFiles;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.inputs.InputsViewModel;
import org.jacobi.ui.task.TaskExecutor;
import org.jacobi.ui.task.TaskHandle;

/**
 * The window's own state and the actions every panel relies on: open a model (with its input), compute the
 * Jacobian in the background, cancel, remember recent files. The panels' state lives in their own view
 * models, which share the {@link AppState}. All methods are called on the UI thread.
 */
public final class MainViewModel implements Workspace {
    static final long WHAT_IF_DEBOUNCE_MS = 250;

    private final TaskExecutor executor;
    private final AppState state = new AppState();
    private final InputsViewModel inputs;
    private final ExportActions exports;
    /** The engine the Jacobian comes from: the open model's exact one (tests put a slow or counting one in its place). */
    private final Function<ModelDerivatives, JacobianEngine> jacobianEngine;
    /** Rows of a Jacobian too large to compute whole, computed as the panels ask for them. */
    private final LargeJacobians largeRows;
    private TaskHandle computeHandle;
    /** True while a newly opened model's choices are set, so that setting them does not compute yet. */
    private boolean opening;
    /** Jacobians with more entries than this are computed only when asked for (Compute > Compute Jacobian). */
    private long automaticEntryLimit = JacobianSize.DEFAULT_AUTOMATIC_LIMIT;

    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Jacobi");
    private final ReadOnlyStringWrapper methodText = new ReadOnlyStringWrapper(this, "methodText", "no Jacobian yet");
    private final ReadOnlyStringWrapper warningsText = new ReadOnlyStringWrapper(this, "warningsText", "");
    private final ReadOnlyBooleanWrapper approximate = new ReadOnlyBooleanWrapper(this, "approximate", false);
    private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper deviceNote = new ReadOnlyStringWrapper(this, "deviceNote", "");
    private final BooleanProperty autoCompute = new SimpleBooleanProperty(this, "autoCompute", true);

    public MainViewModel(TaskExecutor executor) {
        this(executor, ModelDerivatives::exact);
    }

    /**
     * @param jacobianEngine which of the open model's engines computes its Jacobian (with finite differences as the
     *     fallback): {@link ModelDerivatives#exact} in the app
     */
    public MainViewModel(TaskExecutor executor, Function<ModelDerivatives, JacobianEngine> jacobianEngine) {
        this.executor = executor;
        this.jacobianEngine = jacobianEngine;
        this.largeRows = new LargeJacobians(executor, state, jacobianEngine);
        this.inputs = new InputsViewModel(this);
        this.exports = new ExportActions(this);
        state.wrtProperty().addListener((obs, a, b) -> recomputeIfReady());
        state.ofProperty().addListener((obs, a, b) -> recomputeIfReady());
        state.modeProperty().addListener((obs, a, b) -> recomputeIfReady());
        state.batchAxisProperty().addListener((obs, a, b) -> recomputeIfReady());
        state.deviceProperty().addListener((obs, a, b) -> reopenOnDevice());
        state.resultProperty().addListener((obs, a, r) -> {
            methodText.set(r == null ? "no Jacobian yet" : r.methodLabel() + " · " + r.backend() + " · " + r.device());
            approximate.set(r != null && !r.exact());
            if (r == null) {
                warningsText.set("");
                return;
            }
            warningsText.set(String.join("\n", r.warnings().stream().filter(w -> !isDeviceNote(w)).toList()));
            // where the model runs is information (the status bar says it once), not a standing warning
            r.warnings().stream().filter(MainViewModel::isDeviceNote).findFirst().ifPresent(deviceNote::set);
        });
    }

    // ---- opening files -------------------------------------------------------------------------

    /** The note that the model runs on the CPU although a GPU might have been used (no GPU build, none found). */
    static boolean isDeviceNote(String warning) {
        return warning.endsWith("running on the CPU.");
    }

    public static boolean isModelFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".onnx") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".torchscript");
    }

    /**
     * What dropping files on the window does (File > Open too): a model file opens the model, tensor files
     * (NPY, NPZ, CSV) and images become the input. Models load first, so a model dropped together with
     * its input works.
     */
    public void openFiles(List<Path> files) {
        Path modelFile = null;
        List<Path> inputFiles = new ArrayList<>();
        for (Path f : files) {
            if (isModelFile(f)) {
                modelFile = f;
            } else if (InputFiles.isInputFile(f)) {
                inputFiles.add(f);
            } else {
                state.showError(new JacobiException(f.getFileName() + " is not a model (.onnx, .pt), tensor file (.npy, .npz, .csv) or image (.png, .jpg)."));
                return;
            }
        }
        if (modelFile != null) {
            openModel(modelFile, inputFiles);
        } else if (!inputFiles.isEmpty()) {
            if (state.model() == null) {
                state.showError(new JacobiException("Open a model first, then drop its input files."));
                return;
            }
            inputs.loadInputFiles(inputFiles);
        }
    }

    /** Opens a model; {@code inputFiles} (may be empty) become its input, else samples are generated. */
    public void openModel(Path path, List<Path> inputFiles) {
        open(path, inputFiles, null, null);
    }

    /** File > Open Demo: one of the bundled demo models with its sample input. */
    public void openDemo(DemoAssets.Demo demo) {
        try {
            openModel(demo.model(), List.of(demo.input()));
        } catch (RuntimeException e) {
            state.showError(e);
        }
    }

    /**
     * File > Open Labels: names for the output's elements, one per line, used instead of the model's own (if
     * any) wherever the output is labelled, while their count matches the output's.
     */
    public void openLabels(Path file) {
        executor.submit("Reading " + file.getFileName(), monitor -> ElementLabels.read(file), labels -> {
            state.userOutputLabelsProperty().set(labels);
            JacobianResult r = state.resultProperty().get();
            if (r != null && r.outputsPerSample() != labels.size()) {
                state.showError(new JacobiException(file.getFileName() + " has " + labels.size() + " names but output '"
                    + r.of() + "' has " + r.outputsPerSample() + " elements; they apply once an output of that size is shown."));
            } else {
                state.showInfo("Output elements named from " + file.getFileName() + ".");
            }
        }, state::showError);
    }

    /** Opens the model again on the device now chosen, keeping the current inputs. */
    private void reopenOnDevice() {
        if (state.model() != null) {
            open(state.model().info().path(), List.of(), state.inputsProperty().get(), state.inputSourceProperty().get());
        }
    }

    private void open(Path path, List<Path> inputFiles, Map<String, Tensor> preset, String presetSource) {
        DevicePreference dev = state.deviceProperty().get();
        cancelCompute();
        largeRows.reset();
        InputFiles.Generation gen = inputs.generation();
        // The open model stays usable until the new one has loaded: a file that fails to open changes nothing.
        executor.submit("Opening " + path.getFileName(), monitor -> {
            Model m = ModelLoader.load(path, new ModelLoader.Options(dev, Map.of()));
            if (preset != null) { // the same model again (on another device): the settings in use stay
                return new Opened(m, preset, presetSource, null, List.of());
            }
            InputSettingsFiles.Resolved settings = new InputSettingsFiles.Resolved(InputSettings.defaults(), List.of());
            try {
                settings = InputsViewModel.settingsFor(m);
                Map<String, Tensor> in = inputFiles.isEmpty()
                    ? InputFiles.generate(m.info(), gen)
                    : InputFiles.read(m.info(), Map.of(), inputFiles, settings.settings(), null);
                String source = inputFiles.isEmpty() ? gen.describe() : InputsViewModel.describe(inputFiles, settings.settings());
                return new Opened(m, in, source, settings, inputFiles);
            } catch (RuntimeException e) {
                // the model is fine; keep it open and report the input problem
                return new Opened(m, null, e.getMessage(), settings, inputFiles);
            }
        }, opened -> showOpened(path, opened), state::showError);
    }

    private record Opened(Model model, Map<String, Tensor> inputs, String inputSource, InputSettingsFiles.Resolved settings,
                          List<Path> inputFiles) {
    }

    private void showOpened(Path path, Opened opened) {
        closeOpenModel();
        opening = true;
        try {
            state.setModel(new ModelDerivatives(opened.model));
            title.set("Jacobi — " + path.getFileName());
            UiSettings.addRecent(recentFiles, path);
            List<String> floatInputs = opened.model.info().inputs().stream()
                .filter(s -> s.type() == null || s.type().isFloatingPoint()).map(TensorSpec::name).toList();
            state.valueChoices().setAll(opened.model.intermediateValues());
            state.wrtChoices().setAll(floatInputs);
            state.ofChoices().setAll(opened.model.info().outputs().stream().map(TensorSpec::name).toList());
            state.wrtProperty().set(floatInputs.isEmpty() ? null : floatInputs.get(0));
            state.ofProperty().set(state.ofChoices().isEmpty() ? null : state.ofChoices().get(0));
            if (opened.settings != null) {
                inputs.modelOpened(opened.settings, opened.inputFiles);
            }
        } finally {
            opening = false;
        }
        if (opened.inputs == null) {
            state.setInputs(null, "no input");
            // the reason says what to do (drop a file, or generate samples), once
            state.messageProperty().set(new UserMessage("Opened " + path.getFileName() + "; no input yet. " + opened.inputSource, null, true));
        } else {
            state.setInputs(opened.inputs, opened.inputSource);
            recomputeIfReady();
        }
    }

    // ---- computing -------------------------------------------------------------------------------

    @Override
    public void recomputeIfReady() {
        if (!opening && autoCompute.get() && state.model() != null && state.inputsProperty().get() != null) {
            compute();
        }
    }

    @Override
    public void computeSoon() {
        executor.debounce("what-if", WHAT_IF_DEBOUNCE_MS, this::compute);
    }

    /**
     * Computes the Jacobian of the current output with respect to the current input, in the background,
     * when it has at most {@link #automaticEntryLimit} entries; a larger one is only sized (one forward run)
     * and left for {@link #computeFullJacobian()}, while saliency rows of it come one reverse pass each.
     */
    @Override
    public void compute() {
        compute(false);
    }

    /** Computes the full Jacobian whatever its size (what the user asks for with Compute > Compute Jacobian). */
    @Override
    public void computeFullJacobian() {
        compute(true);
    }

    private void compute(boolean evenIfLarge) {
        ModelDerivatives derivatives = state.derivatives();
        if (derivatives == null || state.inputsProperty().get() == null) {
            state.showError(new JacobiException("Open a model and give it an input first."));
            return;
        }
        Model m = derivatives.model();
        cancelCompute();
        largeRows.reset(); // rows of the previous Jacobian must not delay this one
        JacobianRequest request = JacobianRequest.of(state.inputsProperty().get())
            .withWrtOf(state.wrtProperty().get(), state.ofProperty().get()).withMode(state.modeProperty().get())
            .withBatchAxis(state.batchAxisProperty().get());
        long limit = automaticEntryLimit;
        computeHandle = executor.submit("Computing the Jacobian", monitor -> {
            if (!evenIfLarge) {
                AppState.LargeJacobian large = LargeJacobians.sizeIfLarge(m, request, limit);
                if (large != null) {
                    return large;
                }
            }
            JacobianResult r = Jacobians.compute(jacobianEngine.apply(derivatives), derivatives.finiteDifferences(), request,
                monitor);
            return new AppState.Computed(r, request.inputs(),
                ElementLabels.of(m, r.wrt(), r.inputsPerSample()).orElse(null),
                ElementLabels.of(m, r.of(), r.outputsPerSample()).orElse(null));
        }, outcome -> {
            if (m != state.model()) {
                return; // a result for a model closed meanwhile
            }
            Timeline.mark(Timeline.OUTPUT);
            if (outcome instanceof AppState.LargeJacobian large) {
                state.setDeferred(large);
                state.showInfo("The full Jacobian is large (" + large.size().describe()
                    + "), so it is computed only when asked for (Compute > Compute Jacobian); saliency maps need one reverse pass each.");
            } else {
                state.setComputed((AppState.Computed) outcome);
            }
        }, e -> {
            if (m != state.model()) {
                return; // the model closed meanwhile: its errors no longer matter
            }
            if (e instanceof CancelledException) {
                state.showInfo("Computation cancelled.");
            } else {
                state.showError(e);
            }
        });
    }

    @Override
    public void jacobianRow(int sample, int output, Consumer<double[]> onRow, Runnable onStopped) {
        largeRows.row(sample, output, onRow, onStopped);
    }

    @Override
    public void jacobianRows(String title, int sample, int[] outputs, Runnable onComputed, Runnable onStopped) {
        largeRows.rows(title, sample, outputs, onComputed, onStopped);
    }

    @Override
    public float[] computedJacobianRow(int sample, int output) {
        return largeRows.computed(sample, output);
    }

    @Override
    public int[] computedJacobianRowOutputs(int sample) {
        return largeRows.computedOutputs(sample);
    }

    @Override
    public double estimatedFullJacobianSeconds() {
        AppState.LargeJacobian large = state.deferredProperty().get();
        return large == null ? Double.NaN : largeRows.estimatedFullSeconds(large);
    }

    /** For tests: the entry count above which the Jacobian is computed only when asked for. */
    void setAutomaticEntryLimit(long entries) {
        this.automaticEntryLimit = entries;
    }

    /** Cancels the computation in flight, if any (the status bar's Cancel). */
    public void cancel() {
        executor.cancelAll();
    }

    private void cancelCompute() {
        if (computeHandle != null && !computeHandle.isDone()) {
            computeHandle.cancel();
        }
    }

    /**
     * Replaces the selected sample of the differentiated input with {@code sample} (shape {@code [1, ...]} or
     * one sample's shape), e.g. an optimised input, and recomputes.
     */
    public void useAsSelectedSample(Tensor sample) {
        Tensor x = state.wrtValue();
        int samples = state.sampleCountProperty().get();
        if (x == null || samples == 0) {
            state.showError(new JacobiException("There is no input to put the sample into."));
            return;
        }
        int per = x.size() / samples;
        if (sample.size() != per) {
            state.showError(new JacobiException("The sample has " + sample.size() + " values but input '"
                + state.wrtProperty().get() + "' takes " + per + " per sample."));
            return;
        }
        int selected = state.selectedSampleProperty().get();
        state.editInput(state.wrtProperty().get(), SampleShapes.withSample(x, samples, selected, sample.toDoubleArray()));
        state.showInfo("Sample " + selected + " replaced by the optimised input.");
        recomputeIfReady();
    }

    // ---- closing ---------------------------------------------------------------------------------

    /** Closes the model and its engines (in the background, after any work using them). */
    public void dispose() {
        largeRows.reset();
        closeOpenModel();
        state.setModel(null);
    }

    /**
     * Closes the open model's engines and then the model, as one task queued after the work still using them (there is
     * one worker): a panel's task submitted before the switch finishes first, none can start in between.
     */
    private void closeOpenModel() {
        ModelDerivatives open = state.derivatives();
        if (open == null) {
            return;
        }
        executor.submit("Closing " + open.model().info().fileName(), monitor -> {
            try (Model m = open.model(); open) {
                return null;
            }
        }, x -> { }, x -> { }); // native resources of a model being replaced: nothing the user can do about them
    }

    // ---- properties ------------------------------------------------------------------------------

    @Override
    public AppState state() {
        return state;
    }

    @Override
    public TaskExecutor executor() {
        return executor;
    }

    /** The Input panel's view model (its generator and image settings also apply when a model opens). */
    public InputsViewModel inputs() {
        return inputs;
    }

    public ExportActions exports() {
        return exports;
    }

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty methodTextProperty() {
        return methodText.getReadOnlyProperty();
    }

    /** Why the model runs on the CPU although a GPU might have served (see {@link #isDeviceNote}); empty when none. */
    public ReadOnlyStringProperty deviceNoteProperty() {
        return deviceNote.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty warningsTextProperty() {
        return warningsText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty approximateProperty() {
        return approximate.getReadOnlyProperty();
    }

    public ObservableList<Path> recentFiles() {
        return recentFiles;
    }

    public BooleanProperty autoComputeProperty() {
        return autoCompute;
    }
}
