package org.jacobi.ui.picker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jacobi.TestFiles;
import org.jacobi.analysis.SaliencyRows;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.ui.AppState;
import org.jacobi.ui.DemoAssets;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.attribution.AttributionViewModel;
import org.jacobi.ui.saliency.SaliencyViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Picking what to explain on the model's output: a bar, a pixel, a box (summed), a typed index, slice or name. */
class TargetPickerModelTest {
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final TargetPickerModel picker = new TargetPickerModel(vm.state());
    private final SaliencyViewModel saliency = new SaliencyViewModel(vm, picker);
    private final AttributionViewModel attribution = new AttributionViewModel(vm, picker);

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void aClassifierShowsSortedBarsAndABarClickChoosesTheTargetOfBothTabs() {
        vm.openDemo(DemoAssets.Demo.DIGITS);
        vm.state().selectedSampleProperty().set(4);
        TargetPickerModel.Output out = picker.outputProperty().get();
        assertFalse(out.layout().image(), "ten classes are bars");
        List<TargetPickerModel.Bar> bars = picker.bars("", 100);
        assertEquals(10, bars.size());
        for (int i = 1; i < bars.size(); i++) {
            assertTrue(bars.get(i).value() <= bars.get(i - 1).value(), "largest first");
        }
        assertEquals("logits[" + bars.get(0).element() + "]", out.label(bars.get(0).element()));
        assertEquals(Integer.toString(bars.get(0).element()), bars.get(0).label(), "the demo names its classes by their digit");
        assertEquals(bars.get(0).element(), picker.chosenProperty().get().element(), "the top class by default");
        assertTrue(picker.chosenProperty().get().words().contains("the largest"), picker.chosenProperty().get().words());
        assertEquals(List.of(7), picker.bars("7", 100).stream().map(TargetPickerModel.Bar::element).toList(), "search");

        picker.pickElement(3);
        assertEquals("logits[3]", picker.textProperty().get());
        assertEquals("logits[3]", attribution.targetProperty().get(), "the Attribution tab explains the same target");
        assertEquals(3, saliency.outputProperty().get());
        assertTrue(saliency.pictureProperty().get().derivative().contains("logits[3]"), saliency.pictureProperty().get().derivative());
        attribution.chosenProperty("ig").set(false);
        attribution.chosenProperty("smoothgrad").set(false);
        attribution.compute();
        assertNotNull(attribution.runProperty().get(), attribution.statusProperty().get());
        assertTrue(attribution.runProperty().get().target().contains("logits[3]"), attribution.runProperty().get().target());
    }

    @Test
    void aMaskIsAnImageOnWhichAClickPicksAPixelAndADragASummedBox() {
        vm.openFiles(List.of(TestFiles.resource("images/segmenter_dynamic.onnx"), TestFiles.resource("images/cat.png")));
        TargetPickerModel.Output out = picker.outputProperty().get();
        assertNotNull(out, "the mask of the 80 x 60 photo");
        assertEquals(new OutputLayout(true, 1, 60, 80, 3, false), out.layout());

        picker.pickPixel(0, 10, 20);
        assertEquals("mask[0,10,20]", picker.textProperty().get());
        assertEquals(10 * 80 + 20, picker.chosenProperty().get().element());

        picker.pickBox(0, 12, 30, 8, 26); // dragged up and to the left: the corners in either order
        TargetPickerModel.Chosen box = picker.chosenProperty().get();
        assertEquals("mask[0,8:13,26:31]", box.text());
        assertEquals(-1, box.element(), "a region, not one element");
        assertArrayEquals(new int[] {0, 8, 26, 13, 31}, box.box());
        int ones = 0;
        for (int i = 0; i < box.weights().length; i++) {
            int r = i / 80;
            int c = i % 80;
            boolean inside = r >= 8 && r < 13 && c >= 26 && c < 31;
            assertEquals(inside ? 1.0 : 0.0, box.weights()[i], "element " + i);
            ones += inside ? 1 : 0;
        }
        assertEquals(25, ones);
        assertTrue(box.words().startsWith("mask[0,8:13,26:31] summed: 25 elements"), box.words());
        assertTrue(box.words().contains("after the final Sigmoid"), box.words());
        assertNotNull(saliency.pictureProperty().get(), "the box's saliency, by one reverse pass with its weights");
        assertTrue(saliency.pictureProperty().get().derivative().contains("summed"), saliency.pictureProperty().get().derivative());
    }

