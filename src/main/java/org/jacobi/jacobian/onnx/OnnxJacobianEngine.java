package org.jacobi.jacobian.onnx;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.DifferentiatedGraph;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.autodiff.expand.GraphPasses;
import org.jacobi.autodiff.expand.OpsetNormalizer;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.jacobian.lowering.OrtShapeProbe;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;

/**
 * Exact per-sample Jacobians of an ONNX model: differentiates the graph ({@link Differentiator}) and runs
 * the differentiated graph on ONNX Runtime. Tangents carry a leading direction axis K; with a batch axis,
 * direction k seeds the unit vector of per-sample element k in every sample at once, which is valid
 * because samples are independent, so one run yields K columns (forward) or rows (reverse) of every
 * sample's Jacobian. One graph and session per (wrt, of, mode, batching, input signature) serves every
 * chunk size. Work is split into chunks of samples and directions that fit the memory budget.
 */
public final class OnnxJacobianEngine implements JacobianEngine {
    /** The probe run uses this many samples, so that a batch axis is never mistaken for a broadcast axis of size 1. */
    private static final int PROBE_SAMPLES = DerivativeRuns.PROBE_SAMPLES;

    private final OnnxModel model;
    private final RuleRegistry rules;
    private final Map<String, PreparedGraph> cache = new HashMap<>();
    /** Per input signature: the model after the pre-passes, and the shapes of its values. */
    private final Map<String, GraphPasses.Prepared> probes = new HashMap<>();
    /** Per input signature: the cheapest order of differentiation ({@link ModeCost}), and its mixed-mode engine if used. */
    private final Map<String, ModeCost.Plan> plans = new HashMap<>();
    private final Map<String, MixedModeJacobian> mixed = new HashMap<>();
    /** The source graph brought to one operator form ({@link OpsetNormalizer}), before the shape-dependent passes. */
    private Onnx.ModelProto source;

    /** A block buffer kept between computes, so that each compute does not allocate (and zero) native memory. */
    private ByteBuffer spareBlock;

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

    public OnnxJacobianEngine(OnnxModel model) {
        this(model, RuleRegistry.standard());
    }

    public OnnxJacobianEngine(OnnxModel model, RuleRegistry rules) {
        this.model = model;
        this.rules = rules;
    }

    @Override
    public String name() {
        return "ONNX autodiff";
    }

