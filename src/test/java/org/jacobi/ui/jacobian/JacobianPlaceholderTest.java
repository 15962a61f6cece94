package org.jacobi.ui.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The empty heatmap names the next step: a model, then an input, then Compute. */
class JacobianPlaceholderTest {
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void theEmptyHeatmapAsksForWhatIsMissing() {
        assertEquals("No Jacobian yet: drop a model file here", JacobianView.placeholder(vm.state()));
        Path fixtures = Path.of("src/test/resources/fixtures");
        vm.autoComputeProperty().set(false);
        vm.openFiles(List.of(fixtures.resolve("mlp_tanh.onnx"), fixtures.resolve("mlp_tanh.input.npy")));
        assertEquals("No Jacobian yet: press Compute", JacobianView.placeholder(vm.state()));
        vm.state().setInputs(null, "no input");
        assertEquals("No input yet: drop an input file (tensor, photo) or generate samples", JacobianView.placeholder(vm.state()));
    }
}
