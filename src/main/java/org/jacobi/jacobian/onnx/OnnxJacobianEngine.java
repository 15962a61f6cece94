package org.jacobi.jacobian.onnx;

import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.jacobian.SampleBlocks;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;

/**
 * Exact per-sample Jacobians of an ONNX model: differentiates the graph ({@link Differentiator}) and runs
 * the differentiated graph on ONNX Runtime. Tangents carry a leading direction axis K; with a batch axis,
 * direction k seeds the unit vector of per-sample element k in every sample at once, which is valid
 * because samples are independent, so one run yields K columns (forward) or rows (reverse) of every
 * sample's Jacobian. This class is the policy of which mode: forward or reverse ({@link InputJacobians}) or mixed
 * ({@link MixedModeJacobian}); the graphs come from an {@link OnnxGraphPreparer} (one graph and session per wrt, of,
 * mode and input signature, serving every chunk size), and the runs from a {@link ChunkRunner}.
 */
public final class OnnxJacobianEngine implements JacobianEngine {
    /** The output of the run graph holding the Jacobian blocks (see {@link #differentiatedGraph}). */
    public static final String BLOCK = PreparedGraph.BLOCK;

    private final OnnxGraphPreparer graphs;
    /** Whether this engine made {@link #graphs} (and closes it), or shares it with the model's other engines. */
    private final boolean ownGraphs;
    private final InputJacobians jacobians;
    private final MixedModeJacobian mixed;

    public OnnxJacobianEngine(OnnxModel model) {
        this(model, RuleRegistry.standard());
    }

    public OnnxJacobianEngine(OnnxModel model, RuleRegistry rules) {
        this(new OnnxGraphPreparer(model, rules), true);
    }

    /** An engine preparing its graphs through {@code graphs}, which stays open when the engine closes. */
    public OnnxJacobianEngine(OnnxGraphPreparer graphs) {
        this(graphs, false);
    }

    private OnnxJacobianEngine(OnnxGraphPreparer graphs, boolean ownGraphs) {
        this.graphs = graphs;
        this.ownGraphs = ownGraphs;
        this.jacobians = new InputJacobians(graphs);
        this.mixed = new MixedModeJacobian();
    }

    @Override
    public String name() {
        return "ONNX autodiff";
    }

    private ResolvedRequest resolve(JacobianRequest request) {
        return ResolvedRequest.resolve(graphs.model(), request);
    }

    /**
     * The differentiated graph this engine runs for {@code request} (for --save-graph): the
     * {@link Differentiator}'s graph plus one Transpose that lays the result out as Jacobian blocks,
     * output {@value #BLOCK}.
     */
    public Onnx.ModelProto differentiatedGraph(JacobianRequest request) {
        ResolvedRequest r = resolve(request);
        return graphs.jacobianGraph(r, graphs.singlePassMode(r)).runModel();
    }

    @Override
    public byte[] serializedDifferentiatedGraph(JacobianRequest request) {
        return differentiatedGraph(request).toByteArray();
    }

    /**
     * The graph of {@link #differentiatedGraph} as this engine's sessions run it, rewritten for ONNX Runtime
     * ({@link org.jacobi.jacobian.lowering}): for sessions opened elsewhere (the Spark job's executors).
     */
    byte[] sessionGraph(JacobianRequest request) {
        ResolvedRequest r = resolve(request);
        return graphs.jacobianGraph(r, graphs.singlePassMode(r)).sessionBytes();
    }

    /** The estimated bytes one (sample, direction) pair needs in a run; chunking divides the budget by it. */
    long bytesPerPair(JacobianRequest request) {
        ResolvedRequest r = resolve(request);
        return graphs.jacobianGraph(r, graphs.singlePassMode(r)).bytesPerPair();
    }

    /** The mode {@code request} resolves to (FORWARD, REVERSE or MIXED) against this model. */
    public JacobianMode resolveMode(JacobianRequest request) {
        ResolvedRequest r = resolve(request);
        return mixedCut(r) != null ? JacobianMode.MIXED : graphs.singlePassMode(r);
    }

    /**
     * Where mixed mode cuts the graph, for a request that asks for mixed mode or that leaves the mode to us (AUTO) on a
     * graph whose cost model favours it; null otherwise.
     */
    private String mixedCut(ResolvedRequest r) {
        JacobianMode asked = r.request().mode();
        if (asked != JacobianMode.AUTO && asked != JacobianMode.MIXED) {
            return null;
        }
        if (!r.batched() || graphs.fixedBatch(r) || graphs.model().info().input(r.wrt()) == null) {
            if (asked == JacobianMode.MIXED) {
                throw JacobiException.usage("Mixed mode computes per-sample Jacobians with respect to an input with a dynamic batch axis; "
                    + "use --mode forward or reverse here.");
            }
            return null;
        }
        ModeCost.Plan plan = graphs.plan(r);
        if (plan.cut() == null) {
            if (asked == JacobianMode.MIXED) {
                throw JacobiException.usage("No single value of " + graphs.model().info().fileName() + " lies on every path from '"
                    + r.wrt() + "' to '" + r.of() + "', so mixed mode has nowhere to switch; use --mode auto, forward or reverse.");
            }
            return null;
        }
        return asked == JacobianMode.AUTO && plan.kind() != ModeCost.Kind.MIXED ? null : plan.cut();
    }

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        ResolvedRequest r = resolve(request);
        r.requireJacobianFits(graphs.model().info()); // before the graph is normalised, probed or differentiated
        if (r.samples() == 0 || r.inputsPerSample() == 0) {
            return jacobians.empty(r, start);
        }
        // samples on another axis than 0 of the input or the output (a state [layers, batch, hidden]): the whole Jacobian,
        // cut into each sample's block with itself
        JacobianResult blocks = SampleBlocks.offAxisZero(graphs.model().info(), r, whole -> compute(whole, monitor));
        if (blocks != null) {
            return blocks;
        }
        String cut = mixedCut(r);
        if (cut != null) {
            return mixed.compute(graphs, r, cut, monitor);
        }
        return jacobians.compute(r, graphs.singlePassMode(r), monitor);
    }

    /** One reverse pass with the given cotangent (K = 1): the gradient of {@code sum(of * cotangent)}. */
    @Override
    public Tensor vectorJacobianProduct(JacobianRequest request, Tensor cotangent, ProgressMonitor monitor) {
        return jacobians.vectorJacobianProduct(resolve(request), cotangent, monitor);
    }

    @Override
    public void close() {
        jacobians.close();
        mixed.close();
        if (ownGraphs) {
            graphs.close();
        }
    }
}
