package org.jacobi.jacobian;

import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;

/**
 * Computes per-sample Jacobians of one model. An engine may cache work per (wrt, of, mode), such as a
 * differentiated graph and its session, so keep one engine per model and close it with the model.
 */
public interface JacobianEngine extends AutoCloseable {
    /** Computes the Jacobian; reports progress per chunk and stops with CancelledException when cancelled. */
    JacobianResult compute(JacobianRequest request, ProgressMonitor monitor);

    /**
     * The vector-Jacobian product {@code cotangent · d(of)/d(wrt)} per sample (the gradient of
     * {@code sum(of * cotangent)}), shaped like the wrt input. Engines with reverse mode override this with
     * one reverse pass; the default forms the whole Jacobian.
     *
     * @param cotangent shaped like the output {@code of}
     */
    default Tensor vectorJacobianProduct(JacobianRequest request, Tensor cotangent, ProgressMonitor monitor) {
        JacobianResult r = compute(request, monitor);
        int samples = r.samples();
        int nOut = r.outputsPerSample();
        int nIn = r.inputsPerSample();
        float[] j = r.jacobian().floats();
        float[] out = new float[samples * nIn];
        for (int b = 0; b < samples; b++) {
            for (int o = 0; o < nOut; o++) {
                double c = cotangent.getDouble(b * nOut + o);
                if (c == 0) {
                    continue;
                }
                int row = (b * nOut + o) * nIn;
                for (int i = 0; i < nIn; i++) {
                    out[b * nIn + i] += (float) (c * j[row + i]);
                }
            }
        }
        return Tensor.ofFloats(out, request.inputs().get(r.wrt()).shape());
    }

    /**
     * The serialized differentiated ONNX graph this engine would run for {@code request}, for users to
     * inspect. Only graph-transforming engines have one.
     */
    default byte[] serializedDifferentiatedGraph(JacobianRequest request) {
        throw JacobiException.usage("--save-graph needs an ONNX model and an exact mode; "
            + name() + " builds no graph.");
    }

    /** A short name for the UI, e.g. "ONNX autodiff". */
    String name();

    @Override
    void close();
}
