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
import java.util.concurrent.Executor;
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
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;

/**
 * The state of the Global tab as JavaFX properties, without controls: the distribution table, methods, design,
 * sample count and seed, Run/Cancel with progress, the result and what the charts show (an index, an output
 * element). {@link #run()} works on {@code background}; results and progress arrive through {@code fxExecutor}.
 */
public final class GlobalViewModel implements AutoCloseable {
    /** An index the charts can show: e.g. Sobol' "ST" with its interval. */
    public record IndexChoice(GsaMethod method, String name) {
        @Override
        public String toString() {
            return method.label() + ": " + name;
        }
    }

    private final Model model;
    private final Map<String, Tensor> inputs;
    private final String wrt;
    private final String of;
    private final int sample;
    private final Executor fxExecutor;
    private final Executor background;
    private final JacobianEngine engine;
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
    private CancellationToken token;

    /**
     * @param inputs every model input with its batch axis; sample {@code sample} is the reference
     * @param wrt the input to vary, or null for the first floating-point input
     * @param of the output to analyse, or null for the first
     */
    public GlobalViewModel(Model model, Map<String, Tensor> inputs, int sample, String wrt, String of,
                           Executor fxExecutor, Executor background) {
        this.model = model;
        this.inputs = new LinkedHashMap<>(inputs);
        this.sample = sample;
        this.fxExecutor = fxExecutor;
        this.background = background;
        this.engine = Jacobians.engineFor(model);
        this.wrt = wrt;
        this.of = of;
        List<String> labels = elementLabels();
        double[] reference = referenceValues();
        for (int i = 0; i < labels.size(); i++) {
            double v = reference[i];
            double half = Math.max(0.2 * Math.abs(v), 0.1);
            rows.add(new DistributionRow(i, labels.get(i), v, "uniform", num(v - half) + "," + num(v + half)));
        }
        status.set("Set a distribution for each element, then Run. Default: uniform within 20 % of sample " + sample
            + " (at least +-0.1).");
        result.addListener((o, a, r) -> updateChoices(r));
    }

    private org.jacobi.jacobian.ResolvedRequest resolved() {
        return org.jacobi.jacobian.ResolvedRequest.resolve(model.info(),
            org.jacobi.jacobian.JacobianRequest.of(inputs).withWrtOf(wrt, of));
    }

    private List<String> elementLabels() {
        org.jacobi.jacobian.ResolvedRequest r = resolved();
        int n = r.inputsPerSample();
        return org.jacobi.model.ElementLabels.of(model, r.wrt(), n).orElseGet(() -> {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(org.jacobi.analysis.TensorLabels.label(r.wrt(), r.sampleInputShape(), i));
            }
            return out;
        });
    }

    private double[] referenceValues() {
        org.jacobi.jacobian.ResolvedRequest r = resolved();
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

    /** Starts the study in the background; progress, result and errors arrive on the FX executor. */
    public void run() {
        if (running.get()) {
            return;
        }
        GsaStudy study;
        GsaSetup.Prepared prepared;
        try {
            study = study();
            prepared = GsaSetup.prepare(study.withReference("app", sample), model, engine, inputs, null, 0);
        } catch (JacobiException e) {
            status.set(e.getMessage());
            return;
        }
        CancellationToken t = new CancellationToken();
        token = t;
        running.set(true);
        progress.set(0);
        status.set("Running " + study.methods().stream().map(GsaMethod::label).toList() + " on N = " + study.samples() + " ...");
        ProgressMonitor monitor = new ProgressMonitor() {
            private long last;

            @Override
            public void progress(long done, long total, String message) {
                long now = System.nanoTime();
                if (now - last < 50_000_000L && done < total) {
                    return;
                }
                last = now;
                double p = total > 0 ? (double) done / total : 0;
                fxExecutor.execute(() -> {
                    progress.set(p);
                    status.set(message);
                });
            }

            @Override
            public boolean isCancelled() {
                return t.isCancelled();
            }
        };
        background.execute(() -> {
            try {
                GsaResult r = GsaRunner.run(prepared, monitor);
                fxExecutor.execute(() -> {
                    running.set(false);
                    progress.set(1);
                    result.set(r);
                    status.set(r.summary() + (r.warnings().isEmpty() ? "" : "  Warning: " + String.join(" ", r.warnings())));
                });
            } catch (CancelledException e) {
                fxExecutor.execute(() -> {
                    running.set(false);
                    status.set("Cancelled.");
                });
            } catch (RuntimeException e) {
                String message = e instanceof JacobiException ? e.getMessage() : "The study failed: " + e;
                fxExecutor.execute(() -> {
                    running.set(false);
                    status.set(message);
                });
            }
        });
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
        if (token != null) {
            token.cancel();
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

    @Override
    public void close() {
        cancel();
        engine.close();
    }
}
