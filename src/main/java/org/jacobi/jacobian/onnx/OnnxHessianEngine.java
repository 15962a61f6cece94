package org.jacobi.jacobian.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.DifferentiatedGraph;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.autodiff.expand.GraphPasses;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.HessianEngine;
import org.jacobi.jacobian.HessianRequest;
import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.Hessians;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.jacobian.lowering.OrtShapeProbe;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;

/**
 * Exact per-sample Hessians of an ONNX model, forward over reverse. The reverse pass is built once with a
 * fixed cotangent of one direction ({@code [1, batch, *out]}: the one-hot vector of the chosen output element,
 * or ones for the sum, in every sample), so its result is each sample's gradient {@code [1, batch, *in]}. That
 * graph is differentiated again in forward mode with respect to the same input: its K directions are input
 * elements, seeded in every sample at once as for Jacobians, and its result {@code [K, 1, batch, *in]} holds K
 * rows of every sample's Hessian. A Hessian-vector product seeds one direction, the vector itself.
 */
public final class OnnxHessianEngine implements HessianEngine {
    /** The reverse pass's cotangent input (renamed from the Differentiator's seed). */
    public static final String COTANGENT = "jacobi/cotangent";
    /** The reverse pass's result: the gradient of the chosen scalar per sample. */
    public static final String GRADIENT = "jacobi/gradient";
    private static final int PROBE_SAMPLES = DerivativeRuns.PROBE_SAMPLES;
    private static final int TANGENT_COPIES = 3;

    private final OnnxModel model;
    private final RuleRegistry rules;
    private final Map<String, Prepared> cache = new HashMap<>();

    private record Prepared(Onnx.ModelProto graph, OrtSessions.Opened session, long bytesPerPair, long[] sampleOutputShape) {
    }

    public OnnxHessianEngine(OnnxModel model) {
        this(model, RuleRegistry.standard());
    }

    public OnnxHessianEngine(OnnxModel model, RuleRegistry rules) {
        this.model = model;
        this.rules = rules;
    }

    @Override
    public String name() {
        return "ONNX autodiff (forward over reverse)";
    }

    /** The second-order graph this engine runs for {@code request}, for inspection. */
    public Onnx.ModelProto secondOrderGraph(HessianRequest request) {
        return prepare(ResolvedRequest.resolve(model.info(), request.asJacobianRequest())).graph();
    }

    // ---- preparation ----

    private static boolean isBatchedInput(ResolvedRequest r, TensorSpec spec, Tensor t) {
        return DerivativeRuns.isBatchedInput(r, spec, t);
    }

    private Map<String, Tensor> probeInputs(ResolvedRequest r) {
        return DerivativeRuns.probeInputs(model, r);
    }

    private String signature(ResolvedRequest r) {
        StringBuilder sb = new StringBuilder(r.wrt() + "|" + r.of() + "|" + r.batched() + "|");
        for (TensorSpec spec : model.info().inputs()) {
            Tensor t = r.inputs().get(spec.name());
            long[] shape = t == null ? new long[0] : t.shape();
            if (t != null && isBatchedInput(r, spec, t)) {
                shape[0] = -1;
            }
            sb.append(spec.name()).append(':').append(t == null ? "?" : t.type()).append(Arrays.toString(shape)).append(';');
        }
        return sb.toString();
    }

    private synchronized Prepared prepare(ResolvedRequest r) {
        String key = signature(r);
        Prepared p = cache.get(key);
        if (p != null) {
            return p;
        }
        Map<String, Tensor> probe = probeInputs(r);
        GraphPasses.Prepared source = GraphPasses.prepareForDifferentiation(model.proto(), rules, probe, OrtShapeProbe::probe);
        ValueShapes first = source.shapes();
        long[] ofShape = first.shape(r.of());
        if (r.batched() && (ofShape.length == 0 || ofShape[0] != PROBE_SAMPLES)) {
            throw JacobiException.usage("Output '" + r.of() + "' does not keep the samples on axis 0 (its shape is "
                + Tensor.shapeToString(ofShape) + " for " + PROBE_SAMPLES + " samples), so per-sample Hessians are undefined. "
                + "Use --batch-axis none to differentiate the whole tensor.");
        }
        long[] sampleOut = r.batched() ? Arrays.copyOfRange(ofShape, 1, ofShape.length) : ofShape;
        DifferentiatedGraph reverse = Differentiator.differentiate(source.model(), first, r.wrt(), r.of(),
            Differentiator.Direction.REVERSE, rules);
        Onnx.ModelProto gradientGraph = renameValues(reverse.model(),
            Map.of(Differentiator.SEED, COTANGENT, Differentiator.RESULT, GRADIENT));
        probe.put(COTANGENT, ones(r.wrtValue().type(), concat(new long[] {1}, ofShape)));
        ValueShapes second = ControlFlow.probe(gradientGraph, probe, OrtShapeProbe::probe); // If branches' values too
        DifferentiatedGraph forward = Differentiator.differentiate(gradientGraph, second, r.wrt(), GRADIENT,
            Differentiator.Direction.FORWARD, rules);
        Onnx.ModelProto graph = withOutput(forward.model(), r.of(), gradientGraph);
        OrtSessions.Opened session = OrtSessions.open(org.jacobi.jacobian.lowering.OrtLowering.lower(graph).toByteArray(), model.devicePreference(),
            model.info().fileName() + " (second-order derivative)");
        p = new Prepared(graph, session, bytesPerPair(gradientGraph, second, r), sampleOut);
        cache.put(key, p);
        return p;
    }

