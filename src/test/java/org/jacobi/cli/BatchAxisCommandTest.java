package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --batch-axis NAME=AXIS} (issue 24 item 5) on a GRU whose state h0 [1, batch, 4] holds its batch on axis 1:
 * {@code info} shows each input's axis, a stated axis wins over the model's shapes, and one that cannot hold the samples
 * is refused in one line.
 */
class BatchAxisCommandTest {
    static final Path DIR = Path.of("src/test/resources/models/intermediate");
    static final String MODEL = DIR.resolve("gru_state.onnx").toString();

    @TempDir
    Path dir;

    @Test
    void infoShowsEachInputsBatchAxisAndWhatIsStated() {
        CliRunner r = CliRunner.run("info", MODEL);
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("[batch, 5, 3]  (batch axis 0)") && r.out.contains("[1, batch, 4]  (batch axis 1)"), r.out);
        CliRunner none = CliRunner.run("info", MODEL, "--batch-axis", "h0=none", "--json");
        assertEquals(0, none.exitCode, none.toString());
        assertTrue(none.out.contains("\"batch_axis\":null") && none.out.contains("\"batch_axis\":0"), none.out);
    }

    @Test
    void aStatedAxisIsSlicedOnAndOneThatCannotHoldTheSamplesIsRefused() {
        Path out = dir.resolve("j.npy");
        String[] inputs = {"--input", "x=" + DIR.resolve("gru_state.input.x.npy"), "--input", "h0=" + DIR.resolve("gru_state.input.h0.npy")};
        CliRunner r = CliRunner.run(concat(new String[] {"jacobian", MODEL, "--wrt", "x", "--batch-axis", "h0=1", "--out", out.toString()},
            inputs));
        assertEquals(0, r.exitCode, r.toString());
        Tensor expected = Npy.read(DIR.resolve("gru_state.jacobian.x.npy"));
        Tensor actual = Npy.read(out);
        assertArrayEquals(expected.shape(), actual.shape());
        double largest = 0;
        for (int i = 0; i < expected.size(); i++) {
            largest = Math.max(largest, Math.abs(expected.getDouble(i)));
        }
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.getDouble(i), actual.getDouble(i), 1e-5 * largest, "entry " + i);
        }

        CliRunner wrong = CliRunner.run(concat(new String[] {"jacobian", MODEL, "--wrt", "x", "--batch-axis", "h0=0", "--out",
            dir.resolve("k.npy").toString()}, inputs));
        assertEquals(2, wrong.exitCode, wrong.toString());
        assertTrue(wrong.err.contains("Input 'h0' has shape [1, 3, 4]: its axis 0") && wrong.err.strip().lines().count() == 1, wrong.err);
        assertFalse(dir.resolve("k.npy").toFile().exists());

        CliRunner typo = CliRunner.run("info", MODEL, "--batch-axis", "h0=one");
        assertEquals(2, typo.exitCode, typo.toString());
        assertTrue(typo.err.contains("h0=one") && typo.err.contains("state=1"), typo.err);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
