package org.jacobi.ui.saliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.DemoAssets;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SaliencyOutputChoicesTest {
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final SaliencyViewModel saliency = new SaliencyViewModel(vm);

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void theLargestOutputsOfTheSampleAreOfferedFirst() {
        vm.openDemo(DemoAssets.Demo.DIGITS);
        assertEquals(10, saliency.outputChoices().size(), "ten classes need no shortcut");
        saliency.setTopChoices(3);
        vm.state().selectedSampleProperty().set(4);
        assertEquals(13, saliency.outputChoices().size());
        JacobianResult r = vm.state().resultProperty().get();
        double[] y = new double[10];
        System.arraycopy(r.output().toDoubleArray(), 4 * 10, y, 0, 10);
        double previous = Double.POSITIVE_INFINITY;
        for (int choice = 0; choice < 3; choice++) {
            int o = saliency.outputOfChoice(choice);
            assertTrue(saliency.outputChoices().get(choice).startsWith("top " + (choice + 1) + ": logits[" + o + "] = "),
                saliency.outputChoices().get(choice));
            assertTrue(y[o] <= previous);
            previous = y[o];
        }
        for (double v : y) {
            assertTrue(v <= y[saliency.outputOfChoice(0)]);
        }
        assertEquals("logits[7]", saliency.outputChoices().get(3 + 7), "then every output in order");
        assertEquals(7, saliency.outputOfChoice(3 + 7));
    }
}
