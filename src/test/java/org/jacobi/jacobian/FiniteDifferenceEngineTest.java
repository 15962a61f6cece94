package org.jacobi.jacobian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiniteDifferenceEngineTest {
    @Test
    void approximatesTheReferenceJacobian() {
        try (Model model = ModelLoader.load(TestFiles.fixture("mlp_tanh.onnx"));
             FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model)) {
            Tensor x = Npy.read(TestFiles.fixture("mlp_tanh.input.npy"));
            JacobianResult r = fd.compute(JacobianRequest.of(Map.of("x", x)), ProgressMonitor.NONE);
            Tensor ref = Npy.read(TestFiles.fixture("mlp_tanh.jacobian.npy"));
            assertArrayEquals(ref.shape(), r.jacobian().shape());
            assertFalse(r.exact());
            assertEquals(JacobianMode.FD, r.mode());
            double maxErr = 0;
            for (int i = 0; i < ref.size(); i++) {
                maxErr = Math.max(maxErr, Math.abs(ref.getDouble(i) - r.jacobian().getDouble(i)));
            }
            assertEquals(0, maxErr, 1e-3, "finite differences should be close to the reference");
        }
    }

    @Test
    void theErrorEstimateBoundsTheRealErrorAndIsSmallOnASmoothModel() {
        try (Model model = ModelLoader.load(TestFiles.fixture("mlp_tanh.onnx"));
             FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model)) {
            Tensor x = Npy.read(TestFiles.fixture("mlp_tanh.input.npy"));
            JacobianResult r = fd.compute(JacobianRequest.of(Map.of("x", x)), ProgressMonitor.NONE);
            Tensor ref = Npy.read(TestFiles.fixture("mlp_tanh.jacobian.npy"));
            double maxErr = 0;
            for (int i = 0; i < ref.size(); i++) {
                maxErr = Math.max(maxErr, Math.abs(ref.getDouble(i) - r.jacobian().getDouble(i)));
            }
            assertTrue(Double.isFinite(r.estimatedError()) && r.estimatedError() > 0, "estimate " + r.estimatedError());
            assertTrue(maxErr <= r.estimatedError(), "real error " + maxErr + " within the estimate " + r.estimatedError());
            assertTrue(r.estimatedRelativeError() < FiniteDifferenceEngine.WARN_RELATIVE_ERROR, "estimate " + r.estimatedRelativeError());
            assertTrue(r.warnings().isEmpty(), r.warnings().toString());
            assertTrue(r.methodLabel().contains("estimated error"), r.methodLabel());
        }
    }

    @Test
    void aLargeEstimatedErrorIsWarnedAbout(@TempDir Path dir) throws Exception {
        // y = sin(300 x): the step from the input's scale is far too coarse for this frequency
        TestGraph g = new TestGraph(13, 1, 3).input("x", 1, 6)
            .fixedValues("k", new double[] {300}, 1)
            .node("Mul", List.of("x", "k"), List.of("kx")).node("Sin", List.of("kx"), List.of("y"))
            .output("y");
        try (Model model = ModelLoader.load(g.write(dir, "sin"));
             FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model)) {
            JacobianResult r = fd.compute(JacobianRequest.of(g.values()), ProgressMonitor.NONE);
            assertTrue(r.estimatedRelativeError() > FiniteDifferenceEngine.WARN_RELATIVE_ERROR, "estimate " + r.estimatedRelativeError());
            assertEquals(1, r.warnings().size(), r.warnings().toString());
            assertTrue(r.warnings().get(0).contains("estimated error"), r.warnings().get(0));
        }
    }

    @Test
    void secondInputOfATwoInputModel() {
        try (Model model = ModelLoader.load(TestFiles.fixture("two_inputs.onnx"));
             FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model)) {
            Map<String, Tensor> inputs = Map.of("x1", Npy.read(TestFiles.fixture("two_inputs.input.x1.npy")),
                "x2", Npy.read(TestFiles.fixture("two_inputs.input.x2.npy")));
            JacobianResult r = fd.compute(JacobianRequest.of(inputs).withWrtOf("x2", null), ProgressMonitor.NONE);
            Tensor ref = Npy.read(TestFiles.fixture("two_inputs.jacobian.x2.npy"));
            assertArrayEquals(ref.shape(), r.jacobian().shape());
            for (int i = 0; i < ref.size(); i++) {
                assertEquals(ref.getDouble(i), r.jacobian().getDouble(i), 1e-3);
            }
        }
    }

    @Test
    void cancelStopsTheWork() {
        try (Model model = ModelLoader.load(TestFiles.fixture("mlp_tanh.onnx"));
             FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model)) {
            Tensor x = Npy.read(TestFiles.fixture("mlp_tanh.input.npy"));
            ProgressMonitor cancelled = new ProgressMonitor() {
                @Override
                public void progress(long done, long total, String message) {
                }

                @Override
                public boolean isCancelled() {
                    return true;
                }
            };
            assertThrows(CancelledException.class, () -> fd.compute(JacobianRequest.of(Map.of("x", x)), cancelled));
        }
    }

    @Test
    void aValueInsideTheGraphCanBeTheOutputButNotTheInput() {
        try (Model model = ModelLoader.load(TestFiles.fixture("mlp_tanh.onnx"));
             FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model);
             JacobianEngine exact = Jacobians.exactEngineFor(model)) {
            Map<String, Tensor> inputs = Map.of("x", Npy.read(TestFiles.fixture("mlp_tanh.input.npy")));
            String hidden = model.intermediateValues().get(0);
            JacobianRequest request = JacobianRequest.of(inputs).withWrtOf("x", hidden);
            JacobianResult r = fd.compute(request, ProgressMonitor.NONE);
            Tensor ref = exact.compute(request, ProgressMonitor.NONE).jacobian();
            assertArrayEquals(ref.shape(), r.jacobian().shape());
            for (int i = 0; i < ref.size(); i++) {
                assertEquals(ref.getDouble(i), r.jacobian().getDouble(i), 1e-3, "d " + hidden + " / dx, entry " + i);
            }
            JacobiException e = assertThrows(JacobiException.class,
                () -> fd.compute(JacobianRequest.of(inputs).withWrtOf(hidden, null), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("value inside the graph") && e.getMessage().contains("--mode auto")
                && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
