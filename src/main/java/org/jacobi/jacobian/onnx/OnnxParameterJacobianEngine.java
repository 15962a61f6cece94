package org.jacobi.jacobian.onnx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianArrays;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ParameterJacobianEngine;
import org.jacobi.jacobian.ParameterNorms;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;

/**
 * Per-sample Jacobians of an ONNX model with respect to an initializer (a weight). Forward mode: the
 * initializer's tangent {@code [K, *weight_shape]} has no batch axis, so direction k (the unit vector of weight
 * element k) flows through every sample at once and the result {@code [K, batch, *out]} already holds K columns of
 * each sample's own Jacobian. Reverse mode (when the weight has more elements than a few samples' outputs): each
 * direction seeds one output element of one sample, so the weight's cotangent is that sample's alone. Nothing is
 * summed over the batch either way, and no loop over single samples is needed. The graphs come from an
 * {@link OnnxGraphPreparer}, the runs from a {@link ChunkRunner}; this class is the policy (which seeds, where rows go).
 */
public final class OnnxParameterJacobianEngine implements ParameterJacobianEngine {
    private final OnnxGraphPreparer graphs;
    private final boolean ownGraphs;

    public OnnxParameterJacobianEngine(OnnxModel model) {
        this(model, RuleRegistry.standard());
    }

    public OnnxParameterJacobianEngine(OnnxModel model, RuleRegistry rules) {
        this.graphs = new OnnxGraphPreparer(model, rules);
        this.ownGraphs = true;
    }

    /** An engine preparing its graphs through {@code graphs}, which stays open when the engine closes. */
    public OnnxParameterJacobianEngine(OnnxGraphPreparer graphs) {
        this.graphs = graphs;
        this.ownGraphs = false;
    }

