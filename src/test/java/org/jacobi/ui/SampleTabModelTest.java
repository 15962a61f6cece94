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
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.ui.task.SameThreadTaskExecutor;
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
        List<Made> madeHere = new ArrayList<>();
        SampleTabModel<Made> racing = new SampleTabModel<>(vm, "Open a model.", sample -> {
            if (madeHere.isEmpty() && sample.inputs().containsKey("launch")) {
                vm.openDemo(DemoAssets.Demo.DIGITS); // another model opens while the launch demo's state is being made
            }
            Made m = new Made(sample);
            madeHere.add(m);
            return m;
        });
        racing.shownProperty().set(true);
        vm.openDemo(DemoAssets.Demo.LAUNCH);
        assertEquals(2, madeHere.size());
        assertSame(madeHere.get(0), racing.contentProperty().get(), "the digits demo's state, made first");
        assertEquals("image", racing.contentProperty().get().sample.wrt());
        assertTrue(madeHere.get(1).sample.inputs().containsKey("launch"));
        assertTrue(madeHere.get(1).closed, "the launch demo's, made last, is closed instead of shown");
    }
}
