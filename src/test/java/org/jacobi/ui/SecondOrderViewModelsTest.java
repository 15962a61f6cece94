package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.ui.heatmap.HeatmapData;
import org.jacobi.ui.interactions.InteractionsViewModel;
import org.jacobi.ui.parameters.ParametersViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Interactions and Parameters view models without a window, against the float64 references. */
class SecondOrderViewModelsTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final InteractionsViewModel interactions = new InteractionsViewModel(vm);
    private final ParametersViewModel parameters = new ParametersViewModel(vm);

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void interactionsShowTheSelectedSamplesHessianOnlyWhileShown() {
        vm.openFiles(List.of(FIXTURES.resolve("mlp_tanh.onnx"), FIXTURES.resolve("mlp_tanh.input.npy")));
        assertNull(interactions.pictureProperty().get(), "nothing is computed while the tab is hidden");
        interactions.shownProperty().set(true);
        vm.state().selectedSampleProperty().set(2);
        InteractionsViewModel.Shown p = interactions.pictureProperty().get();
        assertNotNull(p, interactions.statusProperty().get());
        HeatmapData h = p.hessian();
        assertEquals(8, h.rows());
        assertEquals("x[3]", h.colLabel().apply(3));
        double[] ref = Npy.read(Path.of("src/test/resources/hessian/mlp_tanh.hessian.e0.npy")).toDoubleArray();
        assertEquals(ref[(2 * 8 + 1) * 8 + 5], h.value(1, 5), 1e-6);
        assertEquals(8, p.eigenvalues().length);
        assertEquals(3, p.eigenvectors().length);
        interactions.outputProperty().set(3);
        assertTrue(interactions.statusProperty().get().contains("y[3]"), interactions.statusProperty().get());
    }

    @Test
    void parametersShowNormsPerSampleAndOneLayersJacobian() {
        vm.openFiles(List.of(FIXTURES.resolve("mlp_tanh.onnx"), FIXTURES.resolve("mlp_tanh.input.npy")));
        parameters.shownProperty().set(true);
        HeatmapData table = parameters.tableProperty().get();
        assertNotNull(table, parameters.statusProperty().get());
        assertEquals(4, table.rows());
        assertEquals(6, table.cols());
        Tensor norms = Npy.read(Path.of("src/test/resources/hessian/mlp_tanh.wrt.norms.npy"));
        assertEquals(norms.getDouble(1 * 6 + 2), table.value(1, 2), 1e-4 * norms.getDouble(1 * 6 + 2));
        assertEquals(6, parameters.barsProperty().get().size());
        parameters.parameterProperty().set("l2.weight");
        parameters.computeLayerJacobian();
        vm.state().selectedSampleProperty().set(3);
        HeatmapData layer = parameters.layerJacobianProperty().get();
        assertEquals(4, layer.rows());
        assertEquals(1024, layer.cols());
        double[] ref = Npy.read(Path.of("src/test/resources/hessian/mlp_tanh.wrt.l2.weight.npy")).toDoubleArray();
        assertEquals(ref[(3 * 4 + 2) * 1024 + 77], layer.value(2, 77), 1e-5);
    }

    @Test
    void anotherModelReplacesBothTabsContentWithItsOwn() {
        interactions.shownProperty().set(true);
        parameters.shownProperty().set(true);
        vm.openFiles(List.of(FIXTURES.resolve("mlp_tanh.onnx"), FIXTURES.resolve("mlp_tanh.input.npy")));
        assertEquals(8, interactions.pictureProperty().get().hessian().rows());
        assertEquals(6, parameters.tableProperty().get().cols());
        parameters.parameterProperty().set("l2.weight");
        parameters.computeLayerJacobian();
        assertNotNull(parameters.layerJacobianProperty().get());

        vm.openDemo(DemoAssets.Demo.DIGITS);
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        assertEquals(64, interactions.pictureProperty().get().hessian().rows(), interactions.statusProperty().get());
        assertTrue(interactions.statusProperty().get().contains("logits"), interactions.statusProperty().get());
        assertFalse(parameters.parameterChoices().contains("l2.weight"), "the previous model's parameters are gone");
        assertNull(parameters.layerJacobianProperty().get(), "and so is its layer Jacobian");
        assertTrue(parameters.statusProperty().get().contains("logits"), parameters.statusProperty().get());
    }
}
