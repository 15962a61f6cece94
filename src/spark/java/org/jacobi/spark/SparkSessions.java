package org.jacobi.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.jacobi.core.JacobiException;

/**
 * Starts the Spark session a job runs in: the one spark-submit made, or one for the master given on Jacobi's
 * command line ({@code local[N]}, {@code spark://host:port}, {@code yarn}, {@code k8s://...}). Checks what it can
 * before Spark starts, so that an unreachable master or a missing cluster configuration is one clear line.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    /** True when Spark's classes are on the class path. */
    public static boolean sparkAvailable() {
        try {
            Class.forName("org.apache.spark.sql.SparkSession", false, SparkSessions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The session for {@code master}; null master means the one spark-submit configured (or the active one).
     * Executors get {@code -Xss8m} (ONNX Runtime's start needs a big stack) unless their options set a stack size,
     * and a master other than local gets Jacobi's classes sent ({@link #shipJacobi}).
     */
    public static SparkSession open(String master, String appName) {
        SparkConf conf = new SparkConf(true);
        if (master != null) {
            checkReachable(master);
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            throw JacobiException.usage("No Spark master given: pass --spark local[2] (or spark://HOST:7077, yarn), "
                + "or run the job with spark-submit.");
        }
        conf.setIfMissing("spark.app.name", appName);
        String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
        if (!executorOptions.contains("-Xss")) {
            conf.set("spark.executor.extraJavaOptions", (executorOptions + " -Xss8m").trim());
        }
        String effective = conf.get("spark.master");
        if (!effective.startsWith("local")) {
            shipJacobi(conf);
        }
        if (loopback(effective)) {
            // A master on this machine's loopback: the driver listens there too, reachable by the executors only.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        try {
            return SparkSession.builder().config(conf).getOrCreate();
        } catch (RuntimeException e) {
            throw new JacobiException("Spark could not start with master " + effective + ": "
                + ParquetSamples.firstLine(e.getMessage()) + ".", e);
        }
    }

    /**
     * Makes Jacobi's classes (and ONNX Runtime's natives, which its jar carries) reach executors in other JVMs:
     * this job's jar as {@code spark.jars}, which executors fetch from the driver. Run from class folders (the
     * tests, an IDE) there is no jar to send; the executors then get the driver's class path, which holds when
     * they run on this machine (a standalone cluster of scripts/spark-standalone.sh).
     */
    static void shipJacobi(SparkConf conf) {
        if (conf.contains("spark.jars") || conf.contains("spark.executor.extraClassPath")) {
            return;
        }
        Path jar = ownJar();
        if (jar != null) {
            conf.set("spark.jars", jar.toUri().toString());
        } else {
            conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        }
    }

    /** True for {@code spark://127.0.0.1:PORT} or {@code spark://localhost:PORT}. */
    static boolean loopback(String master) {
        String m = master.toLowerCase(Locale.ROOT);
        return m.startsWith("spark://127.0.0.1:") || m.startsWith("spark://localhost:");
    }

    /** The jar this class was loaded from, or null when it runs from a class folder. */
    static Path ownJar() {
        try {
            URI uri = SparkSessions.class.getProtectionDomain().getCodeSource().getLocation().toURI();
            Path p = Path.of(uri);
            return Files.isRegularFile(p) ? p : null;
        } catch (Exception e) {
            return null;
        }
    }

    static void checkReachable(String master) {
        String m = master.toLowerCase(Locale.ROOT);
        if (m.startsWith("local")) {
            if (!m.matches("local(\\[(\\*|\\d+)(,\\d+)?])?")) {
                throw JacobiException.usage("'" + master + "' is no local master: use local, local[N], local[*] or local[N,RETRIES].");
            }
            return;
        }
        if (m.startsWith("spark://")) {
            for (String hostPort : master.substring("spark://".length()).split(",")) {
                String[] hp = hostPort.split(":");
                String host = hp[0];
                int port = hp.length > 1 ? parsePort(hp[1], master) : 7077;
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port), 5000);
                    return;
                } catch (IOException e) {
                    // try the next master of a high-availability list
                }
            }
            throw new JacobiException("Cannot reach the Spark master " + master
                + ". Check the host and port (the master's web page shows its spark:// address) and that it is running.");
        }
        if (m.equals("yarn")) {
            if (System.getenv("HADOOP_CONF_DIR") == null && System.getenv("YARN_CONF_DIR") == null) {
                throw JacobiException.usage("--spark yarn needs HADOOP_CONF_DIR (or YARN_CONF_DIR) set to the folder of the "
                    + "cluster's yarn-site.xml.");
            }
            return;
        }
        if (m.startsWith("k8s://")) {
            return;
        }
        throw JacobiException.usage("'" + master + "' is no Spark master: use local[N], spark://HOST:PORT, yarn or k8s://URL.");
    }

    private static int parsePort(String s, String master) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw JacobiException.usage("'" + master + "' has no valid port.");
        }
    }

    /**
     * Where a job ran, for its summary: the master and, in local mode, its task slots; on a cluster the executors that
     * joined (Spark's default parallelism there is at least 2, so it would count one single-core executor as two slots).
     */
    public static String describe(SparkSession spark) {
        String master = spark.sparkContext().master();
        if (master.startsWith("local")) {
            return "Spark " + master + " (" + spark.sparkContext().defaultParallelism() + " task slots)";
        }
        int executors = Math.max(0, spark.sparkContext().statusTracker().getExecutorInfos().length - 1); // less the driver
        return "Spark " + master + " (" + executors + " executor" + (executors == 1 ? "" : "s") + ")";
    }

    /** Cores one task owns (spark.task.cpus): ONNX Runtime's intra-op threads, so tasks do not oversubscribe executors. */
    public static int taskCpus(SparkSession spark) {
        try {
            return Math.max(1, Integer.parseInt(spark.conf().get("spark.task.cpus", "1").trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
