package org.jacobi.ui.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.jacobi.attribution.IntegrationRule;
import org.jacobi.ui.DemoAssets;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.task.FxTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The tab in a window with the app's real executor: Compute runs in the background, Cancel stops it. */
@ExtendWith(ApplicationExtension.class)
class AttributionCancelTest {
    private FxTaskExecutor executor;
    private MainViewModel vm;
    private AttributionViewModel tab;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        vm = new MainViewModel(executor);
        tab = new AttributionViewModel(vm);
        stage.setScene(new Scene(new AttributionView(tab), 1100, 800));
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
    }

    @Test
    void cancelStopsTheWorkAndComputeStartsAgain(FxRobot robot) throws Exception {
        robot.interact(() -> vm.openDemo(DemoAssets.Demo.DIGITS));
        waitUntil(() -> vm.state().resultProperty().get() != null && !executor.runningProperty().get());
        robot.interact(() -> {
            for (String m : tab.methods()) {
                tab.chosenProperty(m).set(m.equals("ig"));
            }
            tab.stepsProperty().set(200_000); // far longer than the test waits
            tab.ruleProperty().set(IntegrationRule.RIEMANN_LEFT);
        });
        robot.clickOn("#attributionCompute");
        waitUntil(() -> tab.runningProperty().get() && executor.progressProperty().get() > 0);
        robot.clickOn("#attributionCancel");
        waitUntil(() -> !executor.runningProperty().get());
        assertEquals("Cancelled.", tab.statusProperty().get());
        assertNull(tab.runProperty().get());

        robot.interact(() -> tab.stepsProperty().set(8));
        robot.clickOn("#attributionCompute");
        waitUntil(() -> !tab.runningProperty().get() && tab.runProperty().get() != null);
        waitUntil(() -> robot.lookup("#attributionCaption-ig").tryQuery().isPresent()); // the result is shown
        assertTrue(tab.statusProperty().get().contains("1 method"), tab.statusProperty().get());
    }
}
