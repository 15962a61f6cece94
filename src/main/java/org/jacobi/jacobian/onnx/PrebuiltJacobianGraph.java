package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.BigStackEnvironment;
import org.jacobi.model.onnx.GraphRun;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;

/**
 * A differentiated graph built once (where the model is loaded) and run elsewhere without the transform: the
 * bytes travel (a Spark broadcast, a file), and {@link #open(int)} runs them on float32 sample rows. Every run
 * seeds all directions at once, so the block the graph returns is each sample's whole Jacobian
 * {@code [n_out, n_in]}, row-major. Models with one input only (the one differentiated); float32 inputs.
 */
public final class PrebuiltJacobianGraph implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] graph;
    private final String modelName;
    private final String wrt;
    private final String of;
    private final boolean forward;
    private final long[] sampleInputShape;
    private final long[] sampleOutputShape;
    private final int samplesPerRun;

    private PrebuiltJacobianGraph(byte[] graph, String modelName, String wrt, String of, boolean forward,
                                  long[] sampleInputShape, long[] sampleOutputShape, int samplesPerRun) {
        this.graph = graph;
        this.modelName = modelName;
        this.wrt = wrt;
        this.of = of;
        this.forward = forward;
        this.sampleInputShape = sampleInputShape;
        this.sampleOutputShape = sampleOutputShape;
        this.samplesPerRun = samplesPerRun;
    }

    /**
     * Differentiates {@code model} for d(of)/d(wrt) per sample.
     *
     * @param probe two or more samples {@code [b, *sample shape]} of the input (values matter only for their shapes)
     * @param of the output, or null for the first
     * @param mode FORWARD, REVERSE or AUTO (the cheaper of the two)
     * @param maxMemoryBytes the budget one run keeps to; 0 for the default
     */
    public static PrebuiltJacobianGraph build(OnnxModel model, Tensor probe, String of, JacobianMode mode, long maxMemoryBytes) {
        List<TensorSpec> inputs = model.info().inputs();
        if (inputs.size() != 1) {
            throw JacobiException.usage(model.info().fileName() + " has " + inputs.size()
                + " inputs; this job differentiates models with one input.");
        }
        String wrt = inputs.get(0).name();
        if (inputs.get(0).type() != ElementType.FLOAT32) {
            throw JacobiException.usage("Input '" + wrt + "' of " + model.info().fileName() + " is "
                + inputs.get(0).typeName() + "; this job feeds float32 inputs.");
        }
        String output = of != null ? of : model.info().outputs().get(0).name();
        if (model.info().output(output) == null) {
            throw JacobiException.usage(model.info().fileName() + " has no output '" + output + "'.");
        }
        JacobianRequest request = new JacobianRequest(Map.of(wrt, probe.asType(ElementType.FLOAT32)), wrt, output,
            BatchAxis.AUTO, mode == null ? JacobianMode.AUTO : mode, maxMemoryBytes);
        try (OnnxGraphPreparer graphs = new OnnxGraphPreparer(model)) {
            ResolvedRequest r = ResolvedRequest.resolve(model.info(), request);
            // One graph seeds all of a sample's directions at once on the executors. Mixed mode is two graphs and a
            // product, so where auto would pick it the cheaper of forward and reverse mode is built instead.
            JacobianMode single = graphs.singlePassMode(r);
            PreparedGraph p = graphs.jacobianGraph(r, single);
            boolean fwd = single == JacobianMode.FORWARD;
            long directions = Tensor.elementCount(fwd ? r.sampleInputShape() : p.sampleOutputShape());
            long perPair = p.bytesPerPair();
            long budget = ChunkPlan.runBudget(request, perPair, (int) directions);
            int perRun = (int) Math.max(1, Math.min(8192, budget / Math.max(1, perPair * directions)));
            return new PrebuiltJacobianGraph(p.sessionBytes(), model.info().fileName(), wrt, output, fwd, r.sampleInputShape(),
                p.sampleOutputShape(), perRun);
        }
    }

    public String wrt() {
        return wrt;
    }

    public String of() {
        return of;
    }

    public boolean forward() {
        return forward;
    }

    public long[] sampleInputShape() {
        return sampleInputShape.clone();
    }

    public long[] sampleOutputShape() {
        return sampleOutputShape.clone();
    }

    public int inputsPerSample() {
        return Math.toIntExact(Tensor.elementCount(sampleInputShape));
    }

    public int outputsPerSample() {
        return Math.toIntExact(Tensor.elementCount(sampleOutputShape));
    }

    /** How many samples one run takes within the memory budget the graph was built with. */
    public int samplesPerRun() {
        return samplesPerRun;
    }

    /** Opens an ONNX Runtime session (CPU) with {@code intraOpThreads} threads; close it when done. */
    public Runner open(int intraOpThreads) {
        return new Runner(this, Math.max(1, intraOpThreads));
    }

    /** The outputs and Jacobians of {@code count} samples: {@code y [count, n_out]}, {@code jacobian [count, n_out, n_in]}. */
    public record Batch(int count, float[] y, float[] jacobian) {
    }

    /** One session of the graph; not thread-safe (one per task). */
    public static final class Runner implements AutoCloseable {
        private final PrebuiltJacobianGraph g;
        private final OrtEnvironment env;
        private final OrtSession session;
        private final Map<Integer, OnnxTensor> seeds = new HashMap<>();

        private Runner(PrebuiltJacobianGraph g, int threads) {
            this.g = g;
            this.env = BigStackEnvironment.get();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Graph-optimisation notices (unused initializers of differentiated graphs) are not the user's concern.
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                this.session = env.createSession(g.graph, options);
            } catch (OrtException e) {
                throw new JacobiException("ONNX Runtime cannot load the differentiated graph of " + g.modelName + ": "
                    + e.getMessage(), e);
            }
        }

        /**
         * Outputs and Jacobians of {@code count} samples whose elements are {@code rows[offset ..]} (row-major,
         * {@code n_in} per sample). Splits into runs of {@link #samplesPerRun()} samples.
         */
        public Batch compute(float[] rows, int offset, int count) {
            int nIn = g.inputsPerSample();
            int nOut = g.outputsPerSample();
            float[] y = new float[count * nOut];
            float[] jac = new float[Math.multiplyExact(count, nOut * nIn)];
            for (int b0 = 0; b0 < count; b0 += g.samplesPerRun) {
                int bc = Math.min(g.samplesPerRun, count - b0);
                run(rows, offset + b0 * nIn, bc, y, b0 * nOut, jac, b0 * nOut * nIn);
            }
            return new Batch(count, y, jac);
        }

        private void run(float[] rows, int offset, int bc, float[] y, int yAt, float[] jac, int jacAt) {
            int nIn = g.inputsPerSample();
            long[] xShape = concat(new long[] {bc}, g.sampleInputShape);
            try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows, offset, bc * nIn).slice(), xShape)) {
                OnnxTensor seed = seed(bc);
                GraphRun.run(session, Map.of(g.wrt, x, Differentiator.SEED, seed), Set.of(g.of, OnnxJacobianEngine.BLOCK), Map.of(),
                    ProgressMonitor.NONE, "the differentiated graph of " + g.modelName, result -> {
                        copy(result.get(g.of).orElseThrow(), y, yAt);
                        copy(result.get(OnnxJacobianEngine.BLOCK).orElseThrow(), jac, jacAt);
                        return null;
                    });
            } catch (OrtException e) {
                throw new JacobiException("ONNX Runtime cannot hold the samples of " + g.modelName + ": "
                    + OrtSessions.firstLine(e.getMessage()), e);
            }
        }

        private static void copy(OnnxValue value, float[] into, int at) {
            FloatBuffer b = ((OnnxTensor) value).getFloatBuffer();
            b.get(into, at, b.remaining());
        }

        /** Unit seeds {@code [K, bc, *per-sample]}: direction k is element k of every sample (all K directions). */
        private OnnxTensor seed(int bc) throws OrtException {
            OnnxTensor cached = seeds.get(bc);
            if (cached != null) {
                return cached;
            }
            long[] perSample = g.forward ? g.sampleInputShape : g.sampleOutputShape;
            int k = Math.toIntExact(Tensor.elementCount(perSample));
            ByteBuffer buf = ByteBuffer.allocateDirect(Math.multiplyExact(k * bc, k * 4)).order(ByteOrder.nativeOrder());
            FloatBuffer f = buf.asFloatBuffer();
            for (int d = 0; d < k; d++) {
                for (int s = 0; s < bc; s++) {
                    f.put((d * bc + s) * k + d, 1f);
                }
            }
            OnnxTensor t = OnnxTensor.createTensor(env, f, concat(new long[] {k, bc}, perSample));
            if (seeds.size() < 4) {
                seeds.put(bc, t);
            } else {
                seeds.values().forEach(OnnxTensor::close);
                seeds.clear();
                seeds.put(bc, t);
            }
            return t;
        }

        public int samplesPerRun() {
            return g.samplesPerRun;
        }

        @Override
        public void close() {
            seeds.values().forEach(OnnxTensor::close);
            seeds.clear();
            try {
                session.close();
            } catch (OrtException e) {
                // the session is gone either way
            }
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
