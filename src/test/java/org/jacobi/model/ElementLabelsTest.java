package org.jacobi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jacobi.cli.CliRunner;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Element names from model metadata (ONNX metadata_props, TorchScript extra files) and from labels files. */
class ElementLabelsTest {
    private static final Path LABELS = Path.of("src/test/resources/labels");
    private static final List<String> COMPASS = List.of("north", "east", "south", "west");

    @Test
    void onnxClassNamesNameTheOutputsOnly() {
        try (Model m = ModelLoader.load(LABELS.resolve("mlp_tanh.class_names.onnx"))) {
            assertEquals(Optional.of(COMPASS), ElementLabels.of(m, "y", 4));
            assertEquals(Optional.empty(), ElementLabels.of(m, "y", 5), "names that do not fit are ignored");
            assertEquals(Optional.empty(), ElementLabels.of(m, "x", 4), "class names never name inputs");
        }
    }

    @Test
    void torchScriptExtraFilesNameTheOutputs() {
        try (Model m = ModelLoader.load(LABELS.resolve("mlp_tanh.labels.pt"), new ModelLoader.Options(
                DevicePreference.CPU, Map.of("x", new long[] {8})))) {
            assertTrue(m.metadata().containsKey("labels.json"), m.metadata().toString());
            String output = m.info().outputs().get(0).name();
            assertEquals(Optional.of(COMPASS), ElementLabels.of(m, output, 4));
        }
    }

    @Test
    void theDemoModelsCarryTheirLabels() {
        try (Model digits = ModelLoader.load(Path.of("assets/models/digits.onnx"))) {
            assertEquals(10, ElementLabels.of(digits, "logits", 10).orElseThrow().size());
        }
        try (Model launch = ModelLoader.load(Path.of("assets/models/demo.onnx"))) {
            assertEquals(6, ElementLabels.of(launch, "launch", 6).orElseThrow().size(), "jacobi.labels.NAME still works");
        }
    }

    @Test
    void labelsFilesHoldOneNamePerLineOrAJsonList(@TempDir Path dir) throws Exception {
        assertEquals(List.of("N", "E", "S", "W"), ElementLabels.read(LABELS.resolve("compass.txt")));
        assertEquals(List.of("a b", "c"), ElementLabels.parse("[\"a b\", \"c\"]"));
        assertEquals(List.of("[not json", "x"), ElementLabels.parse("[not json\nx\n"));
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        JacobiException e = assertThrows(JacobiException.class, () -> ElementLabels.read(empty));
        assertTrue(e.getMessage().contains("no labels"), e.getMessage());
        assertThrows(JacobiException.class, () -> ElementLabels.read(dir.resolve("missing.txt")));
    }

    @Test
    void theJacobianCommandWritesTheLabelsIntoItsJson(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("j.npy");
        CliRunner r = CliRunner.run("jacobian", LABELS.resolve("mlp_tanh.class_names.onnx").toString(), "--out", out.toString(),
            "--input", "src/test/resources/fixtures/mlp_tanh.input.npy");
        assertEquals(0, r.exitCode, r.toString());
        String json = Files.readString(Path.of(out + ".json"));
        assertTrue(json.contains("\"output_labels\"") && json.contains("\"south\""), json);
        assertTrue(!json.contains("\"input_labels\""), json);
    }
}
