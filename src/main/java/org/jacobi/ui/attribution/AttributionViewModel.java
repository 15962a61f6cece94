package org.jacobi.ui.attribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.analysis.Saliency;
import org.jacobi.attribution.AttributionMethod;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionRunner;
import org.jacobi.attribution.AttributionSettings;
import org.jacobi.attribution.Baseline;
import org.jacobi.attribution.IntegrationRule;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;
import org.jacobi.ui.picker.TargetPickerModel;
import org.jacobi.ui.task.TaskHandle;

/**
 * The Attribution tab: the chosen methods, each with its parameters, attribute one output target of the selected
 * sample (the model's other inputs stay fixed); the results are shown side by side on one colour scale, with their
 * deletion and insertion curves. Work runs on the workspace's executor and can be cancelled; another model, sample
 * or input clears the results.
 */
public final class AttributionViewModel {
    /** Everything one run shows: the photo (null for inputs that are not images), each method's panel, captions. */
    public record Run(AttributionProblem problem, int[] photo, int width, int height, List<AttributionPanel> panels,
                      String target, String scaleNote) {
    }

    private static final List<String> CURVES = List.of("deletion", "insertion");

    private final Workspace workspace;
    private final AppState state;
    private final Map<String, BooleanProperty> chosen = new LinkedHashMap<>();
    private final TargetPickerModel picker;
    private final StringProperty target;
    private final IntegerProperty steps = new SimpleIntegerProperty(this, "steps");
    private final ObjectProperty<IntegrationRule> rule = new SimpleObjectProperty<>(this, "rule");
    private final StringProperty baseline = new SimpleStringProperty(this, "baseline", "zero");
    private final DoubleProperty blurSigma = new SimpleDoubleProperty(this, "blurSigma", 5);
    private final IntegerProperty samples = new SimpleIntegerProperty(this, "samples");
    private final DoubleProperty noise = new SimpleDoubleProperty(this, "noise");
    private final LongProperty seed = new SimpleLongProperty(this, "seed");
    private final StringProperty window = new SimpleStringProperty(this, "window", "");
    private final StringProperty stride = new SimpleStringProperty(this, "stride", "");
    private final BooleanProperty curves = new SimpleBooleanProperty(this, "curves", true);
    private final BooleanProperty absolute = new SimpleBooleanProperty(this, "absolute", false);
    private final BooleanProperty sharedScale = new SimpleBooleanProperty(this, "sharedScale", true);
    private final LayerChooser layers;
    private final ReadOnlyObjectWrapper<Run> run = new ReadOnlyObjectWrapper<>(this, "run");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    /** The raw results of the last run, re-coloured when signed/absolute changes. */
    private List<AttributionRunner.Result> results = List.of();
    private AttributionProblem resultProblem;
    private TaskHandle task;
    /** Counts runs and clears: a result or failure of an older run is dropped. */
    private int generation;

    /** The tab with its own target picker. */
    public AttributionViewModel(Workspace workspace) {
        this(workspace, new TargetPickerModel(workspace.state()));
    }

    /** The tab attributing the target of {@code picker} (shared with the Saliency tab). */
    public AttributionViewModel(Workspace workspace, TargetPickerModel picker) {
        this.workspace = workspace;
        this.state = workspace.state();
        this.picker = picker;
        this.target = picker.textProperty();
        AttributionSettings d = AttributionSettings.defaults();
        steps.set(d.steps());
        rule.set(d.rule());
        samples.set(d.samples());
        noise.set(d.noise());
        seed.set(d.seed());
        for (String m : AttributionSettings.METHODS) {
            chosen.put(m, new SimpleBooleanProperty(this, m, m.equals("saliency") || m.equals("ig") || m.equals("smoothgrad")));
        }
        layers = new LayerChooser(workspace);
        for (String m : List.of("gradcam", "layer-gradxact")) {
            chosen.get(m).addListener((o, a, b) -> refreshLayers());
        }
        state.derivativesProperty().addListener((o, a, b) -> clearWithLayers());
        state.inputsProperty().addListener((o, a, b) -> clearWithLayers());
        state.selectedSampleProperty().addListener((o, a, b) -> clear(""));
        state.wrtProperty().addListener((o, a, b) -> clearWithLayers());
        absolute.addListener((o, a, b) -> show());
        sharedScale.addListener((o, a, b) -> show());
    }

    /** Every method name the tab offers, in order. */
    public List<String> methods() {
        return AttributionSettings.METHODS;
    }

    /** Whether method {@code name} (one of {@link #methods()}) runs. */
    public BooleanProperty chosenProperty(String name) {
        return chosen.get(name);
    }

