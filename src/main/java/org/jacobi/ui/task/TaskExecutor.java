package org.jacobi.ui.task;

import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Runs background work and hands results back on the UI thread. Two implementations: {@link FxTaskExecutor}
 * (one background thread, callbacks on the JavaFX thread) and {@link SameThreadTaskExecutor} (everything at
 * once on the caller's thread, for view-model tests). State (running, progress, message) is observable
 * so a status bar can bind to it.
 */
public abstract class TaskExecutor {
    protected final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    protected final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    protected final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");

    /**
     * Submits work. Exactly one of the callbacks runs, on the UI thread: {@code onSuccess} with the result,
     * or {@code onFailure} with the error ({@link org.jacobi.core.CancelledException} after a cancel).
     */
    public abstract <T> TaskHandle submit(String title, BackgroundWork<T> work, Consumer<T> onSuccess,
                                          Consumer<Throwable> onFailure);

    /**
     * Runs {@code update} on the UI thread soon: for work that shows partial results while it runs (an optimiser's
     * iterations). Immediately on the caller's thread in {@link SameThreadTaskExecutor}.
     */
    public abstract void runOnUiThread(Runnable update);

    /** Runs {@code action} on the UI thread once no call with the same key came for {@code millis}. */
    public abstract void debounce(String key, long millis, Runnable action);

    /** Cancels every task submitted and not yet finished. */
    public abstract void cancelAll();

    /** Stops the background thread (at application exit). */
    public void shutdown() {
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }
}
