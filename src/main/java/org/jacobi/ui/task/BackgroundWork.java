package org.jacobi.ui.task;

import org.jacobi.core.ProgressMonitor;

/** Work that runs off the UI thread; it reports progress and checks for cancel through the monitor. */
@FunctionalInterface
public interface BackgroundWork<T> {
    T run(ProgressMonitor monitor) throws Exception;
}
