package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.model.onnx.OrtTensors;

/**
 * What the second-order and parameter engines share about feeding a differentiated graph: which inputs carry
 * the batch axis, the probe inputs that learn shapes, and one run over a slice of the samples.
 */
final class DerivativeRuns {
    /** The probe run uses this many samples, so that a batch axis is never mistaken for a broadcast axis of size 1. */
    static final int PROBE_SAMPLES = 2;

    private DerivativeRuns() {
    }

    /** The inputs that carry the batch axis: wrt, and every input declaring a dynamic axis 0 of the same size. */
    static boolean isBatchedInput(ResolvedRequest r, TensorSpec spec, Tensor t) {
        return r.batched() && (spec.name().equals(r.wrt())
            || t.rank() > 0 && t.dim(0) == r.samples() && (spec.dims() == null || spec.hasDynamicLeadingAxis()));
    }

    /** Every model input, the batched ones cut (or doubled) to {@link #PROBE_SAMPLES} samples. */
    static Map<String, Tensor> probeInputs(OnnxModel model, ResolvedRequest r) {
        return probeInputs(model, r, true);
    }

    /** The same; with {@code cutBatch} false the batched inputs stay whole (a model whose batch size is fixed). */
    static Map<String, Tensor> probeInputs(OnnxModel model, ResolvedRequest r, boolean cutBatch) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : model.info().inputs()) {
            Tensor t = r.inputs().get(spec.name());
            if (t == null) {
                throw JacobiException.usage("No value given for model input '" + spec.name() + "'.");
            }
            if (cutBatch && isBatchedInput(r, spec, t)) {
                t = t.dim(0) >= PROBE_SAMPLES ? t.sliceRows(0, PROBE_SAMPLES) : Tensor.concatRows(List.of(t, t));
            }
            inputs.put(spec.name(), t);
        }
        return inputs;
    }

    /**
     * Runs {@code session} on samples {@code b0 .. b0+bc} of the model's inputs plus {@code extra} feeds (seeds),
     * returning the {@code wanted} outputs; an ONNX Runtime failure names {@code what} ("the second-order graph").
     */
    static Map<String, Tensor> run(OnnxModel model, OrtSession session, ResolvedRequest r, int b0, int bc,
                                   Map<String, Tensor> extra, Set<String> wanted, ProgressMonitor monitor, String what) {
        OrtEnvironment env = OrtSessions.environment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            for (TensorSpec spec : model.info().inputs()) {
                Tensor t = r.inputs().get(spec.name());
                if (isBatchedInput(r, spec, t) && (b0 != 0 || bc != t.dim(0))) {
                    t = t.sliceRows(b0, b0 + bc);
                }
                feeds.put(spec.name(), OrtTensors.toOrt(env, t));
            }
            for (Map.Entry<String, Tensor> e : extra.entrySet()) {
                feeds.put(e.getKey(), OrtTensors.toOrt(env, e.getValue()));
            }
            try (OrtSession.Result result = session.run(feeds, wanted, options)) {
                Map<String, Tensor> out = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.put(e.getKey(), OrtTensors.fromOrt(e.getValue()));
                }
                return out;
            }
        } catch (OrtException e) {
            if (monitor.isCancelled()) {
                throw new CancelledException();
            }
            String why = e.getMessage() == null ? "unknown error" : e.getMessage().strip().split("\\R", 2)[0];
            throw new JacobiException("ONNX Runtime failed to run " + what + " of " + model.info().fileName() + ": " + why, e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
