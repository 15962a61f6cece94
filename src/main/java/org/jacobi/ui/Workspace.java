package org.jacobi.ui;

import java.util.function.Consumer;
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

    /** Computes the full Jacobian now, however large. */
    void computeFullJacobian();

    /** Computes the Jacobian once edits have paused (e.g. while a slider is dragged). */
    void computeSoon();

    /** Computes the Jacobian when automatic computation is on and a model and inputs are there. */
    void recomputeIfReady();

    /**
     * Computes one row of the current Jacobian (d output element {@code output} of sample {@code sample} /
     * d that sample's input) by one reverse pass, in the background, without the full Jacobian; hands it
     * to {@code onRow} on the UI thread, or runs {@code onStopped} there when it will not come (cancelled, failed,
     * another Jacobian).
     */
    void jacobianRow(int sample, int output, Consumer<double[]> onRow, Runnable onStopped);

    /**
     * Computes rows {@code outputs} of sample {@code sample} of the deferred Jacobian (batched reverse passes) in the
     * background, unless computed before; runs {@code onComputed} on the UI thread once they can be read with
     * {@link #computedJacobianRow}, or {@code onStopped} when they will not come (cancelled, failed, another Jacobian).
     */
    void jacobianRows(String title, int sample, int[] outputs, Runnable onComputed, Runnable onStopped);

    /** A row of the deferred Jacobian computed before (float32, like one sample of the input), or null. */
    float[] computedJacobianRow(int sample, int output);

    /**
     * The outputs of {@code sample} with a row in {@link #computedJacobianRow}, in increasing order: what to look up,
     * rather than each of the million outputs of a mask.
     */
    int[] computedJacobianRowOutputs(int sample);

    /** How long the full deferred Jacobian would take, estimated from the rows computed so far; NaN before any. */
    double estimatedFullJacobianSeconds();
}
