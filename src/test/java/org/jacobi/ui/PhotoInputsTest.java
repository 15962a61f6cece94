package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jacobi.TestFiles;
import org.jacobi.core.Tensor;
import org.jacobi.inputs.InputSettingsFiles;
import org.jacobi.inputs.Normalization;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.inputs.DynamicAxis;
import org.jacobi.ui.inputs.InputsViewModel;
import org.jacobi.ui.saliency.SaliencyViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Photos dropped on a model: read with the model's input settings, changed in the form, saved beside the model. */
class PhotoInputsTest {
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());
    private final SaliencyViewModel saliency = new SaliencyViewModel(vm);
    private final InputsViewModel inputs = vm.inputs();

    @AfterEach
    void close() {
        vm.dispose();
    }

    private static Path image(String name) {
        return TestFiles.resource("images/" + name);
    }

    /** The NHWC face detector (its metadata says -1..1) with a photo gives the CLI's tensor and an image saliency map. */
    @Test
    void aPhotoOnAnNhwcModelIsReadWithTheModelsSettingsAndItsSaliencyIsAnImage() {
        vm.openFiles(List.of(image("face_detector_nhwc.onnx"), image("face.png")));
        assertNull(vm.state().messageProperty().get(), () -> vm.state().messageProperty().get().text());
        assertEquals(Normalization.symmetric(), inputs.settingsProperty().get().normalization());
        assertEquals("from the model's metadata", inputs.settingsSourceProperty().get());
        Tensor x = vm.state().inputsProperty().get().get("image");
        assertArrayEquals(new long[] {1, 128, 128, 3}, x.shape());
        Tensor reference = Npy.read(image("ref_face_nhwc_symmetric.npy"));
        assertArrayEquals(reference.toDoubleArray(), x.toDoubleArray(), 1e-6);
        assertTrue(vm.state().inputSourceProperty().get().startsWith("face.png (layout auto"), vm.state().inputSourceProperty().get());

        JacobianResult r = vm.state().resultProperty().get();
        assertNotNull(r);
        SaliencyViewModel.Picture p = saliency.pictureProperty().get();
        assertNotNull(p, "an [H, W, C] input has a saliency map");
        assertEquals(128, p.width());
        assertEquals(128, p.height());
    }

    @Test
    void changingASettingReadsThePhotoAgainAndSavingItAppliesWhenTheModelOpensNextTime(@TempDir Path dir) throws Exception {
        Path model = Files.copy(image("face_detector_nhwc.onnx"), dir.resolve("face.onnx"));
        vm.openFiles(List.of(model, image("face.png")));
        double before = max(vm.state().inputsProperty().get().get("image"));
        assertTrue(before > 0.5 && before <= 1, "-1..1: " + before);

        inputs.changeSettings(inputs.settingsProperty().get().withNormalization(Normalization.raw()));
        assertEquals("changed, not saved", inputs.settingsSourceProperty().get());
        double raw = max(vm.state().inputsProperty().get().get("image"));
        assertTrue(raw > 100 && raw <= 255, "the photo read again, 0..255: " + raw);
        assertTrue(vm.state().inputSourceProperty().get().contains("normalize raw"), vm.state().inputSourceProperty().get());

        inputs.saveSettings();
        Path sidecar = InputSettingsFiles.sidecarFor(model);
        assertTrue(Files.isRegularFile(sidecar));
        assertEquals("from face.onnx.jacobi.json", inputs.settingsSourceProperty().get());

        vm.openFiles(List.of(image("face_detector_nhwc.onnx"))); // another model: its own settings
        assertEquals(Normalization.symmetric(), inputs.settingsProperty().get().normalization());
        vm.openFiles(List.of(model, image("face.png")));
        assertEquals(Normalization.raw(), inputs.settingsProperty().get().normalization());
        assertTrue(inputs.settingsSourceProperty().get().contains("face.onnx.jacobi.json"), inputs.settingsSourceProperty().get());
        assertEquals(raw, max(vm.state().inputsProperty().get().get("image")), 1e-9);
    }

    @Test
    void aDynamicSizeWithoutAFileSaysOnceWhatToDo() {
        vm.openFiles(List.of(image("segmenter_dynamic.onnx")));
        UserMessage m = vm.state().messageProperty().get();
        assertNotNull(m);
        String text = m.text().toLowerCase(Locale.ROOT);
        assertTrue(text.contains("dynamic axis"), m.text());
        assertEquals(text.indexOf("drop an input file"), text.lastIndexOf("drop an input file"), "said once: " + m.text());
        assertFalse(text.contains("generate samples"), "generating cannot help here: " + m.text());

        vm.openFiles(List.of(image("cat.png")));
        UserMessage after = vm.state().messageProperty().get();
        assertTrue(after == null || !after.error(), () -> after.text());
        assertArrayEquals(new long[] {1, 3, 60, 80}, vm.state().inputsProperty().get().get("image").shape(), "the photo fixes the size");
        assertNotNull(saliency.pictureProperty().get(), "a saliency map of the 80 x 60 photo, row by row");
        assertEquals(80, saliency.pictureProperty().get().width());
    }

    @Test
    void sizeBoxesPerDynamicAxisAreFilledFromThePhotoAndSizeGeneratedSamples() {
        vm.openFiles(List.of(image("segmenter_dynamic.onnx")));
        List<DynamicAxis> axes = inputs.dynamicAxes();
        assertEquals(List.of("height", "width"), axes.stream().map(DynamicAxis::name).toList(), "the batch axis has no box");
        assertEquals(List.of(0, 0), axes.stream().map(a -> a.sizeProperty().get()).toList());
        vm.state().messageProperty().set(null);
        inputs.generateSamples();
        String text = vm.state().messageProperty().get().text();
        assertTrue(text.contains("'image' height, width") && text.contains("under Sizes"), text);
        assertEquals(text.indexOf("drop"), text.lastIndexOf("drop"), "said once: " + text);

        vm.openFiles(List.of(image("cat.png")));
        assertEquals(List.of(60, 80), axes.stream().map(a -> a.sizeProperty().get()).toList(), "the photo fixes them");
        axes.get(0).sizeProperty().set(32);
        axes.get(1).sizeProperty().set(48);
        inputs.generateSamples();
        assertArrayEquals(new long[] {4, 3, 32, 48}, vm.state().inputsProperty().get().get("image").shape(),
            "generated at the sizes typed (as --shape image=3,32,48 gives them)");
    }

    private static double max(Tensor t) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : t.toDoubleArray()) {
            m = Math.max(m, v);
        }
        return m;
    }
}
