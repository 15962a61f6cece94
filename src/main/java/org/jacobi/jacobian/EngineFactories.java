package org.jacobi.jacobian;

import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.Model;
import org.jacobi.model.onnx.OnnxModel;

/**
 * Maps a model to its exact engine. The ONNX autodiff engine and the TorchScript engine register here
 * (see issue 3 and 4); until one exists for a format, finite differences serve.
 */
final class EngineFactories {
    private EngineFactories() {
    }

    static JacobianEngine exactEngineFor(Model model) {
        if (model instanceof OnnxModel) {
            return new OnnxJacobianEngine((OnnxModel) model);
        }
        return new FiniteDifferenceEngine(model);
    }
}
