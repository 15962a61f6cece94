package org.jacobi.jacobian.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jacobi.core.CancelledException;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.torch.TorchRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchJacobianEngineTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final Path MODELS = Path.of("src/test/resources/models");

    static Model load(Path file) {
        return ModelLoader.load(file);
    }

    static Tensor npy(Path dir, String name) {
        return Npy.read(dir.resolve(name));
    }

    /** max|J - Jref| / max(1, max|Jref|), asserted <= 1e-4 (float32 engine against a float64 reference). */
    static double assertMatches(Tensor reference, Tensor actual, String what) {
        assertArrayEquals(reference.shape(), actual.shape(), what + ": shape");
        double maxRef = 0;
        double maxErr = 0;
        for (int i = 0; i < reference.size(); i++) {
            maxRef = Math.max(maxRef, Math.abs(reference.getDouble(i)));
            maxErr = Math.max(maxErr, Math.abs(reference.getDouble(i) - actual.getDouble(i)));
        }
        double scaled = maxErr / Math.max(1, maxRef);
        System.out.printf("%s: max|J-Jref| = %.3g (max|Jref| = %.3g)%n", what, maxErr, maxRef);
        assertTrue(scaled <= 1e-4, what + ": max error " + maxErr + " against max|Jref| " + maxRef);
        return maxErr;
    }

    static JacobianResult jacobian(Model model, JacobianRequest request) {
        try (JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            assertInstanceOf(TorchJacobianEngine.class, engine);
            return engine.compute(request, ProgressMonitor.NONE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_tanh", "mlp_relu_softmax", "cnn_small", "decoder_sigmoid"})
    void fixtureMatchesReference(String name) {
        try (Model model = load(FIXTURES.resolve(name + ".pt"))) {
            Tensor x = npy(FIXTURES, name + ".input.npy");
            JacobianResult r = jacobian(model, JacobianRequest.of(Map.of("x", x)));
            assertTrue(r.exact());
            assertTrue(r.batched());
            assertEquals(JacobianMode.REVERSE, r.mode());
            assertEquals("CPU", r.device());
            assertMatches(npy(FIXTURES, name + ".jacobian.npy"), r.jacobian(), name);
            assertMatches(npy(FIXTURES, name + ".output_f32.npy"), r.output(), name + " output");
        }
    }

    @Test
    void twoInputsMatchReferenceForEachInput() {
        try (Model model = load(FIXTURES.resolve("two_inputs.pt"))) {
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("x1", npy(FIXTURES, "two_inputs.input.x1.npy"));
            inputs.put("x2", npy(FIXTURES, "two_inputs.input.x2.npy"));
            for (String wrt : new String[] {"x1", "x2"}) {
                JacobianResult r = jacobian(model, JacobianRequest.of(inputs).withWrtOf(wrt, null));
                assertEquals(wrt, r.wrt());
                assertMatches(npy(FIXTURES, "two_inputs.jacobian." + wrt + ".npy"), r.jacobian(), "two_inputs " + wrt);
            }
        }
    }

    @Test
    void severalOutputsOfHigherRankAndOutputsIndependentOfAnInput() {
        try (Model model = load(MODELS.resolve("multi_output.pt"))) {
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("x1", npy(MODELS, "multi_output.input.x1.npy"));
            inputs.put("x2", npy(MODELS, "multi_output.input.x2.npy"));
            for (String of : new String[] {"output0", "output1"}) {
                for (String wrt : new String[] {"x1", "x2"}) {
                    JacobianResult r = jacobian(model, JacobianRequest.of(inputs).withWrtOf(wrt, of));
                    assertMatches(npy(MODELS, "multi_output.jacobian." + of + "." + wrt + ".npy"), r.jacobian(),
                        "multi_output " + of + "/" + wrt);
                }
            }
        }
    }

    @Test
    void float64ModelMatchesItsReference() {
        try (Model model = ModelLoader.load(MODELS.resolve("float64_mlp.pt"),
            new ModelLoader.Options(DevicePreference.AUTO, Map.of("input", new long[] {5})))) {
            Tensor x = npy(MODELS, "float64_mlp.input.npy"); // nn.Sequential names its argument "input"
            JacobianResult r = jacobian(model, JacobianRequest.of(Map.of("input", x)));
            assertMatches(npy(MODELS, "float64_mlp.jacobian.npy"), r.jacobian(), "float64_mlp");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dropout_mlp", "batchnorm_cnn", "dropout_mlp_saved_in_train_mode"})
    void dropoutAndBatchNormGiveEvalModeJacobians(String file) {
        String name = file.startsWith("dropout_mlp") ? "dropout_mlp" : file;
        try (Model model = load(MODELS.resolve(file + ".pt"))) {
            Tensor x = npy(MODELS, name + ".input.npy");
            // An inference call first: with DJL's block forward this would flip the module into train mode.
            model.run(Map.of("x", x));
            for (int repeat = 0; repeat < 2; repeat++) {
                JacobianResult r = jacobian(model, JacobianRequest.of(Map.of("x", x)));
                assertMatches(npy(MODELS, name + ".jacobian.npy"), r.jacobian(), file + " run " + repeat);
                assertMatches(npy(MODELS, name + ".output.npy"), r.output(), file + " output");
            }
            assertMatches(npy(MODELS, name + ".output.npy"), model.run(Map.of("x", x)).get("output0"), file + " run after");
        }
    }

    @Test
    void batchAxisNoneTreatsTheWholeTensorAsOneSample() {
        try (Model model = load(MODELS.resolve("batch_mixing.pt"))) {
            Tensor x = npy(MODELS, "batch_mixing.input.npy");
            JacobianResult r = jacobian(model, JacobianRequest.of(Map.of("x", x)).withBatchAxis(BatchAxis.NONE));
            assertFalse(r.batched());
            assertArrayEquals(new long[] {3, 2}, r.sampleOutputShape());
            assertMatches(npy(MODELS, "batch_mixing.jacobian.npy"), r.jacobian(), "batch_mixing none");
        }
    }

    @Test
    void batchAxisNoneOnAPerSampleModelGivesTheBlockDiagonal() {
        try (Model model = load(FIXTURES.resolve("mlp_tanh.pt"))) {
            Tensor x = npy(FIXTURES, "mlp_tanh.input.npy");
            JacobianResult full = jacobian(model, JacobianRequest.of(Map.of("x", x)).withBatchAxis(BatchAxis.NONE));
            assertArrayEquals(new long[] {4, 4, 4, 8}, full.jacobian().shape());
            Tensor ref = npy(FIXTURES, "mlp_tanh.jacobian.npy");
            for (int b = 0; b < 4; b++) {
                for (int b2 = 0; b2 < 4; b2++) {
                    for (int o = 0; o < 4; o++) {
                        for (int i = 0; i < 8; i++) {
                            double expected = b == b2 ? ref.getDouble((b * 4 + o) * 8 + i) : 0;
                            double actual = full.jacobian().getDouble(((b * 4 + o) * 4 + b2) * 8 + i);
                            assertEquals(expected, actual, 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void chunkingGivesTheSameResult() {
        try (Model model = load(FIXTURES.resolve("cnn_small.pt"))) {
            Tensor x = npy(FIXTURES, "cnn_small.input.npy");
            JacobianResult whole = jacobian(model, JacobianRequest.of(Map.of("x", x)));
            JacobianResult chunked = jacobian(model, JacobianRequest.of(Map.of("x", x)).withMaxMemory(200_000));
            assertEquals(1, whole.chunks());
            assertTrue(chunked.chunks() >= 5, "chunks: " + chunked.chunks());
            float[] a = whole.jacobian().floats();
            float[] b = chunked.jacobian().floats();
            double maxDiff = 0;
            for (int i = 0; i < a.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            assertTrue(maxDiff <= 1e-7, "chunked differs by " + maxDiff);
            assertMatches(npy(FIXTURES, "cnn_small.jacobian.npy"), chunked.jacobian(), "cnn_small chunked");
        }
    }

    @Test
    void forwardModeIsRefusedAndAutoMeansReverse() {
        try (Model model = load(FIXTURES.resolve("decoder_sigmoid.pt"))) {
            Tensor x = npy(FIXTURES, "decoder_sigmoid.input.npy");
            JacobiException e = assertThrows(JacobiException.class,
                () -> jacobian(model, JacobianRequest.of(Map.of("x", x)).withMode(JacobianMode.FORWARD)));
            assertEquals(2, e.exitCode());
            assertTrue(e.getMessage().contains("--mode forward"), e.getMessage());
            // 16 inputs, 784 outputs: AUTO would pick forward on ONNX, but means reverse here.
            assertEquals(JacobianMode.REVERSE, jacobian(model, JacobianRequest.of(Map.of("x", x))).mode());
        }
    }

    @Test
    void cancellationStopsBetweenChunksAndLeavesTheEngineUsable() {
        try (Model model = load(FIXTURES.resolve("mlp_relu_softmax.pt"));
             JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Tensor x = npy(FIXTURES, "mlp_relu_softmax.input.npy");
            JacobianRequest request = JacobianRequest.of(Map.of("x", x)).withMaxMemory(10_000);
            AtomicInteger progressCalls = new AtomicInteger();
            ProgressMonitor cancelAfterTwo = new ProgressMonitor() {
                @Override
                public void progress(long done, long total, String message) {
                    progressCalls.incrementAndGet();
                }

                @Override
                public boolean isCancelled() {
                    return progressCalls.get() >= 2;
                }
            };
            assertThrows(CancelledException.class, () -> engine.compute(request, cancelAfterTwo));
            assertEquals(2, progressCalls.get());
            JacobianResult r = engine.compute(request, ProgressMonitor.NONE);
            assertTrue(r.chunks() > 2);
            assertMatches(npy(FIXTURES, "mlp_relu_softmax.jacobian.npy"), r.jacobian(), "after cancel");
        }
    }

    @Test
    void vectorJacobianProductMatchesTheJacobian() {
        try (Model model = load(FIXTURES.resolve("mlp_tanh.pt"));
             JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Tensor x = npy(FIXTURES, "mlp_tanh.input.npy");
            float[] c = new float[16];
            for (int i = 0; i < c.length; i++) {
                c[i] = (i % 5) - 2;
            }
            Tensor cot = Tensor.ofFloats(c, 4, 4);
            Tensor vjp = engine.vectorJacobianProduct(JacobianRequest.of(Map.of("x", x)), cot, ProgressMonitor.NONE);
            Tensor ref = npy(FIXTURES, "mlp_tanh.jacobian.npy");
            assertArrayEquals(new long[] {4, 8}, vjp.shape());
            for (int b = 0; b < 4; b++) {
                for (int i = 0; i < 8; i++) {
                    double expected = 0;
                    for (int o = 0; o < 4; o++) {
                        expected += c[b * 4 + o] * ref.getDouble((b * 4 + o) * 8 + i);
                    }
                    assertEquals(expected, vjp.getDouble(b * 8 + i), 1e-5);
                }
            }
        }
    }

    @Test
    void vectorJacobianProductOfAFloat64ModelIsFloat64() {
        try (Model model = load(MODELS.resolve("float64_mlp.pt")); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Tensor x = npy(MODELS, "float64_mlp.input.npy"); // [4, 5] -> [4, 2]
            Tensor ref = npy(MODELS, "float64_mlp.jacobian.npy");
            Tensor cot = Tensor.ofDoubles(new double[] {1, 0, 0, 1, 1, 1, 0.5, -2}, 4, 2);
            Tensor vjp = engine.vectorJacobianProduct(JacobianRequest.of(Map.of("input", x)), cot, ProgressMonitor.NONE);
            assertEquals(ElementType.FLOAT64, vjp.type());
            for (int b = 0; b < 4; b++) {
                for (int i = 0; i < 5; i++) {
                    double expected = cot.getDouble(b * 2) * ref.getDouble((b * 2) * 5 + i)
                        + cot.getDouble(b * 2 + 1) * ref.getDouble((b * 2 + 1) * 5 + i);
                    assertEquals(expected, vjp.getDouble(b * 5 + i), 1e-12);
                }
            }
        }
    }

    @Test
    void cudaRequestedWithoutGpuRunsOnCpuWithANotice() {
        Assumptions.assumeFalse(TorchRuntime.cudaUsable());
        Path file = FIXTURES.resolve("mlp_tanh.pt");
        try (Model model = ModelLoader.load(file, new ModelLoader.Options(DevicePreference.CUDA, Map.of()))) {
            JacobianResult r = jacobian(model, JacobianRequest.of(Map.of("x", npy(FIXTURES, "mlp_tanh.input.npy"))));
            assertEquals("CPU", r.device());
            assertEquals(1, r.warnings().size());
            assertTrue(r.warnings().get(0).contains("CUDA requested"), r.warnings().get(0));
        }
        try (Model model = ModelLoader.load(file)) {
            JacobianResult r = jacobian(model, JacobianRequest.of(Map.of("x", npy(FIXTURES, "mlp_tanh.input.npy"))));
            assertEquals("CPU", r.device());
            assertTrue(r.warnings().isEmpty(), "AUTO without a GPU needs no warning: " + r.warnings());
        }
    }

    @Test
    void aValueInsideATorchScriptModelCannotBeNamedAndTheMessageSaysWhatToDo() {
        try (Model model = load(FIXTURES.resolve("mlp_tanh.pt"))) {
            Tensor x = npy(FIXTURES, "mlp_tanh.input.npy");
            for (JacobianRequest request : new JacobianRequest[] {JacobianRequest.of(Map.of("x", x)).withWrtOf("hidden", null),
                JacobianRequest.of(Map.of("x", x)).withWrtOf("x", "hidden")}) {
                JacobiException e = assertThrows(JacobiException.class, () -> jacobian(model, request));
                assertTrue(e.getMessage().contains("export it to ONNX") && !e.getMessage().contains("\n"), e.getMessage());
            }
        }
    }
}