    /** Runs the chosen methods on the selected sample in the background; the results replace the previous ones. */
    public void compute() {
        ModelDerivatives derivatives = state.derivatives();
        Map<String, Tensor> inputs = state.inputsProperty().get();
        if (derivatives == null || inputs == null) {
            status.set("Open a model and give it inputs first (File > Open Demo, or the Inputs panel).");
            return;
        }
        List<AttributionMethod> methods;
        OutputTarget outputTarget;
        AttributionSettings settings;
        try {
            settings = settings();
            List<String> names = chosen.entrySet().stream().filter(e -> e.getValue().get()).map(Map.Entry::getKey).toList();
            if (names.isEmpty()) {
                throw JacobiException.usage("Choose at least one method.");
            }
            methods = settings.methods(String.join(",", names));
            outputTarget = OutputTarget.parse(targetText(), null, null);
        } catch (JacobiException e) {
            status.set(e.getMessage());
            return;
        }
        cancel();
        int sample = Math.max(0, state.selectedSampleProperty().get());
        String wrt = state.wrtProperty().get();
        List<String> metrics = curves.get() ? CURVES : List.of();
        running.set(true);
        status.set("Computing " + methods.size() + " method" + (methods.size() == 1 ? "" : "s") + " on sample " + sample + "…");
        int mine = ++generation;
        boolean probability = picker.probabilityProperty().get();
        task = workspace.executor().submit("Attribution", monitor -> {
            AttributionProblem problem = problemOf(derivatives, inputs, wrt, outputTarget, probability, sample);
            List<AttributionRunner.Result> out = new ArrayList<>();
            for (AttributionMethod m : methods) {
                monitor.checkCancelled();
                out.add(AttributionRunner.run(m, problem, metrics, settings, monitor));
            }
            return new Computed(problem, out);
        }, done -> {
            if (mine != generation) {
                return; // cleared or replaced meanwhile
            }
            task = null;
            running.set(false);
            resultProblem = done.problem();
            results = done.results();
            double seconds = results.stream().mapToDouble(AttributionRunner.Result::seconds).sum();
            status.set(String.format(Locale.ROOT, "%d method%s of %s on sample %d in %.2f s.", results.size(),
                results.size() == 1 ? "" : "s", resultProblem.describeTarget(), sample, seconds));
            show();
        }, e -> {
            if (mine != generation) {
                return;
            }
            task = null;
            running.set(false);
            if (!(e instanceof CancelledException)) {
                results = List.of(); // the pictures shown must not pass for this run's
                resultProblem = null;
                show();
            }
            if (e instanceof CancelledException) {
                status.set("Cancelled.");
            } else if (e instanceof JacobiException) {
                status.set(e.getMessage());
            } else {
                status.set("The attribution failed; see the message above.");
                state.showError(e);
            }
        });
        if (!running.get()) {
            task = null; // finished already (an executor that runs work at once)
        }
    }

    private record Computed(AttributionProblem problem, List<AttributionRunner.Result> results) {
    }

