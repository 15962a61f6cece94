package org.jacobi.jacobian;

import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.model.Model;

/**
 * Picks the engine for a model and applies the fallback policy: in AUTO mode, a model the exact engine
 * cannot differentiate falls back to finite differences with a visible warning; a forced exact mode
 * fails with the engine's message instead.
 */
public final class Jacobians {
    private Jacobians() {
    }

    /** The exact engine for the model's format, or finite differences when there is none. */
    public static JacobianEngine exactEngineFor(Model model) {
        return EngineFactories.exactEngineFor(model);
    }

    /**
     * The engine callers should use: the exact one for the model's format, falling back to finite
     * differences as {@link #compute} does. Close it with the model.
     */
    public static JacobianEngine engineFor(Model model) {
        return new ParameterAwareJacobianEngine(new FallbackJacobianEngine(exactEngineFor(model), model), model);
    }

    /** The engine for per-sample Jacobians with respect to parameters (weights). Close it with the model. */
    public static ParameterJacobianEngine parameterEngineFor(Model model) {
        ParameterJacobianEngine engine = EngineFactories.parameterEngineFor(model, null);
        if (engine == null) {
            throw JacobiException.usage("Jacobians with respect to parameters need an ONNX or TorchScript model.");
        }
        return engine;
    }

    /** Computes with {@code engine}, falling back to {@code fallback} (finite differences) where allowed. */
    public static JacobianResult compute(JacobianEngine engine, JacobianEngine fallback, JacobianRequest request,
                                         ProgressMonitor monitor) {
        if (request.mode() == JacobianMode.FD) {
            return fallback.compute(request, monitor);
        }
        try {
            return engine.compute(request, monitor);
        } catch (NotDifferentiableException e) {
            if (request.mode() != JacobianMode.AUTO) {
                throw e;
            }
            JacobianResult approx = fallback.compute(request.withMode(JacobianMode.FD), monitor);
            return approx.withWarnings(List.of(e.getMessage() + " Using finite differences instead: the result is approximate."));
        }
    }
}
