package org.jacobi.ui.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.core.CancellationToken;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.optim.IterationRecord;
import org.jacobi.optim.ModelFunction;
import org.jacobi.optim.OptimizationMethod;
import org.jacobi.optim.OptimizationProblem;
import org.jacobi.optim.OptimizationResult;
import org.jacobi.optim.Optimizer;
import org.jacobi.optim.Target;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.SampleTabModel;
import org.jacobi.ui.task.TaskExecutor;
import org.jacobi.ui.task.TaskHandle;

/**
 * The state of the Optimize panel, as JavaFX properties and lists without controls, so it is testable without a
 * window, for one sample of one model. {@link #run()} queues the chosen methods on the app's one worker, one after the
 * other; iteration records arrive on the UI thread as they come, then the results.
 */
public final class OptimizationViewModel implements AutoCloseable {
    /** What the target editor holds. */
    public enum TargetMode { VALUES, CLASS }

    private final ModelFunction function;
    private final Consumer<Tensor> useAsSample;
    private final TaskExecutor executor;

    private final OptimizationSettings settings = new OptimizationSettings();
    private final ObjectProperty<TargetMode> targetMode = new SimpleObjectProperty<>(TargetMode.VALUES);
    private final StringProperty targetValues = new SimpleStringProperty("");
    private final IntegerProperty targetClass = new SimpleIntegerProperty(0);
    private final DoubleProperty margin = new SimpleDoubleProperty(1.0);
    private final StringProperty fixedElements = new SimpleStringProperty("");
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<IterationRecord> records = FXCollections.observableArrayList();
    private final ObjectProperty<OptimizationResult> gaussNewtonResult = new SimpleObjectProperty<>();
    private final ObjectProperty<OptimizationResult> lbfgsResult = new SimpleObjectProperty<>();
    private final ObjectProperty<double[]> gaussNewtonLatest = new SimpleObjectProperty<>();
    private final ObjectProperty<double[]> lbfgsLatest = new SimpleObjectProperty<>();
    private boolean[] fixed;
    /** Stops the current run's methods, each with its best point so far; null before a run and after close. */
    private CancellationToken token;
    private final List<TaskHandle> tasks = new ArrayList<>();

    /** The Optimize tab's view model: one of these per sample of the open model; a result can replace the sample. */
    public static SampleTabModel<OptimizationViewModel> tab(MainViewModel workspace) {
        return new SampleTabModel<>(workspace, "Open a model to optimise its input.",
            sample -> forSample(sample, workspace::useAsSelectedSample, workspace.executor()));
    }

    /**
     * The view model for sample {@code sample.index()} of the open model, optimising input {@code sample.wrt()} to steer
     * output {@code sample.of()} (null: the first floating-point input, the first output). Runs the model once (the start
     * output): call it on the worker.
     *
     * @param useAsSample receives the chosen result as one sample of the optimized input ({@link #optimizedInput})
     */
    public static OptimizationViewModel forSample(SampleTabModel.Sample sample, Consumer<Tensor> useAsSample,
                                                  TaskExecutor executor) {
        ModelFunction f = ModelFunction.create(sample.derivatives().model(), sample.derivatives().exact(), sample.inputs(),
            sample.wrt(), sample.of(), sample.index());
        return new OptimizationViewModel(f, useAsSample, executor);
    }

