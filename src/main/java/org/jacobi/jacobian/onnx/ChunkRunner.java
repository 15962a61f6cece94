package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.GraphRun;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.model.onnx.OrtTensors;

/**
 * Runs a {@link PreparedGraph} chunk by chunk, the one loop every ONNX engine uses: each {@link Chunk} of samples and
 * directions is fed its samples' inputs and the seeds its engine's {@link SeedSource} gives, ONNX Runtime writes the
 * result into one pinned block buffer, and the engine's {@link BlockSink} takes it from there. An engine is then only
 * a policy: which seeds, which chunks, where blocks go. Every run goes through {@link GraphRun}, so it stops in flight
 * when the monitor is cancelled.
 */
final class ChunkRunner {
    /** One run: samples {@code [b0, b0 + bc)}, directions {@code [k0, k0 + kc)}; {@code first} for the first run over them. */
    record Chunk(int b0, int bc, int k0, int kc, boolean first) {
    }

    /** The seeds of one run by input name, and whether the run closes them (false for cached seeds). */
    record Seeds(Map<String, OnnxTensor> feeds, boolean owned) {
    }

    /** Which seeds a chunk is fed. */
    @FunctionalInterface
    interface SeedSource {
        Seeds seeds(Chunk chunk) throws OrtException;
    }

    /** Where a chunk's block goes: {@code block} holds the result, laid out as the {@code blockShape} of the chunk. */
    @FunctionalInterface
    interface BlockSink {
        void accept(Chunk chunk, ByteBuffer block);
    }

    private final PreparedGraph p;
    private final OnnxModel model;
    private final ResolvedRequest r;
    private final ElementType blockType;

    ChunkRunner(PreparedGraph p, OnnxModel model, ResolvedRequest r, ElementType blockType) {
        this.p = p;
        this.model = model;
        this.r = r;
        this.blockType = blockType;
    }

    /** The chunks of a {@link ChunkPlan}, sample chunk by sample chunk. */
    static List<Chunk> chunks(ChunkPlan plan) {
        List<Chunk> chunks = new ArrayList<>(plan.chunks());
        for (int sc = 0; sc < plan.sampleChunks(); sc++) {
            for (int dc = 0; dc < plan.directionChunks(); dc++) {
                chunks.add(new Chunk(plan.sampleStart(sc), plan.sampleCount(sc), plan.directionStart(dc), plan.directionCount(dc),
                    dc == 0));
            }
        }
        return chunks;
    }

    /**
     * Runs every chunk, the result of each written into {@code block} (large enough for the largest) and handed to
     * {@code sink}; returns the {@code firstOutputs} of each chunk marked first, in order. {@code label} says what
     * runs ("forward mode").
     */
    List<Map<String, Tensor>> run(List<Chunk> chunks, SeedSource seeds, Function<Chunk, long[]> blockShape, ByteBuffer block,
                                  BlockSink sink, Set<String> firstOutputs, String label, ProgressMonitor monitor) {
        List<Map<String, Tensor>> outputs = new ArrayList<>();
        int total = chunks.size();
        for (int i = 0; i < total; i++) {
            Chunk c = chunks.get(i);
            monitor.checkCancelled();
            monitor.progress(i, total, "chunk " + (i + 1) + " of " + total + " (" + label + ")");
            Seeds s;
            try {
                s = seeds.seeds(c);
            } catch (OrtException e) {
                throw new JacobiException("ONNX Runtime cannot hold the seed of " + model.info().fileName() + ": "
                    + OrtSessions.firstLine(e.getMessage()), e);
            }
            Map<String, Tensor> outs = runOnce(c, s, c.first() ? firstOutputs : Set.of(), block, blockShape.apply(c), monitor);
            if (c.first()) {
                outputs.add(outs);
            }
            sink.accept(c, block);
        }
        monitor.progress(total, total, "done");
        return outputs;
    }

    private Map<String, Tensor> runOnce(Chunk c, Seeds seeds, Set<String> wanted, ByteBuffer block, long[] blockShape,
                                        ProgressMonitor monitor) {
        OrtEnvironment env = OrtSessions.environment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        OnnxTensor pinned = null;
        try {
            pinned = pin(env, block, blockShape);
            for (TensorSpec spec : model.info().inputs()) {
                Tensor t = r.inputs().get(spec.name());
                if (r.carriesBatch(spec.name(), spec, t) && (c.b0() != 0 || c.bc() != t.dim(0))) {
                    t = t.sliceRows(c.b0(), c.b0() + c.bc());
                }
                feeds.put(spec.name(), OrtTensors.toOrt(env, t));
            }
            Map<String, OnnxTensor> all = new LinkedHashMap<>(feeds);
            all.putAll(seeds.feeds());
            long pairs = (long) c.kc() * (r.batched() ? c.bc() : 1);
            return GraphRun.run(p.sessionFor(pairs), all, wanted, Map.of(p.resultName(), pinned), monitor,
                "the differentiated graph of " + model.info().fileName());
        } catch (OrtException e) {
            throw new JacobiException("ONNX Runtime cannot hold the inputs of " + model.info().fileName() + ": "
                + OrtSessions.firstLine(e.getMessage()), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
            if (seeds.owned()) {
                seeds.feeds().values().forEach(OnnxTensor::close);
            }
            if (pinned != null) {
                pinned.close();
            }
        }
    }

    /** A tensor over the first elements of {@code block} that ONNX Runtime writes the result into. */
    private OnnxTensor pin(OrtEnvironment env, ByteBuffer block, long[] shape) throws OrtException {
        int elements = Math.toIntExact(Tensor.elementCount(shape));
        ByteBuffer view = block.duplicate().order(ByteOrder.nativeOrder());
        view.position(0).limit(elements * blockType.bytes());
        ByteBuffer slice = view.slice().order(ByteOrder.nativeOrder());
        return blockType == ElementType.FLOAT64 ? OnnxTensor.createTensor(env, slice.asDoubleBuffer(), shape)
            : OnnxTensor.createTensor(env, slice.asFloatBuffer(), shape);
    }

    /** The seeds of one run made from {@code values}, the run closing them. */
    static Seeds ownSeeds(Map<String, Tensor> values) throws OrtException {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : values.entrySet()) {
            feeds.put(e.getKey(), OrtTensors.toOrt(OrtSessions.environment(), e.getValue()));
        }
        return new Seeds(feeds, true);
    }

    /** The first {@code n} values of a block as floats, whatever its element type. */
    static float[] floats(ByteBuffer block, ElementType type, int n) {
        if (type == ElementType.FLOAT64) {
            double[] d = JacobianBlocks.readDoubles(block, n);
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        return JacobianBlocks.readFloats(block, n);
    }
}
