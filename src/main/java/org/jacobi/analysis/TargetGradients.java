package org.jacobi.analysis;

import java.util.List;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.Dim;
import org.jacobi.model.Model;
import org.jacobi.model.TensorSpec;

/**
 * The gradient of an {@link OutputTarget} (one output element, a region summed, a weighting) with respect to the
 * request's wrt: one reverse pass per sample through {@link JacobianEngine#vectorJacobianProduct}, never the whole
 * Jacobian. Where the output is made by a final Sigmoid or Softmax, the target is the logit before it unless the
 * probability is asked for: the probability's derivative vanishes wherever it saturates.
 *
 * @param gradients {@code [batch, *wrt sample shape]}, or {@code [batch, targets, *wrt sample shape]} for several targets
 * @param target the target fixed at the inputs
 * @param of the value differentiated (an output, or the logit before its final activation)
 * @param note how the value was chosen, e.g. "the logit before the final Sigmoid of 'mask'", or null
 */
public record TargetGradients(Tensor gradients, OutputTarget.Resolved target, String of, String note) {

    /**
     * @param request inputs, wrt, batch axis, mode and budget; its {@code of} is ignored (the target names the output)
     * @param probability differentiate the output as it is, even after a final Sigmoid or Softmax
     */
    public static TargetGradients compute(Model model, JacobianEngine engine, JacobianRequest request, OutputTarget target,
                                          boolean probability, ProgressMonitor monitor) {
        DifferentiatedValue d = DifferentiatedValue.of(model, target.output(), probability);
        String output = d.output();
        String of = d.value();
        String note = d.note();
        JacobianRequest r = request.withWrtOf(request.wrt(), of);
        Tensor value = target.needsValues() ? null : declaredShape(model, output, r);
        if (value == null) {
            value = model.run(r.inputs(), Set.of(of)).get(of);
        }
        OutputTarget.Resolved resolved = d.on(target).resolve(model, value);
        int samples = resolved.samples();
        int n = resolved.outputsPerSample();
        Tensor[] parts = new Tensor[resolved.targets()];
        for (int t = 0; t < parts.length; t++) {
            double[] w = new double[samples * n];
            for (int s = 0; s < samples; s++) {
                System.arraycopy(resolved.weights(s, t), 0, w, s * n, n);
            }
            parts[t] = engine.vectorJacobianProduct(r, Tensor.ofDoubles(w, value.shape()), monitor);
            if (parts[t].rank() == 0 || parts[t].dim(0) != samples) {
                throw JacobiException.usage("'" + r.wrt() + "' does not keep the " + samples + " samples of '" + of
                    + "' on axis 0; a target needs one gradient per sample.");
            }
        }
        return new TargetGradients(parts.length == 1 ? parts[0].asType(ElementType.FLOAT32)
            : stackTargets(parts, samples), resolved, of, note);
    }

    /**
     * The gradient of one sample's weighted output (an element one-hot, a region's ones) with respect to that sample's
     * wrt, flattened like one sample of it: the logit's, after a final Sigmoid or Softmax, unless {@code probability}.
     * One reverse pass over the request's inputs, with zero weights for the other samples.
     *
     * @param samples the samples of the request's inputs
     * @param weights one weight per element of one sample of {@code output}
     */
    public static double[] ofSample(Model model, JacobianEngine engine, JacobianRequest request, String output, int samples,
                                    int sample, double[] weights, boolean probability, ProgressMonitor monitor) {
        int n = weights.length;
        double[] w = new double[samples * n];
        System.arraycopy(weights, 0, w, sample * n, n);
        OutputTarget weighted = OutputTarget.parse(output, null, Tensor.ofDoubles(w, samples, n));
        Tensor g = compute(model, engine, request, weighted, probability, monitor).gradients();
        int perSample = Math.toIntExact(g.size() / samples);
        double[] out = new double[perSample];
        for (int i = 0; i < perSample; i++) {
            out[i] = g.getDouble(sample * perSample + i);
        }
        return out;
    }

    /**
     * Zeros in the shape {@code output} declares (a final Sigmoid or Softmax keeps it for the logit) with the request's
     * samples, for a target that needs the shape alone; null when the shape is not fully declared. On a 1024 x 1024
     * segmentation model this saves a forward run and a session that exposes the logit.
     */
    private static Tensor declaredShape(Model model, String output, JacobianRequest r) {
        TensorSpec spec = model.info().output(output);
        if (spec == null || !spec.hasShape() || !spec.hasDynamicLeadingAxis()) {
            return null;
        }
        ResolvedRequest resolved = ResolvedRequest.resolve(model, r);
        if (!resolved.batched()) {
            return null;
        }
        List<Dim> dims = spec.dims();
        long[] shape = new long[dims.size()];
        shape[0] = resolved.samples();
        for (int a = 1; a < shape.length; a++) {
            if (!dims.get(a).isFixed()) {
                return null;
            }
            shape[a] = dims.get(a).size();
        }
        return Tensor.zeros(ElementType.FLOAT32, shape);
    }

    /** {@code [batch, targets, *sample]} from one {@code [batch, *sample]} gradient per target. */
    private static Tensor stackTargets(Tensor[] parts, int samples) {
        long[] shape = parts[0].shape();
        int perSample = Math.toIntExact(parts[0].size() / samples);
        float[] out = new float[parts.length * samples * perSample];
        for (int t = 0; t < parts.length; t++) {
            for (int s = 0; s < samples; s++) {
                for (int i = 0; i < perSample; i++) {
                    out[(s * parts.length + t) * perSample + i] = (float) parts[t].getDouble(s * perSample + i);
                }
            }
        }
        long[] stacked = new long[shape.length + 1];
        stacked[0] = samples;
        stacked[1] = parts.length;
        System.arraycopy(shape, 1, stacked, 2, shape.length - 1);
        return Tensor.ofFloats(out, stacked);
    }
}
