package org.jacobi.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.model.Model;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptModelTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final Path MODELS = Path.of("src/test/resources/models");

    @TempDir
    Path tmp;

    static ModelLoader.Options shapes(Map<String, long[]> shapes) {
        return new ModelLoader.Options(DevicePreference.AUTO, shapes);
    }

    @Test
    void infoWithShapeOptionDescribesInputsOutputsAndParameters() {
        try (Model model = ModelLoader.load(FIXTURES.resolve("cnn_small.pt"), shapes(Map.of("x", new long[] {1, 28, 28})))) {
            assertInstanceOf(TorchScriptModel.class, model);
            ModelInfo info = model.info();
            assertEquals(ModelFormat.TORCHSCRIPT, info.format());
            assertEquals("--shape", info.shapeSource());
            assertEquals(1, info.inputs().size());
            TensorSpec x = info.inputs().get(0);
            assertEquals("x", x.name());
            assertEquals(ElementType.FLOAT32, x.type());
            assertEquals("[batch, 1, 28, 28]", x.shapeText());
            assertEquals(1, info.outputs().size());
            assertEquals("output0", info.outputs().get(0).name());
            assertEquals("[batch, 10]", info.outputs().get(0).shapeText());
            assertEquals(ElementType.FLOAT32, info.outputs().get(0).type());
            assertEquals(9098, info.parameterCount());
            assertEquals(Files.exists(FIXTURES.resolve("cnn_small.pt")) ? 44144 : -1, info.fileBytes());
            assertEquals("CPU", model.device());
        }
    }

    @Test
    void inputNamesComeFromTheForwardSignature() {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("x1", new long[] {6});
        s.put("x2", new long[] {3});
        try (Model model = ModelLoader.load(FIXTURES.resolve("two_inputs.pt"), shapes(s))) {
            ModelInfo info = model.info();
            assertEquals(List.of("x1", "x2"), info.inputs().stream().map(TensorSpec::name).toList());
            assertEquals("[batch, 5]", info.outputs().get(0).shapeText());
            assertEquals(65, info.parameterCount());
        }
        try (Model model = ModelLoader.load(MODELS.resolve("multi_output.pt"))) {
            assertEquals(List.of("output0", "output1"), model.info().outputs().stream().map(TensorSpec::name).toList());
        }
    }

    @Test
    void withoutShapesTheShapeIsUnknownUntilSampleInputsGiveIt() {
        try (TorchScriptModel model = (TorchScriptModel) ModelLoader.load(FIXTURES.resolve("mlp_tanh.pt"))) {
            ModelInfo info = model.info();
            assertEquals("unknown", info.shapeSource());
            assertFalse(info.inputs().get(0).hasShape());
            assertEquals("unknown", info.outputs().get(0).shapeText());
            assertEquals(1476, info.parameterCount());

            Tensor x = Npy.read(FIXTURES.resolve("mlp_tanh.input.npy"));
            ModelInfo resolved = model.resolveShapes(Map.of("x", x));
            assertEquals("sample input", resolved.shapeSource());
            assertEquals("[batch, 8]", resolved.inputs().get(0).shapeText());
            assertEquals("[batch, 4]", resolved.outputs().get(0).shapeText());
            assertEquals(resolved, model.info());
        }
    }

    @Test
    void runReturnsTheOutputsOfTheFloat32Model() {
        try (Model model = ModelLoader.load(FIXTURES.resolve("decoder_sigmoid.pt"))) {
            Tensor x = Npy.read(FIXTURES.resolve("decoder_sigmoid.input.npy"));
            Map<String, Tensor> out = model.run(Map.of("x", x));
            assertEquals(List.of("output0"), List.copyOf(out.keySet()));
            Tensor expected = Npy.read(FIXTURES.resolve("decoder_sigmoid.output_f32.npy"));
            assertArrayEquals(expected.shape(), out.get("output0").shape());
            float[] a = expected.floats();
            float[] b = out.get("output0").floats();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6);
            }
            assertEquals("sample input", model.info().shapeSource()); // a run with inputs completes the description
        }
    }

    @Test
    void severalOutputsAreReturnedByNameAndCanBeSelected() {
        try (Model model = ModelLoader.load(MODELS.resolve("multi_output.pt"))) {
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("x1", Npy.read(MODELS.resolve("multi_output.input.x1.npy")));
            inputs.put("x2", Npy.read(MODELS.resolve("multi_output.input.x2.npy")));
            Map<String, Tensor> all = model.run(inputs);
            assertEquals(List.of("output0", "output1"), List.copyOf(all.keySet()));
            assertArrayEquals(new long[] {4, 2, 2}, all.get("output1").shape());
            assertEquals("[batch, 2, 2]", model.info().output("output1").shapeText());
            assertEquals(List.of("output1"), List.copyOf(model.run(inputs, Set.of("output1")).keySet()));
        }
    }

    @Test
    void aFloat64ModelIsDescribedWithFloat64Types() {
        try (Model model = ModelLoader.load(MODELS.resolve("float64_mlp.pt"), shapes(Map.of("input", new long[] {5})))) {
            assertEquals(ElementType.FLOAT64, model.info().inputs().get(0).type());
            assertEquals(ElementType.FLOAT64, model.info().outputs().get(0).type());
            assertEquals("[batch, 2]", model.info().outputs().get(0).shapeText());
        }
    }

    @Test
    void outputsReturnedAsADictKeepTheirNames() {
        try (Model model = ModelLoader.load(MODELS.resolve("named_outputs.pt"), shapes(Map.of("x", new long[] {3})))) {
            assertEquals(Set.of("mean", "scale"),
                model.info().outputs().stream().map(TensorSpec::name).collect(Collectors.toSet()));
            Map<String, Tensor> out = model.run(Map.of("x", Npy.read(MODELS.resolve("named_outputs.input.npy"))));
            for (String key : new String[] {"mean", "scale"}) {
                Tensor expected = Npy.read(MODELS.resolve("named_outputs.output." + key + ".npy"));
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.getDouble(i), out.get(key).getDouble(i), 1e-6, key);
                }
            }
        }
    }

    // ---- bad input: one line saying what is wrong and what to do ----

    static JacobiException assertOneLineError(Runnable r, String expectedFragment) {
        JacobiException e = assertThrows(JacobiException.class, r::run);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.contains(expectedFragment), m);
        assertTrue(m.length() < 400, m);
        System.out.println("message: " + m);
        return e;
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(FIXTURES.resolve("mlp_tanh.pt"));
        Path truncated = tmp.resolve("truncated.pt");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLineError(() -> ModelLoader.load(truncated), "truncated or corrupt");
    }

    @Test
    void corruptFileIsRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(FIXTURES.resolve("mlp_tanh.pt"));
        // Damage bytes inside a stored weight record, keeping the ZIP structure intact: only checksums see it.
        int at = indexOf(bytes, "mlp_tanh/data/0".getBytes(StandardCharsets.US_ASCII)) + 200;
        for (int i = at; i < at + 16; i++) {
            bytes[i] ^= 0x5a;
        }
        Path corrupt = tmp.resolve("corrupt.pt");
        Files.write(corrupt, bytes);
        assertOneLineError(() -> ModelLoader.load(corrupt), "corrupt");

        Path garbage = tmp.resolve("garbage.pt");
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        junk[0] = 'P';
        junk[1] = 'K';
        Files.write(garbage, junk);
        assertOneLineError(() -> ModelLoader.load(garbage), "truncated or corrupt");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void stateDictSavedWithTorchSaveIsRefused() {
        assertOneLineError(() -> ModelLoader.load(MODELS.resolve("state_dict.pt")), "torch.save");
    }

    @Test
    void zipWithoutAModelIsRefused() throws IOException {
        Path zip = tmp.resolve("notes.pt");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("notes/readme.txt"));
            z.write("hello".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        assertOneLineError(() -> ModelLoader.load(zip), "holds no PyTorch model");
    }

    @Test
    void wrongShapeOptionIsRefusedAtLoad() {
        assertOneLineError(() -> ModelLoader.load(FIXTURES.resolve("mlp_tanh.pt"), shapes(Map.of("x", new long[] {7}))),
            "Check --shape");
        JacobiException e = assertOneLineError(
            () -> ModelLoader.load(FIXTURES.resolve("mlp_tanh.pt"), shapes(Map.of("z", new long[] {8}))), "'z'");
        assertEquals(2, e.exitCode());
    }

    @Test
    void wrongInputShapeAtRunTimeIsOneLine() {
        try (Model model = ModelLoader.load(FIXTURES.resolve("mlp_tanh.pt"), shapes(Map.of("x", new long[] {8})))) {
            Tensor wrong = Tensor.zeros(ElementType.FLOAT32, 2, 7);
            assertOneLineError(() -> model.run(Map.of("x", wrong)), "failed on inputs float32 [2, 7]");
            // the model still works afterwards
            assertEquals(2, model.run(Map.of("x", Tensor.zeros(ElementType.FLOAT32, 2, 8))).get("output0").dim(0));
        }
    }

    @Test
    void cudaRequestedWithoutGpuSaysSo() {
        assumeFalse(TorchRuntime.cudaUsable());
        try (TorchScriptModel model = (TorchScriptModel) ModelLoader.load(FIXTURES.resolve("mlp_tanh.pt"),
            new ModelLoader.Options(DevicePreference.CUDA, Map.of()))) {
            assertEquals("CPU", model.device());
            assertTrue(model.deviceNotice().contains("CUDA requested"), model.deviceNotice());
        }
        try (TorchScriptModel model = (TorchScriptModel) ModelLoader.load(FIXTURES.resolve("mlp_tanh.pt"))) {
            assertNull(model.deviceNotice());
        }
    }

    @Test
    void forwardSignatureParsing() {
        String source = "class Net(Module):\n  __parameters__ = []\n  def forward(self: __torch__.Net,\n"
            + "    image: Tensor,\n    mask: Optional[Tensor]=None) -> Tuple[Tensor, Tensor]:\n    return (image, image)\n";
        TorchScriptArchive.Signature s = TorchScriptArchive.parseForward(source, "Net");
        assertEquals(List.of("image", "mask"), s.inputNames());
        assertEquals(List.of("Tensor", "Optional[Tensor]"), s.inputTypes());
        assertEquals(2, s.outputCount());
        assertEquals(-1, TorchScriptArchive.parseForward("def forward(self, x: Tensor) -> Dict[str, Tensor]:\n", "Net")
            .outputCount());
    }
}
