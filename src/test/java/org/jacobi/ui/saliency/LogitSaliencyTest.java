package org.jacobi.ui.saliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jacobi.TestFiles;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.picker.TargetPickerModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An output made by a final Sigmoid: the saliency is the gradient of the logit before it unless the picker's box asks for
 * the probability, checked against PyTorch float64 (seg_head, scripts/make_intermediate_models.py: most of its logits lie
 * beyond ±12, where the probability's derivative all but vanishes).
 */
class LogitSaliencyTest {
    private static final Path DIR = Path.of("src/test/resources/models/intermediate");
    private static final int SAMPLE = 1;
    private static final int PIXELS = 64; // the head maps [1, 8, 8] to [1, 8, 8]
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final TargetPickerModel picker = new TargetPickerModel(vm.state());
    private final SaliencyViewModel saliency = new SaliencyViewModel(vm, picker);

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void theLogitsGradientByDefaultAndTheProbabilitysWhenTicked() throws Exception {
        vm.openFiles(List.of(DIR.resolve("seg_head.onnx"), DIR.resolve("seg_head.input.npy")));
        vm.state().selectedSampleProperty().set(SAMPLE);
        JacobianResult r = vm.state().resultProperty().get();
        assertNotNull(r, "the probability's Jacobian is small enough to compute whole");
        double[] reference = Npy.read(DIR.resolve("seg_head.jacobian.npy")).toDoubleArray(); // d logit / dx [3, 64, 64]
        String logit = Files.readString(DIR.resolve("seg_head.values.txt")).strip();

        TargetPickerModel.Chosen top = picker.chosenProperty().get();
        int element = top.element();
        assertTrue(picker.outputProperty().get().values()[element] > 0.9999, "the largest element is saturated");
        assertFalse(picker.probabilityProperty().get(), "the logit by default");
        assertEquals(logit, top.logit());
        assertEquals("the logit before the final Sigmoid of 'mask' (" + logit + ")", top.differentiated("mask"));
        SaliencyViewModel.Picture p = saliency.pictureProperty().get();
        assertNotNull(p, saliency.computingProperty().get() ? "still computing" : "no map");
        assertFalse(p.flat(), "the logit's gradient does not vanish where the probability saturates");
        assertTrue(p.derivative().contains("(logit before the Sigmoid)"), p.derivative());
        assertClose(row(reference, SAMPLE, element), p.gradient(), "d logit / dx");

        saliency.absoluteProperty().set(true);
        saliency.channelProperty().set(0);
        assertSame(p.gradient(), saliency.pictureProperty().get().gradient(), "a redraw computes nothing");

        picker.probabilityProperty().set(true);
        TargetPickerModel.Chosen ticked = picker.chosenProperty().get();
        assertNull(ticked.logit());
        assertTrue(ticked.differentiated("mask").startsWith("the probability itself"), ticked.differentiated("mask"));
        double[] probability = saliency.pictureProperty().get().gradient();
        float[] j = r.jacobian().floats();
        double largestLogit = largest(row(reference, SAMPLE, element));
        for (int i = 0; i < PIXELS; i++) {
            assertEquals(j[(SAMPLE * PIXELS + element) * PIXELS + i], probability[i], 0.0, "the in-memory Jacobian's row, input " + i);
            assertTrue(Math.abs(probability[i]) < 1e-3 * largestLogit, "the saturated probability hardly moves");
        }
        assertFalse(saliency.pictureProperty().get().derivative().contains("logit"));

        picker.probabilityProperty().set(false);
        assertSame(p.gradient(), saliency.pictureProperty().get().gradient(), "kept per sample, target and mode");
        picker.pickBox(0, 2, 3, 4, 5); // a 3 x 3 region: the sum of its logits
        double[] expected = new double[PIXELS];
        for (int row = 2; row <= 4; row++) {
            for (int col = 3; col <= 5; col++) {
                double[] one = row(reference, SAMPLE, row * 8 + col);
                for (int i = 0; i < PIXELS; i++) {
                    expected[i] += one[i];
                }
            }
        }
        assertClose(expected, saliency.pictureProperty().get().gradient(), "d (sum of the region's logits) / dx");
    }

    @Test
    void aMaskTooLargeToComputeWholeShowsItsLogitsGradientToo() {
        vm.openFiles(List.of(TestFiles.resource("images/segmenter_dynamic.onnx"), TestFiles.resource("images/cat.png")));
        assertNotNull(vm.state().deferredProperty().get());
        picker.pickPixel(0, 20, 40);
        double[] logit = saliency.pictureProperty().get().gradient();
        picker.probabilityProperty().set(true);
        double[] probability = saliency.pictureProperty().get().gradient();
        double p = picker.outputProperty().get().values()[20 * 80 + 40];
        double slope = p * (1 - p); // the Sigmoid's derivative at the logit
        double largest = largest(logit);
        assertTrue(largest > 0);
        for (int i = 0; i < logit.length; i++) {
            assertEquals(slope * logit[i], probability[i], 1e-4 * slope * largest, "input element " + i);
        }
    }

    private static double[] row(double[] reference, int sample, int output) {
        double[] row = new double[PIXELS];
        System.arraycopy(reference, (sample * PIXELS + output) * PIXELS, row, 0, PIXELS);
        return row;
    }

    private static double largest(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double tolerance = 1e-5 * largest(expected);
        assertTrue(tolerance > 0, what + ": a reference of zeros tests nothing");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + ", input element " + i);
        }
    }
}
