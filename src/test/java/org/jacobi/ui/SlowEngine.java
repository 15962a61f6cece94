package org.jacobi.ui;

import org.jacobi.core.CancelledException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;

/** An engine that works until cancelled (at most 30 s), reporting progress: for testing Cancel. */
final class SlowEngine implements JacobianEngine {
    volatile boolean started;

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        started = true;
        for (int i = 0; i < 3000; i++) {
            monitor.progress(i, 3000, "step " + i);
            if (monitor.isCancelled()) {
                throw new CancelledException();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException();
            }
        }
        throw new IllegalStateException("the test never cancelled");
    }

    @Override
    public String name() {
        return "slow test engine";
    }

    @Override
    public void close() {
    }
}
