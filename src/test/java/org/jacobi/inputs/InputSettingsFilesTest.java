package org.jacobi.inputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.TensorFiles.InputArgument;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings from the model's metadata, a sidecar and the options, in that rising order; the sidecar round trip. */
class InputSettingsFilesTest {
    @TempDir
    Path dir;

    @Test
    void sidecarRoundTripsEverySetting() {
        InputSettings s = InputSettings.defaults().withLayout(ImageLayout.NHWC).withResize(Resize.parse("multiple:32"))
            .withNormalization(Normalization.parse("mean=0.1,0.2,0.3;std=0.5,0.6,0.7")).withChannels(ChannelOrder.BGR)
            .withSampleRate(16000);
        Path model = dir.resolve("net.onnx");
        InputSettingsFiles.write(InputSettingsFiles.sidecarFor(model), s);
        assertTrue(Files.exists(dir.resolve("net.onnx.jacobi.json")));
        InputSettingsFiles.Resolved back = InputSettingsFiles.resolve(model, Map.of(), null, Map.of());
        assertEquals(s, back.settings());
        assertEquals(List.of("net.onnx.jacobi.json"), back.sources());
    }

    @Test
    void optionsOverrideTheSidecarWhichOverridesTheModelsMetadata() throws Exception {
        Path model = dir.resolve("net.onnx");
        Files.writeString(InputSettingsFiles.sidecarFor(model), "{\"normalize\": \"imagenet\", \"channels\": \"bgr\"}");
        Map<String, String> metadata = Map.of("normalize", "-1..1", "layout", "nhwc", "producer_note", "ignored");
        InputSettings s = InputSettingsFiles.resolve(model, metadata, null, Map.of()).settings();
        assertEquals(Normalization.imagenet(), s.normalization());
        assertEquals(ImageLayout.NHWC, s.layout());
        assertEquals(ChannelOrder.BGR, s.channels());
        InputSettings withOption = InputSettingsFiles.resolve(model, metadata, null, Map.of("channels", "rgb")).settings();
        assertEquals(ChannelOrder.RGB, withOption.channels());
        assertEquals(Normalization.symmetric(),
            InputSettingsFiles.resolve(dir.resolve("other.onnx"), metadata, null, Map.of()).settings().normalization());
        Path named = dir.resolve("chosen.json");
        Files.writeString(named, "{\"resize\": \"keep\", \"sample_rate\": 8000}");
        InputSettings chosen = InputSettingsFiles.resolve(model, Map.of(), named, Map.of()).settings();
        assertEquals(Resize.Kind.KEEP, chosen.resize().kind());
        assertEquals(8000, chosen.sampleRate());
        assertEquals(Normalization.unit(), chosen.normalization(), "a named sidecar replaces the automatic one");
        JacobiException bad = assertThrows(JacobiException.class,
            () -> InputSettingsFiles.resolve(model, Map.of("layout", "sideways"), null, Map.of()));
        assertTrue(bad.getMessage().startsWith("In the model's metadata_props: Unknown layout"), bad.getMessage());
        assertThrows(JacobiException.class, () -> InputSettingsFiles.resolve(model, Map.of(), dir.resolve("missing.json"), Map.of()));
    }

    @Test
    void theModelsOwnMetadataNormalisesItsPhotos() {
        try (Model m = ModelLoader.load(MediaInputsTest.file("face_detector_nhwc.onnx"))) {
            InputSettingsFiles.Resolved r = InputSettingsFiles.resolve(m.info().path(), m.metadata(), null, Map.of());
            assertEquals(Normalization.symmetric(), r.settings().normalization());
            Map<String, Tensor> in = InputSources.bind(m.info(), List.of(InputArgument.parse(MediaInputsTest.file("face.png").toString())),
                r.settings());
            MediaInputsTest.assertMatches("ref_face_nhwc_symmetric.npy", in.get("image"));
        }
        try (Model m = ModelLoader.load(MediaInputsTest.file("segmenter_dynamic.onnx"))) {
            InputSettings s = InputSettings.defaults().withResize(Resize.parse("multiple:16"));
            Map<String, Tensor> in = InputSources.bind(m.info(),
                List.of(InputArgument.parse("image=" + MediaInputsTest.file("cat.png"))), s);
            MediaInputsTest.assertMatches("ref_cat_multiple16_unit.npy", in.get("image"));
        }
    }
}
