package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianArrays;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.onnx.OnnxModel;

/**
 * Per-sample Jacobians with respect to an input in forward or reverse mode, and vector-Jacobian products, as a policy
 * over the {@link ChunkRunner}: the seeds are unit vectors of K directions seeded in every sample at once (cached on
 * the native side, of batch size 1 where the graph allows), and each block is copied into the Jacobian array.
 */
final class InputJacobians {
    private final OnnxGraphPreparer graphs;
    /** A block buffer kept between computes, so that each compute does not allocate (and zero) native memory. */
    private ByteBuffer spareBlock;

    InputJacobians(OnnxGraphPreparer graphs) {
        this.graphs = graphs;
    }

    OnnxGraphPreparer graphs() {
        return graphs;
    }

    private synchronized ByteBuffer takeBlock(ElementType type, long elements) {
        ByteBuffer b = spareBlock;
        if (b != null && b.capacity() >= elements * type.bytes()) {
            spareBlock = null;
            return b;
        }
        return JacobianBlocks.allocate(type, elements);
    }

    private synchronized void returnBlock(ByteBuffer b) {
        if (spareBlock == null || spareBlock.capacity() < b.capacity()) {
            spareBlock = b;
        }
    }

    /** The Jacobian of {@code r} in {@code mode} (FORWARD or REVERSE). */
    JacobianResult compute(ResolvedRequest r, JacobianMode mode, ProgressMonitor monitor) {
        long start = System.nanoTime();
        OnnxModel model = graphs.model();
        PreparedGraph p = graphs.jacobianGraph(r, mode);
        boolean forward = p.forward();
        boolean fixedBatch = graphs.fixedBatch(r);
        int samples = r.samples();
        int nIn = r.inputsPerSample();
        long[] sampleOut = p.sampleOutputShape();
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        if (nOut == 0) {
            return empty(r, start);
        }
        int directions = forward ? nIn : nOut;
        long smallestRun = fixedBatch ? p.bytesPerPair() * samples : p.bytesPerPair();
        long maxMemory = r.request().maxMemoryBytes();
        if (maxMemory > 0 && smallestRun > maxMemory) {
            throw JacobiException.usage("One " + (fixedBatch ? "batch" : "sample") + " in one direction needs about "
                + MemoryEstimate.mib(smallestRun) + " (estimated), more than --max-memory " + MemoryEstimate.mib(maxMemory)
                + ". Raise --max-memory, or differentiate a smaller output (--of) or input.");
        }
        float[] jac = JacobianArrays.allocate((long) samples * nOut * nIn); // refuses what no array holds
        ChunkPlan plan = fixedBatch
            ? ChunkPlan.of(1, directions, p.bytesPerPair() * samples, r.request().memoryBudget()).withSamples(samples)
            : ChunkPlan.of(samples, directions, p.bytesPerPair(), ChunkPlan.runBudget(r.request(), p.bytesPerPair(), directions));
        ElementType type = r.wrtValue().type();
        long[] seedSample = forward ? r.sampleInputShape() : sampleOut;
        long[] lead = r.batched() ? new long[] {samples} : new long[0];
        // ONNX Runtime writes each chunk's block straight into this buffer (a pinned output).
        ByteBuffer block = takeBlock(type, (long) plan.samplesPerChunk() * plan.directionsPerChunk() * (forward ? nOut : nIn));
        List<Map<String, Tensor>> outputs;
        try {
            outputs = new ChunkRunner(p, model, r, type).run(ChunkRunner.chunks(plan),
                c -> unitSeeds(p, r, type, c, directions, seedSample),
                c -> forward ? concat(r.batched() ? new long[] {c.bc()} : new long[0], sampleOut, new long[] {c.kc()})
                    : concat(r.batched() ? new long[] {c.bc(), c.kc()} : new long[] {c.kc()}, r.sampleInputShape()),
                block, (c, b) -> JacobianBlocks.copyBlock(b, type, jac, forward, c.kc(), c.bc(), c.k0(), c.b0(), nIn, nOut),
                Set.of(r.of()), forward ? "forward mode" : "reverse mode", monitor);
        } finally {
            returnBlock(block);
        }
        Tensor output = output(outputs, r.of());
        JacobianResult result = new JacobianResult(Tensor.ofFloats(jac, concat(lead, sampleOut, r.sampleInputShape())), output,
            r.wrt(), r.of(), r.sampleInputShape(), sampleOut, r.batched(), forward ? JacobianMode.FORWARD : JacobianMode.REVERSE,
            true, "ONNX autodiff on ONNX Runtime" + (model.precisionNote() == null ? "" : " (" + model.precisionNote() + ")"),
            p.session().device(), plan.chunks(), System.nanoTime() - start, p.warnings());
        return p.dependsOnInput() ? result : result.independent(); // control flow: no zeros shown as a derivative
    }

