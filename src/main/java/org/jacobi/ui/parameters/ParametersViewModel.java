package org.jacobi.ui.parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.jacobian.ParameterJacobianEngine;
import org.jacobi.jacobian.ParameterNorms;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;
import org.jacobi.ui.heatmap.HeatmapData;

/**
 * The Parameters tab: per parameter tensor the norm of the per-sample Jacobian d output / d weights, averaged over
 * samples (bars) and per sample (a samples x tensors heatmap), and on demand one tensor's full per-sample Jacobian
 * for the selected sample. Computed in the background while the tab is shown.
 */
public final class ParametersViewModel {
    /** Above this many parameter elements the norms are not computed by themselves (forward mode costs one each). */
    public static final long MAX_AUTOMATIC_ELEMENTS = 200_000;

    /** One bar: a parameter tensor and its mean norm over samples. */
    public record Bar(String parameter, double meanNorm) {
    }

    private final Workspace workspace;
    private final AppState state;
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown", false);
    private final ReadOnlyObjectWrapper<List<Bar>> bars = new ReadOnlyObjectWrapper<>(this, "bars", List.of());
    private final ReadOnlyObjectWrapper<HeatmapData> table = new ReadOnlyObjectWrapper<>(this, "table");
    private final ReadOnlyObjectWrapper<HeatmapData> layerJacobian = new ReadOnlyObjectWrapper<>(this, "layerJacobian");
    private final ObservableList<String> parameterChoices = FXCollections.observableArrayList();
    private final StringProperty parameter = new SimpleStringProperty(this, "parameter");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "Compute a Jacobian first.");
    private final ReadOnlyStringWrapper layerStatus = new ReadOnlyStringWrapper(this, "layerStatus", "");
    private JacobianResult computedFor;
    private JacobianResult layerResult;

    public ParametersViewModel(Workspace workspace) {
        this.workspace = workspace;
        this.state = workspace.state();
        state.resultProperty().addListener((o, a, b) -> {
            layerResult = null;
            layerJacobian.set(null);
            refreshIfShown();
        });
        state.selectedSampleProperty().addListener((o, a, b) -> showLayer());
        shown.addListener((o, a, b) -> refreshIfShown());
        state.modelProperty().addListener((o, a, b) -> forgetModel());
    }

    /** A new model: nothing of the previous one stays (its sensitivities in flight are ignored when they come). */
    private void forgetModel() {
        computedFor = null;
        layerResult = null;
        bars.set(List.of());
        table.set(null);
        layerJacobian.set(null);
        parameterChoices.clear();
        status.set("Compute a Jacobian first.");
        layerStatus.set("");
    }

    private JacobianRequest request(JacobianResult r) {
        return new JacobianRequest(state.resultInputs(), null, r.of(), r.batched() ? BatchAxis.AUTO : BatchAxis.NONE,
            JacobianMode.AUTO, 0);
    }

    private void refreshIfShown() {
        if (!shown.get()) {
            return;
        }
        JacobianResult r = state.resultProperty().get();
        ModelDerivatives derivatives = state.derivatives();
        if (r == null || derivatives == null || state.resultInputs() == null) {
            bars.set(List.of());
            table.set(null);
            status.set("Compute a Jacobian first.");
            return;
        }
        if (r == computedFor) {
            return;
        }
        computedFor = r;
        status.set("Computing per-sample parameter sensitivities of " + r.of() + "...");
        JacobianRequest request = request(r);
        workspace.executor().submit("Parameter sensitivity", monitor -> {
            ParameterJacobianEngine e = derivatives.parameters();
            Map<String, long[]> params = e.parameters();
            long elements = params.values().stream().mapToLong(Tensor::elementCount).sum();
            if (params.isEmpty()) {
                throw new JacobiException(derivatives.model().info().fileName() + " has no floating-point parameters.");
            }
            if (elements > MAX_AUTOMATIC_ELEMENTS) {
                throw new JacobiException("the model has " + elements + " parameter elements, more than the "
                    + MAX_AUTOMATIC_ELEMENTS + " this tab differentiates by itself. Use jacobi jacobian --wrt-params NAME,...");
            }
            return e.norms(request, new ArrayList<>(params.keySet()), monitor);
        }, n -> {
            if (computedFor == r) {
                show(n);
            }
        }, e -> {
            if (computedFor != r) {
                return; // another Jacobian or model meanwhile
            }
            computedFor = null;
            bars.set(List.of());
            table.set(null);
            if (e instanceof JacobiException) {
                status.set("No parameter sensitivity: " + e.getMessage());
            } else {
                state.showError(e);
            }
        });
    }

    private void show(ParameterNorms n) {
        List<Bar> b = new ArrayList<>();
        double[] means = n.means();
        for (int j = 0; j < means.length; j++) {
            b.add(new Bar(n.parameters().get(j), means[j]));
        }
        bars.set(b);
        List<String> names = n.parameters();
        table.set(new HeatmapData(n.samples(), names.size(), n.norms().toFloatArray(), 0, s -> "sample " + s, names::get));
        if (!names.equals(parameterChoices)) {
            parameterChoices.setAll(names);
        }
        if (parameter.get() == null || !names.contains(parameter.get())) {
            parameter.set(names.get(0));
        }
        status.set("Norm of d " + n.of() + " / d parameter per sample (" + n.backend() + ", exact; never summed over samples)");
    }

    /** Computes the chosen tensor's full per-sample Jacobian; the selected sample's block is then shown. */
    public void computeLayerJacobian() {
        JacobianResult r = state.resultProperty().get();
        ModelDerivatives derivatives = state.derivatives();
        String name = parameter.get();
        if (r == null || derivatives == null || name == null || state.resultInputs() == null) {
            return;
        }
        layerStatus.set("Computing d " + r.of() + " / d " + name + "...");
        JacobianRequest request = request(r).withWrtOf(name, r.of());
        workspace.executor().submit("Jacobian of " + name, monitor -> derivatives.parameters().compute(request, monitor), j -> {
            if (state.resultProperty().get() == r) {
                layerResult = j;
                showLayer();
            }
        }, e -> {
            if (state.resultProperty().get() != r) {
                return; // another Jacobian or model meanwhile
            }
            if (e instanceof JacobiException) {
                layerStatus.set("No Jacobian: " + e.getMessage());
            } else {
                state.showError(e);
            }
        });
    }

    private void showLayer() {
        JacobianResult j = layerResult;
        if (j == null) {
            return;
        }
        int sample = Math.max(0, Math.min(state.selectedSampleProperty().get(), j.samples() - 1));
        int nOut = j.outputsPerSample();
        int nP = j.inputsPerSample();
        float[] values = j.jacobian().floats();
        layerJacobian.set(new HeatmapData(nOut, nP, values, sample * nOut * nP, o -> outputLabel(o),
            k -> j.wrt() + IndexText.of(k, j.sampleInputShape())));
        layerStatus.set("d " + j.of() + " / d " + j.wrt() + " of sample " + sample + ": " + nOut + " x " + nP
            + " (rows outputs, columns the tensor's elements in row-major order)");
    }

    private String outputLabel(int o) {
        return state.resultProperty().get() == null ? "output " + o : state.outputLabel(o);
    }

    /** "[i,j]" of a flat index into a shape. */
    static final class IndexText {
        private IndexText() {
        }

        static String of(int flat, long[] shape) {
            long[] idx = Tensor.unravel(flat, shape);
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < idx.length; i++) {
                sb.append(i == 0 ? "" : ",").append(idx[i]);
            }
            return sb.append(']').toString();
        }
    }

    public BooleanProperty shownProperty() {
        return shown;
    }

    public ReadOnlyObjectProperty<List<Bar>> barsProperty() {
        return bars.getReadOnlyProperty();
    }

    /** Samples x parameter tensors, the norm of each block. */
    public ReadOnlyObjectProperty<HeatmapData> tableProperty() {
        return table.getReadOnlyProperty();
    }

    /** The chosen tensor's Jacobian for the selected sample: outputs x tensor elements. */
    public ReadOnlyObjectProperty<HeatmapData> layerJacobianProperty() {
        return layerJacobian.getReadOnlyProperty();
    }

    public ObservableList<String> parameterChoices() {
        return parameterChoices;
    }

    public StringProperty parameterProperty() {
        return parameter;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty layerStatusProperty() {
        return layerStatus.getReadOnlyProperty();
    }
}
