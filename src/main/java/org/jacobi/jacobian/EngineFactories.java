package org.jacobi.jacobian;

import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.jacobian.onnx.OnnxParameterJacobianEngine;
import org.jacobi.jacobian.torch.TorchJacobianEngine;
import org.jacobi.jacobian.torch.TorchParameterJacobianEngine;
import org.jacobi.model.Model;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.torch.TorchScriptModel;

/**
 * Maps a model to its exact engine: ONNX models to the graph autodiff, TorchScript models to PyTorch's
 * autograd; any other model to finite differences.
 */
final class EngineFactories {
    private EngineFactories() {
    }

    static JacobianEngine exactEngineFor(Model model) {
        if (model instanceof OnnxModel onnx) {
            return new OnnxJacobianEngine(onnx);
        }
        if (model instanceof TorchScriptModel torch) {
            return new TorchJacobianEngine(torch);
        }
        return new FiniteDifferenceEngine(model);
    }

    /** The engine for Jacobians with respect to parameters, or null for formats without one. */
    static ParameterJacobianEngine parameterEngineFor(Model model) {
        if (model instanceof OnnxModel onnx) {
            return new OnnxParameterJacobianEngine(onnx);
        }
        if (model instanceof TorchScriptModel torch) {
            return new TorchParameterJacobianEngine(torch);
        }
        return null;
    }
}
