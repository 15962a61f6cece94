package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tab;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.stage.Stage;
import org.jacobi.ui.gsa.GlobalPanel;
import org.jacobi.ui.optim.OptimizationPanel;
import org.jacobi.ui.task.FxTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * File > Open Demo while a tab is shown: the tab shows the new model with no error and nothing of the previous one
 * (the launch demo's elements are named speed, angle, …; its output height).
 */
@ExtendWith(ApplicationExtension.class)
class ModelSwitchUiTest {
    private static final List<String> LAUNCH_NAMES = List.of("launch", "speed", "angle", "height");
    private FxTaskExecutor executor;
    private MainViewModel vm;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        vm = new MainViewModel(executor);
        window = new MainWindow(vm);
        stage.setScene(window.createScene(1200, 800));
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

    /** Every text the tab shows: labels, table cells, text fields. */
    private static List<String> texts(Node node) {
        List<String> out = new ArrayList<>();
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

    private void assertSwitchIsClean(FxRobot robot, String title) throws Exception {
        robot.interact(() -> window.tabs().getSelectionModel().select(tab(title)));
        openDemo(robot, DemoAssets.Demo.LAUNCH);
        openDemo(robot, DemoAssets.Demo.DIGITS);
        UserMessage message = vm.state().messageProperty().get();
        assertTrue(message == null || !message.error(), () -> title + " tab: " + message.text());
        for (String text : texts(tab(title).getContent())) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (String name : LAUNCH_NAMES) {
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
        for (Tab t : window.tabs().getTabs()) {
            assertSwitchIsClean(robot, t.getText());
        }
    }
}
