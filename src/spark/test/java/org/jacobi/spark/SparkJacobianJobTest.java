package org.jacobi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jacobi.analysis.JacobianStatistics;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.core.DevicePreference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jacobian statistics job in Spark's local mode against the single-process engine: same samples, same numbers;
 * a task that fails once is retried without changing the result; Parquet and NPY in and out. One Spark session
 * serves every test (starting one takes seconds).
 */
class SparkJacobianJobTest {
    static final Path MLP = Path.of("src/test/resources/fixtures/mlp_tanh.onnx");
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.session();
    }

    @AfterAll
    static void stop() {
        LocalSpark.stop();
    }

    private static JacobianJob.Settings settings(SampleSource source, String shards, JacobianShards.Format format) {
        return new JacobianJob.Settings(MLP, null, JacobianMode.AUTO, source, 0, 4, shards, format, false);
    }

    /** The single-process answer: the ordinary ONNX engine on the same samples, statistics in one pass. */
    private static JacobianStatistics singleProcess(GeneratedSamples source, int n) {
        SampleBlock all = source.rows(0, n, 8);
        try (OnnxModel model = OnnxModel.load(MLP, DevicePreference.CPU); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianResult r = engine.compute(JacobianRequest.of(Map.of("x", Tensor.ofFloats(all.rows(), n, 8))), ProgressMonitor.NONE);
            JacobianStatistics stats = new JacobianStatistics(4, 8);
            stats.add(r.jacobian().floats(), 0, n);
            return stats;
        }
    }

    private static void assertClose(double[] expected, double[] actual, double relative) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * scale, "entry " + i);
        }
    }

    @Test
    void statisticsOf200kSamplesMatchTheSingleProcessEngine() {
        int n = 200_000;
        GeneratedSamples source = GeneratedSamples.parse("normal:0,1", n, 11);
        JacobianJob.Outcome spark4 = JacobianJob.run(spark, settings(source, null, JacobianShards.Format.NPY));
        JacobianStatistics expected = singleProcess(source, n);
        JacobianStatistics actual = spark4.statistics();
        assertEquals(n, actual.count());
        assertClose(expected.mean(), actual.mean(), 1e-6);
        assertClose(expected.meanAbs(), actual.meanAbs(), 1e-6);
        assertClose(expected.meanSquare(), actual.meanSquare(), 1e-6);
        for (int row = 0; row < 4; row++) {
            assertClose(expected.singularValueSpread()[row], actual.singularValueSpread()[row], 1e-6);
        }
        // The DGSM of a non-trivial model is not zero: the comparison above compares something.
        assertTrue(actual.meanSquare()[0] > 1e-4);
    }

    /** Fails the first attempt of partition 1, as a lost executor would. */
    static final class FailsOnce implements SampleSource {
        private final GeneratedSamples inner;

        FailsOnce(GeneratedSamples inner) {
            this.inner = inner;
        }

        @Override
        public JavaRDD<SampleBlock> blocks(SparkSession s, int elements, int partitions) {
            return inner.blocks(s, elements, partitions).map(b -> {
                TaskContext t = TaskContext.get();
                if (t.partitionId() == 1 && t.attemptNumber() == 0) {
                    throw new IllegalStateException("injected executor failure");
                }
                return b;
            });
        }

        @Override
        public float[] firstRows(SparkSession s, int elements, int n) {
            return inner.firstRows(s, elements, n);
        }

        @Override
        public String describe() {
            return "fails once: " + inner.describe();
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsUnchanged() throws Exception {
        GeneratedSamples source = GeneratedSamples.parse("uniform:-2,2", 20_000, 5);
        JacobianJob.Outcome clean = JacobianJob.run(spark, settings(source, null, JacobianShards.Format.NPY));
        Path out = dir.resolve("j-npy");
        JacobianJob.Outcome retried = JacobianJob.run(spark, settings(new FailsOnce(source), out.toString(), JacobianShards.Format.NPY));
        assertClose(clean.statistics().meanSquare(), retried.statistics().meanSquare(), 1e-12);
        assertClose(clean.statistics().mean(), retried.statistics().mean(), 1e-12);
        assertEquals(20_000, retried.statistics().count());
        // Every sample is written exactly once, in shards that tile [0, 20000).
        long next = 0;
        for (JacobianShards.Shard s : retried.shards()) {
            assertEquals(next, s.first());
            Tensor t = Npy.read(out.resolve(s.file()));
            assertEquals(s.count(), t.dim(0));
            next += s.count();
        }
        assertEquals(20_000, next);
        assertTrue(Files.readString(out.resolve(ShardFolder.MANIFEST)).contains("\"samples\": 20000"));
        // The shards hold the engine's Jacobians of the same samples.
        JacobianStatistics fromShards = new JacobianStatistics(4, 8);
        for (JacobianShards.Shard s : retried.shards()) {
            fromShards.add(Npy.read(out.resolve(s.file())).floats(), 0, s.count());
        }
        assertClose(clean.statistics().meanSquare(), fromShards.meanSquare(), 1e-9);
    }

    @Test
    void parquetInAndParquetShardsOut() {
        int n = 1000;
        GeneratedSamples gen = GeneratedSamples.parse("normal:0,1", n, 3);
        SampleBlock all = gen.rows(0, n, 8);
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<Float> values = new ArrayList<>();
            for (int e = 0; e < 8; e++) {
                values.add(all.rows()[s * 8 + e]);
            }
            rows.add(RowFactory.create(values));
        }
        StructType schema = new StructType().add("x", DataTypes.createArrayType(DataTypes.FloatType));
        Path table = dir.resolve("samples.parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());

        Path out = dir.resolve("jacobians");
        JacobianJob.Outcome r = JacobianJob.run(spark, settings(new ParquetSamples(table.toString(), null), out.toString(),
            JacobianShards.Format.PARQUET));
        assertClose(singleProcess(gen, n).meanSquare(), r.statistics().meanSquare(), 1e-6);

        List<Row> written = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(n, written.size());
        Row first = written.stream().filter(row -> row.getLong(0) == 0L).findFirst().orElseThrow();
        assertEquals(32, first.getList(2).size());
        assertEquals(4, first.getList(1).size());

        // A table whose columns do not fit the model: one line saying so, nothing written.
        Path bad = dir.resolve("bad.parquet");
        spark.createDataFrame(List.of(RowFactory.create(1.0, 2.0)),
            new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)).write().parquet(bad.toString());
        Path badOut = dir.resolve("bad-out");
        JacobiException e = assertThrows(JacobiException.class, () -> JacobianJob.run(spark,
            settings(new ParquetSamples(bad.toString(), null), badOut.toString(), JacobianShards.Format.NPY)));
        assertTrue(e.getMessage().contains("2 numeric and 0 array columns"), e.getMessage());
        assertFalse(Files.exists(badOut));
    }

    @Test
    void aJobThatFailsLeavesNoOutput() throws Exception {
        Path npy = dir.resolve("wrong.npy");
        Npy.write(npy, Tensor.ofFloats(new float[30], 10, 3), false);
        Path out = dir.resolve("never");
        JacobiException e = assertThrows(JacobiException.class, () -> JacobianJob.run(spark,
            settings(new NpySamples(npy.toString()), out.toString(), JacobianShards.Format.NPY)));
        assertTrue(e.getMessage().contains("the model takes 8 values per sample"), e.getMessage());
        assertFalse(Files.exists(out));
        try (var listing = Files.list(dir)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().contains("partial")));
        }
    }
}
