package org.jacobi.autodiff.expand;

import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/**
 * The pre-passes run on a model before it is differentiated, in order, and the shapes of the model they
 * produce. Shapes are learnt by running the graph (a {@link ValueShapes.Probe}, which the runtime side supplies); a pass first sees what is known
 * without running (inputs and initializers), and the shapes of the model as it stands only when it needs more.
 * The result is probed once more, so a model no pass touches is probed once.
 */
public final class GraphPasses {
    /** A model ready to differentiate and the shapes of its values. */
    public record Prepared(Onnx.ModelProto model, ValueShapes shapes) {
    }

    private final List<GraphPass> passes;
    /** Rounds of passes at most: one more than the deepest nesting of loops that is unrolled. */
    private static final int MAX_ROUNDS = 16;

    public GraphPasses(List<GraphPass> passes) {
        this.passes = List.copyOf(passes);
    }

    private static final GraphPasses STANDARD = new GraphPasses(List.of(
        new RecurrentExpansion(), new LoopUnrolling()));

    /** The passes every differentiated model goes through. */
    public static GraphPasses standard() {
        return STANDARD;
    }

    /**
     * The shape-free part, the same for every input signature: functions (model-local ones, and standard
     * operators defined as functions that have no rule) inlined, then every node brought to one opset's form, and
     * the values of subgraphs named apart from every other scope's ({@link ControlFlow#uniqueNames}).
     */
    public static Onnx.ModelProto normalized(Onnx.ModelProto model, RuleRegistry rules) {
        return ControlFlow.uniqueNames(OpsetNormalizer.normalize(FunctionInliner.inline(model, rules)));
    }

    /**
     * Everything a model goes through before it is differentiated, in the one order every engine uses:
     * {@link #normalized}, then the standard shape-dependent passes, probed on {@code inputs}.
     */
    public static Prepared prepareForDifferentiation(Onnx.ModelProto model, RuleRegistry rules, Map<String, Tensor> inputs,
                                                     ValueShapes.Probe probe) {
        return STANDARD.prepare(normalized(model, rules), inputs, probe);
    }

    /**
     * Applies every pass that applies to {@code model}, in rounds until none changes it (unrolling a loop brings the
     * recurrent nodes and loops of its body into the enclosing graph, for the next round), and probes the result on
     * {@code inputs}.
     */
    public Prepared prepare(Onnx.ModelProto model, Map<String, Tensor> inputs, ValueShapes.Probe probe) {
        ValueShapes shapes = null;
        boolean changed = true;
        for (int round = 0; changed && round < MAX_ROUNDS; round++) {
            changed = false;
            for (GraphPass pass : passes) {
                if (!pass.appliesTo(model)) {
                    continue;
                }
                Onnx.ModelProto rewritten;
                if (shapes != null) {
                    rewritten = pass.apply(model, shapes);
                } else {
                    // What is known without running first: ONNX Runtime cannot run some models that a pass makes
                    // runnable (recurrent layers in layout 1), and a probe saved is a run saved.
                    try {
                        rewritten = pass.apply(model, ValueShapes.declared(model, inputs));
                    } catch (IllegalStateException notEnough) {
                        shapes = ControlFlow.probe(model, inputs, probe);
                        rewritten = pass.apply(model, shapes);
                    }
                }
                if (rewritten != model) {
                    model = rewritten;
                    shapes = null;
                    changed = true;
                }
            }
        }
        return new Prepared(model, shapes != null ? shapes : ControlFlow.probe(model, inputs, probe));
    }
}
