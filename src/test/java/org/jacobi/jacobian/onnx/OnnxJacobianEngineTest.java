package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.OperatorTableTestAccess;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.CancelledException;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxJacobianEngineTest {
    static final Path FIXTURES = FixtureJacobianTest.FIXTURES;

    @TempDir
    Path dir;

    /** A monitor that records progress and can cancel itself at the first progress report. */
    static final class Recorder implements ProgressMonitor {
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean cancelled = new AtomicBoolean();
        final boolean cancelOnFirst;

        Recorder(boolean cancelOnFirst) {
            this.cancelOnFirst = cancelOnFirst;
        }

        @Override
        public void progress(long done, long total, String message) {
            messages.add(message);
            if (cancelOnFirst) {
                cancelled.set(true);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    /** The fixture's inputs repeated {@code copies} times along the batch axis. */
    static Map<String, Tensor> tiled(String model, int copies) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        FixtureJacobianTest.inputs(model).forEach((k, v) -> in.put(k, Tensor.concatRows(Collections.nCopies(copies, v))));
        return in;
    }

    @Test
    void engineIsRegisteredForOnnxModels() {
        try (OnnxModel model = OnnxModel.load(FIXTURES.resolve("mlp_tanh.onnx"), DevicePreference.CPU);
             JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            assertTrue(engine instanceof OnnxJacobianEngine);
        }
    }

    @Test
    void autoModePicksForwardForWideOutputsAndReverseForWideInputs() {
        try (OnnxModel decoder = OnnxModel.load(FIXTURES.resolve("decoder_sigmoid.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine wide = new OnnxJacobianEngine(decoder);
             OnnxModel cnn = OnnxModel.load(FIXTURES.resolve("cnn_small.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine narrow = new OnnxJacobianEngine(cnn)) {
            assertEquals(JacobianMode.FORWARD, wide.compute(JacobianRequest.of(FixtureJacobianTest.inputs("decoder_sigmoid")),
                ProgressMonitor.NONE).mode());
            assertEquals(JacobianMode.REVERSE, narrow.compute(JacobianRequest.of(FixtureJacobianTest.inputs("cnn_small")),
                ProgressMonitor.NONE).mode());
        }
    }

    @Test
    void missingRuleNamesOperatorNodeAndMode() throws Exception {
        // Det (matrix determinant) has no rule; if it gains one, pick another operator without one.
        TestGraph g = new TestGraph(13, 1, 1).input("x", 2, 3, 3)
            .node("Det", List.of("x"), List.of("c")).node("Tanh", List.of("c"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "det"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianRequest request = new JacobianRequest(g.values(), null, null, BatchAxis.NONE, mode, 0);
                NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                    () -> engine.compute(request, ProgressMonitor.NONE));
                String expected = mode == JacobianMode.FORWARD ? "forward" : "reverse";
                assertTrue(e.getMessage().contains("Det") && e.getMessage().contains("'Det_0'")
                    && e.getMessage().contains(expected), e.getMessage());
            }
        }
    }

    @Test
    void operatorsOffThePathNeedNoRule() throws Exception {
        // CumSum only touches a fixed tensor, so the derivative never passes through it.
        TestGraph g = new TestGraph(13, 11, 2).input("x", 3, 4).fixed("w", 3, 4).ints("axis", new long[] {1}, new long[0])
            .node("CumSum", List.of("w", "axis"), List.of("c")).node("Mul", List.of("x", "c"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "offpath"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianResult r = engine.compute(new JacobianRequest(g.values(), null, null, BatchAxis.NONE, JacobianMode.REVERSE, 0),
                ProgressMonitor.NONE);
            assertArrayEquals(new long[] {3, 4, 3, 4}, r.jacobian().shape());
        }
    }

    @Test
    void batchAxisNoneGivesTheTrueJacobianOfAnOperatorMixingAxisZero() throws Exception {
        TestGraph g = new TestGraph(13, 11, 3).dynamicBatch().input("x", 3, 4)
            .node("Softmax", List.of("x"), List.of("s"), Attr.i("axis", 0)).node("Transpose", List.of("s"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "softmax0"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            double[] fd = OperatorTableTestAccess.centralDifferences(model, g.values(), "x", "y");
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianResult r = engine.compute(new JacobianRequest(g.values(), null, null, BatchAxis.NONE, mode, 0),
                    ProgressMonitor.NONE);
                assertArrayEquals(new long[] {4, 3, 3, 4}, r.jacobian().shape());
                assertTrue(!r.batched());
                double[] j = r.jacobian().toDoubleArray();
                for (int i = 0; i < j.length; i++) {
                    assertEquals(fd[i], j[i], 1e-6, mode + " element " + i);
                }
            }
            // AUTO takes the declared dynamic axis 0 as the batch, but the output moved it: a clear error.
            JacobiException e = assertThrows(JacobiException.class, () -> engine.compute(
                new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.FORWARD, 0), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("--batch-axis none"), e.getMessage());
        }
    }

    @Test
    void batchAxisZeroOnAFixedShapeModelRunsAllSamplesTogether() throws Exception {
        // Fixed shape [3, 4]: one sample by default, three samples with --batch-axis 0.
        TestGraph g = new TestGraph(13, 11, 5).input("x", 3, 4).fixed("w", 4, 2)
            .node("MatMul", List.of("x", "w"), List.of("h")).node("Tanh", List.of("h"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "fixed"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianResult whole = engine.compute(new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.REVERSE, 0),
                ProgressMonitor.NONE);
            assertArrayEquals(new long[] {3, 2, 3, 4}, whole.jacobian().shape());
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianRequest request = new JacobianRequest(g.values(), null, null, BatchAxis.ZERO, mode, 0);
                // a budget for about one direction at a time
                JacobianResult perSample = engine.compute(request.withMaxMemory(engine.bytesPerPair(request) * 3), ProgressMonitor.NONE);
                assertArrayEquals(new long[] {3, 2, 4}, perSample.jacobian().shape());
                assertTrue(perSample.chunks() > 1);
                float[] full = whole.jacobian().floats();
                float[] blocks = perSample.jacobian().floats();
                for (int b = 0; b < 3; b++) {
                    for (int o = 0; o < 2; o++) {
                        for (int i = 0; i < 4; i++) {
                            assertEquals(full[((b * 2 + o) * 3 + b) * 4 + i], blocks[(b * 2 + o) * 4 + i], 1e-6, mode + "");
                        }
                    }
                }
            }
        }
    }

    @Test
    void smallBudgetGivesTheSameResultInSeveralChunks() {
        Map<String, Tensor> inputs = tiled("cnn_small", 4);
        try (OnnxModel model = OnnxModel.load(FIXTURES.resolve("cnn_small.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianRequest request = new JacobianRequest(inputs, null, null, BatchAxis.AUTO, mode, 0);
                JacobianResult whole = engine.compute(request.withMaxMemory(1L << 40), ProgressMonitor.NONE);
                assertEquals(1, whole.chunks());
                long perPair = engine.bytesPerPair(request);
                // room for 3 samples of all directions (reverse) or 20 directions of one sample (forward)
                long budget = mode == JacobianMode.REVERSE ? perPair * 30 : perPair * 20;
                Recorder monitor = new Recorder(false);
                JacobianResult chunked = engine.compute(request.withMaxMemory(budget), monitor);
                assertTrue(chunked.chunks() > 4, "chunks: " + chunked.chunks());
                assertEquals(chunked.chunks() + 1, monitor.messages.size());
                float[] a = whole.jacobian().floats();
                float[] b = chunked.jacobian().floats();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-6 * Math.max(1, Math.abs(a[i])), mode + " element " + i);
                }
                assertArrayEquals(whole.output().toFloatArray(), chunked.output().toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void chunksNeverExceedTheBudget() {
        // mlp_big-sized: 4096 samples, 64 reverse directions
        long perPair = 53_000;
        long budget = 256L << 20;
        ChunkPlan plan = ChunkPlan.of(4096, 64, perPair, budget);
        assertTrue(plan.pairsPerRun() * perPair <= budget);
        assertEquals(64, plan.directionsPerChunk());
        assertTrue(plan.chunks() > 1);
        ChunkPlan tight = ChunkPlan.of(4096, 64, perPair, perPair * 10);
        assertEquals(1, tight.samplesPerChunk());
        assertEquals(10, tight.directionsPerChunk());
        assertEquals(4096 * 7, tight.chunks());
        // 8 samples of 10 directions, 60 pairs a run at most: two runs of 4 samples, not 6 and 2
        ChunkPlan even = ChunkPlan.of(8, 10, perPair, perPair * 60);
        assertEquals(4, even.samplesPerChunk());
        assertEquals(2, even.chunks());
        // 64 samples, at most 7 a run: ten runs of 6 or 7 covering every sample once, not nine of 7 and one of 1
        ChunkPlan split = ChunkPlan.of(64, 10, perPair, perPair * 70);
        assertEquals(10, split.sampleChunks());
        int next = 0;
        for (int sc = 0; sc < split.sampleChunks(); sc++) {
            assertEquals(next, split.sampleStart(sc));
            assertTrue(split.sampleCount(sc) == 6 || split.sampleCount(sc) == 7, "chunk " + sc);
            assertTrue(split.sampleCount(sc) <= split.samplesPerChunk());
            next += split.sampleCount(sc);
        }
        assertEquals(64, next);
        assertEquals(10, split.directionCount(0));
    }

    @Test
    void defaultRunsHoldAtLeastAFewDozenPairsWhenThePairsAreLarge() {
        JacobianRequest request = JacobianRequest.of(Map.of());
        long perPair = 3L << 20; // a ResNet-18 on 64 x 64 images, 10 directions a sample
        long budget = ChunkPlan.runBudget(request, perPair, 10);
        assertEquals(Math.min(request.memoryBudget(), ChunkPlan.MIN_PAIRS_PER_RUN * perPair), budget);
        // small pairs keep cache-sized runs; an explicit budget is taken as it is
        assertEquals(Math.min(request.memoryBudget(), ChunkPlan.PREFERRED_RUN_BYTES),
            ChunkPlan.runBudget(request, 4096, 10));
        assertEquals(1L << 20, ChunkPlan.runBudget(request.withMaxMemory(1L << 20), perPair, 10));
    }

    @Test
    void memoryEstimateCoversTheActivationsOfAnMlpBigModel() throws Exception {
        TestGraph g = new TestGraph(13, 1, 4).dynamicBatch().domain(-0.05, 0.05).input("x", 2, 256)
            .fixed("w1", 256, 1024).fixed("w2", 1024, 1024).fixed("w3", 1024, 64)
            .node("MatMul", List.of("x", "w1"), List.of("h1")).node("Tanh", List.of("h1"), List.of("a1"))
            .node("MatMul", List.of("a1", "w2"), List.of("h2")).node("Tanh", List.of("h2"), List.of("a2"))
            .node("MatMul", List.of("a2", "w3"), List.of("y")).output("y");
        try (OnnxModel model = OnnxModel.load(g.write(dir, "mlp_big"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.AUTO, 0);
            long perPair = engine.bytesPerPair(request);
            // one float32 cotangent of every activation of one sample, at least
            assertTrue(perPair >= 4L * (256 + 4 * 1024 + 64), "estimate " + perPair);
            ChunkPlan plan = ChunkPlan.of(4096, 64, perPair, 512L << 20);
            assertTrue(plan.pairsPerRun() * perPair <= 512L << 20);
        }
    }

    @Test
    void cancelStopsBeforeTheNextChunk() {
        Map<String, Tensor> inputs = tiled("cnn_small", 8);
        try (OnnxModel model = OnnxModel.load(FIXTURES.resolve("cnn_small.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(inputs, null, null, BatchAxis.AUTO, JacobianMode.FORWARD, 0);
            long budget = engine.bytesPerPair(request) * 64;
            Recorder monitor = new Recorder(true);
            assertThrows(CancelledException.class, () -> engine.compute(request.withMaxMemory(budget), monitor));
            assertEquals(1, monitor.messages.size(), "work stopped after the first chunk");
        }
    }

    @Test
    void cancelTerminatesARunInFlight() {
        // One chunk only: forward mode over 784 directions of 16 samples takes far longer than the 50 ms
        // after which the monitor says cancel, so only RunOptions.setTerminate can stop it with an exception.
        Map<String, Tensor> inputs = tiled("cnn_small", 4);
        try (OnnxModel model = OnnxModel.load(FIXTURES.resolve("cnn_small.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(inputs, null, null, BatchAxis.AUTO, JacobianMode.FORWARD, 1L << 40);
            engine.differentiatedGraph(request); // build the session first, so the run is what gets cancelled
            Recorder monitor = new Recorder(false);
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            try {
                timer.schedule(() -> monitor.cancelled.set(true), 50, TimeUnit.MILLISECONDS);
                assertThrows(CancelledException.class, () -> engine.compute(request, monitor));
            } finally {
                timer.shutdownNow();
            }
            assertEquals(1, monitor.messages.size(), "one chunk, stopped while running");
        }
    }

    @Test
    void vectorJacobianProductIsOneReversePass() {
        Map<String, Tensor> inputs = FixtureJacobianTest.inputs("two_inputs");
        try (OnnxModel model = OnnxModel.load(FIXTURES.resolve("two_inputs.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(inputs, "x2", null, BatchAxis.AUTO, JacobianMode.FORWARD, 0);
            JacobianResult full = engine.compute(request, ProgressMonitor.NONE);
            float[] c = new float[4 * 5];
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) Math.sin(i + 1);
            }
            Tensor vjp = engine.vectorJacobianProduct(request, Tensor.ofFloats(c, 4, 5), ProgressMonitor.NONE);
            assertArrayEquals(new long[] {4, 3}, vjp.shape());
            float[] j = full.jacobian().floats();
            for (int b = 0; b < 4; b++) {
                for (int i = 0; i < 3; i++) {
                    double expected = 0;
                    for (int o = 0; o < 5; o++) {
                        expected += c[b * 5 + o] * j[(b * 5 + o) * 3 + i];
                    }
                    assertEquals(expected, vjp.getDouble(b * 3 + i), 1e-5);
                }
            }
        }
    }

    @Test
    void differentiatedGraphIsANewModelWithSeedAndResult() {
        try (OnnxModel model = OnnxModel.load(FIXTURES.resolve("mlp_tanh.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            Onnx.ModelProto before = model.proto();
            byte[] original = before.toByteArray();
            Onnx.ModelProto graph = engine.differentiatedGraph(JacobianRequest.of(FixtureJacobianTest.inputs("mlp_tanh")));
            assertArrayEquals(original, model.proto().toByteArray(), "the source model is unchanged");
            assertTrue(graph.getGraph().getInputList().stream().anyMatch(v -> v.getName().equals(Differentiator.SEED)));
            assertTrue(graph.getGraph().getOutputList().stream().anyMatch(v -> v.getName().equals(OnnxJacobianEngine.BLOCK)));
            assertTrue(graph.getGraph().getNodeList().stream().anyMatch(n -> n.getName().startsWith("vjp/")));
        }
    }
}
