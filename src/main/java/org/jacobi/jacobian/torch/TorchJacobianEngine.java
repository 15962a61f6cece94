package org.jacobi.jacobian.torch;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.FiniteDifferenceEngine;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.jacobian.SampleBlocks;
import org.jacobi.model.torch.TorchRuntime;
import org.jacobi.model.torch.TorchScriptModel;
import org.jacobi.model.torch.TorchTensors;

/**
 * Exact per-sample Jacobians of TorchScript models with PyTorch's autograd (through DJL), by the repeat
 * trick: every sample is repeated once per output element ("direction"), the model runs once on the
 * stacked copies, and one backward of {@code sum(y * V)}, with {@code V} the identity tiled over the
 * samples, yields in each copy's input gradient one row of that sample's Jacobian. Rows are processed in
 * chunks that fit the request's memory budget. Without a batch axis the whole input is one sample and
 * each direction takes its own forward and backward.
 *
 * <p>DJL offers reverse mode only, so {@code --mode forward} is refused; AUTO means reverse. All native
 * work runs on {@link TorchRuntime}'s single thread, every array of a chunk lives in a scope closed with
 * the chunk, and inputs are fresh arrays per chunk, so gradients never accumulate across chunks.
 */
public final class TorchJacobianEngine implements JacobianEngine {
    /** Native memory per stacked row is a guess (activations are unknown): this many times the row's I/O. */
    private static final long ACTIVATION_FACTOR = 8;

    private final TorchScriptModel model;

