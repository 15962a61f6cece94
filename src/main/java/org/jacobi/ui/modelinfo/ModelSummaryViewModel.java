package org.jacobi.ui.modelinfo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.AppState;

/**
 * The Model panel: a text summary of the open model (inputs with their batch axes, outputs, operators, parameters, device,
 * backend), and the batch axis of each input, which the user may state ({@link #setBatchAxis}): the same
 * {@link BatchAxis} the CLI's {@code --batch-axis NAME=AXIS} gives, in every request the app makes.
 */
public final class ModelSummaryViewModel {
    static final String NO_MODEL_HINT = "Drop an .onnx or .pt file anywhere on this window, or use File > Open.";
    private final AppState state;
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", NO_MODEL_HINT);
    private final ObservableList<String> inputNames = FXCollections.observableArrayList();

    public ModelSummaryViewModel(AppState state) {
        this.state = state;
        Runnable update = () -> text.set(describe(state.modelInfoProperty().get(), state.modelDeviceProperty().get(),
            state.resultProperty().get(), batchAxes()));
        state.modelInfoProperty().addListener((o, a, b) -> {
            inputNames.setAll(b == null ? List.of() : b.inputs().stream().map(TensorSpec::name).toList());
            update.run();
        });
        state.resultProperty().addListener((o, a, b) -> update.run());
        state.batchAxisProperty().addListener((o, a, b) -> update.run());
    }

    public ReadOnlyStringProperty textProperty() {
        return text.getReadOnlyProperty();
    }

    /** The open model's inputs, whose batch axes the panel shows and sets. */
    public ObservableList<String> inputNames() {
        return inputNames;
    }

    /** Each input's batch axis ({@link BatchAxis#NO_AXIS} for none); empty without a model. */
    public Map<String, Integer> batchAxes() {
        ModelInfo info = state.modelInfoProperty().get();
        return info == null ? Map.of() : state.batchAxisProperty().get().axesOf(info);
    }

    /** Input {@code name}'s batch axis, {@link BatchAxis#NO_AXIS} for none. */
    public int batchAxis(String name) {
        return batchAxes().getOrDefault(name, BatchAxis.NO_AXIS);
    }

    /** States input {@code name}'s batch axis ({@link BatchAxis#NO_AXIS}: none) for every computation that follows. */
    public void setBatchAxis(String name, int axis) {
        if (name != null && axis != batchAxis(name)) {
            state.batchAxisProperty().set(state.batchAxisProperty().get().withInput(name, axis));
        }
    }

    static String describe(ModelInfo info, String device, JacobianResult r, Map<String, Integer> batchAxes) {
        if (info == null) {
            return "No model open.";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(info.fileName()).append('\n');
        sb.append("Format      ").append(info.format()).append(String.format(Locale.ROOT, ", %.1f KB%n", info.fileBytes() / 1024.0));
        sb.append("Inputs\n");
        for (TensorSpec s : info.inputs()) {
            Integer axis = batchAxes.get(s.name());
            sb.append("  ").append(s).append(axis == null ? "" : "  batch axis " + BatchAxis.label(axis)).append('\n');
        }
        sb.append("Outputs\n");
        for (TensorSpec s : info.outputs()) {
            sb.append("  ").append(s).append('\n');
        }
        if (!info.operatorCounts().isEmpty()) {
            sb.append("Operators   ").append(info.nodeCount()).append(" nodes\n");
            for (Map.Entry<String, Integer> e : info.operatorCounts().entrySet()) {
                sb.append("  ").append(e.getKey()).append(" ×").append(e.getValue()).append('\n');
            }
        }
        sb.append("Parameters  ").append(info.parameterCount() < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", info.parameterCount())).append('\n');
        sb.append("Device      ").append(device == null || device.isEmpty() ? "?" : device).append('\n');
        sb.append("Backend     ").append(r == null ? "(after the first computation)" : r.backend() + " on " + r.device());
        return sb.toString();
    }
}