    /**
     * The differentiated graph this engine runs for {@code request} (for --save-graph): the
     * {@link Differentiator}'s graph plus one Transpose that lays the result out as Jacobian blocks,
     * output {@value #BLOCK}.
     */
    public Onnx.ModelProto differentiatedGraph(JacobianRequest request) {
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request);
        PreparedGraph p = prepare(r, null);
        return p.runModel();
    }

    /**
     * The result in the Jacobian's own layout, so that it is copied out in contiguous blocks: forward mode
     * {@code [B, *out, K]} (columns k0..k0+K of each sample's Jacobian), reverse mode {@code [B, K, *in]} (rows).
     * (Copying a reverse result {@code [K, B, *in]} row by row in Java instead measured no faster: the per-row
     * loop costs what the Transpose saves, and more while the JIT is cold.)
     */
    public static final String BLOCK = "jacobi/jacobian_block";

    @Override
    public byte[] serializedDifferentiatedGraph(JacobianRequest request) {
        return differentiatedGraph(request).toByteArray();
    }

    /**
     * The graph of {@link #differentiatedGraph} as this engine's sessions run it, rewritten for ONNX Runtime
     * ({@link org.jacobi.jacobian.lowering.OrtLowering}, {@link org.jacobi.jacobian.lowering.ForwardBlockLayout}): for sessions opened elsewhere (the Spark job's executors).
     */
    byte[] sessionGraph(JacobianRequest request) {
        return prepare(ResolvedRequest.resolve(model.info(), request), null).sessionBytes();
    }

    /** The estimated bytes one (sample, direction) pair needs in a run; chunking divides the budget by it. */
    long bytesPerPair(JacobianRequest request) {
        return prepare(ResolvedRequest.resolve(model.info(), request), null).bytesPerPair();
    }

    /** The mode {@code request} resolves to (FORWARD or REVERSE) against this model. */
    public JacobianMode resolveMode(JacobianRequest request) {
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request);
        if (mixedFor(r) != null) {
            return JacobianMode.MIXED;
        }
        return prepare(r, null).graph().direction() == Differentiator.Direction.FORWARD ? JacobianMode.FORWARD
            : JacobianMode.REVERSE;
    }

    private static JacobianMode exactMode(ResolvedRequest r, long[] sampleOut) {
        JacobianMode m = r.exactMode(Tensor.elementCount(sampleOut));
        if (m != JacobianMode.FORWARD && m != JacobianMode.REVERSE) {
            throw JacobiException.usage("The ONNX autodiff engine computes forward or reverse mode, not " + m.label() + ".");
        }
        return m;
    }

    private static long[] sampleShape(ResolvedRequest r, long[] shape) {
        return r.batched() ? Arrays.copyOfRange(shape, 1, shape.length) : shape;
    }

    // ---- preparation ----

    /** The graph the derivative is built from: the model brought to one operator form (never the file's own proto). */
    private synchronized Onnx.ModelProto source() {
        if (source == null) {
            source = GraphPasses.normalized(model.proto(), rules);
        }
        return source;
    }

    private static boolean isBatchedInput(ResolvedRequest r, TensorSpec spec, Tensor t) {
        return DerivativeRuns.isBatchedInput(r, spec, t);
    }

    /**
     * True when the model declares a fixed size for the batch axis (batching forced with --batch-axis 0):
     * every run then needs all samples, so only directions are chunked.
     */
    private boolean fixedBatch(ResolvedRequest r) {
        TensorSpec spec = model.info().input(r.wrt());
        return r.batched() && spec != null && spec.hasShape() && !spec.dims().isEmpty() && !spec.hasDynamicLeadingAxis();
    }

    /** How many samples the probe run uses. */
    private int probeSamples(ResolvedRequest r) {
        return fixedBatch(r) ? r.samples() : PROBE_SAMPLES;
    }

    /**
     * The model after the pre-passes ({@link GraphPasses}: recurrent layers expanded into time steps, ...) and
     * the shapes of its values, learnt on (at most two) samples.
     */
    private GraphPasses.Prepared probe(ResolvedRequest r) {
        return GraphPasses.standard().prepare(source(), DerivativeRuns.probeInputs(model, r, !fixedBatch(r)), OrtShapeProbe::probe);
    }

    private String signature(ResolvedRequest r) {
        StringBuilder sb = new StringBuilder();
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

    /** The prepared graph for a request; {@code mode} null means the request's own (AUTO resolved). */
    private synchronized PreparedGraph prepare(ResolvedRequest r, JacobianMode mode) {
        String base = r.wrt() + "|" + r.of() + "|" + r.batched() + "|" + signature(r);
        GraphPasses.Prepared source = probes.get(base);
        if (source == null) {
            source = probe(r);
            probes.put(base, source);
        }
        ValueShapes shapes = source.shapes();
        long[] ofShape = shapes.shape(r.of());
        if (r.batched() && (ofShape.length == 0 || ofShape[0] != probeSamples(r))) {
            throw JacobiException.usage("Output '" + r.of() + "' does not keep the samples on axis 0 (its shape is "
                + Tensor.shapeToString(ofShape) + " for " + probeSamples(r) + " samples), so per-sample Jacobians are undefined. "
                + "Use --batch-axis none to differentiate the whole tensor.");
        }
        if (mode == null) {
            mode = exactMode(r, sampleShape(r, ofShape));
        }
        String key = base + "|" + mode;
        PreparedGraph p = cache.get(key);
        if (p != null) {
            return p;
        }
        Differentiator.Direction direction = mode == JacobianMode.FORWARD ? Differentiator.Direction.FORWARD
            : Differentiator.Direction.REVERSE;
        DifferentiatedGraph graph = Differentiator.differentiate(source.model(), shapes, r.wrt(), r.of(), direction, rules);
        long[] sampleOut = sampleShape(r, shapes.shape(r.of()));
        Onnx.ModelProto runModel = PreparedGraph.withBlockLayout(graph, r.batched(),
            direction == Differentiator.Direction.FORWARD ? sampleOut.length : r.sampleInputShape().length);
        long[] seedSample = direction == Differentiator.Direction.FORWARD ? r.sampleInputShape() : sampleOut;
        PreparedGraph.SessionGraph lowered = PreparedGraph.sessionGraph(runModel, r.batched(), seedSample, shapes,
            r.batched() ? probeSamples(r) : 1);
        OrtSessions.Opened session = OrtSessions.open(lowered.bytes(), model.devicePreference(),
            model.info().fileName() + " (" + mode.label() + "-mode derivative)");
        p = new PreparedGraph(graph, runModel, lowered.bytes(), lowered.broadcastSeed(), session, shapes,
            bytesPerPair(source, r, graph), sampleOut, model.info().fileName());
        cache.put(key, p);
        return p;
    }

    /** Bytes per (sample, direction) of the differentiated graph's run ({@link MemoryEstimate}). */
    private long bytesPerPair(GraphPasses.Prepared source, ResolvedRequest r, DifferentiatedGraph graph) {
        return MemoryEstimate.bytesPerPair(source.model().getGraph(), graph.model().getGraph().getNodeList(), source.shapes(),
            r.batched() ? probeSamples(r) : 1, (long) r.inputsPerSample() * r.wrtValue().type().bytes(),
            graph.direction() == Differentiator.Direction.FORWARD ? r.inputsPerSample()
                : Math.toIntExact(Math.min(Integer.MAX_VALUE, Tensor.elementCount(sampleShape(r, source.shapes().shape(r.of()))))));
    }

    /**
     * The mixed-mode engine for a request that asks for mixed mode, or that leaves the mode to us (AUTO) on a graph
     * whose cost model favours it; null otherwise.
     */
    private synchronized MixedModeJacobian mixedFor(ResolvedRequest r) {
        JacobianMode asked = r.request().mode();
        if (asked != JacobianMode.AUTO && asked != JacobianMode.MIXED) {
            return null;
        }
        if (!r.batched() || fixedBatch(r)) {
            if (asked == JacobianMode.MIXED) {
                throw JacobiException.usage("Mixed mode computes per-sample Jacobians of a model with a dynamic batch axis; "
                    + "use --mode forward or reverse here.");
            }
            return null;
        }
        String base = r.wrt() + "|" + r.of() + "|" + r.batched() + "|" + signature(r);
        GraphPasses.Prepared source = probes.computeIfAbsent(base, k -> probe(r));
        ModeCost.Plan plan = plans.get(base);
        if (plan == null) {
            long[] ofShape = source.shapes().known(r.of()) ? source.shapes().shape(r.of()) : new long[0];
            plan = ModeCost.plan(source.model().getGraph(), source.shapes(), r.wrt(), r.of(), probeSamples(r), r.inputsPerSample(),
                Tensor.elementCount(sampleShape(r, ofShape)));
            plans.put(base, plan);
        }
        if (plan.cut() == null) {
            if (asked == JacobianMode.MIXED) {
                throw JacobiException.usage("No single value of " + model.info().fileName() + " lies on every path from '" + r.wrt()
                    + "' to '" + r.of() + "', so mixed mode has nowhere to switch; use --mode auto, forward or reverse.");
            }
            return null;
        }
        if (asked == JacobianMode.AUTO && plan.kind() != ModeCost.Kind.MIXED) {
            return null;
        }
        ModeCost.Plan chosen = plan;
        return mixed.computeIfAbsent(base, k -> new MixedModeJacobian(model, source.model(), source.shapes(), r.wrt(), r.of(),
            chosen.cut(), rules));
    }

    // ---- computing ----

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request);
        if (r.samples() == 0 || r.inputsPerSample() == 0) {
            return emptyJacobian(r, start);
        }
        MixedModeJacobian mixedMode = mixedFor(r);
        if (mixedMode != null) {
            return mixedMode.compute(r, monitor);
        }
        PreparedGraph p = prepare(r, null);
        boolean forward = p.graph().direction() == Differentiator.Direction.FORWARD;
        int samples = r.samples();
        int nIn = r.inputsPerSample();
        long[] sampleOut = p.sampleOutputShape();
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        if (nOut == 0) {
            return emptyJacobian(r, start);
        }
        int directions = forward ? nIn : nOut;
        long smallestRun = fixedBatch(r) ? p.bytesPerPair() * samples : p.bytesPerPair();
        if (request.maxMemoryBytes() > 0 && smallestRun > request.maxMemoryBytes()) {
            throw JacobiException.usage("One " + (fixedBatch(r) ? "batch" : "sample") + " in one direction needs about "
                + MemoryEstimate.mib(smallestRun) + " (estimated), more than --max-memory " + MemoryEstimate.mib(request.maxMemoryBytes())
                + ". Raise --max-memory, or differentiate a smaller output (--of) or input.");
        }
        float[] jac = org.jacobi.jacobian.JacobianArrays.allocate((long) samples * nOut * nIn); // refuses what no array holds

        ChunkPlan plan = fixedBatch(r)
            ? ChunkPlan.of(1, directions, p.bytesPerPair() * samples, request.memoryBudget()).withSamples(samples)
            : ChunkPlan.of(samples, directions, p.bytesPerPair(), ChunkPlan.runBudget(request, p.bytesPerPair(), directions));
        ElementType type = r.wrtValue().type();
        // ONNX Runtime writes each chunk's block straight into this buffer (a pinned output).
        ByteBuffer block = takeBlock(type, (long) plan.samplesPerChunk() * plan.directionsPerChunk() * (forward ? nOut : nIn));
        List<Tensor> outputs;
        try {
            outputs = new ChunkRuns(p, model, r).run(plan, jac, block, monitor);
        } finally {
            returnBlock(block);
        }
        int total = plan.chunks();
        monitor.progress(total, total, "done");
        Tensor output = outputs.size() == 1 ? outputs.get(0) : Tensor.concatRows(outputs);
        long[] shape = concat(r.batched() ? new long[] {samples} : new long[0], sampleOut, r.sampleInputShape());
        List<String> warnings = p.session().notice() == null ? List.of() : List.of(p.session().notice());
        JacobianResult result = new JacobianResult(Tensor.ofFloats(jac, shape), output, r.wrt(), r.of(), r.sampleInputShape(), sampleOut,
            r.batched(), forward ? JacobianMode.FORWARD : JacobianMode.REVERSE, true, "ONNX autodiff on ONNX Runtime"
                + (model.precisionNote() == null ? "" : " (" + model.precisionNote() + ")"),
            p.session().device(), total, System.nanoTime() - start, warnings);
        return p.graph().dependsOnInput() ? result : result.independent(); // control flow: no zeros shown as a result
    }

    /**
     * A Jacobian with no elements (no samples, or a zero-sized input or output axis): the empty array of the right
     * shape, with the output from one plain run of the model. Nothing is differentiated.
     */
    private JacobianResult emptyJacobian(ResolvedRequest r, long start) {
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

    /** One reverse pass with the given cotangent (K = 1): the gradient of {@code sum(of * cotangent)}. */
    @Override
    public Tensor vectorJacobianProduct(JacobianRequest request, Tensor cotangent, ProgressMonitor monitor) {
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request);
        PreparedGraph p = prepare(r, JacobianMode.REVERSE);
        Tensor x = r.wrtValue();
        int samples = r.samples();
        long[] sampleOut = p.sampleOutputShape();
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        if (cotangent.size() != (long) samples * nOut) {
            throw JacobiException.usage("The cotangent has " + cotangent.size() + " elements; output '" + r.of() + "' has "
                + (long) samples * nOut + ".");
        }
        int chunk = fixedBatch(r) ? samples : (int) Math.max(1, Math.min(samples, request.memoryBudget() / p.bytesPerPair()));
        int chunks = (samples + chunk - 1) / chunk;
        double[] all = new double[x.size()];
        int nIn = r.inputsPerSample();
        for (int c = 0; c < chunks; c++) {
            monitor.checkCancelled();
            monitor.progress(c, chunks, "vector-Jacobian product");
            int b0 = c * chunk;
            int bc = Math.min(chunk, samples - b0);
            ByteBuffer seed = JacobianBlocks.allocate(x.type(), (long) bc * nOut);
            for (int i = 0; i < bc * nOut; i++) {
                JacobianBlocks.putValue(seed, x.type(), i, cotangent.getDouble(b0 * nOut + i));
            }
            ByteBuffer block = JacobianBlocks.allocate(x.type(), (long) bc * nIn);
            long[] blockShape = r.batched() ? concat(new long[] {bc, 1}, r.sampleInputShape()) : concat(new long[] {1}, r.sampleInputShape());
            GraphRun.run(p, model, r, b0, bc, ChunkRuns.seedTensor(model, seed, x.type(), ChunkRuns.seedShape(r, sampleOut, 1, bc)), true,
                monitor, Set.of(), block,
                blockShape);
            Tensor g = x.type() == ElementType.FLOAT64 ? Tensor.ofDoubles(JacobianBlocks.readDoubles(block, bc * nIn), bc * nIn)
                : Tensor.ofFloats(JacobianBlocks.readFloats(block, bc * nIn), bc * nIn);
            for (int i = 0; i < bc * nIn; i++) {
                all[b0 * nIn + i] = g.getDouble(i);
            }
        }
        monitor.progress(chunks, chunks, "done");
        Tensor out = Tensor.ofDoubles(all, x.shape());
        return x.type() == ElementType.FLOAT64 ? out : out.asType(x.type());
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    @Override
    public synchronized void close() {
        cache.values().forEach(PreparedGraph::close);
        spareBlock = null;
        cache.clear();
        probes.clear();
        mixed.values().forEach(MixedModeJacobian::close);
        mixed.clear();
        plans.clear();
    }

}
