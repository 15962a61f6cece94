package org.jacobi.ui.task;

import java.util.function.Consumer;
import org.jacobi.core.CancelledException;
import org.jacobi.core.ProgressMonitor;

/** Runs work and callbacks immediately on the calling thread: for view-model tests and scripts. */
public final class SameThreadTaskExecutor extends TaskExecutor {
    @Override
    public <T> TaskHandle submit(String title, BackgroundWork<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        TaskHandle handle = new TaskHandle(title);
        running.set(true);
        message.set(title);
        T result;
        try {
            result = work.run(new ProgressMonitor() {
                @Override
                public void progress(long done, long total, String text) {
                    progress.set(total > 0 ? (double) done / total : -1);
                }

                @Override
                public boolean isCancelled() {
                    return handle.isCancelled();
                }
            });
            if (handle.isCancelled()) {
                throw new CancelledException();
            }
        } catch (Throwable e) {
            finish(handle);
            onFailure.accept(e);
            return handle;
        }
        finish(handle);
        onSuccess.accept(result);
        return handle;
    }

    private void finish(TaskHandle handle) {
        handle.markDone();
        running.set(false);
        progress.set(0);
        message.set("");
    }

    @Override
    public void runOnUiThread(Runnable update) {
        update.run();
    }

    @Override
    public void debounce(String key, long millis, Runnable action) {
        action.run();
    }

    @Override
    public void cancelAll() {
        // nothing runs in the background
    }
}
