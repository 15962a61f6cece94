package org.jacobi.attribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.model.Dim;
import org.jacobi.model.Model;
import org.jacobi.model.TensorSpec;

/**
 * The one gradient helper of the attribution methods: evaluates the model's target, or its gradient, at many
 * points per sample (integration steps, noise draws, occluded copies) by stacking (sample, point) pairs into
 * large batches, so that one reverse pass ({@link org.jacobi.jacobian.JacobianEngine#vectorJacobianProduct}) or
 * one forward run covers many pairs. Each pair's cotangent is the target's weighting of its own sample, so the
 * gradient of a row is the gradient of its sample's target at that point.
 *
 * <p>How many rows go in one request: the budget divided by a row's inputs and output times
 * {@link #ACTIVATION_FACTOR}, a generous allowance for the activations a pass keeps (ResNet-18 at 3×64×64 keeps
 * about 40 times its input); the ONNX engine splits each request again by its own estimate of the graph.
 */
public final class PointBatches {
    /** Bytes a pass keeps per byte of a row's inputs and output, for planning the rows per request. */
    static final int ACTIVATION_FACTOR = 64;

    /** Writes point {@code point} of sample {@code sample} into {@code dst[offset ..]}, shaped like one sample of the input. */
    @FunctionalInterface
    public interface Fill {
        void fill(int sample, int point, double[] dst, int offset);
    }

    /** The points of one method: {@code perSample} points for each sample. */
    public record Points(int perSample, Fill fill) {
    }

    /** Receives the gradient at one point, in {@code gradient[offset .. offset + one sample's size)}. */
    public interface GradientSink {
        void accept(int sample, int point, double[] gradient, int offset);
    }

    /** Receives the target's value at one point. */
    public interface ValueSink {
        void accept(int sample, int point, double value);
    }

    private PointBatches() {
    }

    /** The gradient of target {@code target} at every point of every sample, handed to {@code sink} chunk by chunk. */
    public static void gradients(AttributionProblem p, int target, Points points, GradientSink sink, ProgressMonitor monitor) {
        int n = p.perSample();
        forEachChunk(p, points, monitor, "gradients", (chunk, rows, sampleOfRow, pointOfRow, count) -> {
            double[] g = vectorJacobianProduct(p, chunk, p.wrt(), rows, sampleOfRow, count, target, monitor);
            for (int j = 0; j < count; j++) {
                sink.accept(sampleOfRow[j], pointOfRow[j], g, j * n);
            }
        });
    }

    /**
     * Receives one sample's value of a layer and the target's gradient there, each in {@code [offset .. offset + size)}
     * where size is the element count of {@code shape}, one sample's shape of the layer.
     */
    public interface LayerSink {
        void accept(int sample, double[] activation, double[] gradient, int offset, long[] shape);
    }

    /**
     * Value {@code layer} inside the graph ({@link org.jacobi.model.Model#intermediateValues()}) at every sample, and the
     * gradient of target {@code target} with respect to it: one forward run and one reverse pass per chunk of samples.
     */
    public static void layerGradients(AttributionProblem p, String layer, int target, LayerSink sink, ProgressMonitor monitor) {
        forEachChunk(p, single(p.xValues(), p.perSample()), monitor, "gradients", (chunk, rows, sampleOfRow, pointOfRow, count) -> {
            Tensor value = p.model().run(chunk.inputs(), Set.of(layer)).get(layer);
            if (value.rank() == 0 || value.dim(0) != rows) {
                throw JacobiException.usage("Value '" + layer + "' " + Tensor.shapeToString(value.shape()) + " has no batch axis of "
                    + rows + " rows; name a feature map of the samples with --layer.");
            }
            long[] shape = Arrays.copyOfRange(value.shape(), 1, value.rank());
            double[] a = value.toDoubleArray();
            double[] g = vectorJacobianProduct(p, chunk, layer, rows, sampleOfRow, count, target, monitor);
            int size = a.length / rows;
            for (int j = 0; j < count; j++) {
                sink.accept(sampleOfRow[j], a, g, j * size, shape);
            }
        });
    }

    /** The gradient of each row's target with respect to {@code wrt} (an input or a value inside the graph), flat. */
    private static double[] vectorJacobianProduct(AttributionProblem p, AttributionProblem chunk, String wrt, int rows, int[] sampleOfRow,
                                                  int count, int target, ProgressMonitor monitor) {
        int nOut = p.target().outputsPerSample();
        double[] cotangent = new double[rows * nOut];
        for (int j = 0; j < count; j++) {
            System.arraycopy(p.target().weights(sampleOfRow[j], target), 0, cotangent, j * nOut, nOut);
        }
        JacobianRequest request = new JacobianRequest(chunk.inputs(), wrt, p.target().output(), p.batchAxis(),
            JacobianMode.REVERSE, p.maxMemoryBytes());
        Tensor c = Tensor.ofDoubles(cotangent, concat(new long[] {rows}, p.target().sampleShape()));
        return p.engine().vectorJacobianProduct(request, c, cancelOnly(monitor)).toDoubleArray();
    }

    /** The target's value at every point of every sample (forward runs only). */
    public static void values(AttributionProblem p, int target, Points points, ValueSink sink, ProgressMonitor monitor) {
        String output = p.target().output();
        forEachChunk(p, points, monitor, "forward runs", (chunk, rows, sampleOfRow, pointOfRow, count) -> {
            Tensor y = p.model().run(chunk.inputs(), Set.of(output)).get(output);
            for (int j = 0; j < count; j++) {
                sink.accept(sampleOfRow[j], pointOfRow[j], p.target().value(y, j, sampleOfRow[j], target));
            }
        });
    }

