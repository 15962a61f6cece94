package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;

/**
 * The runs of one Jacobian on a {@link PreparedGraph}: every chunk of a {@link ChunkPlan}, one after the other, each
 * fed its unit seed (cached on the native side, of batch size 1 where {@link PreparedGraph#broadcastSeed()}) and its
 * block copied into the Jacobian array.
 */
final class ChunkRuns {
    private final PreparedGraph p;
    private final OnnxModel model;
    private final ResolvedRequest r;
    private final boolean forward;
    private final int nIn;
    private final int nOut;

    ChunkRuns(PreparedGraph p, OnnxModel model, ResolvedRequest r) {
        this.p = p;
        this.model = model;
        this.r = r;
        this.forward = p.graph().direction() == Differentiator.Direction.FORWARD;
        this.nIn = r.inputsPerSample();
        this.nOut = Math.toIntExact(Tensor.elementCount(p.sampleOutputShape()));
    }

    /**
     * Runs every chunk of {@code plan}, writing the blocks into {@code jac} through the pinned buffer {@code block};
     * returns the output {@code of} of each sample chunk, in order.
     */
    List<Tensor> run(ChunkPlan plan, float[] jac, ByteBuffer block, ProgressMonitor monitor) {
        ElementType type = r.wrtValue().type();
        long[] sampleOut = p.sampleOutputShape();
        int perSample = forward ? nIn : nOut;
        int total = plan.chunks();
        List<Tensor> outputs = new ArrayList<>();
        int done = 0;
        for (int sc = 0; sc < plan.sampleChunks(); sc++) {
            int b0 = plan.sampleStart(sc);
            int bc = plan.sampleCount(sc);
            for (int dc = 0; dc < plan.directionChunks(); dc++) {
                monitor.checkCancelled();
                monitor.progress(done, total, "chunk " + (done + 1) + " of " + total + " (" + (forward ? "forward" : "reverse") + " mode)");
                int k0 = plan.directionStart(dc);
                int kc = plan.directionCount(dc);
                int seedSamples = p.broadcastSeed() ? 1 : bc;
                long[] seedShape = seedShape(r, forward ? r.sampleInputShape() : sampleOut, kc, seedSamples);
                OnnxTensor seed = cachedSeed(type, kc, seedSamples, perSample, k0, seedShape);
                boolean ownSeed = seed == null;
                if (ownSeed) {
                    seed = seedTensor(model, JacobianBlocks.unitSeed(type, kc, seedSamples, perSample, k0), type, seedShape);
                }
                long[] blockShape = forward
                    ? concat(r.batched() ? new long[] {bc} : new long[0], sampleOut, new long[] {kc})
                    : concat(r.batched() ? new long[] {bc, kc} : new long[] {kc}, r.sampleInputShape());
                Map<String, Tensor> outs = GraphRun.run(p, model, r, b0, bc, seed, ownSeed, monitor,
                    dc == 0 ? Set.of(r.of()) : Set.of(), block, blockShape);
                if (dc == 0) {
                    outputs.add(outs.get(r.of()));
                }
                JacobianBlocks.copyBlock(block, type, jac, forward, kc, bc, k0, b0, nIn, nOut);
                done++;
            }
        }
        return outputs;
    }

    private OnnxTensor cachedSeed(ElementType type, int kc, int bc, int perSample, int k0, long[] shape) {
        try {
            return p.seeds().get(type, kc, bc, perSample, k0, shape);
        } catch (OrtException e) {
            throw new JacobiException("ONNX Runtime cannot hold the seed of " + model.info().fileName() + ": "
                + OrtSessions.firstLine(e.getMessage()), e);
        }
    }

    /** A seed tensor over {@code seed}, the run closing it. */
    static OnnxTensor seedTensor(OnnxModel model, ByteBuffer seed, ElementType type, long[] shape) {
        try {
            return JacobianBlocks.seedTensor(seed, type, shape);
        } catch (OrtException e) {
            throw new JacobiException("ONNX Runtime cannot hold the seed of " + model.info().fileName() + ": "
                + OrtSessions.firstLine(e.getMessage()), e);
        }
    }

    /** {@code [K, (B,) *perSample]}. */
    static long[] seedShape(ResolvedRequest r, long[] perSample, int kc, int bc) {
        return concat(r.batched() ? new long[] {kc, bc} : new long[] {kc}, perSample);
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }
}