    public OptimizationViewModel(ModelFunction function, Consumer<Tensor> useAsSample, TaskExecutor executor) {
        this.function = function;
        this.useAsSample = useAsSample;
        this.executor = executor;
        this.fixed = new boolean[function.inputSize()];
        targetValues.set(format(function.startOutput()));
        double[] y = function.startOutput();
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            best = y[i] > y[best] ? i : best;
        }
        targetClass.set(best);
        status.set("Set a target and press Run. Derivatives: " + function.derivativeSource() + ".");
    }

    public OptimizationSettings settings() {
        return settings;
    }

    public ObjectProperty<TargetMode> targetModeProperty() {
        return targetMode;
    }

    /** The target output values, separated by commas, spaces or new lines. */
    public StringProperty targetValuesProperty() {
        return targetValues;
    }

    public IntegerProperty targetClassProperty() {
        return targetClass;
    }

    public DoubleProperty marginProperty() {
        return margin;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** Every iteration of the current run, both methods interleaved in arrival order. */
    public ObservableList<IterationRecord> records() {
        return records;
    }

    public ObjectProperty<OptimizationResult> resultProperty(OptimizationMethod method) {
        return method == OptimizationMethod.GAUSS_NEWTON ? gaussNewtonResult : lbfgsResult;
    }

    /** The latest iterate of a method while it runs, then its result's x. */
    public ObjectProperty<double[]> latestProperty(OptimizationMethod method) {
        return method == OptimizationMethod.GAUSS_NEWTON ? gaussNewtonLatest : lbfgsLatest;
    }

    public ModelFunction function() {
        return function;
    }

    /** The start x0, flattened. */
    public double[] start() {
        return function.start();
    }

    /** f(x0), flattened. */
    public double[] startOutput() {
        return function.startOutput();
    }

    /** One sample's input shape without the batch axis, e.g. [1, 28, 28]. */
    public long[] sampleInputShape() {
        long[] s = function.inputShape();
        return s.length > 0 && s[0] == 1 ? Arrays.copyOfRange(s, 1, s.length) : s;
    }

    /** Elements held at their start value (all free by default), in addition to {@link #fixedElementsProperty()}. */
    public void setFixed(boolean[] newFixed) {
        if (newFixed.length != function.inputSize()) {
            throw new IllegalArgumentException("the mask needs " + function.inputSize() + " elements");
        }
        fixed = newFixed.clone();
    }

    /** Flat element indices held at their start value, as text: "0-27, 100, 200-210" (empty: none). */
    public StringProperty fixedElementsProperty() {
        return fixedElements;
    }

    /** The mask: {@link #setFixed} plus the elements {@link #fixedElementsProperty()} names. */
    boolean[] mask() {
        boolean[] m = fixed.clone();
        String text = fixedElements.get() == null ? "" : fixedElements.get().trim();
        if (text.isEmpty()) {
            return m;
        }
        int n = m.length;
        for (String part : text.split("[,;\\s]+")) {
            String[] ends = part.split("-", 2);
            int from;
            int to;
            try {
                from = Integer.parseInt(ends[0].trim());
                to = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : from;
            } catch (NumberFormatException e) {
                throw JacobiException.usage("Fixed elements: '" + part + "' is not an index or a range like 0-27.");
            }
            if (from < 0 || to >= n || from > to) {
                throw JacobiException.usage("Fixed elements: '" + part + "' is outside 0-" + (n - 1) + ".");
            }
            for (int i = from; i <= to; i++) {
                m[i] = true;
            }
        }
        return m;
    }

    /** f at x (runs the model once; call it off the FX thread for big models). */
    public double[] outputAt(double[] x) {
        return function.value(x, ProgressMonitor.NONE);
    }

    /** The target the editor describes; a JacobiException says what is wrong with it. */
    public Target target() {
        if (targetMode.get() == TargetMode.CLASS) {
            Target t = Target.classMargin(targetClass.get(), margin.get());
            t.checkFits(function.outputSize());
            return t;
        }
        String text = targetValues.get() == null ? "" : targetValues.get().trim();
        String[] parts = text.isEmpty() ? new String[0] : text.split("[,;\\s]+");
        double[] t = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                t[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw JacobiException.usage("Target value " + (i + 1) + " '" + parts[i] + "' is not a number.");
            }
        }
        Target target = Target.values(t);
        target.checkFits(function.outputSize());
        return target;
    }

    /** The problem the current editor state and settings describe. */
    public OptimizationProblem problem() {
        OptimizationProblem p = OptimizationProblem.of(function, target(), function.start())
            .withAlpha(settings.alpha.get()).withFixed(mask());
        if (settings.useBounds.get()) {
            p = p.withBounds(settings.lower.get(), settings.upper.get());
        }
        return p;
    }

    /** Starts the chosen methods in the background; false (and a status message) when the settings are wrong. */
    public boolean run() {
        if (running.get()) {
            return false;
        }
        OptimizationProblem problem;
        List<Optimizer> optimizers = new ArrayList<>();
        try {
            problem = problem();
            OptimizationSettings.Methods m = settings.methods.get();
            if (m != OptimizationSettings.Methods.LBFGS) {
                optimizers.add(settings.gaussNewton());
            }
            if (m != OptimizationSettings.Methods.GAUSS_NEWTON) {
                optimizers.add(settings.lbfgs());
            }
        } catch (JacobiException e) {
            status.set(e.getMessage());
            return false;
        }
        records.clear();
        gaussNewtonResult.set(null);
        lbfgsResult.set(null);
        gaussNewtonLatest.set(null);
        lbfgsLatest.set(null);
        CancellationToken runToken = new CancellationToken();
        token = runToken;
        tasks.clear();
        running.set(true);
        status.set("Running " + optimizers.stream().map(o -> o.method().label()).reduce((a, b) -> a + " and " + b).orElse("") + "...");
        AtomicInteger remaining = new AtomicInteger(optimizers.size());
        Map<OptimizationMethod, OptimizationResult> finished = new EnumMap<>(OptimizationMethod.class);
        for (Optimizer optimizer : optimizers) {
            String label = optimizer.method().label();
            tasks.add(executor.submit(label, task -> optimizer.optimize(problem,
                (rec, x) -> executor.runOnUiThread(() -> {
                    if (token == runToken) {
                        records.add(rec);
                        latestProperty(rec.method()).set(x);
                    }
                }), stoppedBy(runToken, task)), result -> {
                    if (token != runToken) {
                        return;
                    }
                    finished.put(result.method(), result);
                    resultProperty(result.method()).set(result);
                    latestProperty(result.method()).set(result.x());
                    if (remaining.decrementAndGet() == 0) {
                        running.set(false);
                        StringBuilder sb = new StringBuilder();
                        finished.values().forEach(r -> sb.append(sb.length() > 0 ? "\n" : "").append(r.summary()));
                        if (function.warning() != null) {
                            sb.append("\n").append(function.warning());
                        }
                        status.set(sb.toString());
                    }
                }, e -> {
                    if (token != runToken) {
                        return;
                    }
                    status.set(e instanceof CancelledException ? label + " cancelled." : label + " failed: " + e.getMessage());
                    if (remaining.decrementAndGet() == 0) {
                        running.set(false);
                    }
                }));
        }
        return true;
    }

    /**
     * What a method checks between iterations: Stop ({@code runToken}) ends it with its best point so far, a cancel of
     * its task (the status bar's Cancel) ends it too and drops the result.
     */
    private static ProgressMonitor stoppedBy(CancellationToken runToken, ProgressMonitor task) {
        return new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                task.progress(done, total, message);
            }

            @Override
            public boolean isCancelled() {
                return runToken.isCancelled() || task.isCancelled();
            }
        };
    }

    /** Asks the running methods to stop; each ends with its best point so far. */
    public void stop() {
        if (token != null) {
            token.cancel();
        }
    }

    /** The chosen method's result as one sample of the optimized input, or null when it has none. */
    public Tensor optimizedInput(OptimizationMethod method) {
        OptimizationResult r = resultProperty(method).get();
        return r == null ? null : function.toInputTensor(r.x());
    }

    /** Hands the chosen method's result to the "use result as sample" callback; false when there is none yet. */
    public boolean useResultAsSample(OptimizationMethod method) {
        Tensor t = optimizedInput(method);
        if (t == null) {
            return false;
        }
        useAsSample.accept(t);
        return true;
    }

    static String format(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%.6g", values[i]));
        }
        return sb.toString();
    }

    /** Stops any run and drops its results: the tab moved to another sample or model (the engines are the model's). */
    @Override
    public void close() {
        stop();
        tasks.forEach(TaskHandle::cancel);
        token = null;
        running.set(false);
    }
}