    /** The target's values as {@code [sample][point]}. */
    public static double[][] values(AttributionProblem p, int target, Points points, ProgressMonitor monitor) {
        double[][] out = new double[p.samples()][points.perSample()];
        values(p, target, points, (s, k, v) -> out[s][k] = v, monitor);
        return out;
    }

    /** One point per sample, given as a whole batch of doubles ({@code [samples, *sample shape]}). */
    public static Points single(double[] batch, int perSample) {
        return new Points(1, (sample, point, dst, offset) -> System.arraycopy(batch, sample * perSample, dst, offset, perSample));
    }

    private interface ChunkWork {
        void run(AttributionProblem chunk, int rows, int[] sampleOfRow, int[] pointOfRow, int count);
    }

    private static void forEachChunk(AttributionProblem p, Points points, ProgressMonitor monitor, String what, ChunkWork work) {
        int n = p.perSample();
        long total = (long) p.samples() * points.perSample();
        int fixed = fixedBatch(p);
        int rowsPerCall = fixed > 0 ? fixed : (int) Math.max(1, Math.min(total, budget(p) / bytesPerRow(p)));
        for (long r0 = 0; r0 < total; r0 += rowsPerCall) {
            monitor.checkCancelled();
            monitor.progress(r0, total, what);
            int count = (int) Math.min(rowsPerCall, total - r0);
            int rows = fixed > 0 ? fixed : count;
            int[] sampleOfRow = new int[rows];
            int[] pointOfRow = new int[rows];
            double[] values = new double[rows * n];
            for (int j = 0; j < rows; j++) {
                long r = r0 + Math.min(j, count - 1); // a fixed batch is padded with copies of the last row
                sampleOfRow[j] = (int) (r / points.perSample());
                pointOfRow[j] = (int) (r % points.perSample());
                points.fill().fill(sampleOfRow[j], pointOfRow[j], values, j * n);
            }
            work.run(p.forRows(sampleOfRow, values), rows, sampleOfRow, pointOfRow, count);
        }
        monitor.progress(total, total, what);
    }

    private static long budget(AttributionProblem p) {
        return p.maxMemoryBytes() > 0 ? p.maxMemoryBytes() : JacobianRequest.defaultMemoryBudget();
    }

    private static long bytesPerRow(AttributionProblem p) {
        long elements = p.target().outputsPerSample();
        for (Tensor t : p.inputs().values()) {
            elements += t.rank() > 0 && t.dim(0) == p.samples() ? t.size() / Math.max(1, p.samples()) : 0;
        }
        return Math.max(1, elements) * Double.BYTES * ACTIVATION_FACTOR;
    }

    /**
     * Output {@code of} at {@code inputs} ({@code samples} rows): one run, or for a model that fixes its batch at another
     * size, runs of that size, the last padded with copies of its last row; inputs cut on their axes as {@link #gatherRows} does.
     */
    static Tensor output(Model model, Map<String, Tensor> inputs, String wrt, String of, int samples,
                         Map<String, Integer> sampleAxes) {
        int fixed = fixedBatch(model, wrt);
        if (fixed == 0 || fixed == samples) {
            return model.run(inputs, Set.of(of)).get(of);
        }
        List<Tensor> parts = new ArrayList<>();
        for (int s0 = 0; s0 < samples; s0 += fixed) {
            int[] rows = new int[fixed];
            for (int j = 0; j < fixed; j++) {
                rows[j] = Math.min(s0 + j, samples - 1);
            }
            Map<String, Tensor> chunk = new LinkedHashMap<>();
            inputs.forEach((name, t) -> chunk.put(name, gatherRows(t, samples, rows, sampleAxes.get(name))));
            parts.add(model.run(chunk, Set.of(of)).get(of).sliceRows(0, Math.min(fixed, samples - s0)));
        }
        return parts.size() == 1 ? parts.get(0) : Tensor.concatRows(parts);
    }

    private static int fixedBatch(AttributionProblem p) {
        return fixedBatch(p.model(), p.wrt());
    }

    /** The batch size the model insists on (a fixed leading dimension of the attributed input), or 0 when free. */
    private static int fixedBatch(Model model, String wrt) {
        TensorSpec spec = model.info().input(wrt);
        if (spec == null || spec.dims() == null || spec.dims().isEmpty()) {
            return 0;
        }
        Dim first = spec.dims().get(0);
        return first.isFixed() ? (int) first.size() : 0;
    }

    /** A monitor for the engine inside one chunk: passes cancellation through, keeps the chunk's own progress out. */
    private static ProgressMonitor cancelOnly(ProgressMonitor outer) {
        return new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
            }

            @Override
            public boolean isCancelled() {
                return outer.isCancelled();
            }
        };
    }

    /** Rows of doubles as a tensor {@code [rows, *sampleShape]} of the given floating type. */
    static Tensor tensorOf(double[] values, int rows, long[] sampleShape, ElementType type) {
        Tensor t = Tensor.ofDoubles(values, concat(new long[] {rows}, sampleShape));
        return type == ElementType.FLOAT64 ? t : t.asType(ElementType.FLOAT32);
    }

    /**
     * Samples {@code sampleOfRow} of {@code t} on its batch axis: {@code axis} (-1: none), or when null, axis 0 if it has a
     * row per sample; a tensor without one as it is.
     */
    static Tensor gatherRows(Tensor t, int samples, int[] sampleOfRow, Integer axis) {
        int along = axis != null ? axis : t.rank() > 0 && t.dim(0) == samples ? 0 : -1;
        return along < 0 ? t : t.gatherAlong(along, sampleOfRow);
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
