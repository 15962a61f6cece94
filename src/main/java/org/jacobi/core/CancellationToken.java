package org.jacobi.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A flag that the user's Cancel sets, with listeners so native runs in flight can be told to stop. */
public final class CancellationToken {
    private volatile boolean cancelled;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public void cancel() {
        cancelled = true;
        for (Runnable listener : listeners) {
            listener.run();
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Runs {@code listener} on cancel (at once if already cancelled); close the handle to remove it. */
    public AutoCloseable onCancel(Runnable listener) {
        listeners.add(listener);
        if (cancelled) {
            listener.run();
        }
        return () -> listeners.remove(listener);
    }
}
