package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.SeedBroadcast;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedBroadcastTest {
    @TempDir
    Path dir;

    private static boolean safe(OnnxModel model, OnnxJacobianEngine engine, Map<String, Tensor> inputs, JacobianMode mode) {
        Onnx.ModelProto graph = engine.differentiatedGraph(JacobianRequest.of(inputs).withMode(mode));
        int seedRank = graph.getGraph().getInputList().stream().filter(v -> v.getName().equals(Differentiator.SEED))
            .findFirst().orElseThrow().getType().getTensorType().getShape().getDimCount();
        return SeedBroadcast.safe(graph, Differentiator.SEED, OnnxJacobianEngine.BLOCK, seedRank,
            ValueShapes.probe(model.proto(), inputs));
    }

    @Test
    void anMlpTakesOneSeedRowForAllSamplesAConvNetDoesNot() {
        Map<String, Tensor> tanh = FixtureJacobianTest.inputs("mlp_tanh");
        try (OnnxModel model = OnnxModel.load(FixtureJacobianTest.FIXTURES.resolve("mlp_tanh.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            assertTrue(safe(model, engine, tanh, JacobianMode.REVERSE), "Gemm, then a per-sample tanh slope");
            assertTrue(safe(model, engine, tanh, JacobianMode.FORWARD));
        }
        Map<String, Tensor> cnn = FixtureJacobianTest.inputs("cnn_small");
        try (OnnxModel model = OnnxModel.load(FixtureJacobianTest.FIXTURES.resolve("cnn_small.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            // the last layer's cotangent is reshaped to the feature map's shape, batch axis included
            assertFalse(safe(model, engine, cnn, JacobianMode.REVERSE));
        }
    }

    @Test
    void aLinearModelKeepsTheFullSeedSinceNoFactorSpreadsItOverTheSamples() throws Exception {
        TestGraph g = new TestGraph(13, 1, 4).dynamicBatch().input("x", 3, 4).fixed("w", 4, 2)
            .node("MatMul", List.of("x", "w"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "linear"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            assertFalse(safe(model, engine, g.values(), JacobianMode.REVERSE));
            JacobianResult j = engine.compute(JacobianRequest.of(g.values()), ProgressMonitor.NONE);
            assertEquals(3 * 2 * 4, j.jacobian().size());
        }
    }

    @Test
    void broadcastSeedsGiveTheSameJacobianInOneRunAndInChunksOfDirections() {
        Map<String, Tensor> inputs = OnnxJacobianEngineTest.tiled("mlp_tanh", 5);
        try (OnnxModel model = OnnxModel.load(FixtureJacobianTest.FIXTURES.resolve("mlp_tanh.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianRequest request = JacobianRequest.of(inputs).withMode(mode);
                JacobianResult whole = engine.compute(request.withMaxMemory(1L << 40), ProgressMonitor.NONE);
                JacobianResult chunked = engine.compute(request.withMaxMemory(engine.bytesPerPair(request) * 3), ProgressMonitor.NONE);
                assertTrue(chunked.chunks() > whole.chunks());
                float[] a = whole.jacobian().floats();
                float[] b = chunked.jacobian().floats();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-6 * Math.max(1, Math.abs(a[i])), mode + " element " + i);
                }
            }
        }
    }
}
