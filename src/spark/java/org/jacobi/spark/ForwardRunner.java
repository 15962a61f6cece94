package org.jacobi.spark;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.model.onnx.BigStackEnvironment;
import org.jacobi.model.onnx.GraphRun;

/** One ONNX Runtime session of a model's plain forward pass on an executor (one per task), float32 in, float64 out. */
final class ForwardRunner implements AutoCloseable {
    private final OrtEnvironment env = BigStackEnvironment.get();
    private final OrtSession session;
    private final String input;
    private final String output;
    private final long[] sampleShape;
    private final String modelName;

    ForwardRunner(byte[] model, String modelName, String input, String output, long[] sampleShape, int threads) {
        this.input = input;
        this.output = output;
        this.sampleShape = sampleShape.clone();
        this.modelName = modelName;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Graph-optimisation notices (unused initializers of differentiated graphs) are not the user's concern.
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(Math.max(1, threads));
            options.setInterOpNumThreads(1);
            session = env.createSession(model, options);
        } catch (OrtException e) {
            throw new JacobiException("ONNX Runtime cannot load " + modelName + ": " + e.getMessage(), e);
        }
    }

    /** The outputs {@code [n][outputs]} of {@code n} rows (row-major doubles, rounded to float32 as the model takes them). */
    double[] run(double[] rows, int n) {
        float[] x = new float[rows.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rows[i];
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
            return GraphRun.run(session, Map.of(input, t), Set.of(output), Map.of(), ProgressMonitor.NONE, modelName, r -> {
                FloatBuffer y = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
                double[] out = new double[y.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = y.get(i);
                }
                return out;
            });
        } catch (OrtException e) {
            throw new JacobiException("ONNX Runtime failed to run " + modelName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // gone either way
        }
    }
}
