package org.jacobi.jacobian;

import org.jacobi.core.ProgressMonitor;

/** Computes per-sample Hessians of one model; keep one per model and close it with the model. */
public interface HessianEngine extends AutoCloseable {
    HessianResult compute(HessianRequest request, ProgressMonitor monitor);

    String name();

    @Override
    void close();
}
