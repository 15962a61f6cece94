package org.jacobi.spark;

import org.jacobi.core.JacobiException;

/** Turns a failed Spark job into the one-line error its cause deserves. */
final class SparkErrors {
    private SparkErrors() {
    }

    /** The first JacobiException among the causes (a task's bad input), else a short line about the failed job. */
    static RuntimeException translate(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacobiException je) {
                return je;
            }
        }
        String message = ParquetSamples.firstLine(e.getMessage());
        int lost = message.indexOf("most recent failure: ");
        String shown = lost >= 0 ? message.substring(lost + "most recent failure: ".length()) : message;
        return new JacobiException("The Spark job failed: " + shown + " (run with --verbose for Spark's report).", e);
    }
}
