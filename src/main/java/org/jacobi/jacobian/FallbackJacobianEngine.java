package org.jacobi.jacobian;

import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.Model;

/**
 * An exact engine with the fallback policy of {@link Jacobians#compute} built in: FD mode goes to finite
 * differences, and in AUTO mode a model the exact engine cannot differentiate falls back to them with a
 * warning. Callers then hold one engine instead of two.
 */
final class FallbackJacobianEngine implements JacobianEngine {
    private final JacobianEngine exact;
    private final JacobianEngine finiteDifferences;

    FallbackJacobianEngine(JacobianEngine exact, Model model) {
        this(exact, new FiniteDifferenceEngine(model));
    }

    FallbackJacobianEngine(JacobianEngine exact, JacobianEngine finiteDifferences) {
        this.exact = exact;
        this.finiteDifferences = finiteDifferences;
    }

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        return Jacobians.compute(exact, finiteDifferences, request, monitor);
    }

    @Override
    public Tensor vectorJacobianProduct(JacobianRequest request, Tensor cotangent, ProgressMonitor monitor) {
        if (request.mode() == JacobianMode.FD) {
            return finiteDifferences.vectorJacobianProduct(request, cotangent, monitor);
        }
        try {
            return exact.vectorJacobianProduct(request, cotangent, monitor);
        } catch (NotDifferentiableException e) {
            if (request.mode() != JacobianMode.AUTO) {
                throw e;
            }
            return finiteDifferences.vectorJacobianProduct(request.withMode(JacobianMode.FD), cotangent, monitor);
        }
    }

    @Override
    public byte[] serializedDifferentiatedGraph(JacobianRequest request) {
        return exact.serializedDifferentiatedGraph(request);
    }

    @Override
    public String name() {
        return exact.name();
    }

    @Override
    public void close() {
        exact.close();
    }
}
