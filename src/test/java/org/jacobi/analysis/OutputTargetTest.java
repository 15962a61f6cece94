package org.jacobi.analysis;

import static org.jacobi.TestFiles.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.jacobi.TestFiles;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Targets as written on the command line, resolved against an output of shape [2, 3, 4]. */
class OutputTargetTest {
    private static Model model;
    /** Two samples of a [3, 4] output: sample s, element k holds 100 s + k, except the top element planted below. */
    private static final Tensor OUTPUT;

    static {
        float[] y = new float[24];
        for (int i = 0; i < 24; i++) {
            y[i] = 100 * (i / 12) + i % 12;
        }
        y[5] = 1000; // sample 0's top is [1,1]
        OUTPUT = Tensor.ofFloats(y, 2, 3, 4);
    }

    @BeforeAll
    static void open() {
        model = ModelLoader.load(fixture("mlp_tanh.onnx")); // its output is called y; shapes come from OUTPUT
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static OutputTarget.Resolved resolve(String of) {
        return OutputTarget.parse(of, null, null).resolve(model, OUTPUT);
    }

    @Test
    void oneElementIsAOneHotWeightingWithNegativeIndices() {
        OutputTarget.Resolved t = resolve("y[2,-1]");
        double[] w = t.weights(1, 0);
        assertEquals(1, w[11]);
        assertEquals(1, Arrays.stream(w).sum());
        assertEquals(111, t.value(OUTPUT, 1, 1, 0));
        assertEquals("y[2,-1]", t.describe(0));
    }

    @Test
    void slicesAreSummedAndMissingAxesTakenWhole() {
        OutputTarget.Resolved t = resolve("y[0:2,1:3]");
        assertEquals(1 + 2 + 1000 + 6, t.value(OUTPUT, 0, 0, 0));
        assertTrue(t.describe(0).startsWith("the sum of"));
        assertEquals(4 + 5 + 6 + 7, resolve("y[1]").value(OUTPUT, 1, 1, 0) - 400);
    }

    @Test
    void topIsPerSampleAndEachGivesATargetAxis() {
        OutputTarget.Resolved top = resolve("y[top]");
        assertEquals(1000, top.value(OUTPUT, 0, 0, 0));
        assertEquals(111, top.value(OUTPUT, 1, 1, 0));
        OutputTarget.Resolved each = resolve("[each]");
        assertEquals(12, each.targets());
        assertEquals("y[2,3]", each.describe(11));
        assertEquals(111, each.value(OUTPUT, 1, 1, 11));
    }

    @Test
    void weightsAndRowsOfCopiesKeepTheOriginalSamplesWeights() {
        float[] w = new float[12];
        w[0] = 2;
        w[3] = -1;
        OutputTarget.Resolved t = OutputTarget.parse("y", null, Tensor.ofFloats(w, 3, 4)).resolve(model, OUTPUT);
        assertEquals(2 * 100 - 103, t.value(OUTPUT, 1, 1, 0));
        OutputTarget.Resolved top = resolve("y[top]").forRows(new int[] {1, 1, 0});
        assertEquals(3, top.samples());
        assertArrayEquals(top.weights(1, 0), resolve("y[top]").weights(1, 0));
        assertEquals(1, top.weights(2, 0)[5]);
    }

    @Test
    void labelsNameElements() {
        try (Model labelled = ModelLoader.load(TestFiles.resource("labels/mlp_tanh.class_names.onnx"))) {
            String label = ElementLabels.of(labelled, "y", 4).orElseThrow().get(2);
            Tensor y = Tensor.ofFloats(new float[] {0, 1, 2, 3}, 1, 4);
            OutputTarget.Resolved t = OutputTarget.parse(null, label, null).resolve(labelled, y);
            assertEquals(2, t.value(y, 0, 0, 0));
            assertTrue(t.describe(0).contains(label));
        }
    }

    @Test
    void badTargetsAreUsageErrors() {
        for (String bad : new String[] {"y[3,0]", "y[0,0,0]", "y[a]", "y[2:1]", "y", "z[0]", "y["}) {
            JacobiException e = assertThrows(JacobiException.class, () -> resolve(bad), bad);
            assertEquals(2, e.exitCode(), bad);
        }
        assertThrows(JacobiException.class, () -> OutputTarget.parse("y[0]", "cat", null));
    }
}
