package org.jacobi.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.TensorFiles;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.InputSources;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelComparisonTest {
    private static final Path ONNX = TestFiles.fixture("mlp_tanh.onnx");
    private static final Path TORCH = TestFiles.fixture("mlp_tanh.pt");

    private static Map<String, Tensor> inputs(Model model) {
        return InputSources.bind(model.info(),
            List.of(new TensorFiles.InputArgument(null, TestFiles.fixture("mlp_tanh.input.npy"))), InputSettings.defaults());
    }

    @Test
    void anOnnxExportAgreesWithItsTorchScriptTwinToFloat32Rounding() {
        try (Model a = ModelLoader.load(ONNX); Model b = ModelLoader.load(TORCH)) {
            ComparisonResult r = ModelComparison.compare(a, b, ComparisonRequest.of(inputs(a)), ProgressMonitor.NONE);
            assertEquals(Map.of("x", "x"), r.inputPairs());
            assertEquals(1, r.outputs().size());
            assertEquals("y", r.outputs().get(0).nameA());
            assertEquals("output0", r.outputs().get(0).nameB());
            assertTrue(r.notes().stream().anyMatch(n -> n.contains("paired by position")), r.notes().toString());
            assertArrayEquals(new long[] {4, 4, 8}, r.jacobianDifference().shape());
            assertTrue(r.maxAbsJacobianA() > 0.1, "a Jacobian that is not near zero: " + r.maxAbsJacobianA());
            assertTrue(r.maxRelJacobianDifference() < 1e-5, "rel " + r.maxRelJacobianDifference());
            assertTrue(r.maxAbsOutputDifference() < 1e-5 * r.outputs().get(0).maxAbsA(), "out " + r.maxAbsOutputDifference());
            assertEquals(8, r.ranking().size());
            for (int i = 0; i < 8; i++) {
                assertEquals(i + 1, r.ranking().get(i).rankA());
            }
        }
    }

    @Test
    void aTorchScriptModelCanBeModelA() {
        try (Model a = ModelLoader.load(TORCH); Model b = ModelLoader.load(ONNX)) {
            Map<String, Tensor> x = InputSources.bind(a.info(),
                List.of(new TensorFiles.InputArgument(null, TestFiles.fixture("mlp_tanh.input.npy"))), InputSettings.defaults());
            ComparisonResult r = ModelComparison.compare(a, b, ComparisonRequest.of(x), ProgressMonitor.NONE);
            assertEquals("output0", r.jacobianA().of());
            assertEquals("y", r.jacobianB().of());
            assertTrue(r.maxRelJacobianDifference() < 1e-5, "rel " + r.maxRelJacobianDifference());
        }
    }

    @Test
    void aPerturbedCopyIsReportedExactly(@TempDir Path dir) throws IOException {
        float factor = 1.25f;
        int row = 2;
        Path perturbed = EditedModels.scaleInitializerRow(ONNX, "l3.weight", row, factor, dir.resolve("perturbed.onnx"));
        try (Model a = ModelLoader.load(ONNX); Model b = ModelLoader.load(perturbed)) {
            Map<String, Tensor> x = inputs(a);
            ComparisonResult r = ModelComparison.compare(a, b, ComparisonRequest.of(x), ProgressMonitor.NONE);

            // the same Jacobians computed directly, one model at a time
            float[] ja = direct(a, x).jacobian().floats();
            float[] jb = direct(b, x).jacobian().floats();
            double maxDiff = 0;
            double maxA = 0;
            double maxRowA = 0;
            for (int i = 0; i < ja.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs((double) ja[i] - jb[i]));
                maxA = Math.max(maxA, Math.abs(ja[i]));
                if ((i / 8) % 4 == row) {
                    maxRowA = Math.max(maxRowA, Math.abs(ja[i]));
                }
                assertEquals((float) ((double) ja[i] - jb[i]), r.jacobianDifference().floats()[i]);
            }
            assertEquals(maxDiff, r.maxAbsJacobianDifference());
            assertEquals(maxA, r.maxAbsJacobianA());
            assertEquals(maxDiff / maxA, r.maxRelJacobianDifference());
            // scaling row 2 of the last weight scales row 2 of every Jacobian by the same factor, nothing else
            assertEquals((factor - 1) * maxRowA, maxDiff, 1e-6 * maxRowA);
            double[] perOutput = r.maxAbsJacobianDifferencePerOutput();
            for (int o = 0; o < 4; o++) {
                if (o != row) {
                    assertEquals(0.0, perOutput[o], 1e-7 * maxA, "output " + o);
                }
            }

            Tensor ya = a.run(x).get("y");
            Tensor yb = b.run(x).get("y");
            double maxOut = 0;
            for (int i = 0; i < ya.size(); i++) {
                maxOut = Math.max(maxOut, Math.abs(ya.getDouble(i) - yb.getDouble(i)));
            }
            assertEquals(maxOut, r.maxAbsOutputDifference());
            assertTrue(maxOut > 1e-3, "the perturbation shows in the outputs: " + maxOut);
        }
    }

    private static JacobianResult direct(Model model, Map<String, Tensor> x) {
        try (JacobianEngine engine = Jacobians.engineFor(model)) {
            return engine.compute(JacobianRequest.of(x), ProgressMonitor.NONE);
        }
    }

    @Test
    void differentInputNamesAreRefusedWithBothSidesAndASuggestedMapping(@TempDir Path dir) throws IOException {
        Path renamed = EditedModels.renameInput(ONNX, "x", "features", dir.resolve("renamed.onnx"));
        try (Model a = ModelLoader.load(ONNX); Model b = ModelLoader.load(renamed)) {
            Map<String, Tensor> x = inputs(a);
            ModelMismatchException e = assertThrows(ModelMismatchException.class,
                () -> ModelComparison.compare(a, b, ComparisonRequest.of(x), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("mlp_tanh.onnx takes [x [batch, 8]]"), e.getMessage());
            assertTrue(e.getMessage().contains("renamed.onnx takes [features [batch, 8]]"), e.getMessage());
            assertTrue(e.getMessage().contains("--map x=features"), e.getMessage());
            assertEquals(Map.of("x", "features"), e.suggestion().aToB());
            assertEquals(2, e.exitCode());

            ComparisonResult r = ModelComparison.compare(a, b, ComparisonRequest.of(x).withMapping(e.suggestion()),
                ProgressMonitor.NONE);
            assertEquals(0.0, r.maxAbsJacobianDifference());
            assertEquals(0.0, r.maxAbsOutputDifference());
            assertTrue(r.notes().stream().anyMatch(n -> n.contains("fed to features")), r.notes().toString());
        }
    }

    @Test
    void aShapeThatDoesNotFitModelBNamesBothShapes() {
        try (Model a = ModelLoader.load(ONNX); Model b = ModelLoader.load(TestFiles.fixture("cnn_small.onnx"))) {
            ComparisonRequest request = ComparisonRequest.of(inputs(a));
            ModelMismatchException e = assertThrows(ModelMismatchException.class,
                () -> ModelComparison.compare(a, b, request, ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("[batch, 8]") && e.getMessage().contains("cnn_small.onnx ("), e.getMessage());
        }
    }

    @Test
    void cancellingStopsTheComparison() {
        try (Model a = ModelLoader.load(ONNX); Model b = ModelLoader.load(ONNX)) {
            ProgressMonitor cancelled = new ProgressMonitor() {
                @Override
                public void progress(long done, long total, String message) {
                }

                @Override
                public boolean isCancelled() {
                    return true;
                }
            };
            assertThrows(CancelledException.class,
                () -> ModelComparison.compare(a, b, ComparisonRequest.of(inputs(a)), cancelled));
        }
    }

    @Test
    void ranksPutTheLargestFirstAndKeepIndexOrderOnTies() {
        assertArrayEquals(new int[] {3, 1, 2, 4}, ModelComparison.ranks(new double[] {1, 5, 2, 1}));
        RankChange moved = new RankChange(0, "x[0]", 1, 2, 3, 1);
        assertEquals(-2, moved.change());
    }

    @Test
    void mappingsParseAndRefuseMalformedPairs() {
        assertEquals(Map.of("x", "input"), NameMapping.parse(List.of("x=input")).aToB());
        assertThrows(JacobiException.class, () -> NameMapping.parse(List.of("x")));
        assertThrows(JacobiException.class, () -> NameMapping.parse(List.of("x=a", "x=b")));
        assertEquals(Map.of("a", "a", "b", "q"), NameMapping.suggest(List.of("a", "b"), List.of("q", "a")).aToB());
        assertEquals("--map b=q", NameMapping.suggest(List.of("a", "b"), List.of("q", "a")).asOptions());
    }
}