    /** Unit seeds of directions {@code [k0, k0 + kc)}, cached on the native side when they are small enough. */
    private static ChunkRunner.Seeds unitSeeds(PreparedGraph p, ResolvedRequest r, ElementType type, ChunkRunner.Chunk c,
                                               int perSample, long[] seedSample) throws OrtException {
        int seedSamples = p.broadcastSeed() ? 1 : c.bc();
        long[] shape = concat(r.batched() ? new long[] {c.kc(), seedSamples} : new long[] {c.kc()}, seedSample);
        OnnxTensor seed = p.seeds().get(type, c.kc(), seedSamples, perSample, c.k0(), shape);
        if (seed != null) {
            return new ChunkRunner.Seeds(Map.of(Differentiator.SEED, seed), false);
        }
        seed = JacobianBlocks.seedTensor(JacobianBlocks.unitSeed(type, c.kc(), seedSamples, perSample, c.k0()), type, shape);
        return new ChunkRunner.Seeds(Map.of(Differentiator.SEED, seed), true);
    }

    /** One reverse pass with the given cotangent (K = 1): the gradient of {@code sum(of * cotangent)}. */
    Tensor vectorJacobianProduct(ResolvedRequest r, Tensor cotangent, ProgressMonitor monitor) {
        PreparedGraph p = graphs.jacobianGraph(r, JacobianMode.REVERSE);
        Tensor x = r.wrtValue();
        ElementType type = x.type();
        int samples = r.samples();
        long[] sampleOut = p.sampleOutputShape();
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        if (cotangent.size() != (long) samples * nOut) {
            throw JacobiException.usage("The cotangent has " + cotangent.size() + " elements; output '" + r.of() + "' has "
                + (long) samples * nOut + ".");
        }
        int nIn = r.inputsPerSample();
        ChunkPlan plan = graphs.fixedBatch(r) ? ChunkPlan.of(1, 1, p.bytesPerPair() * samples, Long.MAX_VALUE).withSamples(samples)
            : ChunkPlan.of(samples, 1, p.bytesPerPair(), r.request().memoryBudget());
        double[] all = new double[x.size()];
        ByteBuffer block = JacobianBlocks.allocate(type, (long) plan.samplesPerChunk() * nIn);
        new ChunkRunner(p, graphs.model(), r, type).run(ChunkRunner.chunks(plan), c -> {
            ByteBuffer seed = JacobianBlocks.allocate(type, (long) c.bc() * nOut);
            for (int i = 0; i < c.bc() * nOut; i++) {
                JacobianBlocks.putValue(seed, type, i, cotangent.getDouble(c.b0() * nOut + i));
            }
            long[] shape = concat(r.batched() ? new long[] {1, c.bc()} : new long[] {1}, sampleOut);
            return new ChunkRunner.Seeds(Map.of(Differentiator.SEED, JacobianBlocks.seedTensor(seed, type, shape)), true);
        }, c -> concat(r.batched() ? new long[] {c.bc(), 1} : new long[] {1}, r.sampleInputShape()), block, (c, b) -> {
            int n = c.bc() * nIn;
            if (type == ElementType.FLOAT64) {
                System.arraycopy(JacobianBlocks.readDoubles(b, n), 0, all, c.b0() * nIn, n);
            } else {
                float[] f = JacobianBlocks.readFloats(b, n);
                for (int i = 0; i < n; i++) {
                    all[c.b0() * nIn + i] = f[i];
                }
            }
        }, Set.of(), "vector-Jacobian product", monitor);
        Tensor out = Tensor.ofDoubles(all, x.shape());
        return type == ElementType.FLOAT64 ? out : out.asType(type);
    }

    /**
     * A Jacobian with no elements (no samples, or a zero-sized input or output axis): the empty array of the right
     * shape, with the output from one plain run of the model. Nothing is differentiated.
     */
    JacobianResult empty(ResolvedRequest r, long start) {
        OnnxModel model = graphs.model();
        Tensor output;
        try {
            output = model.run(r.inputs(), Set.of(r.of())).get(r.of());
        } catch (JacobiException e) {
            throw new JacobiException("The Jacobian is empty (a zero-sized axis), and ONNX Runtime could not run "
                + model.info().fileName() + " on these inputs to give its output: " + e.getMessage(), e);
        }
        long[] outShape = output.shape();
        long[] sampleOut = r.batched() ? Arrays.copyOfRange(outShape, Math.min(1, outShape.length), outShape.length) : outShape;
        long[] shape = concat(r.batched() ? new long[] {r.samples()} : new long[0], sampleOut, r.sampleInputShape());
        JacobianMode mode = r.request().mode() == JacobianMode.FORWARD ? JacobianMode.FORWARD : JacobianMode.REVERSE;
        return new JacobianResult(Tensor.ofFloats(new float[0], shape), output, r.wrt(), r.of(), r.sampleInputShape(), sampleOut,
            r.batched(), mode, true, "ONNX autodiff on ONNX Runtime", "CPU", 0, System.nanoTime() - start, List.of());
    }

    /** Output {@code of} of every sample chunk, in order, as one tensor. */
    static Tensor output(List<Map<String, Tensor>> outputs, String of) {
        List<Tensor> parts = outputs.stream().map(o -> o.get(of)).toList();
        return parts.size() == 1 ? parts.get(0) : Tensor.concatRows(parts);
    }

    static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    synchronized void close() {
        spareBlock = null;
    }
}