    @Override
    public Map<String, long[]> parameters() {
        Set<String> inputs = new HashSet<>();
        graphs.model().info().inputs().forEach(s -> inputs.add(s.name()));
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Onnx.TensorProto t : graphs.model().proto().getGraph().getInitializerList()) {
            if (ElementType.isFloatingPointCode(t.getDataType()) && !inputs.contains(t.getName()) && !t.getDimsList().isEmpty()) {
                out.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
            }
        }
        return out;
    }

    /** The request's batching, taken from its first floating-point input (the parameter itself has no batch axis). */
    private ResolvedRequest resolve(JacobianRequest request) {
        return ResolvedRequest.resolve(graphs.model().info(), request.withWrtOf(null, request.of()));
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

    private PreparedGraph prepare(ResolvedRequest r, String parameter) {
        long[] sampleOut = graphs.sampleOutputShape(r, "Jacobians");
        long parameterElements = Tensor.elementCount(graphs.probed(r).shapes().shape(parameter));
        return graphs.parameterGraph(r, parameter, !r.batched() || forward(r, parameterElements, sampleOut));
    }

    /** Receives {@code d of[b, o] / d parameter[k0 .. k0 + values.length)} for one sample b and output element o. */
    private interface RowSink {
        void accept(int b, int o, int k0, float[] values, int offset, int stride, int count);
    }

    /** Runs every chunk for {@code parameter}, rows to {@code sink}; returns the chunks and each sample chunk's outputs. */
    private int run(ResolvedRequest r, PreparedGraph p, String parameter, ProgressMonitor monitor, RowSink sink,
                    List<Map<String, Tensor>> outputs) {
        long[] parameterShape = p.shapes().shape(parameter);
        int nP = Math.toIntExact(Tensor.elementCount(parameterShape));
        int nOut = Math.toIntExact(Tensor.elementCount(p.sampleOutputShape()));
        ElementType type = OnnxGraphPreparer.elementType(p.shapes(), parameter);
        List<ChunkRunner.Chunk> chunks = p.forward() ? ChunkRunner.chunks(ChunkPlan.of(r.samples(), nP, p.bytesPerPair(),
            ChunkPlan.runBudget(r.request(), p.bytesPerPair(), nP))) : reverseChunks(r, p, nOut);
        long largest = chunks.stream().mapToLong(c -> (long) c.kc() * (p.forward() ? c.bc() * nOut : nP)).max().orElse(1);
        ByteBuffer block = JacobianBlocks.allocate(type, largest);
        List<Map<String, Tensor>> firsts = new ChunkRunner(p, graphs.model(), r, type).run(chunks, c -> {
            double[] seed;
            long[] shape;
            if (p.forward()) {
                // directions = parameter elements, the same for every sample
                seed = new double[c.kc() * nP];
                for (int k = 0; k < c.kc(); k++) {
                    seed[k * nP + c.k0() + k] = 1;
                }
                shape = SecondOrder.concat(new long[] {c.kc()}, parameterShape);
            } else {
                // direction k0 + k = row b * nOut + o of the chunk: sample b's output element o
                seed = new double[c.kc() * c.bc() * nOut];
                for (int k = 0; k < c.kc(); k++) {
                    int row = c.k0() + k;
                    seed[(k * c.bc() + row / nOut) * nOut + row % nOut] = 1;
                }
                shape = SecondOrder.concat(new long[] {c.kc(), c.bc()}, p.sampleOutputShape());
            }
            return ChunkRunner.ownSeeds(Map.of(Differentiator.SEED, Tensor.ofDoubles(seed, shape).asType(type)));
        }, c -> p.forward() ? SecondOrder.concat(r.batched() ? new long[] {c.kc(), c.bc()} : new long[] {c.kc()}, p.sampleOutputShape())
            : SecondOrder.concat(new long[] {c.kc()}, parameterShape), block, (c, b) -> {
                float[] values = ChunkRunner.floats(b, type, Math.toIntExact(p.forward() ? (long) c.kc() * c.bc() * nOut
                    : (long) c.kc() * nP));
                if (p.forward()) {
                    // [kc, (bc,) nOut]: columns k0 .. k0 + kc of each sample's rows
                    for (int s = 0; s < c.bc(); s++) {
                        for (int o = 0; o < nOut; o++) {
                            sink.accept(c.b0() + s, o, c.k0(), values, s * nOut + o, c.bc() * nOut, c.kc());
                        }
                    }
                } else {
                    // [kc, *param]: whole rows
                    for (int k = 0; k < c.kc(); k++) {
                        int row = c.k0() + k;
                        sink.accept(c.b0() + row / nOut, row % nOut, 0, values, k * nP, 1, nP);
                    }
                }
            }, outputs == null ? Set.of() : Set.of(r.of()), parameter + (p.forward() ? "" : ", reverse"), monitor);
        if (outputs != null) {
            outputs.addAll(firsts);
        }
        return chunks.size();
    }

    /**
     * Reverse mode's chunks: directions are the (sample, output element) pairs of a chunk of samples, direction (b, o)
     * seeding only sample b. A run over bc samples holds bc * nOut directions of bc samples each, so the samples per
     * run are kept small (the work grows with their square).
     */
    private static List<ChunkRunner.Chunk> reverseChunks(ResolvedRequest r, PreparedGraph p, int nOut) {
        int samples = r.samples();
        long pairs = Math.max(1, ChunkPlan.runBudget(r.request(), p.bytesPerPair(), nOut) / p.bytesPerPair());
        int bc0 = (int) Math.max(1, Math.min(Math.min(samples, 8), (long) Math.sqrt(pairs / (double) nOut)));
        int directionsPerRun = (int) Math.max(1, Math.min((long) bc0 * nOut, pairs / bc0));
        List<ChunkRunner.Chunk> chunks = new ArrayList<>();
        for (int b0 = 0; b0 < samples; b0 += bc0) {
            int bc = Math.min(bc0, samples - b0);
            int rows = bc * nOut;
            for (int d0 = 0; d0 < rows; d0 += directionsPerRun) {
                chunks.add(new ChunkRunner.Chunk(b0, bc, d0, Math.min(directionsPerRun, rows - d0), d0 == 0));
            }
        }
        return chunks;
    }

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        String parameter = request.wrt();
        if (!parameters().containsKey(parameter)) {
            throw JacobiException.usage("The model has no parameter '" + parameter + "'.");
        }
        ResolvedRequest r = resolve(request);
        PreparedGraph p = prepare(r, parameter);
        long[] parameterShape = p.shapes().shape(parameter);
        int samples = r.samples();
        int nP = Math.toIntExact(Tensor.elementCount(parameterShape));
        int nOut = Math.toIntExact(Tensor.elementCount(p.sampleOutputShape()));
        long size = (long) samples * nOut * nP;
        if (size > Integer.MAX_VALUE - 8) {
            throw new JacobiException("The Jacobian would have " + size + " elements, more than one array can hold. "
                + "Use fewer samples, a smaller output (--of), or --wrt-params all for the norms only.");
        }
        float[] jac = JacobianArrays.allocate(size);
        List<Map<String, Tensor>> outputs = new ArrayList<>();
        int chunks = run(r, p, parameter, monitor, (b, o, k0, values, offset, stride, count) -> {
            int dst = (b * nOut + o) * nP + k0;
            for (int k = 0; k < count; k++) {
                jac[dst + k] = values[offset + k * stride];
            }
        }, outputs);
        long[] lead = r.batched() ? new long[] {samples} : new long[0];
        Tensor output = InputJacobians.output(outputs, r.of());
        JacobianResult result = new JacobianResult(Tensor.ofFloats(jac, SecondOrder.concat(lead, p.sampleOutputShape(),
            parameterShape)), output, parameter, r.of(), parameterShape, p.sampleOutputShape(), r.batched(),
            p.forward() ? JacobianMode.FORWARD : JacobianMode.REVERSE, true,
            "ONNX autodiff on ONNX Runtime (per-sample weight tangents)", p.session().device(), chunks,
            System.nanoTime() - start, p.warnings());
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
            run(r, prepare(r, names.get(j)), names.get(j), monitor, (b, o, k0, values, offset, stride, count) -> {
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

    @Override
    public void close() {
        if (ownGraphs) {
            graphs.close();
        }
    }
}