    public TorchJacobianEngine(TorchScriptModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return "PyTorch autograd (DJL)";
    }

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        if (request.mode() == JacobianMode.FD) {
            return new FiniteDifferenceEngine(model).compute(request, monitor);
        }
        if (request.mode() == JacobianMode.FORWARD || request.mode() == JacobianMode.MIXED) {
            throw JacobiException.usage("--mode " + request.mode().label() + " is not available for TorchScript models: PyTorch's autograd"
                + " in DJL runs reverse mode only. Use --mode reverse (or auto), or --mode fd.");
        }
        long start = System.nanoTime();
        model.resolveShapes(request.inputs());
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request);
        // wrt holds its samples on another axis than 0 (--batch-axis state=1): the whole Jacobian, cut into samples
        JacobianResult blocks = SampleBlocks.offAxisZero(model.info(), r, whole -> compute(whole, monitor));
        if (blocks != null) {
            return blocks;
        }
        int outputIndex = model.outputIndex(r.of());
        Computed c = TorchRuntime.call(() -> r.batched()
            ? batched(r, outputIndex, monitor) : unbatched(r, outputIndex, monitor));
        monitor.progress(1, 1, "done");
        List<String> warnings = model.deviceNotice() == null ? List.of() : List.of(model.deviceNotice());
        long[] shape = concat(r.batched() ? new long[] {r.samples()} : new long[0], c.sampleOutputShape,
            r.sampleInputShape());
        return new JacobianResult(Tensor.ofFloats(c.jacobian, shape), c.output, r.wrt(), r.of(),
            r.sampleInputShape(), c.sampleOutputShape, r.batched(), JacobianMode.REVERSE, true, name(), model.device(),
            c.chunks, System.nanoTime() - start, warnings);
    }

    private record Computed(float[] jacobian, Tensor output, long[] sampleOutputShape, int chunks) {
    }

    /** The repeat trick over rows {@code (sample, direction)}, chunked by the memory budget. */
    private Computed batched(ResolvedRequest r, int outputIndex, ProgressMonitor monitor) {
        monitor.checkCancelled();
        model.ensureEvalMode();
        int samples = r.samples();
        int nIn = r.inputsPerSample();
        Tensor output = outputValues(r.inputs(), outputIndex);
        long[] yShape = output.shape();
        if (yShape.length == 0 || yShape[0] != samples) {
            throw new JacobiException("Output '" + r.of() + "' has shape " + Tensor.shapeToString(yShape) + ", but the input has "
                + samples + " samples along axis 0, so axis 0 is not a batch axis of this model. Use --batch-axis none.");
        }
        long[] sampleOut = Arrays.copyOfRange(yShape, 1, yShape.length);
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        float[] jacobian = new float[checkedSize((long) samples * nOut, nIn)];
        long totalRows = (long) samples * nOut;
        long rowsPerChunk = rowsPerChunk(r, nOut);
        int chunks = (int) ((totalRows + rowsPerChunk - 1) / rowsPerChunk);
        for (int chunk = 0; chunk < chunks; chunk++) {
            monitor.checkCancelled();
            long first = chunk * rowsPerChunk;
            long last = Math.min(totalRows, first + rowsPerChunk);
            monitor.progress(first, totalRows, "reverse pass " + (chunk + 1) + "/" + chunks);
            try (NDManager scope = model.newScope()) {
                Feed in = feed(model, scope, r, (t, axis) -> repeatSamples(t, axis, first, last, nOut));
                NDList feed = in.arrays();
                NDArray x = in.wrt();
                int rows = (int) (last - first);
                long[] directions = new long[rows];
                for (int k = 0; k < rows; k++) {
                    directions[k] = (first + k) % nOut;
                }
                float[] gradient = backwardOfWeightedSum(scope, feed, x, outputIndex, directions, nOut, rows);
                if (gradient != null) {
                    System.arraycopy(gradient, 0, jacobian, Math.toIntExact(first * nIn), rows * nIn);
                }
            }
        }
        return new Computed(jacobian, output, sampleOut, chunks);
    }

    /** Without a batch axis: one forward and one backward per output element. */
    private Computed unbatched(ResolvedRequest r, int outputIndex, ProgressMonitor monitor) {
        monitor.checkCancelled();
        model.ensureEvalMode();
        int nIn = r.inputsPerSample();
        Tensor output = outputValues(r.inputs(), outputIndex);
        long[] sampleOut = output.shape();
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        float[] jacobian = new float[checkedSize(nOut, nIn)];
        for (int o = 0; o < nOut; o++) {
            monitor.checkCancelled();
            monitor.progress(o, nOut, "reverse pass " + (o + 1) + "/" + nOut);
            try (NDManager scope = model.newScope()) {
                Feed in = feed(model, scope, r, null);
                NDList feed = in.arrays();
                NDArray x = in.wrt();
                float[] gradient = backwardOfWeightedSum(scope, feed, x, outputIndex, new long[] {o}, nOut, 0);
                if (gradient != null) {
                    System.arraycopy(gradient, 0, jacobian, o * nIn, nIn);
                }
            }
        }
        return new Computed(jacobian, output, sampleOut, nOut);
    }

    /**
     * Runs forward on {@code feed}, then one backward of {@code sum(y * V)} where row k of V is the one-hot
     * vector of {@code directions[k]}; returns the gradient of {@code x} as float32, or null when the output
     * does not depend on x (its Jacobian is zero).
     *
     * @param rows the leading axis of y that V spans, or 0 when y is one unbatched sample
     */
    private float[] backwardOfWeightedSum(NDManager scope, NDList feed, NDArray x, int outputIndex, long[] directions,
                                          int nOut, int rows) {
        try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
            NDList out = model.forward(feed, true);
            NDArray y = out.get(outputIndex);
            long expected = rows == 0 ? nOut : (long) rows * nOut;
            if (y.getShape().size() != expected || (rows > 0 && y.getShape().get(0) != rows)) {
                throw new JacobiException("Output '" + outputIndex + "' changed shape to " + y.getShape()
                    + " on stacked samples; the model does not treat axis 0 as independent samples. Use --batch-axis none.");
            }
            NDArray v = scope.create(directions).oneHot(nOut, y.getDataType()).reshape(y.getShape());
            if (!backward(collector, y.mul(v).sum())) {
                return null;
            }
            NDArray g = x.getGradient();
            return g.getDataType() == DataType.FLOAT32 ? g.toFloatArray() : g.toType(DataType.FLOAT32, true).toFloatArray();
        }
    }

    /**
     * One backward of the scalar {@code s}; false when {@code s} does not depend on any input that requires
     * gradients (the Jacobian is then zero). libtorch says so with an error; asking the tensor beforehand
     * is no option: DJL's requiresGrad answers false for outputs that do depend on the input, and its
     * grad-function query crashes the JVM on tensors that have none.
     */
    private static boolean backward(GradientCollector collector, NDArray s) {
        try {
            collector.backward(s);
            return true;
        } catch (EngineException e) {
            if (String.valueOf(e.getMessage()).contains("does not require grad")) {
                return false;
            }
            String why = TorchRuntime.bestLine(e);
            if (why.contains("not implemented") || why.contains("not differentiable")) {
                throw new NotDifferentiableException(notDifferentiable(why), e);
            }
            throw new JacobiException("PyTorch's backward pass failed: " + why + ".", e);
        }
    }

    private static final Pattern MISSING_DERIVATIVE =
        Pattern.compile("derivative for (aten::_\\w+) is not implemented");

    /**
     * What to tell the user when libtorch has no derivative. Kernels whose names start with an underscore are
     * PyTorch's internal fused ones: {@code torch.jit.trace} records them (e.g. a TransformerEncoder's
     * {@code aten::_transformer_encoder_layer_fwd}) when the model is traced with gradients off, and they only
     * exist for inference.
     */
    static String notDifferentiable(String why) {
        Matcher m = MISSING_DERIVATIVE.matcher(why);
        if (m.find()) {
            return "PyTorch cannot differentiate this model: it contains the fused inference-only kernel " + m.group(1)
                + ", which PyTorch records when a model is traced under torch.no_grad() (or inference mode) and which has "
                + "no derivative. Trace the model again outside torch.no_grad(), e.g. torch.jit.trace(model.eval(), example), "
                + "or export it to ONNX with torch.onnx.export and use the .onnx file.";
        }
        return "PyTorch cannot differentiate this model: " + why + ".";
    }

    /** The differentiated output at the inputs, from one forward pass without gradients. */
    private Tensor outputValues(Map<String, Tensor> inputs, int outputIndex) {
        try (NDManager scope = model.newScope()) {
            NDList feed = new NDList();
            for (String name : model.inputNames()) {
                feed.add(TorchTensors.toNd(scope, inputs.get(name)));
            }
            return TorchTensors.fromNd(model.forward(feed, false).get(outputIndex));
        }
    }

    /** The model's inputs as libtorch arrays in input order, and wrt's array, which records its gradient. */
    record Feed(NDList arrays, NDArray wrt) {
    }

    /**
     * The inputs of {@code r} as libtorch arrays in {@code scope}, those that carry the batch axis rewritten by
     * {@code perSample} (given the input and its batch axis; null: as they are); wrt's array records its gradient.
     */
    static Feed feed(TorchScriptModel model, NDManager scope, ResolvedRequest r, BiFunction<Tensor, Integer, Tensor> perSample) {
        NDList arrays = new NDList();
        NDArray wrt = null;
        for (String name : model.inputNames()) {
            Tensor t = r.inputs().get(name);
            int axis = perSample == null ? -1 : r.batchAxisOf(name, model.info().input(name), t);
            if (axis >= 0) {
                t = perSample.apply(t, axis);
            }
            NDArray a = TorchTensors.toNd(scope, t);
            if (name.equals(r.wrt())) {
                a.setRequiresGradient(true);
                wrt = a;
            }
            arrays.add(a);
        }
        return new Feed(arrays, wrt);
    }

    /**
     * Rows {@code [first, last)} of the stacked batch on batch axis {@code axis} of {@code t}: row k holds sample
     * {@code k / nOut}.
     */
    static Tensor repeatSamples(Tensor t, int axis, long first, long last, int nOut) {
        if (axis > 0) { // a state [layers, batch, hidden]
            int[] sampleOfRow = new int[(int) (last - first)];
            for (int k = 0; k < sampleOfRow.length; k++) {
                sampleOfRow[k] = (int) ((first + k) / nOut);
            }
            return t.gatherAlong(axis, sampleOfRow);
        }
        long[] shape = t.shape();
        int rowSize = Math.toIntExact(Tensor.elementCount(shape) / shape[0]);
        int rows = (int) (last - first);
        Object src = t.array();
        Object dst = Array.newInstance(src.getClass().getComponentType(), rows * rowSize);
        for (int k = 0; k < rows; k++) {
            long sample = (first + k) / nOut;
            System.arraycopy(src, (int) sample * rowSize, dst, k * rowSize, rowSize);
        }
        shape[0] = rows;
        switch (t.type()) {
            case FLOAT32: return Tensor.ofFloats((float[]) dst, shape);
            case FLOAT64: return Tensor.ofDoubles((double[]) dst, shape);
            case INT64: return Tensor.ofLongs((long[]) dst, shape);
            case INT32: return Tensor.ofInts((int[]) dst, shape);
            case BOOL: return Tensor.ofBooleans((boolean[]) dst, shape);
            default: throw new IllegalArgumentException(t.type().toString());
        }
    }

    /** How many stacked rows fit the budget: each holds every input's sample, its gradient, y and V. */
    private long rowsPerChunk(ResolvedRequest r, int nOut) {
        long elements = 0;
        for (Tensor t : r.inputs().values()) {
            elements += t.rank() > 0 && t.dim(0) == r.samples() ? t.size() / r.samples() : 0;
        }
        elements += r.inputsPerSample() + 3L * nOut;
        int bytes = r.wrtValue().type() == ElementType.FLOAT64 ? 8 : 4;
        long rowBytes = Math.max(1, elements * bytes * ACTIVATION_FACTOR);
        long total = (long) r.samples() * nOut;
        return Math.max(1, Math.min(total, r.request().memoryBudget() / rowBytes));
    }

    private static int checkedSize(long rows, long columns) {
        long n = rows * columns;
        if (n > Integer.MAX_VALUE - 8) {
            throw new JacobiException("The Jacobian would have " + n + " elements, more than one array can hold."
                + " Use fewer samples, or choose a smaller output or input with --of / --wrt.");
        }
        return (int) n;
    }

    /**
     * {@code cotangent · d(of)/d(wrt)} per sample with one backward pass over the whole batch (samples are
     * independent, so the gradient of {@code sum(y * cotangent)} separates by sample).
     */
    @Override
    public Tensor vectorJacobianProduct(JacobianRequest request, Tensor cotangent, ProgressMonitor monitor) {
        model.resolveShapes(request.inputs());
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request);
        int outputIndex = model.outputIndex(r.of());
        Tensor x0 = r.wrtValue();
        return TorchRuntime.call(() -> {
            monitor.checkCancelled();
            model.ensureEvalMode();
            try (NDManager scope = model.newScope(); GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                Feed in = feed(model, scope, r, null);
                NDList feed = in.arrays();
                NDArray x = in.wrt();
                NDArray y = model.forward(feed, true).get(outputIndex);
                if (!Arrays.equals(y.getShape().getShape(), cotangent.shape())) {
                    throw new JacobiException("The cotangent has shape " + Tensor.shapeToString(cotangent.shape())
                        + " but output '" + r.of() + "' has shape " + y.getShape() + ".");
                }
                NDArray c = TorchTensors.toNd(scope, cotangent).toType(y.getDataType(), false);
                if (!backward(collector, y.mul(c).sum())) {
                    return x0.type() == ElementType.FLOAT64 ? Tensor.ofDoubles(new double[x0.size()], x0.shape())
                        : Tensor.ofFloats(new float[x0.size()], x0.shape());
                }
                // in the input's own precision, as the ONNX engine gives it: a float64 model's gradient stays float64
                return TorchTensors.fromNd(x.getGradient());
            }
        });
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    @Override
    public void close() {
        // the model belongs to the caller; the engine holds no native state of its own
    }
}
