package org.jacobi.jacobian;

import org.jacobi.model.Model;

/** Picks the Hessian engine for a model: the ONNX graph transform applied twice, or libtorch's double backward. */
public final class Hessians {
    private Hessians() {
    }

    /** A Hessian engine of its own for {@code model}; close it with the model. */
    public static HessianEngine engineFor(Model model) {
        return EngineFactories.hessianEngineFor(model, null);
    }
}
