package org.jacobi.ui.modelinfo;

import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.AppState;

/** The Model panel: a text summary of the open model (inputs, outputs, operators, parameters, device, backend). */
public final class ModelSummaryViewModel {
    static final String NO_MODEL_HINT = "Drop an .onnx or .pt file anywhere on this window, or use File > Open.";
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", NO_MODEL_HINT);

    public ModelSummaryViewModel(AppState state) {
        Runnable update = () -> text.set(describe(state.modelInfoProperty().get(), state.modelDeviceProperty().get(),
            state.resultProperty().get()));
        state.modelInfoProperty().addListener((o, a, b) -> update.run());
        state.resultProperty().addListener((o, a, b) -> update.run());
    }

    public ReadOnlyStringProperty textProperty() {
        return text.getReadOnlyProperty();
    }

    static String describe(ModelInfo info, String device, JacobianResult r) {
        if (info == null) {
            return "No model open.";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(info.fileName()).append('\n');
        sb.append("Format      ").append(info.format()).append(String.format(Locale.ROOT, ", %.1f KB%n", info.fileBytes() / 1024.0));
        sb.append("Inputs\n");
        for (TensorSpec s : info.inputs()) {
            sb.append("  ").append(s).append('\n');
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
