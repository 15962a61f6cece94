package org.jacobi.jacobian.onnx;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.DifferentiatedGraph;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.autodiff.expand.GraphPasses;
import org.jacobi.autodiff.expand.LoopUnrolling;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.jacobian.lowering.OrtShapeProbe;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;

/**
 * The one place an ONNX model's derivative graphs are made. The model is normalised once ({@link GraphPasses}), probed
 * once per input signature (element types and per-sample shapes of its inputs, which of them carry the batch axis),
 * differentiated once per {@link Key} (kind, wrt, of, mode, signature), rewritten for ONNX Runtime and opened as a
 * session, with the calibrated {@link MemoryEstimate} that sizes its chunks ({@link PreparedGraph}). Every ONNX engine
 * of a model asks it: Jacobians in every mode (mixed mode's two parts through preparers of their own, {@link GraphSplit}),
 * vector-Jacobian products, Hessians, weight Jacobians, the Spark job's prebuilt graph; so engines that share a
 * preparer ({@link org.jacobi.jacobian.ModelDerivatives} holds one per open model) share its cache.
 */
public final class OnnxGraphPreparer implements AutoCloseable {
    /** The probe run uses this many samples, so that a batch axis is never mistaken for a broadcast axis of size 1. */
    static final int PROBE_SAMPLES = 2;
    /** The reverse pass's cotangent input in a second-order graph (renamed from the Differentiator's seed). */
    static final String COTANGENT = "jacobi/cotangent";
    /** The reverse pass's result in a second-order graph: the gradient of the chosen scalar per sample. */
    static final String GRADIENT = "jacobi/gradient";

    /** What a graph computes: input Jacobian blocks, forward-over-reverse Hessian rows, or weight tangents. */
    enum Kind { JACOBIAN, HESSIAN, PARAMETER }

    /** The cache key of a prepared graph; the model (and so its opset) is the preparer's own. */
    record Key(Kind kind, String wrt, String of, JacobianMode mode, String signature) {
    }

    private final OnnxModel model;
    private final RuleRegistry rules;
    /** The source graph brought to one operator form, before the shape-dependent passes. */
    private Onnx.ModelProto source;
    /** Per input signature: the model after the pre-passes, and the shapes of its values. */
    private final Map<String, GraphPasses.Prepared> probes = new HashMap<>();
    /** Per (wrt, of, signature): the cheapest order of differentiation. */
    private final Map<String, ModeCost.Plan> plans = new HashMap<>();
    private final Map<Key, PreparedGraph> graphs = new HashMap<>();

    public OnnxGraphPreparer(OnnxModel model) {
        this(model, RuleRegistry.standard());
    }

    public OnnxGraphPreparer(OnnxModel model, RuleRegistry rules) {
        this.model = model;
        this.rules = rules;
    }

    OnnxModel model() {
        return model;
    }

    RuleRegistry rules() {
        return rules;
    }

    // ---- the request's batch and signature ----

    /**
     * True when the model declares a fixed size for the batch axis (batching forced with --batch-axis 0):
     * every run then needs all samples, so only directions are chunked. For a value inside the graph: when no input
     * of the model has a dynamic leading axis.
     */
    boolean fixedBatch(ResolvedRequest r) {
        TensorSpec spec = model.info().input(r.wrt());
        if (spec == null) {
            return r.batched() && model.info().inputs().stream().anyMatch(TensorSpec::hasShape)
                && model.info().inputs().stream().noneMatch(TensorSpec::hasDynamicLeadingAxis);
        }
        return r.batched() && spec.hasShape() && !spec.dims().isEmpty() && !spec.hasDynamicLeadingAxis();
    }

    /** How many samples the probe run uses (and the value shapes were measured on; 1 without a batch axis). */
    int probeSamples(ResolvedRequest r) {
        return !r.batched() ? 1 : fixedBatch(r) ? r.samples() : PROBE_SAMPLES;
    }

