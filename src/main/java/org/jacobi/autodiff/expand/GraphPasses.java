package org.jacobi.autodiff.expand;

import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/**
 * The pre-passes run on a model before it is differentiated, in order, and the shapes of the model they
 * produce. Shapes are learnt by running the graph ({@link ValueShapes#probe}); a pass that needs them gets the
 * shapes of the model as it stands, and the result is probed again, so a model no pass touches is probed once.
 */
public final class GraphPasses {
    /** A model ready to differentiate and the shapes of its values. */
    public record Prepared(Onnx.ModelProto model, ValueShapes shapes) {
    }

    private final List<GraphPass> passes;

    public GraphPasses(List<GraphPass> passes) {
        this.passes = List.copyOf(passes);
    }

    private static final GraphPasses STANDARD = new GraphPasses(List.of(
        new RecurrentExpansion()));

    /** The passes every differentiated model goes through. */
    public static GraphPasses standard() {
        return STANDARD;
    }

    /** Applies every pass that applies to {@code model} and probes the result on {@code inputs}. */
    public Prepared prepare(Onnx.ModelProto model, Map<String, Tensor> inputs) {
        ValueShapes shapes = null;
        for (GraphPass pass : passes) {
            if (!pass.appliesTo(model)) {
                continue;
            }
            JacobiException unrunnable = null;
            if (shapes == null) {
                try {
                    shapes = ValueShapes.probe(model, inputs);
                } catch (JacobiException e) {
                    // ONNX Runtime cannot run some models that the pass makes runnable (recurrent layers in layout 1):
                    // give the pass what is known without running, and the original error if that is not enough.
                    unrunnable = e;
                    shapes = ValueShapes.declared(model, inputs);
                }
            }
            Onnx.ModelProto rewritten;
            try {
                rewritten = pass.apply(model, shapes);
            } catch (IllegalStateException e) {
                if (unrunnable != null) {
                    throw unrunnable;
                }
                throw e;
            }
            if (rewritten != model) {
                model = rewritten;
                shapes = null;
            }
        }
        return new Prepared(model, shapes != null ? shapes : ValueShapes.probe(model, inputs));
    }
}
