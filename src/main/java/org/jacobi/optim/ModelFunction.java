package org.jacobi.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.FiniteDifferenceEngine;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.Model;

/**
 * A model's output {@code of} for one sample, as a function of that sample's input {@code wrt}; every other input
 * keeps the sample's value. Derivatives come from a {@link JacobianEngine}: the full Jacobian for Gauss-Newton, a
 * vector-Jacobian product for L-BFGS. When the exact engine cannot differentiate the model (an operator without a
 * rule), finite differences take over with a warning ({@link #warning()}), as {@code Jacobians.compute} does in
 * AUTO mode. Calls into the model are serialised on the model, so two optimizers may run side by side on one model.
 */
public final class ModelFunction implements DifferentiableFunction {
    private final Model model;
    private final JacobianEngine engine;
    private final Map<String, Tensor> sampleInputs;
    private final String wrt;
    private final String of;
    private final int sample;
    private final Tensor startTensor;
    private final long[] outputShape;
    private final ElementType outputType;
    private final double[] startOutput;
    private final JacobianRequest request;
    private final JacobianEngine fallback;
    private volatile String warning;

    private ModelFunction(Model model, JacobianEngine engine, Map<String, Tensor> sampleInputs, String wrt, String of,
                          int sample, Tensor output, BatchAxis batchAxis) {
        this.model = model;
        this.engine = engine;
        this.sampleInputs = sampleInputs;
        this.wrt = wrt;
        this.of = of;
        this.sample = sample;
        this.startTensor = sampleInputs.get(wrt);
        this.outputShape = output.shape();
        this.outputType = output.type();
        this.startOutput = output.toDoubleArray();
        this.request = JacobianRequest.of(sampleInputs).withWrtOf(wrt, of).withBatchAxis(batchAxis);
        this.fallback = engine instanceof FiniteDifferenceEngine ? engine : new FiniteDifferenceEngine(model);
    }

    /**
     * @param inputs every model input with its batch axis, checked by {@link org.jacobi.model.InputBinder}
     * @param wrt the input to optimize, or null for the first floating-point input
     * @param of the output to steer, or null for the first output
     * @param sample which sample of the batch (0 when the input has no batch axis)
     */
    public static ModelFunction create(Model model, JacobianEngine engine, Map<String, Tensor> inputs, String wrt,
                                       String of, int sample) {
        return create(model, engine, inputs, wrt, of, sample, BatchAxis.AUTO);
    }

