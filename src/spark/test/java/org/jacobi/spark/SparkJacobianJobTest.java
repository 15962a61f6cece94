package org.jacobi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jacobi.spark.SparkAssertions.assertClose;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jacobi.analysis.JacobianStatistics;
import org.jacobi.cli.CliRunner;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jacobian statistics job in Spark's local mode against the single-process engine: same samples, same numbers;
 * a task that fails once is retried without changing the result; Parquet and NPY in and out. One Spark session
 * serves every test (starting one takes seconds).
 */
class SparkJacobianJobTest {
    static final Path MLP = SparkAssertions.MLP;
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.session();
    }

    private static JacobianJob.Settings settings(SampleSource source, String shards, JacobianShards.Format format) {
        return new JacobianJob.Settings(MLP, null, Map.of(), null, JacobianMode.AUTO, source, 0, 4, shards, format, false);
    }

    @Test
    void statisticsOf200kSamplesMatchTheSingleProcessEngine() {
        int n = 200_000;
        GeneratedSamples source = GeneratedSamples.parse("normal:0,1", n, 11);
        JacobianJob.Outcome spark4 = JacobianJob.run(spark, settings(source, null, JacobianShards.Format.NPY));
        JacobianStatistics actual = spark4.statistics();
        assertEquals(n, actual.count());
        SparkAssertions.assertSameStatistics(SparkAssertions.singleProcess(source, n), actual, 1e-6);
        // The DGSM of a non-trivial model is not zero: the comparison above compares something.
        assertTrue(actual.meanSquare()[0] > 1e-4);
    }

    /** Fails the first attempt of partition 1, as a lost executor would. */
    private static SampleSource failsOnce(GeneratedSamples source) {
        return new InterceptedSamples(source, "fails once", b -> {
            TaskContext t = TaskContext.get();
            if (t.partitionId() == 1 && t.attemptNumber() == 0) {
                throw new IllegalStateException("injected executor failure");
            }
            return b;
        });
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsUnchanged() throws Exception {
        GeneratedSamples source = GeneratedSamples.parse("uniform:-2,2", 20_000, 5);
        JacobianJob.Outcome clean = JacobianJob.run(spark, settings(source, null, JacobianShards.Format.NPY));
        Path out = dir.resolve("j-npy");
        JacobianJob.Outcome retried = JacobianJob.run(spark, settings(failsOnce(source), out.toString(), JacobianShards.Format.NPY));
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
        assertClose(SparkAssertions.singleProcess(gen, n).meanSquare(), r.statistics().meanSquare(), 1e-6);

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

    @Test
    void aModelWithTwoInputsIsDifferentiatedWithRespectToEitherWhileTheOtherIsHeld() {
        Path model = Path.of("src/test/resources/fixtures/two_inputs.onnx");
        Tensor x1 = Npy.read(Path.of("src/test/resources/fixtures/two_inputs.input.x1.npy"));
        Tensor x2 = Npy.read(Path.of("src/test/resources/fixtures/two_inputs.input.x2.npy"));
        int n = 3000;
        GeneratedSamples source = GeneratedSamples.parse("normal:0,1", n, 7);
        // x2 held at its sample 2, given with its batch axis of 1.
        Map<String, Tensor> heldX2 = Map.of("x2", x2.sliceRows(2, 3));
        JacobianJob.Outcome r1 = JacobianJob.run(spark, new JacobianJob.Settings(model, "x1", heldX2, null, JacobianMode.AUTO,
            source, 0, 3, null, JacobianShards.Format.NPY, false));
        assertEquals("x1", r1.graph().wrt());
        SparkAssertions.assertSameStatistics(SparkAssertions.singleProcess(model, "x1", heldX2, source, n, 6, 5), r1.statistics(), 1e-6);
        assertTrue(r1.statistics().meanSquare()[0] > 1e-6, "y depends on x1");
        // The same from the command line: --wrt and --fixed NAME=FILE.npy.
        Path x2File = dir.resolve("x2.npy");
        Npy.write(x2File, x2.sliceRows(2, 3), false);
        Path stats = dir.resolve("stats.json");
        CliRunner cli = CliRunner.run("jacobian-stats", model.toString(), "--wrt", "x1", "--fixed", "x2=" + x2File,
            "--generate", "normal:0,1", "--samples", String.valueOf(n), "--seed", "7", "--spark", "local[2]",
            "--out", stats.toString(), "--quiet");
        assertEquals(0, cli.exitCode, cli.toString());
        assertClose(r1.statistics().meanSquare(), Npy.read(dir.resolve("stats.mean_square.npy")).doubles(), 1e-9);
        // x1 held at its sample 1, given as one sample without the batch axis; both modes.
        Map<String, Tensor> heldX1 = Map.of("x1", Tensor.ofFloats(x1.sliceRows(1, 2).floats(), 6));
        JacobianStatistics expected = SparkAssertions.singleProcess(model, "x2", heldX1, source, n, 3, 5);
        for (JacobianMode mode : List.of(JacobianMode.FORWARD, JacobianMode.REVERSE)) {
            JacobianJob.Outcome r2 = JacobianJob.run(spark, new JacobianJob.Settings(model, "x2", heldX1, null, mode, source, 0, 3,
                null, JacobianShards.Format.NPY, false));
            assertEquals(mode == JacobianMode.FORWARD, r2.graph().forward());
            SparkAssertions.assertSameStatistics(expected, r2.statistics(), 1e-6);
        }
        // An input left out, or a sample of the wrong shape: one line saying what to give.
        JacobiException missing = assertThrows(JacobiException.class, () -> JacobianJob.run(spark, new JacobianJob.Settings(model,
            "x1", Map.of(), null, JacobianMode.AUTO, source, 0, 3, null, JacobianShards.Format.NPY, false)));
        assertTrue(missing.getMessage().contains("--fixed x2=FILE.npy"), missing.getMessage());
        JacobiException shape = assertThrows(JacobiException.class, () -> JacobianJob.run(spark, new JacobianJob.Settings(model,
            "x1", Map.of("x2", x1.sliceRows(0, 1)), null, JacobianMode.AUTO, source, 0, 3, null, JacobianShards.Format.NPY, false)));
        assertTrue(shape.getMessage().contains("takes one sample of shape"), shape.getMessage());
    }
}
