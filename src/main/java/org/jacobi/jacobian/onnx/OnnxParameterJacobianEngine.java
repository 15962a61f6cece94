package org.jacobi.jacobian.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.DifferentiatedGraph;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.autodiff.expand.GraphPasses;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ParameterJacobianEngine;
import org.jacobi.jacobian.ParameterNorms;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.jacobian.lowering.OrtShapeProbe;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;

/**
 * Per-sample Jacobians of an ONNX model with respect to an initializer (a weight). Forward mode: the
 * initializer's tangent {@code [K, *weight_shape]} has no batch axis, so direction k (the unit vector of weight
 * element k) flows through every sample at once and the result {@code [K, batch, *out]} already holds K columns of
 * each sample's own Jacobian. Reverse mode (when the weight has more elements than a few samples' outputs): each
 * direction seeds one output element of one sample, so the weight's cotangent is that sample's alone. Nothing is
 * summed over the batch either way, and no loop over single samples is needed. One graph and
 * session per (parameter, output, batching) serves every chunk; chunks of samples and directions fit the budget.
 */
public final class OnnxParameterJacobianEngine implements ParameterJacobianEngine {
    private static final int PROBE_SAMPLES = DerivativeRuns.PROBE_SAMPLES;
    private static final int TANGENT_COPIES = 3;

    private final OnnxModel model;
    private final RuleRegistry rules;
    private final Map<String, Prepared> cache = new HashMap<>();

    private record Prepared(OrtSessions.Opened session, long bytesPerPair, long[] parameterShape, long[] sampleOutputShape,
                            boolean forward, boolean dependsOnInput) {
    }

    public OnnxParameterJacobianEngine(OnnxModel model) {
        this(model, RuleRegistry.standard());
    }

    public OnnxParameterJacobianEngine(OnnxModel model, RuleRegistry rules) {
        this.model = model;
        this.rules = rules;
    }

