package org.jacobi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.jacobi.analysis.JacobianStatistics;
import org.jacobi.cli.CliRunner;
import org.jacobi.gsa.GsaGraphs;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs on a Spark standalone cluster on 127.0.0.1 (scripts/spark-standalone.sh: a master and two workers of one
 * core, started once for the class), with the executors in their own JVMs: the same answers as one process, and a
 * killed executor costs nothing but time. The driver is this JVM, through the command line's own session code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkStandaloneClusterTest {
    private static final Path CLUSTER_DIR = Path.of("target/spark-cluster-test");
    private static final Set<String> DRIVER_PROPERTIES = Set.of("spark.ui.enabled");
    private static StandaloneCluster cluster;
    private static SparkSession spark;
    /** Executors that finished tasks successfully, by the listener below. */
    private static final Set<String> busyExecutors = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        LocalSpark.release();
        cluster = StandaloneCluster.start(CLUSTER_DIR, 2);
        System.setProperty("spark.ui.enabled", "false");
        spark = SparkSessions.open(cluster.master(), "jacobi standalone cluster test");
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() == Success$.MODULE$) {
                    busyExecutors.add(end.taskInfo().executorId());
                }
            }
        });
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3) {
            assertTrue(System.nanoTime() < deadline, "two executors did not register within 2 minutes; see " + CLUSTER_DIR);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (spark != null) {
                spark.stop();
            }
        } finally {
            DRIVER_PROPERTIES.forEach(System::clearProperty);
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void executorsRunInTheirOwnJvmsWithTheBigStack() throws Exception {
        String app = spark.sparkContext().applicationId();
        for (int worker = 0; worker < 2; worker++) {
            List<String> executors = cluster.executorIds(worker, app);
            assertEquals(1, executors.size(), "executors of worker " + (worker + 1) + ": " + executors);
            assertNotEquals(ProcessHandle.current().pid(), cluster.executorJvm(worker).pid());
            String command = cluster.executorCommand(worker, app, executors.get(0));
            assertTrue(command.contains("\"-Xss8m\""), command);
        }
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void gsaOnTwoWorkersGivesTheSingleProcessJson(@TempDir Path dir) throws Exception {
        String[] study = {"gsa", GsaGraphs.ishigami(dir).toString(), "--dist", "uniform:-" + Math.PI + "," + Math.PI,
            "--method", "sobol,dgsm", "--samples", "16384", "--seed", "3", "--bootstrap", "20", "--device", "cpu", "--quiet"};
        Path single = dir.resolve("single.json");
        Path onCluster = dir.resolve("cluster.json");
        CliRunner a = CliRunner.run(concat(study, "--out", single.toString()));
        assertEquals(0, a.exitCode, a.toString());
        busyExecutors.clear();
        CliRunner b = CliRunner.run(concat(study, "--spark", cluster.master(), "--partitions", "6", "--out", onCluster.toString()));
        assertEquals(0, b.exitCode, b.toString());
        Map<String, Object> actual = SparkAssertions.json(onCluster);
        SparkAssertions.assertSameJson(SparkAssertions.json(single), actual, 0, "json");
        assertEquals("Spark " + cluster.master() + " (2 executors)", String.valueOf(actual.get("device")), "where the study ran");
        assertEquals(2, busyExecutors.size(), "executors that ran tasks: " + busyExecutors);
        assertFalse(busyExecutors.contains("driver"));
        // The DGSM part ran the differentiated graph broadcast to the executors: its indices are not zero.
        List<List<Double>> nu = (List<List<Double>>) ((Map<String, Object>) actual.get("dgsm")).get("nu");
        assertTrue(nu.get(0).get(0) > 1, "nu of x1: " + nu);
    }

    @Test
    @Order(3)
    void jacobianStatisticsOnTwoWorkersMatchTheSingleProcessEngine(@TempDir Path dir) throws Exception {
        int n = 60_000;
        Path stats = dir.resolve("stats.json");
        Path shards = dir.resolve("jacobians");
        busyExecutors.clear();
        CliRunner r = CliRunner.run("jacobian-stats", SparkAssertions.MLP.toString(), "--generate", "normal:0,1",
            "--samples", String.valueOf(n), "--seed", "11", "--spark", cluster.master(), "--partitions", "6",
            "--out", stats.toString(), "--jacobians", shards.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(2, busyExecutors.size(), "executors that ran tasks: " + busyExecutors);
        JacobianStatistics expected = SparkAssertions.singleProcess(GeneratedSamples.parse("normal:0,1", n, 11), n);
        SparkAssertions.assertClose(expected.mean(), Npy.read(dir.resolve("stats.mean.npy")).doubles(), 1e-6);
        SparkAssertions.assertClose(expected.meanAbs(), Npy.read(dir.resolve("stats.mean_abs.npy")).doubles(), 1e-6);
        SparkAssertions.assertClose(expected.meanSquare(), Npy.read(dir.resolve("stats.mean_square.npy")).doubles(), 1e-6);
        double[] sv = Npy.read(dir.resolve("stats.singular_values.npy")).doubles();
        double[] expectedSv = new double[sv.length];
        for (int row = 0; row < 4; row++) {
            double[] e = expected.singularValueSpread()[row];
            System.arraycopy(e, 0, expectedSv, row * e.length, e.length);
        }
        SparkAssertions.assertClose(expectedSv, sv, 1e-6);
        // The executors' shards hold every sample once; the sum of their squares is the statistics' mean square.
        JacobianStatistics fromShards = new JacobianStatistics(4, 8);
        for (long[] shard : assertShardsTile(shards, n)) {
            fromShards.add(Npy.read(shards.resolve(name(shard[0]))).floats(), 0, (int) shard[1]);
        }
        SparkAssertions.assertClose(expected.meanSquare(), fromShards.meanSquare(), 1e-6);
    }

    @Test
    @Order(4)
    void attributionsOnTwoWorkersMatchTheLocalJob(@TempDir Path dir) throws Exception {
        int n = 3 * GeneratedSamples.BLOCK;
        GeneratedSamples source = GeneratedSamples.parse("uniform:-1,1", n, 8);
        AttributionJob.Recipe ig = AttributionJob.Recipe.defaults("ig").withSteps(8);
        Path shards = dir.resolve("attributions");
        busyExecutors.clear();
        AttributionJob.Outcome onCluster = AttributionJob.run(spark, new AttributionJob.Settings(SparkAssertions.MLP, "y[each]", false, ig,
            source, 0, 4, shards.toString(), false));
        assertEquals(2, busyExecutors.size(), "executors that ran tasks: " + busyExecutors);
        assertShardsTile(shards, n);
        float[] expected = SparkAttributionJobTest.singleProcess(source, n, ig);
        SparkAssertions.assertClose(SparkAttributionJobTest.aggregates(expected, n, 32), onCluster.aggregates().toDoubleArray(), 1e-6);
    }

    /** Kills (SIGKILL) the JVM of the executor that starts the job's first task, half a second into that task. */
    static final class KillsAnExecutor extends SparkListener {
        final AtomicReference<String> killed = new AtomicReference<>();
        /** What went wrong finding the executor's JVM (the listener bus would only log it). */
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        final AtomicInteger lostTasks = new AtomicInteger();
        final Set<String> finishedElsewhere = ConcurrentHashMap.newKeySet();
        private final String appId;

        KillsAnExecutor(String appId) {
            this.appId = appId;
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
            String executor = start.taskInfo().executorId();
            if (!killed.compareAndSet(null, executor)) {
                return;
            }
            try {
                ProcessHandle jvm = cluster.executorJvm(cluster.workerOf(appId, executor));
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(500);
                        jvm.destroyForcibly();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "kill executor " + executor);
                t.setDaemon(true);
                t.start();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.reason() instanceof ExecutorLostFailure) {
                lostTasks.incrementAndGet();
            } else if (end.reason() == Success$.MODULE$ && !end.taskInfo().executorId().equals(killed.get())) {
                finishedElsewhere.add(end.taskInfo().executorId());
            }
        }
    }

    @Test
    @Order(5)
    void aKilledExecutorCostsOnlyTime(@TempDir Path dir) throws Exception {
        int n = 40_000;
        GeneratedSamples source = GeneratedSamples.parse("uniform:-2,2", n, 5);
        Path shards = dir.resolve("jacobians");
        KillsAnExecutor killer = new KillsAnExecutor(spark.sparkContext().applicationId());
        spark.sparkContext().addSparkListener(killer);
        JacobianJob.Outcome r;
        try {
            r = JacobianJob.run(spark, new JacobianJob.Settings(SparkAssertions.MLP, null, Map.of(), null, JacobianMode.AUTO, new InterceptedSamples(source, "slowed", b -> {
                // Slows every block down, so that tasks still run when the listener kills an executor.
                Thread.sleep(300);
                return b;
            }), 0,
                4, shards.toString(), JacobianShards.Format.NPY, false));
        } finally {
            spark.sparkContext().removeSparkListener(killer);
        }
        if (killer.failure.get() != null) {
            throw killer.failure.get();
        }
        assertNotNull(killer.killed.get(), "no task started");
        assertTrue(killer.lostTasks.get() > 0, "the executor was killed while a task ran on it");
        assertFalse(killer.finishedElsewhere.isEmpty(), "tasks finished on another executor");
        SparkAssertions.assertSameStatistics(SparkAssertions.singleProcess(source, n), r.statistics(), 1e-6);
        List<long[]> written = assertShardsTile(shards, n);
        assertEquals(r.shards().stream().map(s -> List.of(s.first(), (long) s.count())).toList(),
            written.stream().map(s -> List.of(s[0], s[1])).toList());
    }

    /**
     * Checks that the folder holds exactly the manifest and the shards it lists (nothing partial, nothing twice) and
     * that they cover samples 0 .. n-1 once, in order; returns (first sample, count) of each shard.
     */
    @SuppressWarnings("unchecked")
    private static List<long[]> assertShardsTile(Path folder, int n) throws Exception {
        Map<String, Object> manifest = SparkAssertions.json(folder.resolve(ShardFolder.MANIFEST));
        assertEquals(n, ((Number) manifest.get("samples")).intValue());
        List<long[]> shards = new ArrayList<>();
        Set<String> files = new HashSet<>(Set.of(ShardFolder.MANIFEST));
        long next = 0;
        for (Map<String, Object> shard : (List<Map<String, Object>>) manifest.get("shards")) {
            String file = (String) shard.get("file");
            long first = ((Number) shard.get("first_sample")).longValue();
            long count = ((Number) shard.get("samples")).longValue();
            assertEquals(name(next), file);
            assertEquals(next, first, file);
            assertEquals(count, Npy.read(folder.resolve(file)).dim(0), file);
            assertTrue(files.add(file), file + " listed twice");
            shards.add(new long[] {first, count});
            next += count;
        }
        assertEquals(n, next);
        try (var listing = Files.list(folder)) {
            assertEquals(files, listing.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        try (var listing = Files.list(folder.getParent())) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().contains("partial")));
        }
        return shards;
    }

    private static String name(long first) {
        return String.format(Locale.ROOT, "part-%012d.npy", first);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