    /** As {@link #create(Model, JacobianEngine, Map, String, String, int)}, the inputs' batch axes as {@code --batch-axis} states them. */
    public static ModelFunction create(Model model, JacobianEngine engine, Map<String, Tensor> inputs, String wrt,
                                       String of, int sample, BatchAxis batchAxis) {
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), JacobianRequest.of(inputs).withWrtOf(wrt, of).withBatchAxis(batchAxis));
        if (sample < 0 || sample >= r.samples()) {
            throw JacobiException.usage("Sample " + sample + " does not exist: the input holds "
                + (r.samples() == 1 ? "1 sample (use 0)." : r.samples() + " samples (0 to " + (r.samples() - 1) + ")."));
        }
        Map<String, Tensor> one = r.sampleRows(model.info(), inputs, sample, sample + 1);
        Tensor y;
        synchronized (model) {
            y = model.run(one, Set.of(r.of())).get(r.of());
        }
        return new ModelFunction(model, engine, one, r.wrt(), r.of(), sample, y, batchAxis);
    }

    /**
     * The inputs with sample {@code sample} of input {@code name} replaced by {@code value} (one sample, with or
     * without a batch axis of 1): how "use result as sample" puts an optimized input back into a batch.
     */
    public static Map<String, Tensor> withSample(Map<String, Tensor> inputs, String name, int sample, Tensor value) {
        Tensor batch = inputs.get(name);
        if (batch == null) {
            throw JacobiException.usage("There is no input '" + name + "'.");
        }
        long rows = batch.rank() == 0 ? 0 : batch.dim(0);
        int rowSize = rows == 0 ? 0 : (int) (batch.size() / rows);
        if (sample < 0 || sample >= rows || value.size() != rowSize) {
            throw JacobiException.usage("Cannot put " + value.describe() + " into sample " + sample + " of input '" + name
                + "' " + batch.describe() + ".");
        }
        List<Tensor> parts = new ArrayList<>();
        if (sample > 0) {
            parts.add(batch.sliceRows(0, sample));
        }
        long[] rowShape = batch.shape();
        rowShape[0] = 1;
        parts.add(value.asType(batch.type()).reshape(rowShape));
        if (sample + 1 < rows) {
            parts.add(batch.sliceRows(sample + 1, (int) rows));
        }
        Map<String, Tensor> out = new LinkedHashMap<>(inputs);
        out.put(name, Tensor.concatRows(parts));
        return out;
    }

    @Override
    public int inputSize() {
        return startTensor.size();
    }

    @Override
    public int outputSize() {
        return startOutput.length;
    }

    public String wrt() {
        return wrt;
    }

    public String of() {
        return of;
    }

    public int sample() {
        return sample;
    }

    /** The sample's input, flattened: the optimizers' x0. */
    public double[] start() {
        return startTensor.toDoubleArray();
    }

    /** f(x0). */
    public double[] startOutput() {
        return startOutput.clone();
    }

    /** The shape of the optimized tensor: one sample with a batch axis of 1 when the model has one. */
    public long[] inputShape() {
        return startTensor.shape();
    }

    /** The shape of the output for this one sample (batch axis of 1 included when the model has one). */
    public long[] outputShape() {
        return outputShape.clone();
    }

    /** x as a tensor the model takes (its element type and {@link #inputShape()}). */
    public Tensor toInputTensor(double[] x) {
        Tensor t = Tensor.ofDoubles(x.clone(), startTensor.shape());
        return t.asType(startTensor.type());
    }

    /** The sample's inputs with {@code wrt} set to x. */
    public Map<String, Tensor> inputsAt(double[] x) {
        Map<String, Tensor> feed = new LinkedHashMap<>(sampleInputs);
        feed.put(wrt, toInputTensor(x));
        return feed;
    }

    @Override
    public double[] value(double[] x, ProgressMonitor monitor) {
        Map<String, Tensor> feed = inputsAt(x);
        synchronized (model) {
            monitor.checkCancelled();
            return model.run(feed, Set.of(of)).get(of).toDoubleArray();
        }
    }

    @Override
    public Linearization linearize(double[] x, ProgressMonitor monitor) {
        JacobianRequest req = request.withInputs(inputsAt(x));
        JacobianResult result;
        synchronized (model) {
            monitor.checkCancelled();
            try {
                result = derivativeEngine().compute(req, monitor);
            } catch (NotDifferentiableException e) {
                fallBack(e);
                result = fallback.compute(req, monitor);
            }
        }
        return new Linearization(result.output().toDoubleArray(), result.sampleMatrix(0));
    }

    @Override
    public double[] vectorJacobianProduct(double[] x, double[] v, ProgressMonitor monitor) {
        JacobianRequest req = request.withInputs(inputsAt(x));
        Tensor cotangent = Tensor.ofDoubles(v.clone(), outputShape).asType(outputType.isFloatingPoint() ? outputType : ElementType.FLOAT32);
        synchronized (model) {
            monitor.checkCancelled();
            try {
                return derivativeEngine().vectorJacobianProduct(req, cotangent, monitor).toDoubleArray();
            } catch (NotDifferentiableException e) {
                fallBack(e);
                return fallback.vectorJacobianProduct(req, cotangent, monitor).toDoubleArray();
            }
        }
    }

    private JacobianEngine derivativeEngine() {
        return warning == null ? engine : fallback;
    }

    private void fallBack(NotDifferentiableException e) {
        warning = e.getMessage() + " Using finite differences instead: the derivatives are approximate.";
    }

    /** Why the derivatives are approximate although an exact engine was given, or null. */
    public String warning() {
        return warning;
    }

    @Override
    public String derivativeSource() {
        return derivativeEngine().name() + (exactDerivatives() ? " (exact)" : " (approximate)");
    }

    @Override
    public boolean exactDerivatives() {
        return !(derivativeEngine() instanceof FiniteDifferenceEngine);
    }
}
