package org.jacobi.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone master and workers on 127.0.0.1, started by scripts/spark-standalone.sh with the tests' class
 * path (Spark and Jacobi), so that executors run in their own JVMs as on a cluster. {@link #close} stops them with the
 * script and then kills whatever it left; a shutdown hook does the same if the test JVM ends first.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Path SCRIPT = Path.of("scripts/spark-standalone.sh");
    private static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    private final Path dir;
    private final String master;
    private final List<ProcessHandle> workers;
    private final List<ProcessHandle> daemons;
    private final Thread hook;

    private StandaloneCluster(Path dir, String master, List<ProcessHandle> workers, List<ProcessHandle> daemons) {
        this.dir = dir;
        this.master = master;
        this.workers = workers;
        this.daemons = daemons;
        this.hook = new Thread(this::kill, "stop spark standalone cluster");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts a master and {@code workers} workers of one core each, their state and logs in {@code dir}. */
    static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String output = script(dir, "start", String.valueOf(workers));
        String master = output.lines().filter(l -> l.startsWith("MASTER=")).map(l -> l.substring("MASTER=".length()))
            .findFirst().orElseThrow(() -> new IllegalStateException("no master URL from the script:\n" + output));
        List<ProcessHandle> workerHandles = new ArrayList<>();
        List<ProcessHandle> daemons = new ArrayList<>();
        daemons.add(handle(dir.resolve("master.pid")));
        for (int i = 1; i <= workers; i++) {
            ProcessHandle w = handle(dir.resolve("worker-" + i + ".pid"));
            workerHandles.add(w);
            daemons.add(w);
        }
        return new StandaloneCluster(dir, master, workerHandles, daemons);
    }

    private static ProcessHandle handle(Path pidFile) throws IOException {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " of " + pidFile + " ended"));
    }

    /** Runs the script with this cluster's folder and the tests' class path; its output, or a failure with it. */
    private static String script(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JACOBI_SPARK_CLUSTER_DIR", dir.toAbsolutePath().toString());
        pb.environment().put("JACOBI_SPARK_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("SPARK_WORKER_CORES", "1");
        pb.environment().put("SPARK_WORKER_MEMORY", "1g");
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("scripts/spark-standalone.sh " + args[0] + " did not finish within 3 minutes");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("scripts/spark-standalone.sh " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    String master() {
        return master;
    }

    /** The executor JVMs worker {@code index} (0-based) runs now. */
    List<ProcessHandle> executors(int index) {
        return workers.get(index).descendants().filter(StandaloneCluster::isExecutor).toList();
    }

    /** The executor JVM of Spark's executor {@code executorId}, if one of the workers runs it. */
    ProcessHandle executor(String executorId) {
        return workers.stream().flatMap(ProcessHandle::descendants).filter(StandaloneCluster::isExecutor)
            .filter(p -> arguments(p).contains("--executor-id " + executorId + " "))
            .findFirst().orElseThrow(() -> new IllegalStateException("no JVM runs executor " + executorId));
    }

    private static boolean isExecutor(ProcessHandle p) {
        return arguments(p).contains(EXECUTOR_CLASS);
    }

    /** The process's arguments joined by spaces, with a trailing space. */
    static String arguments(ProcessHandle p) {
        return p.info().arguments().map(a -> String.join(" ", a) + " ").orElse("");
    }

    @Override
    public void close() throws Exception {
        try {
            script(dir, "stop");
        } finally {
            kill();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /** Kills the daemons and their executors that are still alive (the script's stop normally ends them all). */
    private void kill() {
        List<ProcessHandle> all = daemons.stream().flatMap(d -> Stream.concat(d.descendants(), Stream.of(d)))
            .filter(ProcessHandle::isAlive).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // nothing more to do: it was sent SIGKILL
            }
        }
    }
}
