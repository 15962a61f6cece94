package org.jacobi.attribution;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.analysis.DifferentiatedValue;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.Model;

/**
 * What to attribute: a model, its exact derivative engine, every input (batch axis first), the input attributed
 * ({@code wrt}; the others stay fixed) and the output target fixed at these inputs. Attributions have the shape
 * of {@code wrt}.
 *
 * @param engine the exact engine (never the finite-difference fallback: an attribution is exact or refused)
 * @param maxMemoryBytes the budget for one stacked request; 0 for the default
 * @param sampleAxes the batch axis of each other input that does not hold its samples on axis 0 ({@code --batch-axis}, or
 *     named so by the model, as a state [layers, batch, hidden]), -1 where it is stated to hold none; every input not named
 *     here holds them on axis 0 when that axis has a row per sample
 * @param differentiated the value the target lies on: the output pointed at, or the logit before its final Sigmoid or
 *     Softmax (the default), with the words that say so
 */
public record AttributionProblem(Model model, JacobianEngine engine, Map<String, Tensor> inputs, String wrt,
                                 OutputTarget.Resolved target, long maxMemoryBytes, Map<String, Integer> sampleAxes,
                                 DifferentiatedValue differentiated) {
    public AttributionProblem {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        sampleAxes = Map.copyOf(sampleAxes);
        if (!inputs.containsKey(wrt)) {
            throw JacobiException.usage("No value given for input '" + wrt + "'.");
        }
        if (inputs.get(wrt).rank() == 0 || inputs.get(wrt).dim(0) != target.samples()) {
            throw JacobiException.usage("Input '" + wrt + "' " + Tensor.shapeToString(inputs.get(wrt).shape()) + " and output '"
                + target.output() + "' do not share a batch axis of " + target.samples() + " samples; attributions need one.");
        }
    }

    /**
     * Runs the model once at the inputs (in batches of the size a model fixes), fixes the target there and makes the
     * problem: at the logit before the output's final Sigmoid or Softmax, if it has one, as everywhere in Jacobi.
     *
     * @param wrt the input to attribute, or null for the first floating-point input
     */
    public static AttributionProblem of(Model model, JacobianEngine engine, Map<String, Tensor> inputs, String wrt,
                                        OutputTarget target, long maxMemoryBytes) {
        return of(model, engine, inputs, wrt, target, false, maxMemoryBytes, BatchAxis.AUTO);
    }

    /**
     * As {@link #of(Model, JacobianEngine, Map, String, OutputTarget, long)}, with the inputs' batch axes as
     * {@code --batch-axis} states them (the attributed input must hold its samples on axis 0).
     *
     * @param probability attribute the probability a final Sigmoid or Softmax gives, not the logit before it
     */
    public static AttributionProblem of(Model model, JacobianEngine engine, Map<String, Tensor> inputs, String wrt,
                                        OutputTarget target, boolean probability, long maxMemoryBytes, BatchAxis batchAxis) {
        DifferentiatedValue differentiated = DifferentiatedValue.of(model, target.output(), probability);
        JacobianRequest request = new JacobianRequest(inputs, wrt, differentiated.value(), batchAxis.onAxisZero(),
            JacobianMode.REVERSE, maxMemoryBytes);
        ResolvedRequest r = ResolvedRequest.resolve(model, request);
        if (!r.batched()) {
            throw JacobiException.usage("Attributions are per sample of '" + r.wrt() + "' on its axis 0, which --batch-axis "
                + "leaves without samples; state --batch-axis " + r.wrt() + "=0, or use jacobian --batch-axis none for the "
                + "Jacobian of the whole tensor.");
        }
        String pointed = differentiated.output(); // the output pointed at declares the axes, not the logit before it
        int outputAxis = BatchAxis.outputAxis(model.info(), pointed);
        if (outputAxis > 0) {
            throw JacobiException.usage("Output '" + pointed + "' holds its samples on axis " + outputAxis + ", and attributions "
                + "need them on axis 0: choose another output, or use jacobian --of " + pointed + " for its per-sample Jacobians.");
        }
        Map<String, Integer> axes = r.axesOffZero(model.info(), inputs);
        Tensor output = PointBatches.output(model, inputs, r.wrt(), r.of(), r.samples(), axes);
        return new AttributionProblem(model, engine, inputs, r.wrt(), differentiated.on(target).resolve(model, output),
            maxMemoryBytes, axes, differentiated);
    }

    /** The target's words, and the logit's when it is one: "the sum of /c2/Conv_output_0[0,4:9,2:6], the logit before the final Sigmoid of 'mask'". */
    public String describeTarget() {
        return target.describe(0) + (differentiated.note() == null ? "" : ", " + differentiated.note());
    }

    /** The batch axes of the engine's requests on batches of this problem: axis 0, and {@link #sampleAxes} as stated. */
    public BatchAxis batchAxis() {
        BatchAxis rule = BatchAxis.ZERO;
        for (Map.Entry<String, Integer> e : sampleAxes.entrySet()) {
            rule = rule.withInput(e.getKey(), e.getValue());
        }
        return rule;
    }

    /** The attributed input, batch axis first. */
    public Tensor x() {
        return inputs.get(wrt);
    }

    public int samples() {
        return target.samples();
    }

    /** One sample's shape of the attributed input. */
    public long[] sampleShape() {
        long[] shape = x().shape();
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Elements in one sample of the attributed input. */
    public int perSample() {
        return Math.toIntExact(Tensor.elementCount(sampleShape()));
    }

    /** The attributed input as doubles, sample after sample. */
    public double[] xValues() {
        return x().toDoubleArray();
    }

    /**
     * The problem for a batch whose row {@code r} is a copy of sample {@code sampleOfRow[r]}, with the attributed
     * input replaced by {@code rows} ({@code [rows, *sample shape]}, as doubles); the other batched inputs are
     * copied row by row on their batch axes and the target keeps the weights fixed at the original inputs.
     */
    public AttributionProblem forRows(int[] sampleOfRow, double[] rows) {
        Map<String, Tensor> copied = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            if (e.getKey().equals(wrt)) {
                copied.put(wrt, PointBatches.tensorOf(rows, sampleOfRow.length, sampleShape(), x().type()));
            } else {
                copied.put(e.getKey(), PointBatches.gatherRows(e.getValue(), samples(), sampleOfRow, sampleAxes.get(e.getKey())));
            }
        }
        return new AttributionProblem(model, engine, copied, wrt, target.forRows(sampleOfRow), maxMemoryBytes, sampleAxes,
            differentiated);
    }
}
