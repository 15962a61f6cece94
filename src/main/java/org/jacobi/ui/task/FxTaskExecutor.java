package org.jacobi.ui.task;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.util.Duration;
import org.jacobi.core.CancelledException;
import org.jacobi.core.ProgressMonitor;

/**
 * Runs work on one background thread, in submission order (models and engines are used from one thread
 * at a time, and a model closes only after the work using it), and calls back on the JavaFX thread.
 */
public final class FxTaskExecutor extends TaskExecutor {
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jacobi-worker");
        t.setDaemon(true);
        return t;
    });
    private final Set<TaskHandle> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, PauseTransition> debounces = new HashMap<>();

    @Override
    public <T> TaskHandle submit(String title, BackgroundWork<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        TaskHandle handle = new TaskHandle(title);
        pending.add(handle);
        updateState(title, 0);
        worker.execute(() -> {
            ProgressMonitor monitor = new ProgressMonitor() {
                @Override
                public void progress(long done, long total, String text) {
                    double fraction = total > 0 ? (double) done / total : -1;
                    Platform.runLater(() -> updateState(text == null ? title : title + ": " + text, fraction));
                }

                @Override
                public boolean isCancelled() {
                    return handle.isCancelled();
                }
            };
            T result = null;
            Throwable error = null;
            try {
                if (handle.isCancelled()) {
                    throw new CancelledException();
                }
                Platform.runLater(() -> updateState(title, -1));
                result = work.run(monitor);
                if (handle.isCancelled()) {
                    throw new CancelledException();
                }
            } catch (Throwable e) {
                error = e;
            }
            T finalResult = result;
            Throwable finalError = error;
            Platform.runLater(() -> {
                handle.markDone();
                pending.remove(handle);
                if (pending.isEmpty()) {
                    running.set(false);
                    progress.set(0);
                    message.set("");
                }
                if (finalError == null) {
                    onSuccess.accept(finalResult);
                } else {
                    onFailure.accept(finalError);
                }
            });
        });
        return handle;
    }

    private void updateState(String text, double fraction) {
        if (pending.isEmpty()) {
            return;
        }
        running.set(true);
        message.set(text);
        progress.set(fraction);
    }

    @Override
    public void runOnUiThread(Runnable update) {
        Platform.runLater(update);
    }

    @Override
    public void debounce(String key, long millis, Runnable action) {
        PauseTransition pause = debounces.computeIfAbsent(key, k -> new PauseTransition());
        pause.stop();
        pause.setDuration(Duration.millis(millis));
        pause.setOnFinished(e -> action.run());
        pause.playFromStart();
    }

    @Override
    public void cancelAll() {
        for (TaskHandle h : pending) {
            h.cancel();
        }
    }

    @Override
    public void shutdown() {
        cancelAll();
        worker.shutdownNow();
    }
}
