package org.jacobi.spark;

import org.apache.spark.sql.SparkSession;

/** One local-mode Spark session for the tests: two cores, tasks retried once, no UI, loopback only. */
public final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2,2]").appName("jacobi-test")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        }
        return session;
    }

    public static synchronized void stop() {
        // Kept for the JVM's life: test classes share it; Spark stops it at shutdown.
    }
}
