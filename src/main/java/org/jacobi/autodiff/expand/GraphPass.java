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
     * @param shapes what is known of {@code model}'s values: first only its inputs and initializers (nothing has run
     *     yet). A pass that needs a value not known there asks for it anyway ({@link ValueShapes#shape} then throws
     *     {@link IllegalStateException}) and is called again with every value's shape, learnt by running the model.
     */
    Onnx.ModelProto apply(Onnx.ModelProto model, ValueShapes shapes);
}
