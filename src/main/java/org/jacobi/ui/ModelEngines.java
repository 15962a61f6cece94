package org.jacobi.ui;

import org.jacobi.jacobian.FiniteDifferenceEngine;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.model.Model;

/**
 * The engines of the open model, made when first needed and kept until the model closes: the exact one the
 * app was given a factory for, and finite differences as the fallback.
 */
final class ModelEngines {
    /** One model's engines. */
    record Set(Model model, JacobianEngine exact, JacobianEngine fallback) {
    }

    private final java.util.function.Function<Model, JacobianEngine> factory;
    private volatile Set engines;

    ModelEngines(java.util.function.Function<Model, JacobianEngine> factory) {
        this.factory = factory;
    }

    /** The engines of {@code m}, made now if {@code m} is not the model they were made for. */
    Set of(Model m) {
        Set es = engines;
        if (es == null || es.model() != m) {
            es = new Set(m, factory.apply(m), new FiniteDifferenceEngine(m));
            engines = es;
        }
        return es;
    }

    /** Closes a model and its engines; runs on the worker thread. */
    void closeQuietly(Model m) {
        Set es = engines;
        if (es != null && es.model() == m) {
            engines = null;
            try {
                es.exact().close();
                es.fallback().close();
            } catch (RuntimeException ignored) {
                // closing native resources of a model being replaced: nothing the user can do
            }
        }
        if (m != null) {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // as above
            }
        }
    }
}
