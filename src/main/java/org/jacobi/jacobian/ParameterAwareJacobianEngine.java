package org.jacobi.jacobian;

import java.util.function.Supplier;
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
    /** Made when first needed; null for formats without one. */
    private final Supplier<ParameterJacobianEngine> parameterSource;
    /** Whether {@link #close} closes the parameter engine (false when a {@link ModelDerivatives} owns it). */
    private final boolean ownsParameters;
    private ParameterJacobianEngine parameters;

    ParameterAwareJacobianEngine(JacobianEngine inputs, Model model) {
        this(inputs, model, () -> EngineFactories.parameterEngineFor(model, null), true);
    }

    ParameterAwareJacobianEngine(JacobianEngine inputs, Model model, Supplier<ParameterJacobianEngine> shared) {
        this(inputs, model, shared, false);
    }

    private ParameterAwareJacobianEngine(JacobianEngine inputs, Model model, Supplier<ParameterJacobianEngine> source,
                                         boolean ownsParameters) {
        this.inputs = inputs;
        this.model = model;
        this.parameterSource = source;
        this.ownsParameters = ownsParameters;
    }

    private synchronized ParameterJacobianEngine parameters() {
        if (parameters == null) {
            parameters = parameterSource.get();
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
        if (ownsParameters && parameters != null) {
            parameters.close();
        }
    }
}
