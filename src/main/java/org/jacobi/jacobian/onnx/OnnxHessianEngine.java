package org.jacobi.jacobian.onnx;

import java.nio.ByteBuffer;
import java.util.Arrays;
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
import org.jacobi.jacobian.HessianEngine;
import org.jacobi.jacobian.HessianRequest;
import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.HessianVectors;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;

/**
 * Exact per-sample Hessians of an ONNX model, forward over reverse ({@link OnnxGraphPreparer#hessianGraph}): the
 * forward pass's K directions are input elements, seeded in every sample at once as for Jacobians, and its result
 * {@code [K, 1, batch, *in]} holds K rows of every sample's Hessian. A Hessian-vector product seeds one direction, the
 * vector itself. This class is the policy over the {@link ChunkRunner}: which seeds, where the rows go.
 */
public final class OnnxHessianEngine implements HessianEngine {
    /** The reverse pass's cotangent input (renamed from the Differentiator's seed). */
    public static final String COTANGENT = OnnxGraphPreparer.COTANGENT;
    /** The reverse pass's result: the gradient of the chosen scalar per sample. */
    public static final String GRADIENT = OnnxGraphPreparer.GRADIENT;

    private final OnnxGraphPreparer graphs;
    private final boolean ownGraphs;

    public OnnxHessianEngine(OnnxModel model) {
        this(model, RuleRegistry.standard());
    }

    public OnnxHessianEngine(OnnxModel model, RuleRegistry rules) {
        this.graphs = new OnnxGraphPreparer(model, rules);
        this.ownGraphs = true;
    }

    /** An engine preparing its graphs through {@code graphs}, which stays open when the engine closes. */
    public OnnxHessianEngine(OnnxGraphPreparer graphs) {
        this.graphs = graphs;
        this.ownGraphs = false;
    }

    @Override
    public String name() {
        return "ONNX autodiff (forward over reverse)";
    }

    /** The second-order graph this engine runs for {@code request}, for inspection. */
    public Onnx.ModelProto secondOrderGraph(HessianRequest request) {
        return graphs.hessianGraph(ResolvedRequest.resolve(graphs.model().info(), request.asJacobianRequest())).runModel();
    }

    @Override
    public HessianResult compute(HessianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        ResolvedRequest r = ResolvedRequest.resolve(graphs.model().info(), request.asJacobianRequest());
        PreparedGraph p = graphs.hessianGraph(r);
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
        double[] vector = hvp ? HessianVectors.perSample(request.vector(), samples, r.sampleInputShape(), r.batched()) : null;
        int directions = hvp ? 1 : nIn;
        if (!hvp) {
            request.checkFullHessianFits(samples, nIn);
        }
        float[] hessian = new float[Math.toIntExact((long) samples * directions * nIn)];
        ChunkPlan plan = ChunkPlan.of(samples, directions, p.bytesPerPair(),
            ChunkPlan.runBudget(request.asJacobianRequest(), p.bytesPerPair(), directions));
        ByteBuffer block = JacobianBlocks.allocate(type, (long) plan.pairsPerRun() * nIn);
        List<Map<String, Tensor>> firsts = new ChunkRunner(p, graphs.model(), r, type).run(ChunkRunner.chunks(plan), c -> {
            int bc = c.bc();
            double[] seed = new double[c.kc() * bc * nIn];
            for (int k = 0; k < c.kc(); k++) {
                for (int b = 0; b < bc; b++) {
                    if (hvp) {
                        System.arraycopy(vector, (c.b0() + b) * nIn, seed, (k * bc + b) * nIn, nIn);
                    } else {
                        seed[(k * bc + b) * nIn + c.k0() + k] = 1;
                    }
                }
            }
            Map<String, Tensor> seeds = new LinkedHashMap<>();
            seeds.put(OnnxGraphPreparer.COTANGENT, cotangent(type, request.element(), bc, nOut, sampleOut, r.batched()));
            seeds.put(Differentiator.SEED, Tensor.ofDoubles(seed, seedShape(r, c.kc(), bc)).asType(type));
            return ChunkRunner.ownSeeds(seeds);
        }, c -> SecondOrder.concat(r.batched() ? new long[] {c.kc(), 1, c.bc()} : new long[] {c.kc(), 1}, r.sampleInputShape()),
            block, (c, b) -> {
                // result [kc, 1, (bc,) *in]: rows k0 .. k0 + kc of each sample's Hessian
                float[] rows = ChunkRunner.floats(b, type, c.kc() * c.bc() * nIn);
                for (int k = 0; k < c.kc(); k++) {
                    for (int s = 0; s < c.bc(); s++) {
                        System.arraycopy(rows, (k * c.bc() + s) * nIn, hessian, ((c.b0() + s) * directions + c.k0() + k) * nIn, nIn);
                    }
                }
            }, Set.of(r.of(), OnnxGraphPreparer.GRADIENT), "Hessian", monitor);
        int total = plan.chunks();
        long[] lead = r.batched() ? new long[] {samples} : new long[0];
        long[] shape = hvp ? SecondOrder.concat(lead, r.sampleInputShape()) : SecondOrder.concat(lead, r.sampleInputShape(), r.sampleInputShape());
        float[] gradient = new float[samples * nIn];
        int at = 0;
        for (Map<String, Tensor> first : firsts) {
            float[] f = first.get(OnnxGraphPreparer.GRADIENT).toFloatArray();
            System.arraycopy(f, 0, gradient, at, f.length);
            at += f.length;
        }
        Tensor output = InputJacobians.output(firsts, r.of());
        return new HessianResult(Tensor.ofFloats(hessian, shape), Tensor.ofFloats(gradient, r.wrtValue().shape()), output,
            r.wrt(), r.of(), request.targetLabel(), r.sampleInputShape(), r.batched(), hvp,
            "ONNX autodiff on ONNX Runtime (forward over reverse)", p.session().device(), total, System.nanoTime() - start,
            p.warnings());
    }

    private static long[] seedShape(ResolvedRequest r, int kc, int bc) {
        return SecondOrder.concat(r.batched() ? new long[] {kc, bc} : new long[] {kc}, r.sampleInputShape());
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
        long[] shape = SecondOrder.concat(batched ? new long[] {1, bc} : new long[] {1}, sampleOut);
        return Tensor.ofDoubles(c, shape).asType(type);
    }

    @Override
    public void close() {
        if (ownGraphs) {
            graphs.close();
        }
    }
}
