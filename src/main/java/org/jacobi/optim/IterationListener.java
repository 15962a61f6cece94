package org.jacobi.optim;

/** Told about every iteration as it happens, on the optimizer's thread; the live panel and the CLI use it. */
@FunctionalInterface
public interface IterationListener {
    /**
     * @param record the iteration's summary row
     * @param x the current point (a copy the listener may keep)
     */
    void iteration(IterationRecord record, double[] x);

    IterationListener NONE = (record, x) -> {
    };
}
