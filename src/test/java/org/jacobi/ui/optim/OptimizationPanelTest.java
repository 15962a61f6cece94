package org.jacobi.ui.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.optim.OptimizationMethod;
import org.jacobi.ui.SampleTabModel;
import org.jacobi.ui.task.FxTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Smoke test of the panel in a headless window: Run plots both methods and fills the table. */
@ExtendWith(ApplicationExtension.class)
class OptimizationPanelTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures");
    private Model model;
    private ModelDerivatives derivatives;
    private OptimizationPanel panel;
    private final List<Tensor> used = new ArrayList<>();

    @Start
    void start(Stage stage) {
        model = ModelLoader.load(DIR.resolve("mlp_tanh.onnx"));
        Tensor input = Npy.read(DIR.resolve("mlp_tanh.input.npy"));
        derivatives = new ModelDerivatives(model);
        panel = new OptimizationPanel(OptimizationViewModel.forSample(new SampleTabModel.Sample(derivatives, Map.of("x", input), 0,
            null, null), used::add, new FxTaskExecutor()));
        Tensor y1 = model.run(Map.of("x", input.sliceRows(1, 2))).get("y");
        panel.viewModel().targetValuesProperty().set(OptimizationViewModel.format(y1.toDoubleArray()));
        stage.setScene(new Scene(panel, 1200, 800));
        stage.show();
    }

    @AfterEach
    void close() {
        panel.viewModel().close();
        derivatives.close();
        model.close();
    }

    @Test
    void runPlotsBothMethodsAndUsesTheResult(FxRobot robot) throws Exception {
        robot.clickOn("Run");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> panel.viewModel().resultProperty(OptimizationMethod.GAUSS_NEWTON).get() != null
            && panel.viewModel().resultProperty(OptimizationMethod.LBFGS).get() != null
            && !panel.viewModel().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = robot.lookup(".chart").queryAs(LineChart.class);
        assertEquals(2, chart.getData().size());
        for (var series : chart.getData()) {
            assertTrue(series.getData().size() >= 2, series.getName());
        }
        TableView<?> table = robot.lookup("#iterations").queryAs(TableView.class);
        assertEquals(panel.viewModel().records().size(), table.getItems().size());
        robot.clickOn("Before / after");
        robot.clickOn("Use result as sample");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, used.size());
        assertFalse(used.get(0).describe().isEmpty());
    }
}
