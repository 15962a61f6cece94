package org.jacobi.jacobian.torch;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.HessianEngine;
import org.jacobi.jacobian.HessianRequest;
import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.HessianVectors;
import org.jacobi.jacobian.Hessians;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.torch.TorchRuntime;
import org.jacobi.model.torch.TorchScriptModel;

/**
 * Exact per-sample Hessians of TorchScript models through libtorch's double backward. Rows (sample,
 * direction) are stacked as in {@link TorchJacobianEngine}'s repeat trick: one forward over the stacked copies,
 * a first seeded backward that keeps its graph ({@code createGraph}) gives every row the gradient {@code g} of
 * the chosen scalar, and a second backward of {@code sum(g * V)}, with row (b, k) of V the unit vector of input
 * element k, leaves row k of sample b's Hessian in the input's gradient. The input's gradient is cleared between
 * the two backwards, after {@code sum(g * V)} has been recorded, so the rows are not offset by {@code g}.
 */
public final class TorchHessianEngine implements HessianEngine {
    private static final long ACTIVATION_FACTOR = 16;

    private final TorchScriptModel model;

    public TorchHessianEngine(TorchScriptModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return "PyTorch autograd (DJL, double backward)";
    }

    @Override
    public HessianResult compute(HessianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        model.resolveShapes(request.inputs());
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request.asJacobianRequest());
        int outputIndex = model.outputIndex(r.of());
        int samples = r.samples();
        int nIn = r.inputsPerSample();
        boolean hvp = request.vector() != null;
        double[] vector = hvp ? HessianVectors.perSample(request.vector(), samples, r.sampleInputShape(), r.batched()) : null;
        if (!hvp) {
            request.checkFullHessianFits(samples, nIn);
        }
        int directions = hvp ? 1 : nIn;
        long totalRows = (long) samples * directions;
        // Without a batch axis nothing can be stacked: one direction per forward and backward.
        long rowsPerChunk = r.batched() ? Math.max(1, Math.min(totalRows, request.memoryBudget() / rowBytes(r))) : 1;
        int chunks = (int) ((totalRows + rowsPerChunk - 1) / rowsPerChunk);
        float[] hessian = new float[Math.toIntExact(totalRows * nIn)];
        float[] gradient = new float[samples * nIn];
        TorchRuntime.call(() -> {
            model.ensureEvalMode();
            for (int chunk = 0; chunk < chunks; chunk++) {
                monitor.checkCancelled();
                long first = chunk * rowsPerChunk;
                long last = Math.min(totalRows, first + rowsPerChunk);
                monitor.progress(first, totalRows, "double backward " + (chunk + 1) + "/" + chunks);
                chunk(r, request, outputIndex, directions, vector, first, last, hessian, gradient);
            }
            return null;
        });
        monitor.progress(1, 1, "done");
        Tensor output = model.run(r.inputs(), Set.of(r.of())).get(r.of());
        long[] lead = r.batched() ? new long[] {samples} : new long[0];
        long[] shape = hvp ? concat(lead, r.sampleInputShape()) : concat(lead, r.sampleInputShape(), r.sampleInputShape());
        List<String> warnings = model.deviceNotice() == null ? List.of() : List.of(model.deviceNotice());
        return new HessianResult(Tensor.ofFloats(hessian, shape), Tensor.ofFloats(gradient, r.wrtValue().shape()), output,
            r.wrt(), r.of(), request.targetLabel(), r.sampleInputShape(), r.batched(), hvp, name(), model.device(), chunks,
            System.nanoTime() - start, warnings);
    }

    /** Rows {@code [first, last)}: row (b, k) = b * directions + k. */
    private void chunk(ResolvedRequest r, HessianRequest request, int outputIndex, int directions, double[] vector,
                       long first, long last, float[] hessian, float[] gradient) {
        int samples = r.samples();
        int nIn = r.inputsPerSample();
        int rows = (int) (last - first);
        try (NDManager scope = model.newScope(); GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
            TorchJacobianEngine.Feed in = TorchJacobianEngine.feed(model, scope, r,
                (t, axis) -> TorchJacobianEngine.repeatSamples(t, axis, first, last, directions));
            NDList feed = in.arrays();
            NDArray x = in.wrt();
            NDArray y = model.forward(feed, true).get(outputIndex);
            long[] yShape = y.getShape().getShape();
            int nOut = Math.toIntExact(r.batched() ? Tensor.elementCount(yShape) / Math.max(1, yShape.length == 0 ? 1 : yShape[0])
                : Tensor.elementCount(yShape));
            if (r.batched() && (yShape.length == 0 || yShape[0] != rows)) {
                throw new JacobiException("Output '" + r.of() + "' changed shape to " + y.getShape()
                    + " on stacked samples; the model does not treat axis 0 as independent samples. Use --batch-axis none.");
            }
            if (request.element() >= nOut) {
                throw JacobiException.usage("--element " + request.element() + " is out of range: one sample of output '"
                    + r.of() + "' has " + nOut + " elements (0 to " + (nOut - 1) + ").");
            }
            int copies = r.batched() ? rows : 1;
            float[] seed = new float[copies * nOut];
            for (int row = 0; row < copies; row++) {
                if (request.element() == HessianRequest.SUM) {
                    Arrays.fill(seed, row * nOut, (row + 1) * nOut, 1f);
                } else {
                    seed[row * nOut + request.element()] = 1f;
                }
            }
            NDArray cotangent = scope.create(seed, y.getShape()).toType(y.getDataType(), false);
            if (!backward((PtNDArray) y, (PtNDArray) cotangent, true)) {
                return; // the output does not depend on the input: gradient and Hessian are zero
            }
            NDArray g = x.getGradient();
            float[] v = new float[Math.toIntExact(x.getShape().size())];
            for (int row = 0; row < rows; row++) {
                long global = first + row;
                int b = (int) (global / directions);
                int k = (int) (global % directions);
                if (vector != null) {
                    for (int i = 0; i < nIn; i++) {
                        v[row * nIn + i] = (float) vector[b * nIn + i];
                    }
                } else {
                    v[row * nIn + k] = 1f;
                }
            }
            float[] g0 = toFloats(g);
            for (int row = 0; row < rows; row++) {
                long global = first + row;
                if (global % directions == 0) {
                    int b = (int) (global / directions);
                    System.arraycopy(g0, row * nIn, gradient, b * nIn, nIn);
                }
            }
            NDArray s = g.mul(scope.create(v, x.getShape()).toType(g.getDataType(), false)).sum();
            JniUtils.zeroGrad((PtNDArray) x);
            if (backward((PtNDArray) s, (PtNDArray) scope.ones(s.getShape(), s.getDataType()), false)) {
                float[] h = toFloats(x.getGradient());
                System.arraycopy(h, 0, hessian, Math.toIntExact(first * nIn), rows * nIn);
            }
        }
    }

    private static float[] toFloats(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : a.toType(DataType.FLOAT32, true).toFloatArray();
    }

    private static boolean backward(PtNDArray target, PtNDArray seed, boolean createGraph) {
        try {
            JniUtils.backward(target, seed, createGraph, createGraph);
            return true;
        } catch (EngineException e) {
            if (String.valueOf(e.getMessage()).contains("does not require grad")) {
                return false;
            }
            throw new JacobiException("PyTorch's backward pass failed: " + TorchRuntime.bestLine(e) + ".", e);
        }
    }

    private long rowBytes(ResolvedRequest r) {
        long elements = 0;
        for (Tensor t : r.inputs().values()) {
            elements += t.rank() > 0 && t.dim(0) == r.samples() ? t.size() / r.samples() : 0;
        }
        elements += 4L * r.inputsPerSample();
        int bytes = r.wrtValue().type() == ElementType.FLOAT64 ? 8 : 4;
        return Math.max(1, elements * bytes * ACTIVATION_FACTOR);
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    @Override
    public void close() {
        // the model belongs to the caller
    }
}