    /** Every model input, the batched ones cut (or doubled) to the probe's samples. */
    private Map<String, Tensor> probeInputs(ResolvedRequest r) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : model.info().inputs()) {
            Tensor t = r.inputs().get(spec.name());
            if (t == null) {
                throw JacobiException.usage("No value given for model input '" + spec.name() + "'.");
            }
            int axis = fixedBatch(r) ? -1 : r.batchAxisOf(spec.name(), spec, t);
            if (axis >= 0) {
                t = t.dim(axis) >= PROBE_SAMPLES ? t.sliceAlong(axis, 0, PROBE_SAMPLES) : Tensor.concatAlong(axis, List.of(t, t));
            }
            inputs.put(spec.name(), t);
        }
        return inputs;
    }

    /** Element types and shapes of the inputs, axis 0 of those that carry the batch written -1. */
    String signature(ResolvedRequest r) {
        StringBuilder sb = new StringBuilder(r.batched() ? "batched;" : "whole;");
        if (fixedBatch(r)) {
            sb.append("fixed batch;");
        }
        for (TensorSpec spec : model.info().inputs()) {
            Tensor t = r.inputs().get(spec.name());
            long[] shape = t == null ? new long[0] : t.shape();
            int axis = t == null ? -1 : r.batchAxisOf(spec.name(), spec, t);
            if (axis >= 0) {
                shape[axis] = -1;
            }
            sb.append(spec.name()).append(':').append(t == null ? "?" : t.type()).append(Arrays.toString(shape));
            if (axis < 0 && t != null && !t.type().isFloatingPoint() && t.size() <= LoopUnrolling.KEYED_INPUT_ELEMENTS
                && hasLoops()) {
                // a small integer input (a sample rate, a number of steps) may set a loop's trip count: see LoopUnrolling
                sb.append('=').append(Arrays.toString(t.toDoubleArray()));
            }
            sb.append(';');
        }
        return sb.toString();
    }

    private Boolean hasLoops;

    /** Whether the model has a Loop or Scan that the unrolling may size from a small integer input's value. */
    private synchronized boolean hasLoops() {
        if (hasLoops == null) {
            hasLoops = new LoopUnrolling().appliesTo(model.proto());
        }
        return hasLoops;
    }

    /** Whether no graph work has been done yet: nothing normalised, probed or differentiated (for tests of early refusals). */
    synchronized boolean untouched() {
        return source == null && probes.isEmpty() && graphs.isEmpty();
    }

    // ---- the shared steps ----

    private synchronized Onnx.ModelProto source() {
        if (source == null) {
            source = GraphPasses.normalized(model.proto(), rules);
        }
        return source;
    }

    /** The model after the pre-passes ({@link GraphPasses}) and the shapes of its values, learnt on the probe's samples. */
    synchronized GraphPasses.Prepared probed(ResolvedRequest r) {
        return probes.computeIfAbsent(signature(r), k -> GraphPasses.standard().prepare(source(), probeInputs(r),
            OrtShapeProbe::probe));
    }

    /** One sample's shape of output {@code of}; refuses an output that does not keep the samples on axis 0. */
    long[] sampleOutputShape(ResolvedRequest r, String derivatives) {
        long[] ofShape = probed(r).shapes().shape(r.of());
        if (!r.batched()) {
            return ofShape;
        }
        int declared = BatchAxis.outputAxis(model.info(), r.of());
        if (declared > 0) {
            // its axis 0 may have as many entries as the probe has samples, and so pass for a batch axis below
            throw JacobiException.usage("Output '" + r.of() + "' holds the samples on its axis " + declared + ", so per-sample "
                + derivatives + " of it are undefined here (jacobian --wrt an input cuts them from the whole Jacobian). Use "
                + "--batch-axis none to differentiate the whole tensor, or choose an output with its samples on axis 0.");
        }
        if (ofShape.length == 0 || ofShape[0] != probeSamples(r)) {
            throw JacobiException.usage("Output '" + r.of() + "' does not keep the samples on axis 0 (its shape is "
                + Tensor.shapeToString(ofShape) + " for " + probeSamples(r) + " samples), so per-sample " + derivatives
                + " are undefined. Use --batch-axis none to differentiate the whole tensor.");
        }
        return Arrays.copyOfRange(ofShape, 1, ofShape.length);
    }

    /** The cheapest order of differentiation for d(of)/d(wrt) ({@link ModeCost}). */
    synchronized ModeCost.Plan plan(ResolvedRequest r) {
        String key = r.wrt() + "|" + r.of() + "|" + signature(r);
        ModeCost.Plan plan = plans.get(key);
        if (plan == null) {
            GraphPasses.Prepared p = probed(r);
            long[] ofShape = p.shapes().known(r.of()) ? p.shapes().shape(r.of()) : new long[0];
            long[] sampleOut = r.batched() && ofShape.length > 0 ? Arrays.copyOfRange(ofShape, 1, ofShape.length) : ofShape;
            plan = ModeCost.plan(p.model().getGraph(), p.shapes(), r.wrt(), r.of(), probeSamples(r), r.inputsPerSample(),
                Tensor.elementCount(sampleOut));
            plans.put(key, plan);
        }
        return plan;
    }

    /**
     * The mode of one pass over the whole graph (FORWARD or REVERSE): the request's own, or for AUTO (and MIXED, where a
     * caller needs one graph) the cheaper of the two by the per-sample element counts.
     */
    JacobianMode singlePassMode(ResolvedRequest r) {
        JacobianMode asked = r.request().mode();
        if (asked == JacobianMode.FORWARD || asked == JacobianMode.REVERSE) {
            return asked;
        }
        if (asked != JacobianMode.AUTO && asked != JacobianMode.MIXED) {
            throw JacobiException.usage("The ONNX autodiff engine computes forward, reverse or mixed mode, not "
                + asked.label() + ".");
        }
        return JacobianMode.choose(r.inputsPerSample(), Tensor.elementCount(sampleOutputShape(r, "Jacobians")));
    }

    // ---- the graphs ----

    /** The input-Jacobian graph of d(of)/d(wrt) in {@code mode} (FORWARD or REVERSE), its result laid out as blocks. */
    synchronized PreparedGraph jacobianGraph(ResolvedRequest r, JacobianMode mode) {
        Key key = new Key(Kind.JACOBIAN, r.wrt(), r.of(), mode, signature(r));
        PreparedGraph p = graphs.get(key);
        if (p != null) {
            return p;
        }
        long[] sampleOut = sampleOutputShape(r, "Jacobians");
        GraphPasses.Prepared source = probed(r);
        boolean forward = mode == JacobianMode.FORWARD;
        DifferentiatedGraph graph = Differentiator.differentiate(source.model(), source.shapes(), r.wrt(), r.of(),
            forward ? Differentiator.Direction.FORWARD : Differentiator.Direction.REVERSE, rules);
        Onnx.ModelProto runModel = PreparedGraph.withBlockLayout(graph, r.batched(),
            forward ? sampleOut.length : r.sampleInputShape().length);
        long[] seedSample = forward ? r.sampleInputShape() : sampleOut;
        PreparedGraph.SessionGraph lowered = PreparedGraph.sessionGraph(runModel, r.batched(), seedSample, source.shapes(),
            probeSamples(r));
        long bytesPerPair = MemoryEstimate.bytesPerPair(source.model().getGraph(), graph.model().getGraph().getNodeList(),
            source.shapes(), probeSamples(r), (long) r.inputsPerSample() * r.wrtValue().type().bytes(),
            forward ? r.inputsPerSample() : Math.toIntExact(Math.min(Integer.MAX_VALUE, Tensor.elementCount(sampleOut))));
        p = open(key, graph.direction(), runModel, lowered, source.shapes(), bytesPerPair, sampleOut, PreparedGraph.BLOCK,
            graph.dependsOnInput(), mode.label() + "-mode derivative");
        graphs.put(key, p);
        return p;
    }

    /**
     * The forward-over-reverse graph of per-sample Hessians. The reverse pass is built with a fixed cotangent of one
     * direction ({@code [1, batch, *out]}: the one-hot vector of the chosen output element, or ones for the sum, in
     * every sample), so its result is each sample's gradient; that graph is differentiated again in forward mode with
     * respect to the same input, its K directions input elements seeded in every sample at once as for Jacobians.
     */
    synchronized PreparedGraph hessianGraph(ResolvedRequest r) {
        Key key = new Key(Kind.HESSIAN, r.wrt(), r.of(), JacobianMode.FORWARD, signature(r));
        PreparedGraph p = graphs.get(key);
        if (p != null) {
            return p;
        }
        long[] sampleOut = sampleOutputShape(r, "Hessians");
        GraphPasses.Prepared source = probed(r);
        DifferentiatedGraph reverse = Differentiator.differentiate(source.model(), source.shapes(), r.wrt(), r.of(),
            Differentiator.Direction.REVERSE, rules);
        Onnx.ModelProto gradientGraph = SecondOrder.renameValues(reverse.model(),
            Map.of(Differentiator.SEED, COTANGENT, Differentiator.RESULT, GRADIENT));
        Map<String, Tensor> probe = probeInputs(r);
        long[] ofShape = source.shapes().shape(r.of());
        probe.put(COTANGENT, SecondOrder.ones(r.wrtValue().type(), SecondOrder.concat(new long[] {1}, ofShape)));
        ValueShapes second = ControlFlow.probe(gradientGraph, probe, OrtShapeProbe::probe); // If branches' values too
        DifferentiatedGraph forward = Differentiator.differentiate(gradientGraph, second, r.wrt(), GRADIENT,
            Differentiator.Direction.FORWARD, rules);
        Onnx.ModelProto graph = SecondOrder.withOutput(forward.model(), r.of(), gradientGraph);
        long bytesPerPair = MemoryEstimate.bytesPerPair(gradientGraph.getGraph(), forward.model().getGraph().getNodeList(),
            second, probeSamples(r), (long) r.inputsPerSample() * r.wrtValue().type().bytes(), r.inputsPerSample());
        p = open(key, Differentiator.Direction.FORWARD, graph, PreparedGraph.lowered(graph), second, bytesPerPair, sampleOut,
            Differentiator.RESULT, reverse.dependsOnInput() && forward.dependsOnInput(), "second-order derivative");
        graphs.put(key, p);
        return p;
    }

    /**
     * The graph of d(of)/d(parameter) per sample. Forward mode: the parameter's tangent {@code [K, *parameter]} has no
     * batch axis, so direction k flows through every sample at once and the result {@code [K, batch, *out]} holds K
     * columns of each sample's own Jacobian. Reverse mode: each direction seeds one output element of one sample, so
     * the parameter's cotangent {@code [K, *parameter]} is that sample's row alone.
     */
    synchronized PreparedGraph parameterGraph(ResolvedRequest r, String parameter, boolean forward) {
        JacobianMode mode = forward ? JacobianMode.FORWARD : JacobianMode.REVERSE;
        Key key = new Key(Kind.PARAMETER, parameter, r.of(), mode, signature(r));
        PreparedGraph p = graphs.get(key);
        if (p != null) {
            return p;
        }
        long[] sampleOut = sampleOutputShape(r, "Jacobians");
        GraphPasses.Prepared source = probed(r);
        ValueShapes shapes = source.shapes();
        DifferentiatedGraph graph = Differentiator.differentiate(source.model(), shapes, parameter, r.of(),
            forward ? Differentiator.Direction.FORWARD : Differentiator.Direction.REVERSE, rules);
        long parameterElements = Tensor.elementCount(shapes.shape(parameter));
        long outElements = Tensor.elementCount(sampleOut);
        ElementType type = elementType(shapes, parameter);
        // a (sample, direction) pair's share of the derivative: one output row forward, one parameter row reverse
        long bytesPerPair = MemoryEstimate.bytesPerPair(source.model().getGraph(), graph.model().getGraph().getNodeList(),
            shapes, probeSamples(r), (forward ? outElements : parameterElements) * type.bytes(),
            Math.toIntExact(Math.min(Integer.MAX_VALUE, forward ? parameterElements : outElements)));
        p = open(key, graph.direction(), graph.model(), PreparedGraph.lowered(graph.model()), shapes, bytesPerPair, sampleOut,
            Differentiator.RESULT, graph.dependsOnInput(), "derivative with respect to " + parameter);
        graphs.put(key, p);
        return p;
    }

    /** The element type of a floating-point value: float64 stays float64, everything else runs as float32. */
    static ElementType elementType(ValueShapes shapes, String value) {
        return shapes.type(value) == ElementType.FLOAT64.onnxCode() ? ElementType.FLOAT64 : ElementType.FLOAT32;
    }

    private PreparedGraph open(Key key, Differentiator.Direction direction, Onnx.ModelProto runModel,
                               PreparedGraph.SessionGraph lowered, ValueShapes shapes, long bytesPerPair, long[] sampleOut,
                               String result, boolean dependsOnInput, String what) {
        OrtSessions.Opened session = OrtSessions.open(lowered.bytes(), model.devicePreference(),
            model.info().fileName() + " (" + what + ")", model.cpuThreads(), model.cpuArena());
        return new PreparedGraph(key, direction, runModel, lowered, session, shapes, bytesPerPair, sampleOut, result,
            dependsOnInput, model.info().fileName());
    }

    @Override
    public synchronized void close() {
        graphs.values().forEach(PreparedGraph::close);
        graphs.clear();
        probes.clear();
        plans.clear();
    }
}
