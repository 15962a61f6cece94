package org.jacobi.ui.task;

import org.jacobi.core.CancellationToken;
import org.jacobi.core.ProgressMonitor;

/** One submitted task: its title, and a cancel that the work sees through {@link ProgressMonitor#isCancelled}. */
public final class TaskHandle {
    private final String title;
    private final CancellationToken token = new CancellationToken();
    private volatile boolean done;

    TaskHandle(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public void cancel() {
        token.cancel();
    }

    public boolean isCancelled() {
        return token.isCancelled();
    }

    public boolean isDone() {
        return done;
    }

    void markDone() {
        done = true;
    }

    public CancellationToken token() {
        return token;
    }
}
