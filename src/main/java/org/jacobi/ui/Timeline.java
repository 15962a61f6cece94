package org.jacobi.ui;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import javafx.application.Platform;

/**
 * Milestones of opening a model, for scripts/bench_large_model.py: with {@code -Djacobi.timeline=log} each is written
 * to stderr as {@code jacobi-timeline: NAME SECONDS} (seconds since the JVM started); with
 * {@code -Djacobi.timeline=exit} the app also quits after the first saliency map. Silent otherwise.
 */
public final class Timeline {
    public static final String OUTPUT = "output";
    public static final String SALIENCY = "saliency";
    private static final String MODE = System.getProperty("jacobi.timeline", "");

    private Timeline() {
    }

    /** Records that {@code milestone} was reached (on the UI thread). */
    public static void mark(String milestone) {
        if (MODE.isEmpty()) {
            return;
        }
        double seconds = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
        System.err.printf(Locale.ROOT, "jacobi-timeline: %s %.2f%n", milestone, seconds);
        System.err.flush();
        if (MODE.equals("exit") && milestone.equals(SALIENCY)) {
            Platform.exit();
        }
    }
}
