package org.jacobi.jacobian;

import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.onnx.OnnxGraphPreparer;
import org.jacobi.model.Model;

/**
 * Every derivative engine of one open model, made when first needed and closed together: the app holds one per
 * open model and the command line one per run, so that a model is prepared (normalised, probed, differentiated)
 * by one owner instead of one per panel: its ONNX engines share one {@link OnnxGraphPreparer}. The model itself belongs to the caller and is not closed here.
 */
public final class ModelDerivatives implements AutoCloseable {
    private final Model model;
    /** The graphs every ONNX engine of the model prepares through (null for other formats), made when first needed. */
    private OnnxGraphPreparer graphs;
    private boolean graphsMade;
    private JacobianEngine exact;
    private FiniteDifferenceEngine finiteDifferences;
    private JacobianEngine jacobians;
    private HessianEngine hessians;
    private ParameterJacobianEngine parameters;
    private boolean closed;

    public ModelDerivatives(Model model) {
        this.model = model;
    }

    public Model model() {
        return model;
    }

    /** The exact engine for the model's format (finite differences for formats without one), with no fallback. */
    public synchronized JacobianEngine exact() {
        checkOpen();
        if (exact == null) {
            exact = EngineFactories.exactEngineFor(model, graphs());
        }
        return exact;
    }

    /** Central finite differences: the labelled fallback. */
    public synchronized JacobianEngine finiteDifferences() {
        checkOpen();
        if (finiteDifferences == null) {
            finiteDifferences = new FiniteDifferenceEngine(model);
        }
        return finiteDifferences;
    }

    /**
     * The engine callers should use: the exact one, falling back to finite differences with a warning where the
     * exact one cannot differentiate (mode auto), and routing a parameter {@code wrt} to {@link #parameters()}.
     */
    public synchronized JacobianEngine jacobians() {
        checkOpen();
        if (jacobians == null) {
            jacobians = new ParameterAwareJacobianEngine(new FallbackJacobianEngine(exact(), finiteDifferences()),
                model, this::parameterEngineOrNull);
        }
        return jacobians;
    }

    /** Computes a Jacobian with the fallback policy of {@link Jacobians#compute}. */
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        return jacobians().compute(request, monitor);
    }

    /** Per-sample input Hessians; a usage error for formats without a Hessian engine. */
    public synchronized HessianEngine hessians() {
        checkOpen();
        if (hessians == null) {
            hessians = EngineFactories.hessianEngineFor(model, graphs());
        }
        return hessians;
    }

    /** Per-sample Jacobians with respect to parameters; a usage error for formats without one. */
    public synchronized ParameterJacobianEngine parameters() {
        ParameterJacobianEngine p = parameterEngineOrNull();
        if (p == null) {
            throw JacobiException.usage("Jacobians with respect to parameters need an ONNX or TorchScript model.");
        }
        return p;
    }

    private synchronized ParameterJacobianEngine parameterEngineOrNull() {
        checkOpen();
        if (parameters == null) {
            parameters = EngineFactories.parameterEngineFor(model, graphs());
        }
        return parameters;
    }

    private synchronized OnnxGraphPreparer graphs() {
        if (!graphsMade) {
            graphs = EngineFactories.sharedGraphsFor(model);
            graphsMade = true;
        }
        return graphs;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the derivative engines of " + model.info().fileName() + " are closed");
        }
    }

    /** Closes every engine made so far (not the model). */
    @Override
    public synchronized void close() {
        closed = true;
        RuntimeException first = null;
        // the engines before the graphs they run
        for (AutoCloseable c : new AutoCloseable[] {exact, finiteDifferences, hessians, parameters, graphs}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
        exact = null;
        finiteDifferences = null;
        jacobians = null;
        hessians = null;
        parameters = null;
        graphs = null;
        if (first != null) {
            throw first;
        }
    }
}
