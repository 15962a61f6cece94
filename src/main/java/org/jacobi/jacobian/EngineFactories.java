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
        if (model instanceof org.jacobi.model.torch.TorchScriptModel torch) {
            return new org.jacobi.jacobian.torch.TorchJacobianEngine(torch);
        }
        return new FiniteDifferenceEngine(model);
    }
}
