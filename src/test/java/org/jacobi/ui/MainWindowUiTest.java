package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javafx.geometry.Point2D;
import javafx.geometry.VerticalDirection;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.LineChart;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tab;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextInputControl;
import javafx.scene.image.ImageView;
import javafx.scene.layout.GridPane;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.jacobi.compare.RankChange;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.ui.compare.CompareView;
import org.jacobi.ui.gsa.GlobalPanel;
import org.jacobi.ui.heatmap.HeatmapView;
import org.jacobi.ui.optim.OptimizationPanel;
import org.jacobi.ui.task.FxTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The main window, headless (Monocle): drop, compute, hover, switch samples, zoom, cancel, errors, switch models. */
@ExtendWith(ApplicationExtension.class)
class MainWindowUiTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    /** Names only the launch demo shows: its input, some of its elements, its output. */
    private static final List<String> LAUNCH_NAMES = List.of("launch", "speed", "angle", "height");
    /** Names only the digits demo shows: its output, its pixels. */
    private static final List<String> DIGITS_NAMES = List.of("logits", "image[");
    private final AtomicReference<Function<ModelDerivatives, JacobianEngine>> engines = new AtomicReference<>(ModelDerivatives::exact);
    private FxTaskExecutor executor;
    private MainViewModel vm;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        vm = new MainViewModel(executor, d -> engines.get().apply(d));
        window = new MainWindow(vm);
        stage.setScene(window.createScene(1200, 800));
        stage.titleProperty().bind(vm.titleProperty());
        stage.show();
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.waitForAsyncFx(10_000, () -> {
            vm.dispose();
            executor.shutdown();
        });
    }

    private static void waitUntil(BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void drop(FxRobot robot, Path... files) {
        List<File> list = Arrays.stream(files).map(Path::toFile).toList();
        robot.interact(() -> window.handleDroppedFiles(list));
    }

    private Point2D screenPointOfCell(HeatmapView h, int row, int col) {
        return h.canvas().localToScreen(h.cellCenter(row, col));
    }

    @Test
    void droppedModelShowsItsHeatmapAndTheTooltipNamesTheCell(FxRobot robot) throws Exception {
        drop(robot, FIXTURES.resolve("mlp_tanh.onnx"), FIXTURES.resolve("mlp_tanh.input.npy"));
        waitUntil(() -> vm.state().resultProperty().get() != null && !executor.runningProperty().get());
        assertEquals("Jacobi — mlp_tanh.onnx", ((Stage) window.root().getScene().getWindow()).getTitle());
        Label summary = robot.lookup("#modelSummary").queryAs(Label.class);
        assertTrue(summary.getText().contains("Gemm ×3"), summary.getText());
        assertTrue(summary.getText().contains("1,476"), summary.getText());
        Label method = robot.lookup("#methodLabel").queryAs(Label.class);
        assertTrue(method.getText().contains(vm.state().resultProperty().get().methodLabel()), method.getText());

        HeatmapView h = window.heatmap();
        robot.moveTo(screenPointOfCell(h, 2, 5));
        waitUntil(() -> h.tooltip().isShowing());
        String text = h.tooltip().getText();
        assertTrue(text.contains("y[2]") && text.contains("x[5]"), text);
        String value = String.format(Locale.ROOT, "%.6g", h.getData().value(2, 5));
        assertTrue(text.contains(value), text + " should hold " + value);
        assertEquals(2, h.hoverRowProperty().get());
        assertEquals(5, h.hoverColProperty().get());
        assertEquals("d y[2] / d x[5] = " + value, window.statusBar().getText());

        // next sample with the spinner's arrow: the heatmap shows sample 1
        float before = (float) h.getData().value(2, 5);
        robot.clickOn("#sampleSpinner .increment-arrow-button");
        waitUntil(() -> vm.state().selectedSampleProperty().get() == 1);
        assertEquals(4 * 8, h.getData().offset());
        assertNotEquals(before, (float) h.getData().value(2, 5));

        // wheel zooms in around the pointer, Fit restores
        double cell = h.cellWidthProperty().get();
        robot.moveTo(screenPointOfCell(h, 1, 1)).scroll(3, VerticalDirection.UP);
        WaitForAsyncUtils.waitForFxEvents();
        double zoomedOneWay = h.cellWidthProperty().get();
        assertEquals(1.15 * 1.15 * 1.15, Math.max(zoomedOneWay / cell, cell / zoomedOneWay), 1e-6, "three wheel steps");
        robot.scroll(6, VerticalDirection.DOWN);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(cell * cell / zoomedOneWay, h.cellWidthProperty().get(), 1e-6, "the other direction zooms the other way");
        robot.clickOn("#fitButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(cell, h.cellWidthProperty().get(), 1e-9);
    }

    @Test
    void aLongComputationCanBeCancelledAndTheWindowStaysResponsive(FxRobot robot) throws Exception {
        SlowEngine slow = new SlowEngine();
        engines.set(d -> slow);
        drop(robot, FIXTURES.resolve("mlp_tanh.onnx"));
        waitUntil(() -> slow.started && executor.runningProperty().get());
        // the UI thread is free while the work runs
        robot.clickOn("Summaries");
        robot.clickOn("Jacobian");
        robot.clickOn("#cancelButton");
        waitUntil(() -> !executor.runningProperty().get());
        Label message = robot.lookup("#messageText").queryAs(Label.class);
        assertTrue(message.getText().contains("cancelled"), message.getText());
        assertEquals(null, vm.state().resultProperty().get());
    }

    @Test
    void aLongMessageWrapsInsteadOfBeingCutOff(FxRobot robot) throws Exception {
        String longText = "Opened model.onnx; no input yet. " + "Input 'image' [batch, 3, height, width] has a dynamic axis. ".repeat(6)
            + "THE END.";
        robot.interact(() -> vm.state().messageProperty().set(new UserMessage(longText, null, true)));
        WaitForAsyncUtils.waitForFxEvents();
        Label message = robot.lookup("#messageText").queryAs(Label.class);
        Text shown = (Text) message.lookup(".text");
        assertFalse(shown.getText().endsWith("..."), shown.getText());
        assertTrue(shown.getText().contains("THE END."), "the end of the message is shown: " + shown.getText());
        assertTrue(message.getHeight() > 2 * message.getFont().getSize(), "more than one line high: " + message.getHeight());
    }

    @Test
    void aCorruptFileShowsAnErrorWithDetails(FxRobot robot, @TempDir Path dir) throws Exception {
        Path bad = dir.resolve("corrupt.onnx");
        Files.write(bad, new byte[] {8, 7, 18, 4, 't', 'o', 'r', 'c', 'h', (byte) 0xff, 1, 2, 3});
        drop(robot, bad);
        waitUntil(() -> vm.state().messageProperty().get() != null);
        Label message = robot.lookup("#messageText").queryAs(Label.class);
        assertTrue(message.isVisible());
        assertTrue(message.getText().contains("corrupt.onnx"), message.getText());
        robot.clickOn("Summaries");
        WaitForAsyncUtils.waitForFxEvents();
        LineChart<?, ?> sv = robot.lookup("#singularValueChart").queryAs(LineChart.class);
        assertFalse(sv.getYAxis().isTickLabelsVisible(), "no singular values: no axis of powers of ten up to 1e100");
        robot.clickOn("Jacobian");
        assertFalse(message.getText().contains("Exception"), message.getText());
        assertTrue(robot.lookup("#messageDetails").query().isVisible());
        robot.clickOn("#messageDetails");
        waitUntil(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        DialogPane pane = robot.lookup(".dialog-pane").queryAs(DialogPane.class);
        assertTrue(pane.getHeaderText().contains("corrupt.onnx"));
        assertTrue(((TextArea) pane.getExpandableContent()).getText().contains("JacobiException"));
        robot.interact(() -> ((Stage) pane.getScene().getWindow()).close());
    }

    @Test
    void imageInputsGetASaliencyViewAndTheHeatmapExportsAsPng(FxRobot robot, @TempDir Path dir) throws Exception {
        drop(robot, FIXTURES.resolve("cnn_small.onnx"), FIXTURES.resolve("cnn_small.input.npy"));
        waitUntil(() -> vm.state().resultProperty().get() != null && !executor.runningProperty().get());
        assertEquals(784, window.heatmap().getData().cols());
        robot.clickOn("Saliency");
        WaitForAsyncUtils.waitForFxEvents();
        List<ImageView> views = robot.lookup(n -> n instanceof ImageView iv
            && iv.getImage() != null && iv.isVisible() && iv.getScene() != null).queryAllAs(ImageView.class)
            .stream().filter(v -> v.getImage().getWidth() == 280).toList();
        assertEquals(4, views.size(), "input, saliency, and the two layers of the overlay");
        robot.clickOn("What if");
        WaitForAsyncUtils.waitForFxEvents();
        GridPane whatIf = robot.lookup("#whatIfTable").queryAs(GridPane.class);
        String said = ((Label) whatIf.getChildren().get(0)).getText();
        assertTrue(said.contains("784 elements per sample"), "not 'No input yet' with an input loaded: " + said);
        robot.clickOn("Summaries");
        @SuppressWarnings("unchecked")
        BarChart<String, Number> ranking = robot.lookup("#sensitivityChart").queryAs(BarChart.class);
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> sv = robot.lookup("#singularValueChart").queryAs(LineChart.class);
        waitUntil(() -> !sv.getData().isEmpty());
        assertEquals(24, ranking.getData().get(0).getData().size());
        assertEquals(10, sv.getData().get(0).getData().size(), "min(10 outputs, 784 inputs) singular values");
        robot.clickOn("Jacobian");
        Path png = dir.resolve("heatmap.png");
        robot.interact(() -> window.exportHeatmapPng(png));
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 200 && img.getHeight() > 100, img.getWidth() + "x" + img.getHeight());
    }

    @Test
    void theOptimizeTabHoldsTheOptimizationPanelForTheSelectedSample(FxRobot robot) throws Exception {
        drop(robot, FIXTURES.resolve("mlp_tanh.onnx"), FIXTURES.resolve("mlp_tanh.input.npy"));
        waitUntil(() -> vm.state().resultProperty().get() != null && !executor.runningProperty().get());
        robot.clickOn("Optimize");
        waitUntil(() -> robot.lookup(".optimization-panel").tryQuery().isPresent());
        OptimizationPanel first = robot.lookup(".optimization-panel").queryAs(OptimizationPanel.class);
        robot.interact(() -> vm.state().selectedSampleProperty().set(2));
        waitUntil(() -> robot.lookup(".optimization-panel").queryAs(OptimizationPanel.class) != first);
        // the panel's "use result as sample" goes through the view model
        float[] values = {1, 2, 3, 4, 5, 6, 7, 8};
        robot.interact(() -> vm.useAsSelectedSample(Tensor.ofFloats(values, 1, 8)));
        waitUntil(() -> !executor.runningProperty().get());
        assertEquals(3.0, vm.state().inputsProperty().get().get("x").getDouble(2 * 8 + 2), 1e-6);
        assertEquals(vm.state().inputsProperty().get().get("x"), vm.state().resultInputs().get("x"), "recomputed at the new sample");
    }

    @Test
    void theHeatmapTooltipNamesTheClasses(FxRobot robot) throws Exception {
        drop(robot, Path.of("src/test/resources/labels/mlp_tanh.class_names.onnx"), FIXTURES.resolve("mlp_tanh.input.npy"));
        waitUntil(() -> vm.state().resultProperty().get() != null && !executor.runningProperty().get());
        HeatmapView h = window.heatmap();
        robot.moveTo(screenPointOfCell(h, 2, 5));
        waitUntil(() -> h.tooltip().isShowing());
        assertTrue(h.tooltip().getText().contains("y[south]") && h.tooltip().getText().contains("x[5]"), h.tooltip().getText());
        assertTrue(window.statusBar().getText().startsWith("d y[south] / d x[5] = "), window.statusBar().getText());
    }

    @Test
    void compareWithOpensAWindowWithBothModelsOnOneScale(FxRobot robot) throws Exception {
        drop(robot, FIXTURES.resolve("mlp_tanh.onnx"), FIXTURES.resolve("mlp_tanh.input.npy"));
        waitUntil(() -> vm.state().resultProperty().get() != null && !executor.runningProperty().get());
        AtomicReference<CompareView> view = new AtomicReference<>();
        robot.interact(() -> view.set(window.openComparison(FIXTURES.resolve("mlp_tanh.pt"))));
        waitUntil(() -> view.get().heatmap(2).getData() != null && !executor.runningProperty().get());
        Label status = robot.lookup("#compareStatus").queryAs(Label.class);
        assertTrue(status.getText().startsWith("max |yA − yB| = "), status.getText());
        double limit = view.get().heatmap(0).scaleLimitProperty().get();
        assertTrue(limit > 0);
        assertEquals(limit, view.get().heatmap(1).scaleLimitProperty().get());
        assertEquals(limit, view.get().heatmap(2).scaleLimitProperty().get(), "A, B and A - B share one scale");
        // the ONNX export and its TorchScript twin agree to float32 rounding
        HeatmapView diff = view.get().heatmap(2);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 8; c++) {
                assertEquals(0, diff.getData().value(r, c), 1e-5 * limit);
            }
        }
        @SuppressWarnings("unchecked")
        TableView<RankChange> ranking =
            robot.lookup("#compareRanking").queryAs(TableView.class);
        assertEquals(8, ranking.getItems().size());
        @SuppressWarnings("unchecked")
        TableView<?> outputs = robot.lookup("#compareOutputs").queryAs(TableView.class);
        assertEquals(4, outputs.getItems().size());
        robot.interact(() -> ((Stage) diff.getScene().getWindow()).close());
    }

    @Test
    void aDeferredJacobiansHeatmapFillsItsRowsOnScreenAndSaysWhatItCovers(FxRobot robot) throws Exception {
        robot.interact(() -> {
            vm.setAutomaticEntryLimit(100); // the digits demo's 6,400 entries are then "large"
            vm.openDemo(DemoAssets.Demo.DIGITS);
        });
        waitUntil(() -> vm.state().deferredProperty().get() != null && !executor.runningProperty().get());
        HeatmapView h = window.heatmap();
        waitUntil(() -> {
            for (int o = 0; o < 10; o++) {
                if (!h.getData().hasRow(o)) {
                    return false;
                }
            }
            return true;
        });
        assertFalse(h.getData().complete());
        Label note = robot.lookup("#rowsNote").queryAs(Label.class);
        assertTrue(note.getParent().isVisible(), "the note and the full-Jacobian button are shown");
        assertTrue(note.getText().startsWith("10 of 10 rows computed for sample 0"), note.getText());
        assertTrue(note.getText().contains("colours cover the computed rows only"), note.getText());
        assertEquals(null, vm.state().resultProperty().get(), "no full Jacobian was computed");

        robot.clickOn("#computeFullJacobianHeatmap");
        waitUntil(() -> vm.state().resultProperty().get() != null && !executor.runningProperty().get());
        assertTrue(h.getData().complete());
        assertFalse(note.getParent().isVisible(), "no note once the whole Jacobian is there");
    }

    // ---- switching models: every tab follows the new one, with no error and nothing of the previous one ----

    private Tab tab(String title) {
        return window.tabs().getTabs().stream().filter(t -> t.getText().equals(title)).findFirst().orElseThrow();
    }

    /** Opens a demo as File > Open Demo does, and waits until it is computed and every tab has done its work. */
    private void openDemo(FxRobot robot, DemoAssets.Demo demo) throws Exception {
        robot.interact(() -> vm.openDemo(demo));
        waitUntil(() -> vm.state().model() != null && vm.state().model().info().path().equals(demo.model())
            && (vm.state().resultProperty().get() != null || vm.state().messageProperty().get() != null)
            && !executor.runningProperty().get());
        // a tab shown may queue work once the Jacobian is there (Hessians, a study editor): let it finish
        Thread.sleep(300);
        waitUntil(() -> !executor.runningProperty().get());
    }

    /** Every text the tab shows: labels, table cells, text fields (hidden ones are not shown). */
    private static List<String> texts(Node node) {
        List<String> out = new ArrayList<>();
        if (!node.isVisible()) {
            return out;
        }
        if (node instanceof Labeled l && l.getText() != null) {
            out.add(l.getText());
        }
        if (node instanceof TextInputControl t && t.getText() != null) {
            out.add(t.getText());
        }
        if (node instanceof TableView<?> table) {
            table.getItems().forEach(item -> out.add(String.valueOf(item)));
        }
        if (node instanceof Parent p) {
            for (Node child : p.getChildrenUnmodifiable()) {
                out.addAll(texts(child));
            }
        }
        return out;
    }

    /** Opens {@code next} while tab {@code title} is shown: no error, and nothing named as the previous model names it. */
    private void assertSwitchIsClean(FxRobot robot, String title, DemoAssets.Demo next, List<String> previousNames)
        throws Exception {
        robot.interact(() -> window.tabs().getSelectionModel().select(tab(title)));
        openDemo(robot, next);
        UserMessage message = vm.state().messageProperty().get();
        assertTrue(message == null || !message.error(), () -> title + " tab: " + message.text());
        for (String text : texts(tab(title).getContent())) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (String name : previousNames) {
                assertTrue(!lower.contains(name), title + " tab still shows the previous model: " + text);
            }
        }
    }

    @Test
    void theGlobalTabFollowsTheNewModelWithNoErrorAndNoStaleStudy(FxRobot robot) throws Exception {
        robot.interact(() -> window.tabs().getSelectionModel().select(tab("Global")));
        openDemo(robot, DemoAssets.Demo.LAUNCH);
        waitUntil(() -> robot.lookup("#gsa-run").tryQuery().isPresent());
        robot.interact(() -> robot.lookup((Node n) -> n instanceof GlobalPanel).queryAs(GlobalPanel.class).viewModel()
            .samplesProperty().set(256));
        robot.clickOn("#gsa-run");
        waitUntil(() -> vm.state().globalStudyProperty().get() != null && !executor.runningProperty().get());

        openDemo(robot, DemoAssets.Demo.DIGITS);
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        assertNull(vm.state().globalStudyProperty().get(), "the report must not include the previous model's study");
        waitUntil(() -> robot.lookup((Node n) -> n instanceof GlobalPanel).tryQuery().isPresent());
        GlobalPanel panel = robot.lookup((Node n) -> n instanceof GlobalPanel).queryAs(GlobalPanel.class);
        assertEquals(64, panel.viewModel().rows().size(), "one row per pixel of the 8×8 digit");
        assertNull(panel.viewModel().resultProperty().get());
    }

    @Test
    void theOptimizeTabFollowsTheNewModelWithNoError(FxRobot robot) throws Exception {
        robot.interact(() -> window.tabs().getSelectionModel().select(tab("Optimize")));
        openDemo(robot, DemoAssets.Demo.DIGITS);
        openDemo(robot, DemoAssets.Demo.LAUNCH);
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        waitUntil(() -> robot.lookup((Node n) -> n instanceof OptimizationPanel).tryQuery().isPresent());
        OptimizationPanel panel = robot.lookup((Node n) -> n instanceof OptimizationPanel).queryAs(OptimizationPanel.class);
        assertEquals(6, panel.viewModel().start().length, "the launch demo's six inputs");
        assertEquals(12, panel.viewModel().startOutput().length, "and its twelve outputs");
    }

    @Test
    void everyTabFollowsTheNewModel(FxRobot robot) throws Exception {
        openDemo(robot, DemoAssets.Demo.LAUNCH);
        boolean launchOpen = true;
        for (Tab t : window.tabs().getTabs()) {
            assertSwitchIsClean(robot, t.getText(), launchOpen ? DemoAssets.Demo.DIGITS : DemoAssets.Demo.LAUNCH,
                launchOpen ? LAUNCH_NAMES : DIGITS_NAMES);
            launchOpen = !launchOpen;
        }
    }
}