    /**
     * The problem the tab solves: sample {@code sample} alone (every input with that batch axis cut to its row; the
     * inputs other than {@code wrt} stay fixed at it) and the target fixed there, at the logit before a final Sigmoid
     * or Softmax unless {@code probability}.
     */
    public static AttributionProblem problemOf(ModelDerivatives derivatives, Map<String, Tensor> inputs, String wrt,
                                               OutputTarget target, boolean probability, int sample) {
        Tensor x = wrt == null ? null : inputs.get(wrt);
        int samples = x == null || x.rank() == 0 ? 1 : (int) x.dim(0);
        int s = Math.max(0, Math.min(sample, samples - 1));
        Map<String, Tensor> one = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Tensor t = e.getValue();
            one.put(e.getKey(), x != null && t.rank() > 0 && t.dim(0) == samples ? t.sliceRows(s, s + 1) : t);
        }
        AttributionProblem problem = AttributionProblem.of(derivatives.model(), derivatives.exact(), one, wrt, target, probability,
            0, BatchAxis.AUTO);
        if (problem.target().targets() != 1) {
            throw JacobiException.usage("The tab attributes one target at a time: give NAME[i], a slice (summed) or NAME[top].");
        }
        return problem;
    }

    /**
     * The typed target, else the top element of the output chosen in the app: after a final Sigmoid or Softmax the
     * element the picker shows, found on the output's values (the logit's top could be another of a saturated
     * Sigmoid's ties).
     */
    private String targetText() {
        String t = target.get() == null ? "" : target.get().strip();
        if (!t.isEmpty()) {
            return t;
        }
        TargetPickerModel.Chosen chosen = picker.chosenProperty().get();
        TargetPickerModel.Output out = picker.outputProperty().get();
        if (chosen != null && out != null && chosen.element() >= 0 && chosen.activation() != null) {
            long[] sample = onePerSample(out);
            if (sample != null) {
                return out.name() + OutputTarget.elementText(sample, chosen.element());
            }
        }
        String of = state.ofProperty().get();
        return (of == null ? "" : of) + "[top]";
    }

    /**
     * The picker's output shape as one sample of the output has it: a model that fixes its batch at 1 keeps that axis
     * in the picker's shape, which an index of one sample leaves out; null when the two cannot be matched.
     */
    private long[] onePerSample(TargetPickerModel.Output out) {
        TensorSpec spec = state.model() == null ? null : state.model().info().output(out.name());
        long[] shape = out.shape();
        if (spec == null || !spec.hasShape() || spec.dims().size() - 1 >= shape.length) {
            return shape;
        }
        int drop = shape.length - (spec.dims().size() - 1);
        for (int a = 0; a < drop; a++) {
            if (shape[a] != 1) {
                return null;
            }
        }
        return Arrays.copyOfRange(shape, drop, shape.length);
    }

    private AttributionSettings settings() {
        AttributionSettings d = AttributionSettings.defaults();
        int[] w = Windows.parse(window.get(), "Window");
        int[] st = stride.get() == null || stride.get().isBlank() ? w : Windows.parse(stride.get(), "Stride");
        Map<String, Tensor> inputs = state.inputsProperty().get();
        Tensor x = inputs == null || state.wrtProperty().get() == null ? null : inputs.get(state.wrtProperty().get());
        if (w == null) { // blank: about 14 windows per side for images, single elements otherwise
            w = x == null ? new int[] {1} : Windows.auto(x.shape());
            st = st == null ? w : st;
        }
        if (steps.get() < 1 || samples.get() < 1) {
            throw JacobiException.usage("Steps and samples must be at least 1.");
        }
        if (!(noise.get() >= 0)) {
            throw JacobiException.usage("Noise must be zero or more (a fraction of the input's value range).");
        }
        return new AttributionSettings(steps.get(), rule.get(), Baseline.parse(baseline.get(), blurSigma.get(), seed.get()), false,
            samples.get(), noise.get(), seed.get(), null, null, w, st, d.fill(), d.metricSamples(), d.sensitivityRadius(),
            d.curveSteps(), d.block(), layers.layerProperty().get(), layers.reluProperty().get());
    }

    /** Re-draws the last results on one colour scale (signed or absolute). */
    private void show() {
        if (resultProblem == null || results.isEmpty()) {
            run.set(null);
            return;
        }
        run.set(Rendering.render(resultProblem, results, absolute.get(), sharedScale.get()));
    }

    /** Stops the running computation, if any. */
    public void cancel() {
        generation++;
        if (task != null) {
            task.cancel();
            task = null;
            running.set(false);
            status.set("Cancelled.");
        }
    }

    private void clearWithLayers() {
        clear("");
        layers.clear();
        refreshLayers();
    }

    /** Finds the feature maps for the layer chooser once a layer method is chosen. */
    private void refreshLayers() {
        if (chosen.get("gradcam").get() || chosen.get("layer-gradxact").get()) {
            layers.refresh();
        }
    }

    /** Grad-CAM's and layer gradient × activation's layer and ReLU. */
    public LayerChooser layers() {
        return layers;
    }

    private void clear(String why) {
        cancel();
        results = List.of();
        resultProblem = null;
        status.set(why);
        show();
    }

    /**
     * The output target (the picker's): empty for the top element of the app's output, or NAME[i,j], NAME[0,2:5,:]
     * (summed), NAME[top].
     */
    public StringProperty targetProperty() {
        return target;
    }

    /** The target picker whose target the tab attributes. */
    public TargetPickerModel picker() {
        return picker;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public ObjectProperty<IntegrationRule> ruleProperty() {
        return rule;
    }

    /** zero, blur, uniform or mean. */
    public StringProperty baselineProperty() {
        return baseline;
    }

    public static List<String> baselineChoices() {
        return List.of("zero", "blur", "uniform", "mean");
    }

    public DoubleProperty blurSigmaProperty() {
        return blurSigma;
    }

    /** Noise draws of the noise tunnel (smoothgrad, smoothgrad-sq, vargrad) and GradientSHAP. */
    public IntegerProperty samplesProperty() {
        return samples;
    }

    /** The noise's standard deviation as a fraction of the sample's value range. */
    public DoubleProperty noiseProperty() {
        return noise;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    /** Occlusion's window per axis, e.g. "3,8,8"; blank for about 14 windows per image side. */
    public StringProperty windowProperty() {
        return window;
    }

    /** Occlusion's stride per axis; blank for the window. */
    public StringProperty strideProperty() {
        return stride;
    }

    /** Whether the deletion and insertion curves are computed too. */
    public BooleanProperty curvesProperty() {
        return curves;
    }

    /** Absolute values (viridis) instead of signed (RdBu). */
    public BooleanProperty absoluteProperty() {
        return absolute;
    }

    /** One colour scale for every method (the default), or each method on its own. */
    public BooleanProperty sharedScaleProperty() {
        return sharedScale;
    }

    public ReadOnlyObjectProperty<Run> runProperty() {
        return run.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The progress of the running work, 0 to 1, or negative when unknown (the executor's). */
    public ReadOnlyDoubleProperty progressProperty() {
        return workspace.executor().progressProperty();
    }

    /** Whether the input is image-shaped (the tab then shows pictures). */
    static boolean isImage(AttributionProblem p) {
        return Saliency.isImageShaped(p.sampleShape());
    }
}
