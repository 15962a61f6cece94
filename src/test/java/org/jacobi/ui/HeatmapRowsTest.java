package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jacobi.analysis.TopOutputs;
import org.jacobi.core.CancelledException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.heatmap.HeatmapData;
import org.jacobi.ui.heatmap.RowSpan;
import org.jacobi.ui.jacobian.JacobianViewModel;
import org.jacobi.ui.saliency.SaliencyViewModel;
import org.jacobi.ui.summaries.SummariesViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The heatmap of a deferred Jacobian: the rows on screen, a few per reverse pass, cached, more as the view moves. */
class HeatmapRowsTest {
    /** The number of rows (copies of the sample) of each reverse pass the app asked for. */
    private final List<Integer> passes = new ArrayList<>();
    private int fullComputes;
    /** The next reverse pass ends as a cancel would. */
    private boolean cancelNextPass;
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor(), d -> new Counting(d.exact()));
    private final JacobianViewModel heatmap = new JacobianViewModel(vm);

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void theRowsOnScreenAreComputedTopOutputFirstThenInBatchesAndAgreeWithTheFullJacobian() {
        vm.setAutomaticEntryLimit(100); // the digits demo: 10 samples × 10 outputs × 64 inputs
        vm.openDemo(DemoAssets.Demo.DIGITS);
        AppState.LargeJacobian large = vm.state().deferredProperty().get();
        assertNotNull(large);
        vm.state().selectedSampleProperty().set(2);
        HeatmapData d = heatmap.heatmapDataProperty().get();
        assertFalse(d.complete(), "a deferred Jacobian is shown row by row");
        assertEquals(10, d.rows());
        assertEquals(64, d.cols());
        assertTrue(passes.isEmpty(), "nothing is computed before the view says what is on screen");
        int top = TopOutputs.indices(large.outputSample(2), 1)[0];
        assertEquals(top, heatmap.focusRowProperty().get());

        heatmap.setVisibleRows(new RowSpan(0, 10));
        assertEquals(List.of(1, 4, 4, 1), passes, "the top class alone, then the others on screen in batches");
        assertEquals(0, fullComputes);
        d = heatmap.heatmapDataProperty().get();
        for (int o = 0; o < 10; o++) {
            assertTrue(d.hasRow(o), "row " + o);
        }
        assertTrue(heatmap.rowsNoteProperty().get().startsWith("10 of 10 rows computed for sample 2"), heatmap.rowsNoteProperty().get());
        assertTrue(heatmap.rowsNoteProperty().get().contains("colours cover the computed rows only"));
        assertTrue(heatmap.rowsNoteProperty().get().contains("6,400 entries"), heatmap.rowsNoteProperty().get());

        // the saliency map of a row already computed costs no pass
        SaliencyViewModel saliency = new SaliencyViewModel(vm);
        assertNotNull(saliency.pictureProperty().get());
        assertEquals(4, passes.size());

        // the same rows as the full Jacobian's
        float[][] rows = new float[10][];
        for (int o = 0; o < 10; o++) {
            rows[o] = new float[64];
            for (int i = 0; i < 64; i++) {
                rows[o][i] = (float) d.value(o, i);
            }
        }
        vm.computeFullJacobian();
        assertEquals(1, fullComputes);
        HeatmapData full = heatmap.heatmapDataProperty().get();
        assertTrue(full.complete());
        assertEquals("", heatmap.rowsNoteProperty().get(), "no note for a computed Jacobian");
        double max = 0;
        for (int o = 0; o < 10; o++) {
            for (int i = 0; i < 64; i++) {
                max = Math.max(max, Math.abs(full.value(o, i)));
            }
        }
        for (int o = 0; o < 10; o++) {
            for (int i = 0; i < 64; i++) {
                assertEquals(full.value(o, i), rows[o][i], 1e-5 * max, "output " + o + " input " + i);
            }
        }
    }

    @Test
    void scrollingComputesOnlyTheNewRowsAndAnotherSampleItsOwn() {
        vm.setAutomaticEntryLimit(100);
        vm.openDemo(DemoAssets.Demo.DIGITS);
        AppState.LargeJacobian large = vm.state().deferredProperty().get();
        int top = heatmap.focusRowProperty().get();
        int from = top >= 7 ? 4 : top; // a span of three rows with the top class in it
        heatmap.setVisibleRows(new RowSpan(from, from + 3));
        assertEquals(List.of(1, 2), passes);
        HeatmapData d = heatmap.heatmapDataProperty().get();
        int shown = 0;
        for (int o = 0; o < 10; o++) {
            shown += d.hasRow(o) ? 1 : 0;
        }
        assertEquals(3, shown, "only the rows on screen");
        assertTrue(heatmap.rowsNoteProperty().get().startsWith("3 of 10 rows computed"), heatmap.rowsNoteProperty().get());
        assertTrue(Double.isNaN(d.value(from == 0 ? 5 : 0, 0)), "a row off screen has no values yet");

        heatmap.setVisibleRows(new RowSpan(from + 1, from + 5)); // scrolled by one row: two new ones
        assertEquals(List.of(1, 2, 2), passes);
        heatmap.setVisibleRows(new RowSpan(from, from + 3)); // back: all cached
        assertEquals(3, passes.size());

        vm.state().selectedSampleProperty().set(5);
        heatmap.setVisibleRows(new RowSpan(0, 2));
        int top5 = TopOutputs.indices(large.outputSample(5), 1)[0];
        assertEquals(top5, heatmap.focusRowProperty().get());
        assertEquals(top5 < 2 ? List.of(1, 2, 2, 1, 1) : List.of(1, 2, 2, 2), passes, "the new sample's rows");
        assertEquals(0, fullComputes);
    }

    @Test
    void rowsPauseOnceAViewHasComputedItsShareOfEntriesAndGoOnWhenTheViewMoves() {
        heatmap.setAutomaticEntries(5 * 64); // five rows of the digits demo's 64 inputs
        vm.setAutomaticEntryLimit(100);
        vm.openDemo(DemoAssets.Demo.DIGITS);
        heatmap.setVisibleRows(new RowSpan(0, 10));
        assertEquals(List.of(1, 4), passes, "the top class, one batch, then a pause");
        assertTrue(heatmap.rowsNoteProperty().get().contains("Paused after 320 entries (64 per row): move the view"),
            heatmap.rowsNoteProperty().get());
        heatmap.setVisibleRows(new RowSpan(0, 9)); // the bottom edge alone: the window's layout, not a new view
        assertEquals(List.of(1, 4), passes);
        heatmap.setVisibleRows(new RowSpan(1, 10));
        assertEquals(List.of(1, 4, 4, 1), passes, "the rest on screen once the view moved: a new view's share");
        assertEquals(0, fullComputes);
    }

    @Test
    void rowsWaitWhileTheTabIsHidden() {
        heatmap.shownProperty().set(false);
        vm.setAutomaticEntryLimit(100);
        vm.openDemo(DemoAssets.Demo.DIGITS);
        heatmap.setVisibleRows(new RowSpan(0, 10));
        assertTrue(passes.isEmpty());
        heatmap.shownProperty().set(true);
        assertEquals(4, passes.size());
    }

    @Test
    void summariesOfADeferredJacobianRankTheInputsOverTheComputedRowsAndSaySo() {
        SummariesViewModel summaries = new SummariesViewModel(vm);
        summaries.shownProperty().set(true);
        vm.setAutomaticEntryLimit(100);
        vm.openDemo(DemoAssets.Demo.DIGITS);
        assertTrue(summaries.rankingProperty().get().isEmpty());
        assertTrue(summaries.rankingTitleProperty().get().contains("no rows of the Jacobian computed yet"),
            summaries.rankingTitleProperty().get());
        heatmap.setVisibleRows(new RowSpan(0, 3));
        summaries.shownProperty().set(false);
        summaries.shownProperty().set(true); // shown again: the rows computed meanwhile count
        int computed = 0;
        HeatmapData d = heatmap.heatmapDataProperty().get();
        double[] mean = new double[64];
        for (int o = 0; o < 10; o++) {
            if (d.hasRow(o)) {
                computed++;
                for (int i = 0; i < 64; i++) {
                    mean[i] += Math.abs(d.value(o, i));
                }
            }
        }
        assertTrue(computed >= 3);
        assertEquals("Most sensitive inputs of sample 0, over the " + computed + " of 10 outputs computed so far",
            summaries.rankingTitleProperty().get());
        int best = TopOutputs.indices(mean, 1)[0];
        SummariesViewModel.Bar first = summaries.rankingProperty().get().get(0);
        assertEquals(mean[best] / computed, first.meanAbs(), 1e-9);
        assertTrue(first.label().contains("[" ), first.label());
        assertTrue(summaries.singularValuesTitleProperty().get().contains("full Jacobian is not computed"));
    }

    @Test
    void aCancelStopsTheRowsUntilTheViewMovesAndTheSaliencyTabSaysSoToo() {
        SaliencyViewModel saliency = new SaliencyViewModel(vm);
        cancelNextPass = true; // the saliency map's pass, right after the Jacobian is sized
        vm.setAutomaticEntryLimit(100);
        vm.openDemo(DemoAssets.Demo.DIGITS);
        assertNull(saliency.pictureProperty().get());
        assertFalse(saliency.computingProperty().get(), "a cancelled map is not shown as computing");
        assertTrue(passes.isEmpty());

        cancelNextPass = true;
        heatmap.setVisibleRows(new RowSpan(0, 10));
        assertTrue(passes.isEmpty());
        assertTrue(heatmap.rowsNoteProperty().get().contains("Stopped: move the view to go on."), heatmap.rowsNoteProperty().get());
        heatmap.setVisibleRows(new RowSpan(1, 10));
        assertTrue(heatmap.rowsNoteProperty().get().startsWith("9 of 10 rows computed"), heatmap.rowsNoteProperty().get());
        assertFalse(heatmap.rowsNoteProperty().get().contains("Stopped"));
    }

    /** Counts what the app asks of the real engine. */
    private final class Counting implements JacobianEngine {
        private final JacobianEngine inner;

        Counting(JacobianEngine inner) {
            this.inner = inner;
        }

        @Override
        public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
            fullComputes++;
            return inner.compute(request, monitor);
        }

        @Override
        public Tensor vectorJacobianProduct(JacobianRequest request, Tensor cotangent, ProgressMonitor monitor) {
            if (cancelNextPass) {
                cancelNextPass = false;
                throw new CancelledException();
            }
            passes.add((int) cotangent.shape()[0]);
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
