package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixedModeTest {
    @TempDir
    Path dir;

    /** 64 -> 128 -> 2 -> 128 -> 64: wide at both ends, a two-value bottleneck in the middle (an autoencoder). */
    private static TestGraph autoencoder() {
        return new TestGraph(17, 1, 11).dynamicBatch().input("x", 5, 64)
            .fixed("w1", 64, 128).fixed("w2", 128, 2).fixed("w3", 2, 128).fixed("w4", 128, 64)
            .node("MatMul", List.of("x", "w1"), List.of("a")).node("Tanh", List.of("a"), List.of("ta"))
            .node("MatMul", List.of("ta", "w2"), List.of("code")).node("Tanh", List.of("code"), List.of("tcode"))
            .node("MatMul", List.of("tcode", "w3"), List.of("b")).node("Tanh", List.of("b"), List.of("tb"))
            .node("MatMul", List.of("tb", "w4"), List.of("y")).output("y");
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    @Test
    void autoChoosesMixedModeAtTheBottleneckAndAgreesWithForwardMode() throws Exception {
        TestGraph g = autoencoder();
        try (OnnxModel model = OnnxModel.load(g.write(dir, "autoencoder"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest auto = new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.AUTO, 0);
            assertEquals(JacobianMode.MIXED, engine.resolveMode(auto));
            JacobianResult mixed = engine.compute(auto, ProgressMonitor.NONE);
            JacobianResult forward = engine.compute(auto.withMode(JacobianMode.FORWARD), ProgressMonitor.NONE);
            assertEquals(JacobianMode.MIXED, mixed.mode());
            assertTrue(mixed.backend().contains("mixed: reverse mode to 'code', 2 values a sample"), mixed.backend());
            assertArrayEquals(forward.jacobian().shape(), mixed.jacobian().shape());
            float[] a = mixed.jacobian().toFloatArray();
            float[] b = forward.jacobian().toFloatArray();
            double tol = 1e-5 * maxAbs(b);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], tol, "entry " + i);
            }
            assertArrayEquals(forward.output().toFloatArray(), mixed.output().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void mixedModeRespectsTheMemoryBudgetByChunkingBothParts() throws Exception {
        TestGraph g = autoencoder();
        try (OnnxModel model = OnnxModel.load(g.write(dir, "autoencoder"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest small = new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.MIXED, 16 << 10);
            JacobianResult r = engine.compute(small, ProgressMonitor.NONE);
            assertTrue(r.chunks() > 2, "a 16 KiB budget should split the work, got " + r.chunks() + " chunks");
            float[] forward = engine.compute(small.withMode(JacobianMode.FORWARD).withMaxMemory(0), ProgressMonitor.NONE)
                .jacobian().toFloatArray();
            assertArrayEquals(forward, r.jacobian().toFloatArray(), (float) (1e-5 * maxAbs(forward)));
        }
    }

    @Test
    void aGraphWithoutABottleneckStaysInAPureModeAndRefusesMixedModeClearly() throws Exception {
        // y = x + tanh(x W): x itself reaches the output twice, so no single value separates them
        TestGraph g = new TestGraph(17, 1, 3).dynamicBatch().input("x", 3, 8).fixed("w", 8, 8)
            .node("MatMul", List.of("x", "w"), List.of("h")).node("Tanh", List.of("h"), List.of("t"))
            .node("Add", List.of("x", "t"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "residual"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest auto = new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.AUTO, 0);
            assertEquals(JacobianMode.FORWARD, engine.compute(auto, ProgressMonitor.NONE).mode());
            JacobiException e = assertThrows(JacobiException.class,
                () -> engine.compute(auto.withMode(JacobianMode.MIXED), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("no single value") || e.getMessage().contains("No single value"), e.getMessage());
        }
    }

    @Test
    void aPlainMlpIsNotWorthMixing() throws Exception {
        TestGraph g = new TestGraph(17, 1, 5).dynamicBatch().input("x", 3, 8).fixed("w1", 8, 32).fixed("w2", 32, 4)
            .node("MatMul", List.of("x", "w1"), List.of("h")).node("Tanh", List.of("h"), List.of("t"))
            .node("MatMul", List.of("t", "w2"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "mlp"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest auto = new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.AUTO, 0);
            assertEquals(JacobianMode.REVERSE, engine.resolveMode(auto));
        }
    }

    @Test
    void thePrebuiltGraphOfAModelWhereAutoPicksMixedModeIsBuiltInOnePassAndExact() throws Exception {
        // The Spark job's graph seeds every direction of a sample in one run of one graph: where auto picks mixed mode
        // (two graphs and a product), it builds the cheaper pure mode instead of failing (issue 23, item 6).
        TestGraph g = TestGraph.wideAutoencoder(3);
        try (OnnxModel model = OnnxModel.load(g.write(dir, "wide_autoencoder"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest auto = new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.AUTO, 0);
            assertEquals(JacobianMode.MIXED, engine.resolveMode(auto));
            JacobianResult mixed = engine.compute(auto, ProgressMonitor.NONE);
            assertEquals(JacobianMode.MIXED, mixed.mode());

            var x = g.values().get("x");
            PrebuiltJacobianGraph graph = PrebuiltJacobianGraph.build(model, x, null, JacobianMode.AUTO, 0);
            assertEquals(256, graph.inputsPerSample());
            assertEquals(256, graph.outputsPerSample());
            PrebuiltJacobianGraph.Batch batch;
            try (PrebuiltJacobianGraph.Runner runner = graph.open(1)) {
                batch = runner.compute(x.toFloatArray(), 0, 3);
            }
            float[] expected = mixed.jacobian().toFloatArray();
            assertEquals(expected.length, batch.jacobian().length);
            assertArrayEquals(expected, batch.jacobian(), (float) (1e-5 * maxAbs(expected)));
            assertArrayEquals(mixed.output().toFloatArray(), batch.y(), 1e-6f);
        }
    }
}
