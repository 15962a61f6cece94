package org.jacobi.ui;

import org.jacobi.ui.task.TaskExecutor;

/**
 * What a panel's view model gets: the shared {@link AppState}, the executor for background work, and the
 * few actions that change more than the state (computing the Jacobian). {@link MainViewModel} is the one
 * implementation; tests use it too.
 */
public interface Workspace {
    AppState state();

    TaskExecutor executor();

    /** Computes the Jacobian at the current inputs now. */
    void compute();

    /** Computes the Jacobian once edits have paused (e.g. while a slider is dragged). */
    void computeSoon();

    /** Computes the Jacobian when automatic computation is on and a model and inputs are there. */
    void recomputeIfReady();
}