    @Override
    public Map<String, long[]> parameters() {
        Set<String> inputs = new java.util.HashSet<>();
        model.info().inputs().forEach(s -> inputs.add(s.name()));
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Onnx.TensorProto t : model.proto().getGraph().getInitializerList()) {
            boolean isFloat = t.getDataType() == 1 || t.getDataType() == 11 || t.getDataType() == 10 || t.getDataType() == 16;
            if (isFloat && !inputs.contains(t.getName()) && !t.getDimsList().isEmpty()) {
                out.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
            }
        }
        return out;
    }

    /** The request's batching, taken from its first floating-point input (the parameter itself has no batch axis). */
    private ResolvedRequest resolve(JacobianRequest request) {
        return ResolvedRequest.resolve(model.info(), request.withWrtOf(null, request.of()));
    }

    private static boolean isBatchedInput(ResolvedRequest r, TensorSpec spec, Tensor t) {
        return DerivativeRuns.isBatchedInput(r, spec, t);
    }

    /**
     * Forward mode needs one direction per parameter element; reverse mode one per (sample, output element) of a
     * run, with each direction seeding a single sample so that the weight cotangent is that sample's alone (the
     * per-sample gradient trick: no sum over the batch). AUTO takes the smaller count.
     */
    private static boolean forward(ResolvedRequest r, long parameterElements, long[] sampleOut) {
        JacobianMode m = r.request().mode();
        if (m == JacobianMode.FORWARD || m == JacobianMode.REVERSE) {
            return m == JacobianMode.FORWARD;
        }
        long perRun = (long) Math.min(r.samples(), 8) * Tensor.elementCount(sampleOut);
        return parameterElements <= perRun;
    }

    private synchronized Prepared prepare(ResolvedRequest r, String parameter) {
        String key = parameter + "|" + r.of() + "|" + r.batched() + "|" + r.request().mode() + "|" + r.samples();
        Prepared p = cache.get(key);
        if (p != null) {
            return p;
        }
        Map<String, Tensor> probe = DerivativeRuns.probeInputs(model, r);
        GraphPasses.Prepared source = GraphPasses.prepareForDifferentiation(model.proto(), rules, probe, OrtShapeProbe::probe);
        ValueShapes shapes = source.shapes();
        long[] ofShape = shapes.shape(r.of());
        if (r.batched() && (ofShape.length == 0 || ofShape[0] != PROBE_SAMPLES)) {
            throw JacobiException.usage("Output '" + r.of() + "' does not keep the samples on axis 0, so per-sample "
                + "Jacobians are undefined. Use --batch-axis none.");
        }
        long[] sampleOut = r.batched() ? Arrays.copyOfRange(ofShape, 1, ofShape.length) : ofShape;
        boolean forward = !r.batched() || forward(r, Tensor.elementCount(shapes.shape(parameter)), sampleOut);
        DifferentiatedGraph graph = Differentiator.differentiate(source.model(), shapes, parameter, r.of(),
            forward ? Differentiator.Direction.FORWARD : Differentiator.Direction.REVERSE, rules);
        OrtSessions.Opened session = OrtSessions.open(org.jacobi.jacobian.lowering.OrtLowering.lower(graph.model()).toByteArray(), model.devicePreference(),
            model.info().fileName() + " (derivative with respect to " + parameter + ")");
        long total = 0;
        for (Onnx.NodeProto node : source.model().getGraph().getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && shapes.known(out) && shapes.isFloat(out)) {
                    total += Tensor.elementCount(shapes.shape(out)) * (shapes.type(out) == 11 ? 8 : 4);
                }
            }
        }
        long perSample = r.batched() ? total / PROBE_SAMPLES : total;
        p = new Prepared(session, Math.max(64, TANGENT_COPIES * perSample), shapes.shape(parameter), sampleOut, forward,
            graph.dependsOnInput());
        cache.put(key, p);
        return p;
    }

    /** Receives {@code d of[b, o] / d parameter[k0 .. k0 + values.length)} for one sample b and output element o. */
    private interface RowSink {
        void accept(int b, int o, int k0, float[] values, int offset, int stride, int count);
    }

    private int run(ResolvedRequest r, String parameter, ProgressMonitor monitor, RowSink sink, List<Tensor> outputs) {
        Prepared p = prepare(r, parameter);
        return p.forward() ? runForward(r, p, parameter, monitor, sink, outputs) : runReverse(r, p, parameter, monitor, sink, outputs);
    }

    /** Directions = parameter elements; result {@code [kc, bc, nOut]}. */
    private int runForward(ResolvedRequest r, Prepared p, String parameter, ProgressMonitor monitor, RowSink sink,
                           List<Tensor> outputs) {
        int samples = r.samples();
        int nP = Math.toIntExact(Tensor.elementCount(p.parameterShape()));
        int nOut = Math.toIntExact(Tensor.elementCount(p.sampleOutputShape()));
        ChunkPlan plan = ChunkPlan.of(samples, nP, p.bytesPerPair(), ChunkPlan.runBudget(r.request(), p.bytesPerPair(), nP));
        int total = plan.chunks();
        int done = 0;
        ElementType type = r.wrtValue().type();
        for (int sc = 0; sc < plan.sampleChunks(); sc++) {
            int b0 = plan.sampleStart(sc);
            int bc = plan.sampleCount(sc);
            for (int dc = 0; dc < plan.directionChunks(); dc++) {
                monitor.checkCancelled();
                monitor.progress(done, total, "chunk " + (done + 1) + " of " + total + " (" + parameter + ")");
                int k0 = plan.directionStart(dc);
                int kc = plan.directionCount(dc);
                double[] seed = new double[kc * nP];
                for (int k = 0; k < kc; k++) {
                    seed[k * nP + k0 + k] = 1;
                }
                long[] seedShape = OnnxHessianEngine.concat(new long[] {kc}, p.parameterShape());
                Map<String, Tensor> outs = runOnce(r, p, b0, bc, Tensor.ofDoubles(seed, seedShape).asType(type), monitor,
                    dc == 0 && outputs != null);
                float[] block = outs.get(Differentiator.RESULT).toFloatArray();
                for (int b = 0; b < bc; b++) {
                    for (int o = 0; o < nOut; o++) {
                        sink.accept(b0 + b, o, k0, block, b * nOut + o, bc * nOut, kc);
                    }
                }
                if (dc == 0 && outputs != null) {
                    outputs.add(outs.get(r.of()));
                }
                done++;
            }
        }
        monitor.progress(total, total, "done");
        return total;
    }

    /**
     * Directions = (sample, output element) pairs of a chunk of samples; direction (b, o) seeds only sample b, so its
     * weight cotangent {@code [*param]} is row o of sample b's own Jacobian. A run over bc samples holds bc * nOut
     * directions of bc samples each, so the samples per run are kept small (the work grows with their square).
     */
    private int runReverse(ResolvedRequest r, Prepared p, String parameter, ProgressMonitor monitor, RowSink sink,
                           List<Tensor> outputs) {
        int samples = r.samples();
        int nP = Math.toIntExact(Tensor.elementCount(p.parameterShape()));
        int nOut = Math.toIntExact(Tensor.elementCount(p.sampleOutputShape()));
        long pairs = Math.max(1, ChunkPlan.runBudget(r.request(), p.bytesPerPair(), nOut) / p.bytesPerPair());
        int bc0 = (int) Math.max(1, Math.min(Math.min(samples, 8), (long) Math.sqrt(pairs / (double) nOut)));
        int directionsPerRun = (int) Math.max(1, Math.min((long) bc0 * nOut, pairs / bc0));
        int sampleChunks = (samples + bc0 - 1) / bc0;
        int perChunk = (bc0 * nOut + directionsPerRun - 1) / directionsPerRun;
        int total = sampleChunks * perChunk;
        int done = 0;
        ElementType type = r.wrtValue().type();
        for (int sc = 0; sc < sampleChunks; sc++) {
            int b0 = sc * bc0;
            int bc = Math.min(bc0, samples - b0);
            int rows = bc * nOut;
            for (int d0 = 0; d0 < rows; d0 += directionsPerRun) {
                monitor.checkCancelled();
                monitor.progress(done, total, "chunk " + (done + 1) + " of " + total + " (" + parameter + ", reverse)");
                int kc = Math.min(directionsPerRun, rows - d0);
                double[] seed = new double[kc * bc * nOut];
                for (int k = 0; k < kc; k++) {
                    int row = d0 + k; // row = b * nOut + o: sample b's element o
                    seed[(k * bc + row / nOut) * nOut + row % nOut] = 1;
                }
                long[] seedShape = OnnxHessianEngine.concat(new long[] {kc, bc}, p.sampleOutputShape());
                Map<String, Tensor> outs = runOnce(r, p, b0, bc, Tensor.ofDoubles(seed, seedShape).asType(type), monitor,
                    d0 == 0 && outputs != null);
                float[] block = outs.get(Differentiator.RESULT).toFloatArray(); // [kc, *param]
                for (int k = 0; k < kc; k++) {
                    int row = d0 + k;
                    sink.accept(b0 + row / nOut, row % nOut, 0, block, k * nP, 1, nP);
                }
                if (d0 == 0 && outputs != null) {
                    outputs.add(outs.get(r.of()));
                }
                done++;
            }
        }
        monitor.progress(total, total, "done");
        return total;
    }

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        String parameter = request.wrt();
        if (!parameters().containsKey(parameter)) {
            throw JacobiException.usage("The model has no parameter '" + parameter + "'.");
        }
        ResolvedRequest r = resolve(request);
        Prepared p = prepare(r, parameter);
        int samples = r.samples();
        int nP = Math.toIntExact(Tensor.elementCount(p.parameterShape()));
        int nOut = Math.toIntExact(Tensor.elementCount(p.sampleOutputShape()));
        long size = (long) samples * nOut * nP;
        if (size > Integer.MAX_VALUE - 8) {
            throw new JacobiException("The Jacobian would have " + size + " elements, more than one array can hold. "
                + "Use fewer samples, a smaller output (--of), or --wrt-params all for the norms only.");
        }
        float[] jac = org.jacobi.jacobian.JacobianArrays.allocate(size);
        List<Tensor> outputs = new ArrayList<>();
        int chunks = run(r, parameter, monitor, (b, o, k0, values, offset, stride, count) -> {
            int dst = (b * nOut + o) * nP + k0;
            for (int k = 0; k < count; k++) {
                jac[dst + k] = values[offset + k * stride];
            }
        }, outputs);
        long[] lead = r.batched() ? new long[] {samples} : new long[0];
        Tensor output = outputs.size() == 1 ? outputs.get(0) : Tensor.concatRows(outputs);
        List<String> warnings = p.session().notice() == null ? List.of() : List.of(p.session().notice());
        JacobianResult result = new JacobianResult(Tensor.ofFloats(jac, OnnxHessianEngine.concat(lead, p.sampleOutputShape(), p.parameterShape())),
            output, parameter, r.of(), p.parameterShape(), p.sampleOutputShape(), r.batched(),
            p.forward() ? JacobianMode.FORWARD : JacobianMode.REVERSE, true,
            "ONNX autodiff on ONNX Runtime (per-sample weight tangents)", p.session().device(), chunks,
            System.nanoTime() - start, warnings);
        return p.dependsOnInput() ? result : result.independent(); // control flow
    }

    @Override
    public ParameterNorms norms(JacobianRequest request, List<String> names, ProgressMonitor monitor) {
        long start = System.nanoTime();
        ResolvedRequest r = resolve(request);
        int samples = r.samples();
        double[] sq = new double[samples * names.size()];
        for (int j = 0; j < names.size(); j++) {
            int column = j;
            run(r, names.get(j), monitor, (b, o, k0, values, offset, stride, count) -> {
                double sum = 0;
                for (int k = 0; k < count; k++) {
                    double v = values[offset + k * stride];
                    sum += v * v;
                }
                sq[b * names.size() + column] += sum;
            }, null);
        }
        float[] norms = new float[sq.length];
        for (int i = 0; i < sq.length; i++) {
            norms[i] = (float) Math.sqrt(sq[i]);
        }
        return new ParameterNorms(Tensor.ofFloats(norms, samples, names.size()), names, r.of(),
            "ONNX autodiff on ONNX Runtime", System.nanoTime() - start);
    }

    private Map<String, Tensor> runOnce(ResolvedRequest r, Prepared p, int b0, int bc, Tensor seed, ProgressMonitor monitor,
                                        boolean withOutput) {
        Set<String> wanted = withOutput ? Set.of(Differentiator.RESULT, r.of()) : Set.of(Differentiator.RESULT);
        return DerivativeRuns.run(model, p.session().session(), r, b0, bc, Map.of(Differentiator.SEED, seed), wanted, monitor,
            "the weight-derivative graph");
    }

    @Override
    public synchronized void close() {
        cache.values().forEach(p -> p.session().close());
        cache.clear();
    }
}
