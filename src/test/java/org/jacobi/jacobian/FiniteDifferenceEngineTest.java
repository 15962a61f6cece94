package org.jacobi.jacobian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.core.CancelledException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;

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
}
