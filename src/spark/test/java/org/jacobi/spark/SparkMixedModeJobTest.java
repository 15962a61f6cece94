package org.jacobi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.jacobi.analysis.JacobianStatistics;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jacobian statistics job on a model where {@code auto} picks mixed mode (a 256 -> 512 -> 8 -> 512 -> 256
 * autoencoder). Before issue 23 the job failed there: "The ONNX autodiff engine computes forward or reverse mode, not
 * mixed."; its one-graph build now takes the cheaper single pass, and the statistics match the single-process engine.
 */
class SparkMixedModeJobTest {
    @TempDir
    Path dir;

    @Test
    void aModelWhereAutoPicksMixedModeMatchesTheSingleProcessEngine() throws Exception {
        SparkSession spark = LocalSpark.session();
        int n = 48;
        Path model = TestGraph.wideAutoencoder(2).write(dir, "wide_autoencoder");
        GeneratedSamples source = GeneratedSamples.parse("normal:0,1", n, 7);
        JacobianJob.Outcome outcome = JacobianJob.run(spark, new JacobianJob.Settings(model, null, Map.of(), null, JacobianMode.AUTO, source, 0,
            2, null, JacobianShards.Format.NPY, false));
        SampleBlock all = source.rows(0, n, 256);
        try (OnnxModel m = OnnxModel.load(model, DevicePreference.CPU); OnnxJacobianEngine engine = new OnnxJacobianEngine(m)) {
            JacobianRequest request = JacobianRequest.of(Map.of("x", Tensor.ofFloats(all.rows(), n, 256)));
            assertEquals(JacobianMode.MIXED, engine.resolveMode(request));
            JacobianStatistics expected = new JacobianStatistics(256, 256);
            expected.add(engine.compute(request, ProgressMonitor.NONE).jacobian().floats(), 0, n);
            JacobianStatistics actual = outcome.statistics();
            assertEquals(n, actual.count());
            assertClose(expected.mean(), actual.mean());
            assertClose(expected.meanSquare(), actual.meanSquare());
            assertTrue(actual.meanSquare()[0] > 0);
        }
    }

    /** Equal to float32 rounding of the largest entry (mixed mode and a single pass round differently). */
    private static void assertClose(double[] expected, double[] actual) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * scale, "entry " + i);
        }
    }
}
