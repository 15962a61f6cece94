package org.jacobi.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.inputs.InputSettings;
import org.jacobi.io.Npy;
import org.jacobi.model.Dim;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input logic below the UI: number fields, sample shapes, reading and generating inputs, element labels. */
class InputLogicTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @Test
    void numberFieldsTakeFractionsAndLists() {
        assertEquals(1 / 255.0, NumberLists.parseNumber(" 1/255 ", "scale"), 0);
        assertEquals(-0.5, NumberLists.parseNumber("-0.5", "scale"), 0);
        assertArrayEquals(new double[] {0.485, 0.456, 0.406}, NumberLists.parseList("0.485, 0.456;0.406", "mean"), 0);
        JacobiException e = assertThrows(JacobiException.class, () -> NumberLists.parseList("zero", "image std"));
        assertTrue(e.getMessage().contains("image std") && e.getMessage().contains("'zero'"), e.getMessage());
        assertThrows(JacobiException.class, () -> NumberLists.parseList("  ", "image mean"));
    }

    @Test
    void sampleShapesDropTheBatchAxis() {
        TensorSpec dynamic = new TensorSpec("x", ElementType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(1), Dim.fixed(28), Dim.fixed(28)));
        assertArrayEquals(new long[] {1, 28, 28}, SampleShapes.sampleShape(dynamic));
        TensorSpec fixed = new TensorSpec("x", ElementType.FLOAT32, List.of(Dim.fixed(1), Dim.fixed(6)));
        assertArrayEquals(new long[] {6}, SampleShapes.sampleShape(fixed));
        TensorSpec inner = new TensorSpec("x", ElementType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.symbolic("len")));
        assertTrue(assertThrows(JacobiException.class, () -> SampleShapes.sampleShape(inner)).getMessage().contains("dynamic axis"));
        Tensor t = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertEquals(3, SampleShapes.sampleCount(dynamic, t));
        assertEquals(1, SampleShapes.sampleCount(fixed, t));
        assertEquals(0, SampleShapes.sampleCount(fixed, null));
        assertArrayEquals(new double[] {3, 4}, SampleShapes.sample(t, 3, 1), 0);
        Tensor replaced = SampleShapes.withSample(t, 3, 2, new double[] {9, 8});
        assertArrayEquals(new float[] {1, 2, 3, 4, 9, 8}, replaced.floats());
        assertEquals(ElementType.FLOAT32, replaced.type());
        assertArrayEquals(new float[] {1, 2, 3, 7, 5, 6}, SampleShapes.withElement(t, 3, 1, 1, 7).floats());
        assertThrows(JacobiException.class, () -> SampleShapes.withSample(t, 3, 0, new double[] {1}));
    }

    @Test
    void inputsAreReadFromFilesOrGenerated(@TempDir Path dir) throws Exception {
        try (Model m = ModelLoader.load(FIXTURES.resolve("two_inputs.onnx"))) {
            ModelInfo info = m.info();
            Map<String, Tensor> gen = InputFiles.generate(info, new InputFiles.Generation(SampleGenerator.Kind.NORMAL, 3, 5));
            assertEquals(List.of("x1", "x2"), List.copyOf(gen.keySet()));
            assertEquals(5, gen.get("x1").dim(0));
            assertArrayEquals(gen.get("x1").floats(),
                InputFiles.generate(info, new InputFiles.Generation(SampleGenerator.Kind.NORMAL, 3, 5)).get("x1").floats(), "same seed, same samples");
            assertEquals("5 generated samples (" + SampleGenerator.Kind.NORMAL + ", seed 3)",
                new InputFiles.Generation(SampleGenerator.Kind.NORMAL, 3, 5).describe());

            Path x2 = FIXTURES.resolve("two_inputs.input.x2.npy");
            // one unnamed file: it goes to the chosen input, the other keeps its value
            Map<String, Tensor> read = InputFiles.read(info, gen, List.of(x2), InputSettings.defaults(), "x2");
            assertEquals(gen.get("x1"), read.get("x1"));
            assertArrayEquals(Npy.read(x2).floats(), read.get("x2").floats());
            JacobiException missing = assertThrows(JacobiException.class,
                () -> InputFiles.read(info, Map.of(), List.of(x2), InputSettings.defaults(), "x2"));
            assertTrue(missing.getMessage().contains("'x1'"), missing.getMessage());
            assertEquals("2 files", InputFiles.describe(List.of(x2, x2)));
            assertTrue(InputFiles.isInputFile(Path.of("a.png")) && !InputFiles.isInputFile(Path.of("a.docx")));
        }
    }

    @Test
    void labelsNameElementsWhenNamesFit() {
        assertEquals("x[0, 1, 2]", TensorLabels.label("x", new long[] {2, 3, 4}, 6, null));
        assertEquals("y[seven]", TensorLabels.label("y", new long[] {3}, 1, List.of("six", "seven", "eight")));
        assertEquals("y[1]", TensorLabels.label("y", new long[] {4}, 1, List.of("six", "seven", "eight")), "names that do not fit are ignored");
        assertEquals("seven", TensorLabels.shortLabel("y", new long[] {3}, 1, List.of("six", "seven", "eight")));
    }
}
