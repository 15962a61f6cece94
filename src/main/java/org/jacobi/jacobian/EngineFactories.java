package org.jacobi.jacobian;

import org.jacobi.model.Model;

/**
 * Maps a model to its exact engine. The ONNX autodiff engine and the TorchScript engine register here
 * (see issue 3 and 4); until one exists for a format, finite differences serve.
 */
final class EngineFactories {
    private EngineFactories() {
    }

    static JacobianEngine exactEngineFor(Model model) {
        return new FiniteDifferenceEngine(model);
    }
}