    /** Keeps the primal output {@code of} among the outputs (the Differentiator keeps only what it differentiates). */
    private static Onnx.ModelProto withOutput(Onnx.ModelProto model, String of, Onnx.ModelProto source) {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        if (g.getOutputList().stream().noneMatch(v -> v.getName().equals(of))) {
            source.getGraph().getOutputList().stream().filter(v -> v.getName().equals(of)).findFirst().ifPresent(g::addOutput);
        }
        return model.toBuilder().setGraph(g).build();
    }

    /** Renames values (inputs, outputs, node inputs and outputs, node names) of a graph. */
    static Onnx.ModelProto renameValues(Onnx.ModelProto model, Map<String, String> names) {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder().clearNode();
        for (Onnx.NodeProto n : model.getGraph().getNodeList()) {
            // subgraphs (If branches) read the seed by name too
            Onnx.NodeProto renamed = org.jacobi.autodiff.ControlFlow.rename(n, names);
            g.addNode(renamed.toBuilder().setName(names.getOrDefault(n.getName(), n.getName())));
        }
        for (Onnx.ValueInfoProto.Builder v : g.getInputBuilderList()) {
            if (names.containsKey(v.getName()) && v.getType().getTensorType().getShape().getDimCount() > 0) {
                // The fixed cotangent has one direction: its axis must not share the dim_param "directions"
                // with the seed of the forward pass built on top.
                v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).clearDimParam().setDimValue(1);
            }
            v.setName(names.getOrDefault(v.getName(), v.getName()));
        }
        for (Onnx.ValueInfoProto.Builder v : g.getOutputBuilderList()) {
            v.setName(names.getOrDefault(v.getName(), v.getName()));
        }
        return model.toBuilder().setGraph(g).build();
    }

    private long bytesPerPair(Onnx.ModelProto graph, ValueShapes shapes, ResolvedRequest r) {
        long total = 0;
        for (Onnx.NodeProto node : graph.getGraph().getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && shapes.known(out) && shapes.isFloat(out)) {
                    total += Tensor.elementCount(shapes.shape(out)) * (shapes.type(out) == 11 ? 8 : 4);
                }
            }
        }
        long perSample = r.batched() ? total / PROBE_SAMPLES : total;
        return Math.max(64, TANGENT_COPIES * perSample);
    }

    // ---- computing ----

    @Override
    public HessianResult compute(HessianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request.asJacobianRequest());
        Prepared p = prepare(r);
        int samples = r.samples();
        int nIn = r.inputsPerSample();
        long[] sampleOut = p.sampleOutputShape();
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        if (request.element() >= nOut) {
            throw JacobiException.usage("--element " + request.element() + " is out of range: one sample of output '"
                + r.of() + "' has " + nOut + " elements (0 to " + (nOut - 1) + ").");
        }
        ElementType type = r.wrtValue().type();
        boolean hvp = request.vector() != null;
        double[] vector = hvp ? org.jacobi.jacobian.HessianVectors.perSample(request.vector(), samples, r.sampleInputShape(), r.batched()) : null;
        int directions = hvp ? 1 : nIn;
        if (!hvp) {
            Hessians.checkFits(samples, nIn, request.memoryBudget());
        }
        float[] hessian = new float[Math.toIntExact((long) samples * directions * nIn)];
        ChunkPlan plan = ChunkPlan.of(samples, directions, p.bytesPerPair(),
            ChunkPlan.runBudget(request.asJacobianRequest(), p.bytesPerPair(), directions));
        List<Tensor> outputs = new ArrayList<>();
        List<Tensor> gradients = new ArrayList<>();
        int done = 0;
        int total = plan.chunks();
        for (int sc = 0; sc < plan.sampleChunks(); sc++) {
            int b0 = plan.sampleStart(sc);
            int bc = plan.sampleCount(sc);
            for (int dc = 0; dc < plan.directionChunks(); dc++) {
                monitor.checkCancelled();
                monitor.progress(done, total, "chunk " + (done + 1) + " of " + total + " (Hessian)");
                int k0 = plan.directionStart(dc);
                int kc = plan.directionCount(dc);
                double[] seed = new double[kc * bc * nIn];
                for (int k = 0; k < kc; k++) {
                    for (int b = 0; b < bc; b++) {
                        if (hvp) {
                            System.arraycopy(vector, (b0 + b) * nIn, seed, (k * bc + b) * nIn, nIn);
                        } else {
                            seed[(k * bc + b) * nIn + k0 + k] = 1;
                        }
                    }
                }
                Map<String, Tensor> outs = run(p, r, b0, bc, cotangent(type, request.element(), bc, nOut, sampleOut, r.batched()),
                    Tensor.ofDoubles(seed, seedShape(r, kc, bc)).asType(type), monitor, dc == 0);
                // result [kc, 1, (bc,) *in]: row k0+k of each sample's Hessian
                float[] block = outs.get(Differentiator.RESULT).toFloatArray();
                for (int k = 0; k < kc; k++) {
                    for (int b = 0; b < bc; b++) {
                        System.arraycopy(block, (k * bc + b) * nIn, hessian, ((b0 + b) * directions + k0 + k) * nIn, nIn);
                    }
                }
                if (dc == 0) {
                    outputs.add(outs.get(r.of()));
                    gradients.add(outs.get(GRADIENT));
                }
                done++;
            }
        }
        monitor.progress(total, total, "done");
        long[] lead = r.batched() ? new long[] {samples} : new long[0];
        long[] shape = hvp ? concat(lead, r.sampleInputShape()) : concat(lead, r.sampleInputShape(), r.sampleInputShape());
        float[] gradient = new float[samples * nIn];
        int at = 0;
        for (Tensor g : gradients) {
            float[] f = g.toFloatArray();
            System.arraycopy(f, 0, gradient, at, f.length);
            at += f.length;
        }
        Tensor output = outputs.size() == 1 ? outputs.get(0) : Tensor.concatRows(outputs);
        List<String> warnings = p.session().notice() == null ? List.of() : List.of(p.session().notice());
        return new HessianResult(Tensor.ofFloats(hessian, shape), Tensor.ofFloats(gradient, r.wrtValue().shape()), output,
            r.wrt(), r.of(), request.targetLabel(), r.sampleInputShape(), r.batched(), hvp,
            "ONNX autodiff on ONNX Runtime (forward over reverse)", p.session().device(), total, System.nanoTime() - start,
            warnings);
    }

    private static long[] seedShape(ResolvedRequest r, int kc, int bc) {
        return concat(r.batched() ? new long[] {kc, bc} : new long[] {kc}, r.sampleInputShape());
    }

    /** The fixed reverse-pass cotangent {@code [1, (bc,) *out]}: one-hot at the element, or ones for the sum. */
    private static Tensor cotangent(ElementType type, int element, int bc, int nOut, long[] sampleOut, boolean batched) {
        double[] c = new double[bc * nOut];
        for (int b = 0; b < bc; b++) {
            if (element == HessianRequest.SUM) {
                Arrays.fill(c, b * nOut, (b + 1) * nOut, 1.0);
            } else {
                c[b * nOut + element] = 1;
            }
        }
        long[] shape = concat(batched ? new long[] {1, bc} : new long[] {1}, sampleOut);
        return Tensor.ofDoubles(c, shape).asType(type);
    }

    private static Tensor ones(ElementType type, long[] shape) {
        double[] d = new double[Math.toIntExact(Tensor.elementCount(shape))];
        Arrays.fill(d, 1.0);
        return Tensor.ofDoubles(d, shape).asType(type);
    }

    private Map<String, Tensor> run(Prepared p, ResolvedRequest r, int b0, int bc, Tensor cotangent, Tensor seed,
                                    ProgressMonitor monitor, boolean withOutputs) {
        Map<String, Tensor> seeds = new LinkedHashMap<>();
        seeds.put(COTANGENT, cotangent);
        seeds.put(Differentiator.SEED, seed);
        Set<String> wanted = withOutputs ? Set.of(Differentiator.RESULT, GRADIENT, r.of()) : Set.of(Differentiator.RESULT);
        return DerivativeRuns.run(model, p.session().session(), r, b0, bc, seeds, wanted, monitor, "the second-order graph");
    }

    static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    @Override
    public synchronized void close() {
        cache.values().forEach(p -> p.session().close());
        cache.clear();
    }
}
