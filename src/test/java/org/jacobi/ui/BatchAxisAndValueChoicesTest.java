package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.modelinfo.ModelSummaryViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The app's per-input batch axes (the Model panel) and its choosers' values inside the graph (issue 24), without a
 * window: every task runs at once on the test thread.
 */
class BatchAxisAndValueChoicesTest {
    static final Path DIR = Path.of("src/test/resources/models/intermediate");
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final ModelSummaryViewModel summary = new ModelSummaryViewModel(vm.state());

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void theModelPanelShowsEachInputsBatchAxisAndWhatTheUserStatesReachesTheRequest() {
        vm.openFiles(List.of(DIR.resolve("gru_state.onnx"), DIR.resolve("gru_state.input.x.npy"), DIR.resolve("gru_state.input.h0.npy")));
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        assertEquals(List.of("x", "h0"), summary.inputNames());
        assertEquals(0, summary.batchAxis("x"));
        assertEquals(1, summary.batchAxis("h0"));
        assertTrue(summary.textProperty().get().contains("[1, batch, 4]  batch axis 1"), summary.textProperty().get());
        assertNotNull(vm.state().resultProperty().get());

        // stating an axis that cannot hold the samples recomputes and says why it cannot
        summary.setBatchAxis("h0", 0);
        assertEquals(BatchAxis.AUTO.withInput("h0", 0), vm.state().batchAxisProperty().get());
        assertTrue(summary.textProperty().get().contains("[1, batch, 4]  batch axis 0"), summary.textProperty().get());
        assertNotNull(vm.state().messageProperty().get());
        assertTrue(vm.state().messageProperty().get().text().contains("Input 'h0' has shape [1, 3, 4]: its axis 0"),
            vm.state().messageProperty().get().text());

        summary.setBatchAxis("h0", 1);
        JacobianResult r = vm.state().resultProperty().get();
        Tensor expected = Npy.read(DIR.resolve("gru_state.jacobian.x.npy"));
        assertEquals(expected.getDouble(7), r.jacobian().getDouble(7), 1e-5);
    }

    @Test
    void aValueInsideTheGraphCanBeChosenAndIsDifferentiated() throws Exception {
        vm.openFiles(List.of(DIR.resolve("seg_head.onnx"), DIR.resolve("seg_head.input.npy")));
        String logit = Files.readString(DIR.resolve("seg_head.values.txt")).strip();
        assertTrue(vm.state().valueChoices().contains(logit), vm.state().valueChoices().toString());
        assertTrue(vm.inputs().valueShapesProperty().get().isEmpty(), "shapes are learnt when a chooser opens, not before");
        vm.inputs().probeValueShapes();
        assertEquals("[1, 1, 8, 8]", vm.inputs().valueShapesProperty().get().get(logit)); // one sample's
        vm.state().ofProperty().set(logit);
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        JacobianResult r = vm.state().resultProperty().get();
        assertEquals(logit, r.of());
        Tensor expected = Npy.read(DIR.resolve("seg_head.jacobian.npy"));
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            largest = Math.max(largest, Math.abs(expected.getDouble(i)));
            worst = Math.max(worst, Math.abs(expected.getDouble(i) - r.jacobian().getDouble(i)));
        }
        assertTrue(worst <= 1e-5 * largest, "d logit / dx off by " + worst + " of " + largest);
    }
}
