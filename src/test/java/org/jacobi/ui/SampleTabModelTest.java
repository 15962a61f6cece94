package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.ui.task.BackgroundWork;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.jacobi.ui.task.TaskExecutor;
import org.jacobi.ui.task.TaskHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A tab's state per sample of the open model: made when shown, made anew on a change, dropped with its model. */
class SampleTabModelTest {
    /** State made for one sample, remembering whether it was closed and what it carried over. */
    private static final class Made implements AutoCloseable {
        final SampleTabModel.Sample sample;
        Made carriedFrom;
        boolean closed;

        Made(SampleTabModel.Sample sample) {
            this.sample = sample;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final List<Made> made = new ArrayList<>();
    private final SampleTabModel<Made> tab = new SampleTabModel<>(vm, "Open a model.", sample -> {
        Made m = new Made(sample);
        made.add(m);
        return m;
    }, (next, previous) -> next.carriedFrom = previous);

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void nothingIsMadeForATabNobodyLooksAt() {
        vm.openDemo(DemoAssets.Demo.LAUNCH);
        assertTrue(made.isEmpty());
        assertEquals("Open a model.", tab.placeholderProperty().get());
        tab.shownProperty().set(true);
        assertEquals(1, made.size());
        assertSame(made.get(0), tab.contentProperty().get());
        assertSame(vm.state().derivatives(), made.get(0).sample.derivatives());
        assertSame(vm.state().inputsProperty().get(), made.get(0).sample.inputs());
    }

    @Test
    void anotherSampleMakesItAnewKeepingTheSettingsAndAnEditKeepsIt() {
        tab.shownProperty().set(true);
        vm.openDemo(DemoAssets.Demo.LAUNCH);
        Made first = tab.contentProperty().get();
        vm.state().selectedSampleProperty().set(3);
        Made second = tab.contentProperty().get();
        assertNotSame(first, second);
        assertTrue(first.closed, "the previous sample's work stops");
        assertEquals(3, second.sample.index());
        assertSame(first, second.carriedFrom, "what the user set carries over within one model");

        vm.state().editInput("launch", vm.state().wrtValue());
        assertSame(second, tab.contentProperty().get(), "an edit of the inputs alone keeps the state");
    }

    @Test
    void anotherModelDropsEverythingOfThePreviousOne() {
        tab.shownProperty().set(true);
        vm.openDemo(DemoAssets.Demo.LAUNCH);
        Made launch = tab.contentProperty().get();
        ModelDerivatives launchEngines = launch.sample.derivatives();
        vm.openDemo(DemoAssets.Demo.DIGITS);
        assertTrue(launch.closed);
        Made digits = tab.contentProperty().get();
        assertNotNull(digits);
        assertEquals("image", vm.state().wrtProperty().get());
        assertEquals("image", digits.sample.wrt(), "made with the new model's choices");
        assertTrue(digits.sample.inputs().containsKey("image"), "and with its inputs, never the previous model's");
        assertNull(digits.carriedFrom, "settings do not carry over to another model");
        assertNull(vm.state().messageProperty().get());
        assertThrows(IllegalStateException.class, launchEngines::exact, "the previous model's engines are closed");
        assertFalse(digits.sample.derivatives() == launchEngines);
    }

    @Test
    void stateMadeForAModelClosedMeanwhileIsDiscarded() {
        List<Runnable> later = new ArrayList<>();
        SameThreadTaskExecutor now = new SameThreadTaskExecutor();
        TaskExecutor deferred = new TaskExecutor() {
            @Override
            public <T> TaskHandle submit(String title, BackgroundWork<T> work, Consumer<T> onSuccess,
                                         Consumer<Throwable> onFailure) {
                if (!title.equals("Preparing the tab")) {
                    return now.submit(title, work, onSuccess, onFailure);
                }
                later.add(() -> now.submit(title, work, onSuccess, onFailure)); // when the test says
                return null;
            }

            @Override
            public void runOnUiThread(Runnable update) {
                update.run();
            }

            @Override
            public void debounce(String key, long millis, Runnable action) {
                action.run();
            }

            @Override
            public void cancelAll() {
            }
        };
        MainViewModel slow = new MainViewModel(deferred);
        SampleTabModel<Made> slowTab = new SampleTabModel<>(slow, "Open a model.", Made::new);
        slowTab.shownProperty().set(true);
        slow.openDemo(DemoAssets.Demo.LAUNCH);
        slow.openDemo(DemoAssets.Demo.DIGITS);
        assertEquals(2, later.size());
        later.get(0).run(); // the launch demo's state arrives after the digits demo opened
        assertNull(slowTab.contentProperty().get());
        later.get(1).run();
        assertEquals("image", slowTab.contentProperty().get().sample.wrt());
        slow.dispose();
    }
}
