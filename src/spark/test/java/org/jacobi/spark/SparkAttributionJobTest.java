package org.jacobi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionRunner;
import org.jacobi.cli.CliRunner;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attribution job in local mode against the attribute command's own code in one process: Integrated Gradients of
 * every output of the fixture network, per sample (the shards) and over the data set (mean, mean absolute, spread),
 * from the job and from {@code jacobi attribute --spark}.
 */
class SparkAttributionJobTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.session();
    }

    @Test
    void integratedGradientsOfEverySampleMatchOneProcess() throws Exception {
        int n = 5000;
        GeneratedSamples source = GeneratedSamples.parse("normal:0,1", n, 3);
        AttributionJob.Recipe ig = AttributionJob.Recipe.defaults("ig").withSteps(16);
        Path shards = dir.resolve("attributions");
        AttributionJob.Outcome r = AttributionJob.run(spark, new AttributionJob.Settings(SparkAssertions.MLP, "y[each]", false, ig, source,
            0, 3, shards.toString(), false));
        assertEquals(n, r.samples());
        assertEquals(4, r.targets());
        float[] expected = singleProcess(source, n, ig);
        double[] all = aggregates(expected, n, 32);
        SparkAssertions.assertClose(all, r.aggregates().toDoubleArray(), 1e-6);
        double[] meanAbs = Arrays.copyOfRange(all, 32, 64);
        assertTrue(meanAbs[0] > 1e-4, "attributions that are not zero: " + meanAbs[0]);
        Tensor aggregates = r.aggregates();
        assertArrayEquals(new long[] {3, 4, 8}, aggregates.shape());
        // The shards tile the samples in order and hold each sample's attribution, [samples, targets, 8].
        long next = 0;
        for (JacobianShards.Shard shard : r.shards()) {
            assertEquals(next, shard.first());
            Tensor t = Npy.read(shards.resolve(shard.file()));
            assertArrayEquals(new long[] {shard.count(), 4, 8}, t.shape());
            float[] v = t.floats();
            for (int i = 0; i < v.length; i++) {
                assertEquals(expected[(int) (shard.first() * 32) + i], v[i], 1e-5 * (1 + Math.abs(v[i])), "sample value " + i);
            }
            next += shard.count();
        }
        assertEquals(n, next);
        assertTrue(shards.resolve(ShardFolder.MANIFEST).toFile().isFile());
        // The same from the command line, the samples in a folder of NPY files.
        Path samples = dir.resolve("samples");
        Files.createDirectories(samples);
        Npy.write(samples.resolve("x.npy"), Tensor.ofFloats(source.rows(0, n, 8).rows(), n, 8), false);
        Path out = dir.resolve("a.npy");
        CliRunner cli = CliRunner.run("attribute", SparkAssertions.MLP.toString(), "--spark", "local[2]", "--input", samples.toString(),
            "--of", "y[each]", "--method", "ig", "--steps", "16", "--out", out.toString(), "--quiet");
        assertEquals(0, cli.exitCode, cli.toString());
        Tensor written = Npy.read(out);
        assertArrayEquals(new long[] {3, 4, 8}, written.shape());
        SparkAssertions.assertClose(aggregates.toDoubleArray(), written.toDoubleArray(), 1e-9);
        Map<String, Object> json = SparkAssertions.json(Path.of(out + ".json"));
        assertEquals(n, ((Number) json.get("samples")).intValue());
        assertTrue(Files.isRegularFile(dir.resolve("a.samples").resolve(ShardFolder.MANIFEST)));
        CliRunner twoMethods = CliRunner.run("attribute", SparkAssertions.MLP.toString(), "--spark", "local[2]", "--input",
            samples.toString(), "--method", "ig,saliency", "--out", dir.resolve("b.npy").toString());
        assertEquals(2, twoMethods.exitCode, twoMethods.toString());
        assertTrue(twoMethods.err.contains("does not take several methods"), twoMethods.err);
        CliRunner layer = CliRunner.run("attribute", SparkAssertions.MLP.toString(), "--spark", "local[2]", "--input",
            samples.toString(), "--method", "ig", "--wrt", "x", "--relu", "--out", dir.resolve("c.npy").toString());
        assertEquals(2, layer.exitCode, layer.toString());
        assertTrue(layer.err.contains("--wrt") && layer.err.contains("--layer and --relu") && layer.err.strip().lines().count() == 1,
            "options the job cannot honour are refused, not ignored: " + layer.err);
    }

    /** The attribute command's own code on all {@code n} samples in this process: [n, 4 targets, 8]. */
    static float[] singleProcess(GeneratedSamples source, int n, AttributionJob.Recipe recipe) {
        try (OnnxModel m = OnnxModel.load(SparkAssertions.MLP, DevicePreference.CPU); OnnxJacobianEngine engine = new OnnxJacobianEngine(m)) {
            Tensor x = Tensor.ofFloats(source.rows(0, n, 8).rows(), n, 8);
            AttributionProblem problem = AttributionProblem.of(m, engine, Map.of("x", x), "x", OutputTarget.parse("y[each]", null, null), 0);
            return AttributionRunner.run(recipe.build(), problem, List.of(), recipe.settings(), ProgressMonitor.NONE).values().floats();
        }
    }

    /** Mean, mean absolute value and standard deviation of the absolute value of {@code per} entries over n samples. */
    static double[] aggregates(float[] values, int n, int per) {
        double[] out = new double[3 * per];
        double[] square = new double[per];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < per; i++) {
                double v = values[s * per + i];
                out[i] += v / n;
                out[per + i] += Math.abs(v) / n;
                square[i] += v * v;
            }
        }
        for (int i = 0; i < per; i++) {
            out[2 * per + i] = Math.sqrt((square[i] - n * out[per + i] * out[per + i]) / (n - 1));
        }
        return out;
    }
}
