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

    /**
     * The worker (0-based) that runs executor {@code executorId} of application {@code appId}: the one whose work
     * folder holds the executor's folder. (The process table cannot say: the JDK reads one page of a command line,
     * and an executor's, with its class path, is longer.)
     */
    int workerOf(String appId, String executorId) {
        for (int i = 0; i < workers.size(); i++) {
            if (Files.isDirectory(executorFolder(i, appId, executorId))) {
                return i;
            }
        }
        throw new IllegalStateException("no worker runs executor " + executorId + " of " + appId);
    }

    /** The executors worker {@code index} (0-based) started for application {@code appId}, by their folders. */
    List<String> executorIds(int index, String appId) throws IOException {
        Path app = dir.resolve("work-" + (index + 1)).resolve(appId);
        if (!Files.isDirectory(app)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(app)) {
            return folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The command line that worker {@code index} started executor {@code executorId} with (the first line of its log). */
    String executorCommand(int index, String appId, String executorId) throws IOException {
        try (Stream<String> lines = Files.lines(executorFolder(index, appId, executorId).resolve("stderr"))) {
            return lines.findFirst().orElse("");
        }
    }

    /** The executor JVM worker {@code index} runs now (a worker runs one executor per application). */
    ProcessHandle executorJvm(int index) {
        List<ProcessHandle> children = workers.get(index).children().filter(ProcessHandle::isAlive).toList();
        if (children.size() != 1) {
            throw new IllegalStateException("worker " + (index + 1) + " runs " + children.size() + " processes, not one executor");
        }
        return children.get(0);
    }

    private Path executorFolder(int index, String appId, String executorId) {
        return dir.resolve("work-" + (index + 1)).resolve(appId).resolve(executorId);
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
