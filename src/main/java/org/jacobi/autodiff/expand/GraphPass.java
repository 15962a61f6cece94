package org.jacobi.autodiff.expand;

import org.jacobi.autodiff.ValueShapes;
import org.jacobi.onnx.proto.Onnx;

/**
 * A rewrite of the source graph into an equivalent one that the derivative rules cover, applied before
 * differentiating (for example a recurrent node expanded into its per-time-step operations). A pass never
 * modifies its argument; it returns a new model, or the same instance when nothing applies.
 */
public interface GraphPass {
    /** True when this pass would change {@code model}; checked before any shapes are known, so it must be cheap. */
    boolean appliesTo(Onnx.ModelProto model);

    /**
     * The rewritten model.
     *
     * @param shapes the shapes and types of every value of {@code model}, learnt on the example inputs
     */
    Onnx.ModelProto apply(Onnx.ModelProto model, ValueShapes shapes);
}
