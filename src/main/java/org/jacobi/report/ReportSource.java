package org.jacobi.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;

/**
 * Everything a report is made from: the model's description, the inputs the Jacobian was taken at, the
 * Jacobian, and optionally optimization traces.
 *
 * @param model the model's description (its file is read once more for the SHA-256)
 * @param modelDevice where the model's forward pass ran, e.g. "CPU"
 * @param inputs every model input, batch axis included, as given to the Jacobian request
 * @param jacobian the computed Jacobian
 * @param traces optimization iterations; empty when no optimization ran
 * @param inputLabels names of the wrt input's per-sample elements (model metadata), or null for indices
 * @param outputLabels names of the output's per-sample elements, or null for indices
 * @param target the target whose gradient {@code jacobian} holds (one row per target), or null when it is the whole
 *     output's Jacobian
 */
public record ReportSource(ModelInfo model, String modelDevice, Map<String, Tensor> inputs, JacobianResult jacobian,
                           List<TraceRow> traces, List<String> inputLabels, List<String> outputLabels, ReportTarget target) {
    public ReportSource {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        traces = List.copyOf(traces);
        inputLabels = inputLabels == null || inputLabels.size() != jacobian.inputsPerSample() ? null : List.copyOf(inputLabels);
        outputLabels = outputLabels == null || outputLabels.size() != jacobian.outputsPerSample() ? null
            : List.copyOf(outputLabels);
    }

    /** The source of a whole output's Jacobian. */
    public ReportSource(ModelInfo model, String modelDevice, Map<String, Tensor> inputs, JacobianResult jacobian,
                        List<TraceRow> traces, List<String> inputLabels, List<String> outputLabels) {
        this(model, modelDevice, inputs, jacobian, traces, inputLabels, outputLabels, null);
    }

    /** The source for a loaded model; element labels come from the model's metadata when it has them. */
    public static ReportSource of(Model model, Map<String, Tensor> inputs, JacobianResult jacobian) {
        return new ReportSource(model.info(), model.device(), inputs, jacobian, List.of(),
            ElementLabels.of(model, jacobian.wrt(), jacobian.inputsPerSample()).orElse(null),
            ElementLabels.of(model, jacobian.of(), jacobian.outputsPerSample()).orElse(null));
    }

    /** A source without a loaded model (tests, saved results). */
    public static ReportSource of(ModelInfo model, String device, Map<String, Tensor> inputs, JacobianResult jacobian) {
        return new ReportSource(model, device, inputs, jacobian, List.of(), null, null);
    }

    public ReportSource withTraces(List<TraceRow> rows) {
        return new ReportSource(model, modelDevice, inputs, jacobian, rows, inputLabels, outputLabels, target);
    }

    /** This source as the gradient of {@code what}, one Jacobian row per target (see {@link ReportTarget#source}). */
    public ReportSource withTarget(ReportTarget what) {
        return new ReportSource(model, modelDevice, inputs, jacobian, traces, inputLabels, outputLabels, what);
    }

    /** "x[0,12,5]", or the element's label from the model ("x[angle]"). */
    public String inputName(int j) {
        return inputLabels != null ? jacobian.wrt() + "[" + inputLabels.get(j) + "]"
            : IndexLabels.label(jacobian.wrt(), j, jacobian.sampleInputShape());
    }

    /** "y[3]", or the element's label from the model; for a target report, the target ("the sum of y[0,2:5]"). */
    public String outputName(int i) {
        if (target != null) {
            return target.descriptions().get(i);
        }
        return outputLabels != null ? jacobian.of() + "[" + outputLabels.get(i) + "]"
            : IndexLabels.label(jacobian.of(), i, jacobian.sampleOutputShape());
    }

    /** The value of the differentiated input. */
    public Tensor wrtValue() {
        return inputs.get(jacobian.wrt());
    }
}
