package org.jacobi.ui.gsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.ui.SampleTabModel;
import org.jacobi.ui.heatmap.HeatmapView;
import org.jacobi.ui.task.FxTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Global tab headless: Run on the demo model fills the index choice, the heatmap and the status line. */
@ExtendWith(ApplicationExtension.class)
class GlobalPanelUiTest {
    private Model model;
    private ModelDerivatives derivatives;
    private GlobalPanel panel;

    @Start
    void start(Stage stage) {
        model = ModelLoader.load(Path.of("assets/models/demo.onnx"));
        derivatives = new ModelDerivatives(model);
        panel = new GlobalPanel(new GlobalViewModel(new SampleTabModel.Sample(derivatives,
            Map.of("launch", Npy.read(Path.of("assets/samples/demo.input.npy"))), 0, null, null), new FxTaskExecutor()));
        stage.setScene(new Scene(panel, 1200, 800));
        stage.show();
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.waitForAsyncFx(10_000, () -> {
            panel.viewModel().close();
            derivatives.close();
            model.close();
        });
    }

    @Test
    void runShowsTheStudy(FxRobot robot) throws Exception {
        robot.interact(() -> {
            panel.viewModel().setAll("uniform:-2,2");
            panel.viewModel().samplesProperty().set(512);
        });
        robot.clickOn("#gsa-run");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> panel.viewModel().resultProperty().get() != null
            && !panel.viewModel().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        Label status = robot.lookup("#gsa-status").queryAs(Label.class);
        assertTrue(status.getText().contains("N = 512"), status.getText());
        ComboBox<?> index = robot.lookup("#gsa-index").queryAs(ComboBox.class);
        assertEquals("Sobol' indices: ST", String.valueOf(index.getValue()));
        HeatmapView heatmap = robot.lookup(n -> n instanceof HeatmapView).queryAs(HeatmapView.class);
        assertNotNull(heatmap.getData());
        assertEquals(12, heatmap.getData().rows(), "outputs x inputs");
        assertEquals(6, heatmap.getData().cols());
        assertEquals("t=0.1s", heatmap.getData().rowLabel().apply(0));
    }
}
