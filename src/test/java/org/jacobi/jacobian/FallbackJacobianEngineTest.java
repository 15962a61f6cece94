package org.jacobi.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.jacobi.RulelessModel;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine callers use: exact where a rule exists, finite differences with a warning in AUTO mode otherwise. */
class FallbackJacobianEngineTest {
    @TempDir
    Path dir;

    @Test
    void autoFallsBackWithAWarningAndForcedModesRefuse() throws Exception {
        Tensor x = Tensor.ofFloats(new float[] {0.1f, -0.5f, 2f, 0f, 1f, -1f}, 2, 3);
        try (Model model = ModelLoader.load(RulelessModel.write(dir, 3)); JacobianEngine engine = Jacobians.engineFor(model)) {
            JacobianResult r = engine.compute(JacobianRequest.of(Map.of("x", x)), ProgressMonitor.NONE);
            assertFalse(r.exact());
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains(RulelessModel.OPERATOR) && w.contains("approximate")), r.warnings().toString());
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    double xi = x.floats()[b * 3 + i];
                    assertEquals(RulelessModel.derivative(xi), r.jacobian().getDouble((b * 3 + i) * 3 + i), 1e-3);
                }
            }
            Tensor vjp = engine.vectorJacobianProduct(JacobianRequest.of(Map.of("x", x)),
                Tensor.ofFloats(new float[] {1, 1, 1, 1, 1, 1}, 2, 3), ProgressMonitor.NONE);
            assertEquals(RulelessModel.derivative(2.0), vjp.getDouble(2), 1e-3);
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> engine.compute(
                JacobianRequest.of(Map.of("x", x)).withMode(JacobianMode.REVERSE), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains(RulelessModel.OPERATOR), e.getMessage());
        }
    }
}
