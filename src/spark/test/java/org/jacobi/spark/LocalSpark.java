package org.jacobi.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local-mode Spark session for the tests: two cores, tasks retried once, no UI, loopback only. Test classes
 * share it (starting one takes seconds); a class that needs another master {@link #release}s it first (a JVM runs
 * one Spark context at a time), and the next class asking for it gets a new one.
 */
public final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {
    }

    public static synchronized SparkSession session() {
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSession.builder().master("local[2,2]").appName("jacobi-test")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        }
        return session;
    }

    /** Stops the shared session if it runs (otherwise it is kept for the JVM's life; Spark stops it at shutdown). */
    public static synchronized void release() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }
}
