package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.lowering.OrtShapeProbe;
import org.jacobi.jacobian.lowering.SeedBroadcast;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedBroadcastTest {
    @TempDir
    Path dir;

    private static boolean safe(OnnxModel model, OnnxJacobianEngine engine, Map<String, Tensor> inputs, JacobianMode mode,
                                long row) {
        Onnx.ModelProto graph = engine.differentiatedGraph(JacobianRequest.of(inputs).withMode(mode));
        int seedRank = 3; // [K, B, features]: these models take and give vectors
        return SeedBroadcast.broadcast(graph, Differentiator.SEED, OnnxJacobianEngine.BLOCK, seedRank, row,
            OrtShapeProbe.probe(model.proto(), inputs), inputs.values().iterator().next().dim(0)) != null;
    }

    /** 16 -> 256 (tanh) -> 4: rows of 256 meet the per-sample tanh slope. */
    private static TestGraph wideMlp() {
        return new TestGraph(13, 1, 4).dynamicBatch().input("x", 5, 16).fixed("w1", 16, 256).fixed("w2", 256, 4)
            .node("MatMul", List.of("x", "w1"), List.of("h")).node("Tanh", List.of("h"), List.of("a"))
            .node("MatMul", List.of("a", "w2"), List.of("y")).output("y");
    }

    @Test
    void anMlpWithWideRowsTakesOneSeedRowForAllSamplesNarrowRowsDoNot() throws Exception {
        TestGraph g = wideMlp();
        try (OnnxModel model = OnnxModel.load(g.write(dir, "wide"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            assertTrue(safe(model, engine, g.values(), JacobianMode.REVERSE, 4), "MatMul, then a per-sample tanh slope");
            assertTrue(safe(model, engine, g.values(), JacobianMode.FORWARD, 16));
        }
        Map<String, Tensor> tanh = FixtureJacobianTest.inputs("mlp_tanh");
        try (OnnxModel model = OnnxModel.load(FixtureJacobianTest.FIXTURES.resolve("mlp_tanh.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            // rows of 32 broadcast more slowly than the product they save
            assertFalse(safe(model, engine, tanh, JacobianMode.REVERSE, 4));
        }
    }

    /**
     * cnn_small in reverse mode: the classifier's cotangent is reshaped to the pooled map (to the seed's batch size
     * once rewritten), spread by the average pool's Resize and only then meets the per-sample ReLU mask. The Jacobian
     * is the same with one seed row as with full seeds (one sample at a time), in chunks of directions and samples,
     * and the vector-Jacobian product (a full cotangent through the same graph) is J^T c.
     */
    @Test
    void aConvClassifierTakesOneSeedRowThroughItsReshapesAndPoolingAndKeepsTakingFullCotangents() throws Exception {
        Map<String, Tensor> cnn = FixtureJacobianTest.inputs("cnn_small");
        try (OnnxModel model = OnnxModel.load(FixtureJacobianTest.FIXTURES.resolve("cnn_small.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            assertTrue(safe(model, engine, cnn, JacobianMode.REVERSE, 10));
            Tensor x = cnn.get("x");
            int samples = (int) x.dim(0);
            JacobianRequest request = JacobianRequest.of(cnn).withMode(JacobianMode.REVERSE);
            float[] whole = engine.compute(request.withMaxMemory(1L << 40), ProgressMonitor.NONE).jacobian().floats();
            JacobianResult chunked = engine.compute(request.withMaxMemory(engine.bytesPerPair(request) * 3), ProgressMonitor.NONE);
            assertTrue(chunked.chunks() > 1);
            float[] parts = chunked.jacobian().floats();
            int per = whole.length / samples;
            for (int s = 0; s < samples; s++) {
                float[] one = engine.compute(JacobianRequest.of(Map.of("x", x.sliceRows(s, s + 1))).withMode(JacobianMode.REVERSE),
                    ProgressMonitor.NONE).jacobian().floats();
                for (int i = 0; i < per; i++) {
                    assertEquals(one[i], whole[s * per + i], 1e-6 * Math.max(1, Math.abs(one[i])), "sample " + s);
                    assertEquals(one[i], parts[s * per + i], 1e-6 * Math.max(1, Math.abs(one[i])), "sample " + s);
                }
            }
            int nOut = 10;
            int nIn = per / nOut;
            double[] c = new double[samples * nOut];
            for (int i = 0; i < c.length; i++) {
                c[i] = Math.sin(1.3 * i) + 0.2;
            }
            Tensor g = engine.vectorJacobianProduct(request, Tensor.ofDoubles(c, samples, nOut), ProgressMonitor.NONE);
            for (int s = 0; s < samples; s++) {
                for (int j = 0; j < nIn; j++) {
                    double expected = 0;
                    for (int o = 0; o < nOut; o++) {
                        expected += c[s * nOut + o] * whole[(s * nOut + o) * nIn + j];
                    }
                    assertEquals(expected, g.getDouble(s * nIn + j), 1e-5 * (1 + Math.abs(expected)), "sample " + s + " input " + j);
                }
            }
        }
    }

    @Test
    void aLinearModelKeepsTheFullSeedSinceNoFactorSpreadsItOverTheSamples() throws Exception {
        TestGraph g = new TestGraph(13, 1, 4).dynamicBatch().input("x", 3, 4).fixed("w", 4, 2)
            .node("MatMul", List.of("x", "w"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "linear"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            assertFalse(safe(model, engine, g.values(), JacobianMode.REVERSE, 2));
            JacobianResult j = engine.compute(JacobianRequest.of(g.values()), ProgressMonitor.NONE);
            assertEquals(3 * 2 * 4, j.jacobian().size());
        }
    }

    @Test
    void broadcastSeedsGiveTheJacobianOfFullSeedsInOneRunAndInChunksOfDirections() throws Exception {
        TestGraph g = wideMlp();
        try (OnnxModel model = OnnxModel.load(g.write(dir, "wide"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianRequest request = JacobianRequest.of(g.values()).withMode(mode);
                JacobianResult whole = engine.compute(request.withMaxMemory(1L << 40), ProgressMonitor.NONE);
                JacobianResult chunked = engine.compute(request.withMaxMemory(engine.bytesPerPair(request) * 3), ProgressMonitor.NONE);
                assertTrue(chunked.chunks() > whole.chunks());
                // per sample as a batch of one: a seed of batch size 1 is then the full seed
                float[] a = whole.jacobian().floats();
                float[] b = chunked.jacobian().floats();
                Tensor x = g.values().get("x");
                int per = a.length / 5;
                for (int s = 0; s < 5; s++) {
                    JacobianResult one = engine.compute(JacobianRequest.of(Map.of("x", x.sliceRows(s, s + 1))).withMode(mode),
                        ProgressMonitor.NONE);
                    float[] c = one.jacobian().floats();
                    for (int i = 0; i < per; i++) {
                        assertEquals(c[i], a[s * per + i], 1e-6 * Math.max(1, Math.abs(c[i])), mode + " sample " + s);
                        assertEquals(c[i], b[s * per + i], 1e-6 * Math.max(1, Math.abs(c[i])), mode + " sample " + s);
                    }
                }
            }
        }
    }
}
