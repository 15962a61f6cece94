package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.saliency.SaliencyViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A Jacobian over the automatic limit: saliency by one reverse pass per map, the full Jacobian only on request. */
class LargeJacobianTest {
    private final AtomicInteger fullComputes = new AtomicInteger();
    private final AtomicInteger vjps = new AtomicInteger();
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor(), d -> new Counting(d.exact()));
    private final SaliencyViewModel saliency = new SaliencyViewModel(vm);

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void saliencyOfTheTopClassAppearsWithoutTheFullJacobian() {
        vm.setAutomaticEntryLimit(100); // the digits demo's Jacobian has 10 × 10 × 64 entries
        vm.openDemo(DemoAssets.Demo.DIGITS);
        AppState.LargeJacobian large = vm.state().deferredProperty().get();
        assertNotNull(large, "over the limit, the Jacobian is only sized");
        assertNull(vm.state().resultProperty().get());
        assertEquals(6400, large.size().entries());
        assertTrue(saliency.largeJacobianText().contains("6,400 entries"), saliency.largeJacobianText());
        SaliencyViewModel.Picture p = saliency.pictureProperty().get();
        assertNotNull(p, "saliency without the full Jacobian");
        assertEquals(0, fullComputes.get());
        assertEquals(1, vjps.get(), "one reverse pass for one map");
        double[] y = large.outputSample(0);
        int top = saliency.outputProperty().get();
        for (double v : y) {
            assertTrue(v <= y[top], "the top class is shown first");
        }
        assertTrue(vm.state().messageProperty().get().text().contains("one reverse pass"),
            vm.state().messageProperty().get().text());
        // the first pass also built the differentiated graph: no full-Jacobian time from it
        assertTrue(Double.isNaN(vm.estimatedFullJacobianSeconds()));

        vm.state().selectedSampleProperty().set(3);
        assertEquals(2, vjps.get(), "another sample, another reverse pass");
        assertTrue(vm.estimatedFullJacobianSeconds() >= 0, "a later pass times the full Jacobian");
        int[] fromRow = saliency.pictureProperty().get().saliency();

        vm.computeFullJacobian();
        assertEquals(1, fullComputes.get());
        assertNull(vm.state().deferredProperty().get());
        assertNotNull(vm.state().resultProperty().get());
        assertNull(saliency.largeJacobianText());
        assertArrayEquals(fromRow, saliency.pictureProperty().get().saliency(), "the row is the full Jacobian's row");
        assertEquals(2, vjps.get());
    }

    @Test
    void smallJacobiansAreStillComputedAtOnce() {
        vm.openDemo(DemoAssets.Demo.DIGITS);
        assertNull(vm.state().deferredProperty().get());
        assertNotNull(vm.state().resultProperty().get());
        assertEquals(1, fullComputes.get());
        assertEquals(0, vjps.get());
        assertNotNull(saliency.pictureProperty().get());
    }

    /** Counts what the app asks of the real engine. */
    private final class Counting implements JacobianEngine {
        private final JacobianEngine inner;

        Counting(JacobianEngine inner) {
            this.inner = inner;
        }

        @Override
        public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
            fullComputes.incrementAndGet();
            return inner.compute(request, monitor);
        }

        @Override
        public Tensor vectorJacobianProduct(JacobianRequest request, Tensor cotangent, ProgressMonitor monitor) {
            vjps.incrementAndGet();
            return inner.vectorJacobianProduct(request, cotangent, monitor);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
