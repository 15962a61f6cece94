package org.jacobi.jacobian;

import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.Model;

/**
 * Routes a request whose {@code wrt} names a parameter (an ONNX initializer, a TorchScript parameter such as
 * {@code l2.weight}) to the per-sample parameter engine, and everything else to the input engine; a name that is
 * neither is a usage error listing both kinds of names.
 */
final class ParameterAwareJacobianEngine implements JacobianEngine {
    private final JacobianEngine inputs;
    private final Model model;
    private ParameterJacobianEngine parameters;

    ParameterAwareJacobianEngine(JacobianEngine inputs, Model model) {
        this.inputs = inputs;
        this.model = model;
    }

    private synchronized ParameterJacobianEngine parameters() {
        if (parameters == null) {
            parameters = EngineFactories.parameterEngineFor(model);
        }
        return parameters;
    }

    private boolean isParameter(JacobianRequest request) {
        String wrt = request.wrt();
        if (wrt == null || model.info().input(wrt) != null) {
            return false;
        }
        ParameterJacobianEngine p = parameters();
        return p != null && ParameterNames.isParameter(model.info(), wrt, p.parameters().keySet());
    }

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        if (isParameter(request)) {
            if (request.mode() == JacobianMode.FD) {
                throw JacobiException.usage("--mode fd differentiates inputs only; Jacobians with respect to a parameter are exact.");
            }
            return parameters().compute(request, monitor);
        }
        return inputs.compute(request, monitor);
    }

    @Override
    public Tensor vectorJacobianProduct(JacobianRequest request, Tensor cotangent, ProgressMonitor monitor) {
        return isParameter(request) ? JacobianEngine.super.vectorJacobianProduct(request, cotangent, monitor)
            : inputs.vectorJacobianProduct(request, cotangent, monitor);
    }

    @Override
    public byte[] serializedDifferentiatedGraph(JacobianRequest request) {
        if (isParameter(request)) {
            throw JacobiException.usage("--save-graph writes the graph of input Jacobians; leave it out with a parameter --wrt.");
        }
        return inputs.serializedDifferentiatedGraph(request);
    }

    @Override
    public String name() {
        return inputs.name();
    }

    @Override
    public synchronized void close() {
        inputs.close();
        if (parameters != null) {
            parameters.close();
        }
    }
}
