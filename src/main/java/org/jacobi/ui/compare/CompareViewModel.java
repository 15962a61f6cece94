package org.jacobi.ui.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import org.jacobi.compare.ComparisonRequest;
import org.jacobi.compare.ComparisonResult;
import org.jacobi.compare.ModelComparison;
import org.jacobi.compare.ModelMismatchException;
import org.jacobi.compare.NameMapping;
import org.jacobi.compare.OutputDifference;
import org.jacobi.core.CancelledException;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;
import org.jacobi.ui.heatmap.HeatmapData;

/**
 * File > Compare with…: the open model (A) and a second model (B) at the same inputs, differentiated the same
 * way. The comparison itself is {@link ModelComparison}; this holds its result and what the window shows of
 * the selected sample: the three Jacobians on one colour scale, the outputs and their difference, the
 * singular values of both.
 */
public final class CompareViewModel {
    /** One output element of the selected sample in both models. */
    public record OutputRow(String label, double a, double b) {
        public double difference() {
            return a - b;
        }
    }

    private final Workspace workspace;
    private final AppState state;
    private final Path modelB;
    private final ReadOnlyObjectWrapper<ComparisonResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyObjectWrapper<NameMapping> suggestedMapping = new ReadOnlyObjectWrapper<>(this, "suggestedMapping");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final IntegerProperty sample = new SimpleIntegerProperty(this, "sample", 0);

    public CompareViewModel(Workspace workspace, Path modelB) {
        this.workspace = workspace;
        this.state = workspace.state();
        this.modelB = modelB;
        sample.set(state.selectedSampleProperty().get());
        state.modelProperty().addListener((o, previous, now) -> {
            if (previous != null) {
                status.set("Model A (" + previous.info().fileName() + ") is no longer the open model; File > Compare with… "
                    + "compares the one open now.");
            }
        });
    }

    /** Compares A (the open model) with B at the current inputs, pairing names by {@code mapping}. */
    public void run(NameMapping mapping) {
        Model a = state.model();
        Map<String, Tensor> inputs = state.inputsProperty().get();
        if (a == null || inputs == null) {
            state.showError(new JacobiException("Open a model and give it an input before comparing it with another."));
            return;
        }
        DevicePreference device = state.deviceProperty().get();
        ComparisonRequest request = ComparisonRequest.of(inputs).withWrtOf(state.wrtProperty().get(), state.ofProperty().get())
            .withMode(state.modeProperty().get()).withMapping(mapping);
        suggestedMapping.set(null);
        status.set("Comparing " + a.info().fileName() + " with " + modelB.getFileName() + "…");
        workspace.executor().submit("Comparing with " + modelB.getFileName(), monitor -> {
            try (Model b = ModelLoader.load(modelB, new ModelLoader.Options(device, Map.of()))) {
                return ModelComparison.compare(a, b, request, monitor);
            }
        }, r -> {
            result.set(r);
            status.set(summary(r));
        }, e -> {
            if (e instanceof ModelMismatchException mismatch) {
                status.set(mismatch.getMessage());
                suggestedMapping.set(mismatch.suggestion()); // the window asks the user to confirm it
            } else if (e instanceof CancelledException) {
                status.set("Comparison cancelled.");
            } else {
                status.set(e.getMessage());
                if (state.model() == a) {
                    state.showError(e);
                }
            }
        });
    }

    static String summary(ComparisonResult r) {
        return String.format(Locale.ROOT, "max |yA − yB| = %.3g   max |JA − JB| = %.3g   relative to max |JA|: %.3g",
            r.maxAbsOutputDifference(), r.maxAbsJacobianDifference(), r.maxRelJacobianDifference());
    }

    /** The selected sample, within the result's samples. */
    private int sampleIndex(ComparisonResult r) {
        return Math.max(0, Math.min(sample.get(), r.samples() - 1));
    }

    /** Model A's, model B's or the difference's Jacobian of the selected sample ({@code which} = 0, 1, 2). */
    public HeatmapData heatmap(ComparisonResult r, int which) {
        float[] values = switch (which) {
            case 0 -> r.jacobianA().jacobian().floats();
            case 1 -> r.jacobianB().jacobian().floats();
            default -> r.jacobianDifference().floats();
        };
        int nOut = r.jacobianA().outputsPerSample();
        int nIn = r.jacobianA().inputsPerSample();
        return new HeatmapData(nOut, nIn, values, sampleIndex(r) * nOut * nIn, r::outputLabel, r::inputLabel);
    }

    /** The largest magnitude of A, B and A − B: one colour scale for all three heatmaps. */
    public static double sharedLimit(ComparisonResult r) {
        return r.sharedScale(false).max();
    }

    /** The differentiated output of the selected sample, element by element in both models. */
    public List<OutputRow> outputRows(ComparisonResult r) {
        OutputDifference d = r.differentiatedOutput();
        int n = r.jacobianA().outputsPerSample();
        int base = sampleIndex(r) * n;
        List<OutputRow> rows = new ArrayList<>();
        for (int o = 0; o < n && base + o < d.valueA().size(); o++) {
            rows.add(new OutputRow(r.outputLabel(o), d.valueA().getDouble(base + o), d.valueB().getDouble(base + o)));
        }
        return rows;
    }

    /** Singular values of A and B at the selected sample, or null when the matrices are too large. */
    public double[][] singularValues(ComparisonResult r) {
        if (!r.singularValuesFeasible()) {
            return null;
        }
        int s = sampleIndex(r);
        return new double[][] {r.singularValuesA(s), r.singularValuesB(s)};
    }

    public ReadOnlyObjectProperty<ComparisonResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** A name mapping to confirm after the models' names or shapes did not match, else null. */
    public ReadOnlyObjectProperty<NameMapping> suggestedMappingProperty() {
        return suggestedMapping.getReadOnlyProperty();
    }

    /** The summary numbers, progress, or why the comparison failed. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public IntegerProperty sampleProperty() {
        return sample;
    }

    public String titleText() {
        Model a = state.model();
        return "Compare " + (a == null ? "?" : a.info().fileName()) + " (A) with " + modelB.getFileName() + " (B)";
    }
}
