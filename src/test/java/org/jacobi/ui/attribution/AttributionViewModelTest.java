package org.jacobi.ui.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionRunner;
import org.jacobi.attribution.AttributionSettings;
import org.jacobi.attribution.Baseline;
import org.jacobi.attribution.IntegrationRule;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.ui.DemoAssets;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Attribution tab's view model on the demos, its work run at once (SameThreadTaskExecutor). */
class AttributionViewModelTest {
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final AttributionViewModel tab = new AttributionViewModel(vm);

    @AfterEach
    void close() {
        vm.dispose();
    }

    private void only(String... methods) {
        for (String m : tab.methods()) {
            tab.chosenProperty(m).set(List.of(methods).contains(m));
        }
    }

    @Test
    void integratedGradientsOnTheDigitsDemoIsTheRunnersArray() {
        vm.openDemo(DemoAssets.Demo.DIGITS);
        vm.state().selectedSampleProperty().set(2);
        only("ig");
        tab.stepsProperty().set(16);
        tab.ruleProperty().set(IntegrationRule.RIEMANN_TRAPEZOID);
        tab.compute();
        AttributionViewModel.Run run = tab.runProperty().get();
        assertNotNull(run, tab.statusProperty().get());
        assertEquals(1, run.panels().size());
        Tensor images = vm.state().inputsProperty().get().get("image");
        int side = (int) images.dim(3);
        assertEquals(side, run.width());
        assertEquals(side * side, run.photo().length);

        // the same attribution straight from the runner, on sample 2 alone (one sample's image, its top class)
        ModelDerivatives d = vm.state().derivatives();
        int n = side * side;
        float[] one = Arrays.copyOfRange(images.floats(), 2 * n, 3 * n);
        AttributionProblem alone = AttributionProblem.of(d.model(), d.exact(), Map.of("image", Tensor.ofFloats(one, 1, 1, side, side)),
            "image", OutputTarget.parse("logits[top]", null, null), 0);
        AttributionSettings s = AttributionSettings.defaults();
        AttributionSettings ig = new AttributionSettings(16, IntegrationRule.RIEMANN_TRAPEZOID, Baseline.zero(), false, s.samples(),
            s.noise(), s.seed(), null, null, s.window(), s.stride(), s.fill(), s.metricSamples(), s.sensitivityRadius(), s.curveSteps(), s.block(),
            s.layer(), s.relu());
        AttributionRunner.Result direct = AttributionRunner.run(ig.method("ig"), alone, List.of("deletion", "insertion"), ig,
            ProgressMonitor.NONE);
        float[] expected = direct.values().floats();
        float[] shown = run.panels().get(0).result().values().floats();
        assertEquals(expected.length, shown.length);
        double largest = 0;
        for (float v : expected) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0, "the top class depends on the image");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], shown[i], 1e-5 * largest, "element " + i);
        }
        assertEquals(direct.completenessGap()[0][0], run.panels().get(0).completenessGap(), 1e-5);
        assertEquals(direct.curves().get("deletion")[0][0].length, run.panels().get(0).curve("deletion").length);
        assertEquals(direct.metrics().get("insertion")[0][0], run.panels().get(0).area("insertion"), 1e-4);
        assertEquals(alone.target().describe(0), run.target());
    }

    @Test
    void methodsSideBySideShareOneColourScale() {
        vm.openDemo(DemoAssets.Demo.DIGITS);
        only("saliency", "gradxinput", "occlusion");
        tab.curvesProperty().set(false);
        tab.compute();
        AttributionViewModel.Run run = tab.runProperty().get();
        assertNotNull(run, tab.statusProperty().get());
        assertEquals(List.of("saliency", "gradxinput", "occlusion"), run.panels().stream().map(AttributionPanel::method).toList());
        assertNull(run.panels().get(0).curve("deletion"), "no curves asked for");
        double largest = 0;
        for (AttributionPanel p : run.panels()) {
            for (double v : p.map()) {
                largest = Math.max(largest, Math.abs(v));
            }
        }
        assertTrue(run.scaleNote().contains(String.format(Locale.ROOT, "±%.3g", largest)), run.scaleNote());

        tab.sharedScaleProperty().set(false);
        assertTrue(tab.runProperty().get().scaleNote().contains("own scale"), tab.runProperty().get().scaleNote());
        tab.sharedScaleProperty().set(true);

        tab.absoluteProperty().set(true);
        AttributionViewModel.Run magnitudes = tab.runProperty().get();
        assertTrue(magnitudes.scaleNote().startsWith("viridis"), "re-coloured without recomputing");
        assertTrue(magnitudes.panels().get(0).result() == run.panels().get(0).result());
        for (double v : magnitudes.panels().get(1).map()) {
            assertTrue(v >= 0);
        }
    }

    @Test
    void aTypedTargetIsAttributedAndABadOneSaysWhy() {
        vm.openDemo(DemoAssets.Demo.DIGITS);
        only("saliency");
        tab.targetProperty().set("logits[3]");
        tab.compute();
        assertNotNull(tab.runProperty().get(), tab.statusProperty().get());
        assertTrue(tab.runProperty().get().target().contains("3"), tab.runProperty().get().target());

        tab.targetProperty().set("logits[each]");
        tab.compute();
        assertNull(tab.runProperty().get(), "the previous result goes when a new run fails");
        assertTrue(tab.statusProperty().get().contains("one target at a time"), tab.statusProperty().get());

        tab.targetProperty().set("nothing[0]");
        tab.compute();
        assertFalse(tab.statusProperty().get().contains("\n"), "a one-line message");
        assertTrue(tab.statusProperty().get().contains("nothing"), tab.statusProperty().get());
        assertNull(vm.state().messageProperty().get(), "no error dialog for a typing mistake");
    }

    @Test
    void switchingModelsClearsTheTab() {
        vm.openDemo(DemoAssets.Demo.DIGITS);
        only("saliency", "ig");
        tab.compute();
        assertNotNull(tab.runProperty().get());
        vm.openDemo(DemoAssets.Demo.LAUNCH);
        assertNull(tab.runProperty().get(), "nothing of the digits demo stays");
        assertEquals("", tab.statusProperty().get());

        tab.stepsProperty().set(8);
        tab.compute(); // a model whose input is not an image: values, no pictures
        AttributionViewModel.Run run = tab.runProperty().get();
        assertNotNull(run, tab.statusProperty().get());
        assertNull(run.photo());
        assertTrue(ValueTable.of(run).contains("ig"));
    }

    @Test
    void aModelWithAFixedBatchIsAttributedOneSampleAtATime() {
        // linear_batch4.onnx takes exactly 4 rows: the tab's one sample is padded to them
        vm.openModel(TestFiles.resource("attribution/linear_batch4.onnx"), List.of(TestFiles.resource("attribution/linear.input.npy")));
        vm.state().selectedSampleProperty().set(2);
        only("saliency", "ig", "occlusion");
        tab.stepsProperty().set(4);
        tab.targetProperty().set("y[1]");
        tab.compute();
        AttributionViewModel.Run run = tab.runProperty().get();
        assertNotNull(run, tab.statusProperty().get());
        double[] w = Npy.read(TestFiles.resource("attribution/linear.weight.npy")).doubles();
        double[] saliency = run.panels().get(0).result().values().toDoubleArray();
        for (int i = 0; i < 6; i++) {
            assertEquals(w[6 + i], saliency[i], 1e-6, "the weight of y[1] on x[" + i + "]");
        }

        // and Grad-CAM at the last convolution of a network whose batch is fixed at 1
        vm.openModel(TestFiles.resource("attribution/tiny_resnet_batch1.onnx"), List.of());
        only("saliency", "gradcam");
        tab.targetProperty().set("");
        tab.compute();
        run = tab.runProperty().get();
        assertNotNull(run, tab.statusProperty().get());
        assertEquals(2, run.panels().size());
        assertNotNull(run.panels().get(1).curve("deletion"));
    }

    @Test
    void theLayerChooserListsFeatureMapsAndGradCamUsesTheOneChosen() {
        vm.openModel(TestFiles.resource("attribution/tiny_resnet.onnx"), List.of(TestFiles.resource("attribution/tiny_resnet.input.npy")));
        LayerChooser layers = tab.layers();
        assertTrue(layers.names().isEmpty(), "found only once a layer method is chosen");
        only("gradcam");
        assertEquals("/block/conv2/Conv_output_0", layers.layerProperty().get(), "the last convolution first");
        assertEquals("/block/relu_1/Relu_output_0  [8, 11, 11]", layers.label("/block/relu_1/Relu_output_0"));
        assertFalse(layers.names().contains("/GlobalAveragePool_output_0"), layers.names().toString());

        layers.layerProperty().set("/block/relu_1/Relu_output_0");
        layers.reluProperty().set(true);
        vm.state().selectedSampleProperty().set(1);
        tab.compute();
        AttributionViewModel.Run run = tab.runProperty().get();
        assertNotNull(run, tab.statusProperty().get());
        double[] shown = run.panels().get(0).result().values().toDoubleArray();
        double[] expected = Npy.read(TestFiles.resource("attribution/tiny_resnet.gradcam_relu_block_top.npy")).doubles();
        int n = 3 * 21 * 21;
        double largest = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
        for (int i = 0; i < n; i++) {
            assertEquals(expected[n + i], shown[i], 1e-5 * largest, "element " + i + " of sample 1");
        }
        assertEquals("/block/relu_1/Relu_output_0", run.panels().get(0).result().parameters().get("layer"));

        vm.openDemo(DemoAssets.Demo.DIGITS);
        assertFalse(layers.names().contains("/block/relu_1/Relu_output_0"), "another model, another list");
        assertTrue(layers.names().contains(layers.layerProperty().get()), "found again while gradcam stays chosen: "
            + layers.layerProperty().get());
    }

    /**
     * After a final Sigmoid the tab attributes, by default, the logit of the element the picker shows (found on the
     * mask's values), with words that say so.
     */
    @Test
    void theDefaultTargetAfterASigmoidIsThePickersElementAtItsLogit() {
        vm.openFiles(List.of(TestFiles.resource("images/segmenter_dynamic.onnx"), TestFiles.resource("images/cat.png")));
        only("saliency");
        tab.targetProperty().set("");
        tab.compute();
        AttributionViewModel.Run run = tab.runProperty().get();
        assertNotNull(run, tab.statusProperty().get());
        int element = tab.picker().chosenProperty().get().element();
        long[] shape = tab.picker().outputProperty().get().shape();
        String index = OutputTarget.elementText(shape, element);
        assertTrue(run.target().contains(index) && run.target().contains("the logit before the final Sigmoid of 'mask'"),
            run.target() + " for the picker's " + index);
    }
}
