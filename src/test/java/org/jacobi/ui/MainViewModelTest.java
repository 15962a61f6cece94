package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jacobi.core.CancelledException;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.inputs.Normalization;
import org.jacobi.inputs.Resize;
import org.jacobi.io.CsvTensors;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.ui.heatmap.HeatmapData;
import org.jacobi.ui.jacobian.JacobianViewModel;
import org.jacobi.ui.saliency.SaliencyViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.jacobi.ui.whatif.WhatIfViewModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main view model and the panels' view models without any window: every task runs at once on the test thread. */
class MainViewModelTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final JacobianViewModel heatmap = new JacobianViewModel(vm.state());
    private final WhatIfViewModel whatIf = new WhatIfViewModel(vm);

    @AfterEach
    void close() {
        vm.dispose();
    }

    private void openMlp() {
        vm.openFiles(List.of(FIXTURES.resolve("mlp_tanh.onnx"), FIXTURES.resolve("mlp_tanh.input.npy")));
    }

    @Test
    void openingAModelWithItsInputComputesTheJacobian() {
        openMlp();
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        assertEquals("Jacobi — mlp_tanh.onnx", vm.titleProperty().get());
        assertEquals(4, vm.state().sampleCountProperty().get());
        assertEquals("mlp_tanh.input.npy", vm.state().inputSourceProperty().get());
        JacobianResult r = vm.state().resultProperty().get();
        assertNotNull(r);
        assertTrue(vm.methodTextProperty().get().startsWith(r.methodLabel()));
        assertTrue(vm.methodTextProperty().get().contains(r.device()));
        assertEquals(!r.exact(), vm.approximateProperty().get());
        HeatmapData d = heatmap.heatmapDataProperty().get();
        assertEquals(4, d.rows());
        assertEquals(8, d.cols());
        assertEquals("y[3]", d.rowLabel().apply(3));
        assertEquals("x[7]", d.colLabel().apply(7));
        // matches the float64 reference Jacobian of the fixture to finite-difference accuracy
        Tensor ref = Npy.read(FIXTURES.resolve("mlp_tanh.jacobian.npy"));
        assertEquals(ref.getDouble(2 * 8 + 5), d.value(2, 5), 1e-3);
        assertEquals(List.of(FIXTURES.resolve("mlp_tanh.onnx").toAbsolutePath().normalize()), vm.recentFiles());
    }

    @Test
    void switchingSamplesShowsThatSamplesMatrixOnASharedOrOwnScale() {
        openMlp();
        HeatmapData first = heatmap.heatmapDataProperty().get();
        double shared = heatmap.scaleLimitProperty().get();
        assertTrue(shared > 0);
        vm.state().selectedSampleProperty().set(2);
        HeatmapData third = heatmap.heatmapDataProperty().get();
        assertNotEquals(first.value(0, 0), third.value(0, 0));
        Tensor ref = Npy.read(FIXTURES.resolve("mlp_tanh.jacobian.npy"));
        assertEquals(ref.getDouble(2 * 32 + 1), third.value(0, 1), 1e-3);
        assertEquals(shared, heatmap.scaleLimitProperty().get());
        heatmap.sharedScaleProperty().set(false);
        assertTrue(Double.isNaN(heatmap.scaleLimitProperty().get()), "per-sample: the view fits the scale itself");
    }

    @Test
    void aCorruptModelFileGivesAShortErrorAndNoModel(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.onnx");
        Files.write(bad, new byte[] {8, 7, 1, 2, 3, 4, 5, 99, 99, 99});
        vm.openFiles(List.of(bad));
        UserMessage m = vm.state().messageProperty().get();
        assertNotNull(m);
        assertTrue(m.error());
        assertTrue(m.text().contains("broken.onnx"), m.text());
        assertFalse(m.text().contains("\tat "), "no stack trace in the message");
        assertNotNull(m.details());
        assertNull(vm.state().modelInfoProperty().get());
        assertNull(vm.state().resultProperty().get());
        // with a model open, a broken file leaves it open and usable
        openMlp();
        JacobianResult before = vm.state().resultProperty().get();
        vm.openFiles(List.of(bad));
        assertTrue(vm.state().messageProperty().get().error());
        assertEquals("Jacobi — mlp_tanh.onnx", vm.titleProperty().get());
        assertEquals(before, vm.state().resultProperty().get());
        vm.compute();
        assertNotNull(vm.state().resultProperty().get());
        assertNotEquals(before, vm.state().resultProperty().get());
    }

    @Test
    void filesOfUnknownKindAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path txt = dir.resolve("notes.docx");
        Files.writeString(txt, "hello");
        vm.openFiles(List.of(txt));
        assertTrue(vm.state().messageProperty().get().text().contains("notes.docx"));
        vm.openFiles(List.of(FIXTURES.resolve("mlp_tanh.input.npy")));
        assertTrue(vm.state().messageProperty().get().text().contains("model first"));
    }

    @Test
    void generatedSamplesFollowKindSeedAndCount() {
        openMlp();
        vm.inputs().generatorCountProperty().set(3);
        vm.inputs().generatorSeedProperty().set(5);
        vm.inputs().generateSamples();
        assertEquals(3, vm.state().sampleCountProperty().get());
        assertArrayEquals(new long[] {3, 8}, vm.state().inputsProperty().get().get("x").shape());
        assertTrue(vm.state().inputSourceProperty().get().contains("seed 5"));
        assertEquals(3, vm.state().resultProperty().get().samples());
    }

    @Test
    void editingTheSampleInTheWhatIfTableRecomputes() {
        openMlp();
        assertEquals(8, whatIf.rows().size());
        assertEquals("x[3]", whatIf.rows().get(3).label());
        assertEquals(4, whatIf.outputs().size());
        String before = whatIf.outputs().get(0);
        JacobianResult old = vm.state().resultProperty().get();
        whatIf.rows().get(3).valueProperty().set(2.5);
        assertEquals(2.5, vm.state().inputsProperty().get().get("x").getDouble(3), 1e-6);
        assertNotEquals(old, vm.state().resultProperty().get());
        assertNotEquals(before, whatIf.outputs().get(0));
        assertTrue(vm.state().inputSourceProperty().get().endsWith("(edited)"));
        vm.state().selectedSampleProperty().set(1);
        assertEquals(vm.state().inputsProperty().get().get("x").getDouble(8), whatIf.rows().get(0).valueProperty().get(), 1e-6);
        // choosing another device opens the model again and keeps the edited inputs
        vm.state().deviceProperty().set(DevicePreference.CPU);
        assertEquals(2.5, vm.state().inputsProperty().get().get("x").getDouble(3), 1e-6);
        assertEquals("CPU", vm.state().modelDeviceProperty().get());
        assertNotNull(vm.state().resultProperty().get());
    }

    @Test
    void aModelWithTwoInputsBindsBothFilesAndLetsTheUserPickTheInput() {
        vm.openFiles(List.of(FIXTURES.resolve("two_inputs.onnx"), FIXTURES.resolve("two_inputs.input.x1.npy"),
            FIXTURES.resolve("two_inputs.input.x2.npy")));
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        assertEquals(List.of("x1", "x2"), vm.state().wrtChoices());
        assertEquals(6, heatmap.heatmapDataProperty().get().cols());
        vm.state().wrtProperty().set("x2");
        assertEquals(3, heatmap.heatmapDataProperty().get().cols());
        Tensor ref = Npy.read(FIXTURES.resolve("two_inputs.jacobian.x2.npy"));
        assertEquals(ref.getDouble(4), heatmap.heatmapDataProperty().get().value(1, 1), 1e-3);
    }

    @Test
    void cancelledWorkIsReportedAsCancelledNotAsAnError() {
        MainViewModel cancelling = new MainViewModel(new SameThreadTaskExecutor(), d -> new JacobianEngine() {
            @Override
            public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
                throw new CancelledException();
            }

            @Override
            public String name() {
                return "cancelled";
            }

            @Override
            public void close() {
            }
        });
        cancelling.openFiles(List.of(FIXTURES.resolve("mlp_tanh.onnx")));
        assertNull(cancelling.state().resultProperty().get());
        assertFalse(cancelling.state().messageProperty().get().error());
        assertTrue(cancelling.state().messageProperty().get().text().contains("cancelled"));
        cancelling.dispose();
    }

    @Test
    void theJacobianExportsAsNpyAndCsv(@TempDir Path dir) {
        openMlp();
        Path npy = dir.resolve("j.npy");
        Path csv = dir.resolve("j.csv");
        vm.exports().exportJacobianNpy(npy);
        vm.exports().exportJacobianCsv(csv);
        Tensor back = Npy.read(npy);
        assertArrayEquals(new long[] {4, 4, 8}, back.shape());
        assertArrayEquals(vm.state().resultProperty().get().jacobian().floats(), back.floats());
        Tensor table = CsvTensors.read(csv);
        assertArrayEquals(new long[] {16, 8}, table.shape());
        assertEquals(back.getDouble(9), table.getDouble(9), 1e-6);
    }

    @Test
    void finiteDifferencesAreLabelledApproximate() {
        MainViewModel fd = new MainViewModel(new SameThreadTaskExecutor(), ModelDerivatives::finiteDifferences);
        fd.openFiles(List.of(FIXTURES.resolve("mlp_tanh.onnx")));
        assertTrue(fd.approximateProperty().get());
        assertTrue(fd.methodTextProperty().get().contains("approximate"));
        assertEquals(4, fd.state().sampleCountProperty().get(), "four generated samples by default");
        fd.dispose();
    }

    @Test
    void settingsRememberWindowSizeAndRecentFiles(@TempDir Path dir) {
        UiSettings s = UiSettings.load(dir);
        assertEquals(1400, s.windowWidth());
        s.setWindowSize(1000, 700);
        s.setRecentFiles(List.of(Path.of("/a/b.onnx"), Path.of("/c.pt")));
        s.save();
        UiSettings again = UiSettings.load(dir);
        assertEquals(1000, again.windowWidth());
        assertEquals(700, again.windowHeight());
        assertEquals(List.of(Path.of("/a/b.onnx"), Path.of("/c.pt")), again.recentFiles());
    }

    @Test
    void theReportIsWrittenAtTheInputsTheJacobianWasComputedAt(@TempDir Path dir) throws Exception {
        openMlp();
        Path html = dir.resolve("report.html");
        vm.exports().exportReport(html);
        assertNull(vm.state().messageProperty().get().details(), () -> vm.state().messageProperty().get().text());
        String text = Files.readString(html);
        assertTrue(text.contains("mlp_tanh.onnx"));
        vm.exports().exportReport(dir.resolve("report.docx"));
        assertTrue(vm.state().messageProperty().get().error());
        assertTrue(vm.state().messageProperty().get().text().contains(".html or .pdf"), vm.state().messageProperty().get().text());
    }

    @Test
    void anImageBecomesTheInputOfAnImageModel(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(56, 40, BufferedImage.TYPE_INT_RGB);
        img.setRGB(10, 10, 0xffffff);
        Path png = dir.resolve("digit.png");
        ImageIO.write(img, "png", png.toFile());
        vm.openFiles(List.of(FIXTURES.resolve("cnn_small.onnx"), png));
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        vm.inputs().changeSettings(vm.inputs().settingsProperty().get().withNormalization(Normalization.symmetric()));
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        Tensor x = vm.state().inputsProperty().get().get("x");
        assertArrayEquals(new long[] {1, 1, 28, 28}, x.shape());
        assertEquals(-1.0, x.getDouble(0), 1e-6, "black pixel: (0 - 0.5) / 0.5");
        assertEquals(1, vm.state().sampleCountProperty().get());
        JacobianResult r = vm.state().resultProperty().get();
        assertArrayEquals(new long[] {1, 28, 28}, r.sampleInputShape());
        assertEquals(784, heatmap.heatmapDataProperty().get().cols());
        assertEquals("x[0, 27, 27]", heatmap.heatmapDataProperty().get().colLabel().apply(783));
        assertTrue(whatIf.rows().isEmpty(), "784 elements: no what-if table");
        Path second = dir.resolve("second.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "png", second.toFile());
        vm.openFiles(List.of(png, second));
        assertArrayEquals(new long[] {2, 1, 28, 28}, vm.state().inputsProperty().get().get("x").shape(), "several images: a batch");
        assertEquals(2, vm.state().sampleCountProperty().get());
        assertTrue(vm.state().inputSourceProperty().get().startsWith("2 files (layout auto"), vm.state().inputSourceProperty().get());
        vm.inputs().changeSettings(vm.inputs().settingsProperty().get().withResize(Resize.parse("14x14")));
        assertTrue(vm.state().messageProperty().get().text().contains("fixed height of 28"), vm.state().messageProperty().get().text());
        assertArrayEquals(new long[] {2, 1, 28, 28}, vm.state().inputsProperty().get().get("x").shape(), "the input stays as it was");
    }

    @Test
    void startArgumentsNameTheModelAndItsInputs() {
        JacobiApp.StartFiles f = JacobiApp.StartFiles.parse(List.of("m.onnx", "--input", "a.npy", "--input=b.npz"));
        assertEquals(Path.of("m.onnx"), f.model());
        assertEquals(List.of(Path.of("a.npy"), Path.of("b.npz")), f.inputs());
        assertNull(JacobiApp.StartFiles.parse(List.of()).model());
        // files after the model are inputs too (images given at launch)
        JacobiApp.StartFiles images = JacobiApp.StartFiles.parse(List.of("m.onnx", "a.png", "b.png", "--compare", "n.onnx"));
        assertEquals(List.of(Path.of("a.png"), Path.of("b.png")), images.inputs());
        assertEquals(Path.of("n.onnx"), images.compareWith());
    }

    @Test
    void theDemoModelNamesItsElementsInTheHeatmapAndTheWhatIfTable() {
        vm.openFiles(List.of(Path.of("assets/models/demo.onnx"), Path.of("assets/samples/demo.input.npy")));
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        HeatmapData d = heatmap.heatmapDataProperty().get();
        assertTrue(d.colLabel().apply(0).matches("launch\\[[a-z]+\\]"), d.colLabel().apply(0));
        assertTrue(d.rowLabel().apply(0).startsWith("height[t="), d.rowLabel().apply(0));
        assertEquals(d.colLabel().apply(1), whatIf.rows().get(1).label());
        assertTrue(whatIf.outputs().get(0).startsWith(d.rowLabel().apply(0) + " = "), whatIf.outputs().get(0));
    }

    @Test
    void classNamesFromTheModelOrALabelsFileNameTheOutputs() {
        SaliencyViewModel saliency = new SaliencyViewModel(vm);
        vm.openFiles(List.of(Path.of("src/test/resources/labels/mlp_tanh.class_names.onnx"), FIXTURES.resolve("mlp_tanh.input.npy")));
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        assertEquals("y[south]", heatmap.heatmapDataProperty().get().rowLabel().apply(2));
        assertEquals("x[5]", heatmap.heatmapDataProperty().get().colLabel().apply(5));
        assertTrue(whatIf.outputs().get(3).startsWith("y[west] = "), whatIf.outputs().get(3));
        vm.openLabels(Path.of("src/test/resources/labels/compass.txt"));
        assertEquals("y[S]", heatmap.heatmapDataProperty().get().rowLabel().apply(2), "the user's labels win");
        assertTrue(whatIf.outputs().get(3).startsWith("y[W] = "), whatIf.outputs().get(3));
        assertFalse(vm.state().messageProperty().get().error());
        assertNull(saliency.pictureProperty().get(), "no image input, no saliency");
        assertEquals("y[S]", saliency.picker().outputProperty().get().label(2), "the picker names the elements too");
    }

    @Test
    void theDigitsDemoShowsSaliencyPerClass() {
        SaliencyViewModel saliency = new SaliencyViewModel(vm);
        vm.openDemo(DemoAssets.Demo.DIGITS);
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        assertEquals(10, vm.state().sampleCountProperty().get());
        assertEquals(10, saliency.picker().bars("", 100).size());
        assertEquals("logits[7]", saliency.picker().outputProperty().get().label(7));
        saliency.outputProperty().set(3);
        SaliencyViewModel.Picture p = saliency.pictureProperty().get();
        assertEquals(8, p.width());
        assertEquals(64, p.saliency().length);
        assertTrue(p.derivative().contains("logits[3]"), p.derivative());
    }
}
