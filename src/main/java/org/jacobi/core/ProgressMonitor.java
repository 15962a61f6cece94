package org.jacobi.core;

/**
 * How long work reports progress and learns that it should stop. Implementations must be thread-safe:
 * work calls it from background threads.
 */
public interface ProgressMonitor {
    /** Reports that {@code done} of {@code total} units are finished; {@code message} says what runs now. */
    void progress(long done, long total, String message);

    /** True once the user asked to stop; work checks it between chunks. */
    boolean isCancelled();

    /** Throws {@link CancelledException} when cancelled. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException();
        }
    }

    /** A monitor that ignores progress and is never cancelled. */
    ProgressMonitor NONE = new ProgressMonitor() {
        @Override
        public void progress(long done, long total, String message) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };
}
