package org.jacobi.gsa;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.Model;
import org.jacobi.model.TensorSpec;

/**
 * Runs a model on rows of a study: the varied input takes each row's values, every other input keeps the reference
 * sample's (repeated along its batch axis). Forward passes go straight to {@link Model#run} in batches; Jacobians go
 * through a {@link JacobianEngine} (ONNX autodiff or PyTorch autograd, with its own chunking to the memory budget).
 * One evaluator per model and thread; calls into the model are serialised on it, as elsewhere.
 */
public final class StudyEvaluator {
    private final Model model;
    private final JacobianEngine engine;
    private final String wrt;
    private final String of;
    private final long[] sampleShape;
    private final boolean batched;
    private final ElementType wrtType;
    private final Map<String, Tensor> others;
    private final BatchAxis batchAxis;
    private final Map<String, Integer> heldAxes;
    private final long memoryBudget;
    private final int outputs;
    private volatile String warning;

    /**
     * @param others every other model input, one sample each (batch axis of 1 when the model has one)
     * @param sampleShape one sample's shape of {@code wrt}, without the batch axis when {@code batched}
     * @param batched whether axis 0 of the model's inputs holds samples; when not, rows run one at a time
     * @param batchAxis the inputs' batch axes ({@code --batch-axis}), for the Jacobian requests
     * @param heldAxes the batch axis of each of {@code others} that holds its sample elsewhere than on axis 0 (a state
     *     [layers, batch, hidden]), -1 for one stated to hold none ({@link ResolvedRequest#axesOffZero})
     * @param outputs elements of one sample of {@code of}
     * @param memoryBudget bytes one batch may use; 0 for the default
     */
    public StudyEvaluator(Model model, JacobianEngine engine, String wrt, String of, long[] sampleShape, boolean batched,
                          ElementType wrtType, Map<String, Tensor> others, BatchAxis batchAxis, Map<String, Integer> heldAxes,
                          int outputs, long memoryBudget) {
        this.model = model;
        this.engine = engine;
        this.wrt = wrt;
        this.of = of;
        this.sampleShape = sampleShape.clone();
        this.batched = batched;
        this.wrtType = wrtType == null || !wrtType.isFloatingPoint() ? ElementType.FLOAT32 : wrtType;
        this.others = new LinkedHashMap<>(others);
        this.batchAxis = batchAxis;
        this.heldAxes = Map.copyOf(heldAxes);
        this.outputs = outputs;
        this.memoryBudget = memoryBudget > 0 ? memoryBudget : JacobianRequest.defaultMemoryBudget();
    }

    public int outputs() {
        return outputs;
    }

    /** The inputs other than the varied one, each held at the reference sample's value (a cluster bakes them in). */
    public Map<String, Tensor> heldInputs() {
        return Collections.unmodifiableMap(others);
    }

    /** The held inputs that keep their sample elsewhere than on axis 0, with that axis (-1: none). */
    public Map<String, Integer> heldAxes() {
        return heldAxes;
    }

    /**
     * Rows per batch within the memory budget: inputs, outputs and (for Jacobians) the Jacobian of each row, with room
     * for the runtime's own copies. Models without a batch axis take one row at a time.
     */
    public int batchRows(int elements, boolean jacobians) {
        if (!batched) {
            return 1;
        }
        long perRow = 8L * (elements + outputs) * 4 + (jacobians ? 8L * outputs * elements * 3 : 0);
        return (int) Math.max(1, Math.min(1 << 16, memoryBudget / Math.max(1, perRow)));
    }

    /** The outputs of {@code n} rows of {@code elements} values each, row-major {@code [n][outputs]}. */
    public double[] outputs(double[] rows, int n, ProgressMonitor monitor) {
        if (!batched) {
            double[] out = new double[n * outputs];
            int e = rows.length / Math.max(1, n);
            for (int r = 0; r < n; r++) {
                double[] one = Arrays.copyOfRange(rows, r * e, (r + 1) * e);
                System.arraycopy(run(one, 1, monitor), 0, out, r * outputs, outputs);
            }
            return out;
        }
        return run(rows, n, monitor);
    }

    private double[] run(double[] rows, int n, ProgressMonitor monitor) {
        Map<String, Tensor> feed = feed(rows, n);
        Tensor y;
        synchronized (model) {
            monitor.checkCancelled();
            y = model.run(feed, Set.of(of)).get(of);
        }
        return y.toDoubleArray();
    }

    /** Outputs and Jacobians of a batch: the Jacobian rows restricted to the varied elements. */
    public record Derivatives(double[] outputs, double[] jacobians) {
    }

    /**
     * The outputs {@code [n][outputs]} and Jacobians {@code [n][outputs][varied.length]} (only the columns of the
     * varied elements) of {@code n} rows.
     */
    public Derivatives jacobians(double[] rows, int n, int[] varied, ProgressMonitor monitor) {
        int e = rows.length / Math.max(1, n);
        double[] out = new double[n * outputs];
        double[] jac = new double[n * outputs * varied.length];
        int step = batched ? n : 1;
        for (int start = 0; start < n; start += step) {
            int m = Math.min(step, n - start);
            double[] part = batched && m == n ? rows : Arrays.copyOfRange(rows, start * e, (start + m) * e);
            JacobianRequest request = JacobianRequest.of(feed(part, m)).withWrtOf(wrt, of).withBatchAxis(batchAxis)
                .withMode(JacobianMode.AUTO).withMaxMemory(memoryBudget);
            JacobianResult result;
            synchronized (model) {
                monitor.checkCancelled();
                result = engine.compute(request, ProgressMonitor.NONE);
            }
            if (!result.warnings().isEmpty()) {
                warning = String.join(" ", result.warnings());
            }
            double[] y = result.output().toDoubleArray();
            System.arraycopy(y, 0, out, start * outputs, m * outputs);
            float[] j = result.jacobian().floats();
            int nIn = result.inputsPerSample();
            for (int r = 0; r < m; r++) {
                for (int o = 0; o < outputs; o++) {
                    int src = (r * outputs + o) * nIn;
                    int dst = ((start + r) * outputs + o) * varied.length;
                    for (int k = 0; k < varied.length; k++) {
                        jac[dst + k] = j[src + varied[k]];
                    }
                }
            }
        }
        return new Derivatives(out, jac);
    }

    /** A warning from the Jacobian engine (a fallback to finite differences), or null. */
    public String warning() {
        return warning;
    }

    /** The name of the derivative source, e.g. "ONNX autodiff". */
    public String engineName() {
        return engine.name();
    }

    public String device() {
        return model.device();
    }

    private Map<String, Tensor> feed(double[] rows, int n) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (TensorSpec spec : model.info().inputs()) {
            String name = spec.name();
            if (name.equals(wrt)) {
                feed.put(name, Tensor.ofDoubles(rows, batchShape(n)).asType(wrtType));
            } else {
                Tensor t = others.get(name);
                int axis = heldAxes.getOrDefault(name, 0);
                feed.put(name, batched && n > 1 && axis >= 0 && t.rank() > axis && t.dim(axis) == 1 ? repeat(t, axis, n) : t);
            }
        }
        return feed;
    }

    private long[] batchShape(int n) {
        if (!batched) {
            return sampleShape.clone();
        }
        long[] s = new long[sampleShape.length + 1];
        s[0] = n;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }

    private static Tensor repeat(Tensor one, int axis, int n) {
        List<Tensor> parts = Collections.nCopies(n, one);
        return Tensor.concatAlong(axis, parts);
    }
}
