package org.jacobi.ui.gsa;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
import org.jacobi.analysis.TensorLabels;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.gsa.DesignKind;
import org.jacobi.gsa.Distribution;
import org.jacobi.gsa.DistributionSpec;
import org.jacobi.gsa.GsaMethod;
import org.jacobi.gsa.GsaResult;
import org.jacobi.gsa.GsaRunner;
import org.jacobi.gsa.GsaSetup;
import org.jacobi.gsa.GsaStudy;
import org.jacobi.gsa.IndexSet;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import org.jacobi.ui.SampleTabModel;
import org.jacobi.ui.Workspace;
import org.jacobi.ui.task.TaskExecutor;
import org.jacobi.ui.task.TaskHandle;

/**
 * The state of the Global tab as JavaFX properties, without controls: the distribution table, methods, design,
 * sample count and seed, Run/Cancel with progress, the result and what the charts show (an index, an output
 * element), for one reference sample of one model. {@link #run()} queues the study on the app's one worker; progress and
 * the result arrive on the UI thread.
 */
public final class GlobalViewModel implements AutoCloseable {
    /** An index the charts can show: e.g. Sobol' "ST" with its interval. */
    public record IndexChoice(GsaMethod method, String name) {
        @Override
        public String toString() {
            return method.label() + ": " + name;
        }
    }

    private final ModelDerivatives derivatives;
    private final Model model;
    private final Map<String, Tensor> inputs;
    private final String wrt;
    private final String of;
    private final int sample;
    private final TaskExecutor executor;
    private final ObservableList<DistributionRow> rows = FXCollections.observableArrayList();
    private final BooleanProperty sobol = new SimpleBooleanProperty(true);
    private final BooleanProperty dgsm = new SimpleBooleanProperty(true);
    private final BooleanProperty morris = new SimpleBooleanProperty(false);
    private final ObjectProperty<DesignKind> design = new SimpleObjectProperty<>(DesignKind.SOBOL);
    private final IntegerProperty samples = new SimpleIntegerProperty(4096);
    private final IntegerProperty seed = new SimpleIntegerProperty(0);
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty status = new SimpleStringProperty("");
    private final ObjectProperty<GsaResult> result = new SimpleObjectProperty<>();
    private final ObservableList<IndexChoice> indexChoices = FXCollections.observableArrayList();
    private final ObjectProperty<IndexChoice> shownIndex = new SimpleObjectProperty<>();
    private final IntegerProperty shownOutput = new SimpleIntegerProperty(0);
    private TaskHandle study;
    /** Closed: the tab moved on, and a study finishing now must not reach the report. */
    private boolean closed;

    /**
     * The editor for a study around sample {@code sample.index()} of {@code sample.inputs()} (every model input with its
     * batch axis), varying input {@code sample.wrt()} (null: the first floating-point input) and analysing output
     * {@code sample.of()} (null: the first).
     */
    public GlobalViewModel(SampleTabModel.Sample sample, TaskExecutor executor) {
        this.derivatives = sample.derivatives();
        this.model = derivatives.model();
        this.inputs = new LinkedHashMap<>(sample.inputs());
        this.sample = sample.index();
        this.executor = executor;
        this.wrt = sample.wrt();
        this.of = sample.of();
        List<String> labels = elementLabels();
        double[] reference = referenceValues();
        for (int i = 0; i < labels.size(); i++) {
            double v = reference[i];
            double half = Math.max(0.2 * Math.abs(v), 0.1);
            rows.add(new DistributionRow(i, labels.get(i), v, "uniform", num(v - half) + "," + num(v + half)));
        }
        status.set("Set a distribution for each element, then Run. Default: uniform within 20 % of sample " + this.sample
            + " (at least +-0.1).");
        result.addListener((o, a, r) -> updateChoices(r));
    }

    /**
     * The Global tab's view model: an editor per sample of the open model, whose latest result the app state keeps for
     * the exported report.
     */
    public static SampleTabModel<GlobalViewModel> tab(Workspace workspace) {
        return new SampleTabModel<>(workspace, "Open a model to study its global sensitivities.", sample -> {
            GlobalViewModel made = new GlobalViewModel(sample, workspace.executor());
            made.resultProperty().addListener((o, a, r) -> workspace.state().globalStudyProperty().set(r));
            return made;
        }, GlobalViewModel::copySettingsFrom);
    }

