package org.jacobi.jacobian;

import org.jacobi.core.JacobiException;
import org.jacobi.jacobian.onnx.OnnxGraphPreparer;
import org.jacobi.jacobian.onnx.OnnxHessianEngine;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.jacobian.onnx.OnnxParameterJacobianEngine;
import org.jacobi.jacobian.torch.TorchHessianEngine;
import org.jacobi.jacobian.torch.TorchJacobianEngine;
import org.jacobi.jacobian.torch.TorchParameterJacobianEngine;
import org.jacobi.model.Model;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.torch.TorchScriptModel;

/**
 * Maps a model to its exact engines: ONNX models to the graph autodiff, TorchScript models to PyTorch's
 * autograd; any other model to finite differences. The ONNX engines of one model may share one
 * {@link OnnxGraphPreparer} ({@code graphs}; null gives each engine its own).
 */
final class EngineFactories {
    private EngineFactories() {
    }

    /** The graphs the ONNX engines of {@code model} share, or null for other formats. */
    static OnnxGraphPreparer sharedGraphsFor(Model model) {
        return model instanceof OnnxModel onnx ? new OnnxGraphPreparer(onnx) : null;
    }

    static JacobianEngine exactEngineFor(Model model) {
        return exactEngineFor(model, null);
    }

    static JacobianEngine exactEngineFor(Model model, OnnxGraphPreparer graphs) {
        if (model instanceof OnnxModel onnx) {
            return graphs == null ? new OnnxJacobianEngine(onnx) : new OnnxJacobianEngine(graphs);
        }
        if (model instanceof TorchScriptModel torch) {
            return new TorchJacobianEngine(torch);
        }
        return new FiniteDifferenceEngine(model);
    }

    /** The engine for Jacobians with respect to parameters, or null for formats without one. */
    static ParameterJacobianEngine parameterEngineFor(Model model, OnnxGraphPreparer graphs) {
        if (model instanceof OnnxModel onnx) {
            return graphs == null ? new OnnxParameterJacobianEngine(onnx) : new OnnxParameterJacobianEngine(graphs);
        }
        if (model instanceof TorchScriptModel torch) {
            return new TorchParameterJacobianEngine(torch);
        }
        return null;
    }

    static HessianEngine hessianEngineFor(Model model, OnnxGraphPreparer graphs) {
        if (model instanceof OnnxModel onnx) {
            return graphs == null ? new OnnxHessianEngine(onnx) : new OnnxHessianEngine(graphs);
        }
        if (model instanceof TorchScriptModel torch) {
            return new TorchHessianEngine(torch);
        }
        throw JacobiException.usage("Hessians need an ONNX or TorchScript model.");
    }
}