    @Test
    void aRegionsGradientIsTheSumOfItsElementsRows() {
        vm.openFiles(List.of(TestFiles.resource("images/segmenter_dynamic.onnx"), TestFiles.resource("images/cat.png")));
        picker.pickBox(0, 20, 40, 21, 41);
        AppState.LargeJacobian large = vm.state().deferredProperty().get();
        assertNotNull(large, "the mask's Jacobian is too large to compute whole");
        JacobianEngine engine = vm.state().derivatives().exact();
        long[] outShape = large.output().shape();
        double[] region = SaliencyRows.weightedRow(engine, large.request(), outShape, 0, picker.chosenProperty().get().weights(),
            ProgressMonitor.NONE);
        double[] sum = new double[region.length];
        double largest = 0;
        for (int r = 20; r <= 21; r++) {
            for (int c = 40; c <= 41; c++) {
                double[] row = SaliencyRows.row(engine, large.request(), outShape, 0, r * 80 + c, ProgressMonitor.NONE);
                for (int i = 0; i < row.length; i++) {
                    sum[i] += row[i];
                }
            }
        }
        for (double v : sum) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0);
        for (int i = 0; i < sum.length; i++) {
            assertEquals(sum[i], region[i], 1e-5 * largest, "input element " + i);
        }
    }

    @Test
    void aTypedIndexSliceOrNameIsTakenAndAMistakeSaysWhyAndKeepsTheTarget() {
        vm.openFiles(List.of(TestFiles.resource("images/segmenter_dynamic.onnx"), TestFiles.resource("images/cat.png")));
        picker.type("0,2:4,3:6");
        assertEquals("mask[0,2:4,3:6]", picker.textProperty().get(), "indices alone are on the output shown");
        assertEquals(6, count(picker.chosenProperty().get().weights()));
        picker.type("[0,5,7]");
        assertEquals("mask[0,5,7]", picker.textProperty().get());
        TargetPickerModel.Chosen before = picker.chosenProperty().get();
        picker.type("mask[0,99,7]");
        assertTrue(picker.problemProperty().get().contains("out of range"), picker.problemProperty().get());
        assertSame(before, picker.chosenProperty().get(), "a mistake leaves the target as it was");
        assertEquals("mask[0,5,7]", picker.textProperty().get());

        vm.openFiles(List.of(TestFiles.resource("labels/mlp_tanh.class_names.onnx"),
            TestFiles.resource("fixtures/mlp_tanh.input.npy")));
        assertEquals("", picker.textProperty().get(), "another model starts at its largest element");
        picker.type("South");
        assertEquals("y[2]", picker.textProperty().get(), "a class by its name");
        assertEquals("y[south] = " + String.format(java.util.Locale.ROOT, "%.4g", picker.outputProperty().get().values()[2]),
            picker.chosenProperty().get().words());
    }

    @Test
    void anotherOutputStartsAtItsLargestElement() {
        vm.openFiles(List.of(TestFiles.resource("models/multi_output.pt"), TestFiles.resource("models/multi_output.input.x1.npy"),
            TestFiles.resource("models/multi_output.input.x2.npy")));
        String first = picker.outputProperty().get().name();
        picker.pickElement(1);
        assertEquals(first + "[1]", picker.textProperty().get());
        String other = vm.state().ofChoices().stream().filter(o -> !o.equals(first)).findFirst().orElseThrow();
        vm.state().ofProperty().set(other);
        vm.compute();
        assertEquals(other, picker.outputProperty().get().name());
        assertEquals("", picker.textProperty().get(), "the old output's index means nothing on this one");
        assertEquals("", picker.problemProperty().get());
        assertEquals("", attribution.targetProperty().get(), "no stale target for the Attribution tab");
    }

    @Test
    void channelsLastOutputsAreImagesToo() {
        OutputLayout nhwc = OutputLayout.of(new long[] {16, 20, 6});
        assertEquals(new OutputLayout(true, 6, 16, 20, 3, true), nhwc);
        assertEquals((3 * 20 + 4) * 6 + 5, nhwc.element(5, 3, 4));
        assertArrayEquals(new int[] {5, 3, 4}, nhwc.pixel(nhwc.element(5, 3, 4)));
        assertEquals("2:5,1:4,3", nhwc.boxIndex(3, 2, 1, 5, 4));
        OutputLayout nchw = OutputLayout.of(new long[] {4, 16, 20});
        assertArrayEquals(new int[] {2, 7, 9}, nchw.pixel(nchw.element(2, 7, 9)));
        assertEquals("2,7,9", nchw.boxIndex(2, 7, 9, 8, 10));
        assertFalse(OutputLayout.of(new long[] {1000}).image(), "classes are bars");
        assertFalse(OutputLayout.of(new long[] {16}).image());
    }

    private static int count(double[] w) {
        int n = 0;
        for (double v : w) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }
}