    private ResolvedRequest resolved() {
        return ResolvedRequest.resolve(model.info(),
            JacobianRequest.of(inputs).withWrtOf(wrt, of));
    }

    private List<String> elementLabels() {
        ResolvedRequest r = resolved();
        int n = r.inputsPerSample();
        return ElementLabels.of(model, r.wrt(), n).orElseGet(() -> {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(TensorLabels.label(r.wrt(), r.sampleInputShape(), i));
            }
            return out;
        });
    }

    private double[] referenceValues() {
        ResolvedRequest r = resolved();
        Tensor x = r.wrtValue();
        return r.batched() ? x.sliceRows(sample, sample + 1).toDoubleArray() : x.toDoubleArray();
    }

    public ObservableList<DistributionRow> rows() {
        return rows;
    }

    public BooleanProperty sobolProperty() {
        return sobol;
    }

    public BooleanProperty dgsmProperty() {
        return dgsm;
    }

    public BooleanProperty morrisProperty() {
        return morris;
    }

    public ObjectProperty<DesignKind> designProperty() {
        return design;
    }

    public IntegerProperty samplesProperty() {
        return samples;
    }

    public IntegerProperty seedProperty() {
        return seed;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public ObjectProperty<GsaResult> resultProperty() {
        return result;
    }

    public ObservableList<IndexChoice> indexChoices() {
        return indexChoices;
    }

    public ObjectProperty<IndexChoice> shownIndexProperty() {
        return shownIndex;
    }

    public IntegerProperty shownOutputProperty() {
        return shownOutput;
    }

    /** Sets every row to one distribution body, e.g. {@code uniform:-1,1}. */
    public void setAll(String body) {
        for (DistributionRow row : rows) {
            row.setSpec(body);
        }
    }

    /** The study the editor describes; a JacobiException says what is wrong (checked against the model by run). */
    public GsaStudy study() {
        Set<GsaMethod> methods = EnumSet.noneOf(GsaMethod.class);
        if (sobol.get()) {
            methods.add(GsaMethod.SOBOL);
        }
        if (dgsm.get()) {
            methods.add(GsaMethod.DGSM);
        }
        if (morris.get()) {
            methods.add(GsaMethod.MORRIS);
        }
        if (methods.isEmpty()) {
            throw JacobiException.usage("Tick at least one method: Sobol', DGSM or Morris.");
        }
        List<String> specs = rows.stream().map(DistributionRow::spec).toList();
        return new GsaStudy(model.info().path().toString(), wrt, of, specs, methods, samples.get(), design.get(),
            seed.get(), GsaStudy.DEFAULT_BOOTSTRAP, 0, null, sample);
    }

    /** Queues the study on the worker; progress, the result and errors arrive on the UI thread. */
    public void run() {
        if (running.get()) {
            return;
        }
        GsaStudy gsa;
        try {
            gsa = study();
        } catch (JacobiException e) {
            status.set(e.getMessage());
            return;
        }
        running.set(true);
        progress.set(0);
        status.set("Running " + gsa.methods().stream().map(GsaMethod::label).toList() + " on N = " + gsa.samples() + " ...");
        study = executor.submit("Global sensitivity study", task -> {
            GsaSetup.Prepared prepared = GsaSetup.prepare(gsa.withReference("app", sample), model, derivatives.jacobians(),
                inputs, null, 0);
            return GsaRunner.run(prepared, shownOnTab(task));
        }, r -> {
            running.set(false);
            if (closed) {
                return;
            }
            progress.set(1);
            result.set(r);
            status.set(r.summary() + (r.warnings().isEmpty() ? "" : "  Warning: " + String.join(" ", r.warnings())));
        }, e -> {
            running.set(false);
            if (e instanceof CancelledException) {
                status.set("Cancelled.");
            } else {
                status.set(e instanceof JacobiException ? e.getMessage() : "The study failed: " + e);
            }
        });
    }

    /** The task's monitor, its progress also shown on the tab (at most every 50 ms: a study reports per batch). */
    private ProgressMonitor shownOnTab(ProgressMonitor task) {
        return new ProgressMonitor() {
            private long last;

            @Override
            public void progress(long done, long total, String message) {
                long now = System.nanoTime();
                if (now - last < 50_000_000L && done < total) {
                    return;
                }
                last = now;
                task.progress(done, total, message);
                double p = total > 0 ? (double) done / total : 0;
                executor.runOnUiThread(() -> {
                    progress.set(p);
                    status.set(message);
                });
            }

            @Override
            public boolean isCancelled() {
                return task.isCancelled();
            }
        };
    }

    /** Whether a study is running. */
    public boolean isBusy() {
        return running.get();
    }

    /**
     * Takes the distributions (when the input has the same elements), methods, design, N and seed of another editor,
     * so a new reference sample keeps what the user typed.
     */
    public void copySettingsFrom(GlobalViewModel other) {
        if (other.rows.size() == rows.size()) {
            for (int i = 0; i < rows.size(); i++) {
                rows.get(i).kindProperty().set(other.rows.get(i).kindProperty().get());
                rows.get(i).parametersProperty().set(other.rows.get(i).parametersProperty().get());
            }
        }
        sobol.set(other.sobol.get());
        dgsm.set(other.dgsm.get());
        morris.set(other.morris.get());
        design.set(other.design.get());
        samples.set(other.samples.get());
        seed.set(other.seed.get());
    }

    public void cancel() {
        if (study != null) {
            study.cancel();
        }
    }

    private void updateChoices(GsaResult r) {
        IndexChoice keep = shownIndex.get();
        indexChoices.clear();
        if (r == null) {
            return;
        }
        for (GsaMethod m : r.convergence().keySet()) {
            for (String name : r.indices(m).indexNames()) {
                if (!name.equals("variance") && !name.equals("mu")) {
                    indexChoices.add(new IndexChoice(m, name));
                }
            }
        }
        shownIndex.set(indexChoices.contains(keep) ? keep : indexChoices.stream()
            .filter(c -> c.name().equals("ST")).findFirst().orElse(indexChoices.isEmpty() ? null : indexChoices.get(0)));
        if (shownOutput.get() >= r.outputs().size()) {
            shownOutput.set(0);
        }
    }

    /** The shown index, [output][input], or null before a result. */
    public double[][] shownValues() {
        IndexChoice c = shownIndex.get();
        return c == null || result.get() == null ? null : result.get().indices(c.method()).get(c.name());
    }

    /** The half-widths of the shown index's intervals, or null when it has none. */
    public double[][] shownConfidence() {
        IndexChoice c = shownIndex.get();
        return c == null || result.get() == null ? null : result.get().indices(c.method()).confidence(c.name());
    }

    /** The shown index at every convergence checkpoint: x = base rows, one series per input. */
    public List<IndexSet> shownConvergence() {
        IndexChoice c = shownIndex.get();
        return c == null || result.get() == null ? List.of() : result.get().convergence().get(c.method());
    }

    /** Saves the study (distributions, methods, design) as JSON. */
    public void saveStudy(Path file) {
        study().save(file);
    }

    /** Loads a study's distributions, methods, design, N and seed into the editor. */
    public void loadStudy(Path file) {
        GsaStudy s = GsaStudy.load(file);
        Distribution[] d = DistributionSpec.resolve(s.distributions(), rows.stream().map(DistributionRow::label).toList(),
            rows.stream().mapToDouble(DistributionRow::reference).toArray(), file.toAbsolutePath().getParent());
        for (int i = 0; i < rows.size(); i++) {
            rows.get(i).setSpec(d[i].spec());
        }
        sobol.set(s.methods().contains(GsaMethod.SOBOL));
        dgsm.set(s.methods().contains(GsaMethod.DGSM));
        morris.set(s.methods().contains(GsaMethod.MORRIS));
        design.set(s.design());
        samples.set(s.samples());
        seed.set((int) s.seed());
        status.set("Loaded " + file.getFileName() + ".");
    }

    /** Writes the result as JSON or CSV, by the file's extension. */
    public void export(Path file) {
        GsaResult r = result.get();
        if (r == null) {
            throw JacobiException.usage("Run a study first.");
        }
        boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        String text = csv ? r.toCsv() : Json.write(r.toJson()) + "\n";
        AtomicFiles.write(file, true, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** Cancels a study in flight: the tab moved to another sample or model (the engines are the model's). */
    @Override
    public void close() {
        closed = true;
        cancel();
    }
}
