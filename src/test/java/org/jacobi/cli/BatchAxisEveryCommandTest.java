package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --batch-axis} on every command that takes inputs (issue 24 item 5), on a GRU whose state h0 [1, batch, 4] holds
 * its samples on axis 1: each command honours the axis (the state cut or repeated on axis 1), and refuses one that cannot
 * hold the samples in one line, before writing anything; and {@code jacobian --of stateN} of a voice-activity detector
 * whose new state holds its samples on axis 1.
 */
class BatchAxisEveryCommandTest {
    static final Path DIR = BatchAxisCommandTest.DIR;
    static final String MODEL = BatchAxisCommandTest.MODEL;
    static final Path CONTROL_FLOW = Path.of("src/test/resources/models/control_flow");

    @TempDir
    Path dir;

    private static String[] args(String... head) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of("--input", "x=" + DIR.resolve("gru_state.input.x.npy"), "--input", "h0=" + DIR.resolve("gru_state.input.h0.npy")));
        return all.toArray(String[]::new);
    }

    private static String[] with(String[] a, String... more) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** A stated axis 0 of h0 [1, 3, 4] cannot hold the 3 samples of x: one line, exit code 2, {@code file} not written. */
    private static void assertAxisZeroRefused(String[] command, Path file) {
        CliRunner r = CliRunner.run(with(command, "--batch-axis", "h0=0"));
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.contains("Input 'h0' has shape [1, 3, 4]: its axis 0") && r.err.strip().lines().count() == 1, r.err);
        assertFalse(file.toFile().exists(), file.toString());
    }

    private static void assertClose(Tensor expected, double[] actual, String what) {
        double largest = 0;
        for (int i = 0; i < expected.size(); i++) {
            largest = Math.max(largest, Math.abs(expected.getDouble(i)));
        }
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.getDouble(i), actual[i], 1e-5 * largest, what + " entry " + i);
        }
    }

    @Test
    void everyCommandThatTakesInputsTakesTheOption() {
        for (String command : List.of("jacobian", "hessian", "info", "bench", "compare", "report", "attribute", "gsa", "optimize")) {
            CliRunner help = CliRunner.run(command, "--help");
            assertEquals(0, help.exitCode, help.toString());
            assertTrue(help.out.contains("--input") && help.out.contains("--batch-axis=0|none|NAME=AXIS"), command + ": " + help.out);
        }
    }

    @Test
    void attributeCutsTheStateOnItsAxisAndRefusesAnAxisThatCannotHoldTheSamples() {
        Path out = dir.resolve("a.npy");
        CliRunner r = CliRunner.run(args("attribute", MODEL, "--method", "saliency", "--of", "h[2]", "--out", out.toString()));
        assertEquals(0, r.exitCode, r.toString());
        // the gradient of h[2] per sample is row 2 of each sample's Jacobian [4, 5, 3]
        Tensor jacobian = Npy.read(DIR.resolve("gru_state.jacobian.x.npy"));
        double[] rows = new double[3 * 15];
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 15; i++) {
                rows[b * 15 + i] = jacobian.getDouble((b * 4 + 2) * 15 + i);
            }
        }
        Tensor a = Npy.read(out);
        assertArrayEquals(new long[] {3, 5, 3}, a.shape());
        assertClose(Tensor.ofDoubles(rows, 3, 5, 3), a.toDoubleArray(), "saliency of h[2]");

        // integration points stack 3 x 8 rows: the state is repeated on its axis 1 to match
        Path ig = dir.resolve("ig.npy");
        CliRunner steps = CliRunner.run(args("attribute", MODEL, "--method", "ig", "--steps", "8", "--of", "h[2]", "--batch-axis", "h0=1",
            "--out", ig.toString()));
        assertEquals(0, steps.exitCode, steps.toString());
        assertArrayEquals(new long[] {3, 5, 3}, Npy.read(ig).shape());

        assertAxisZeroRefused(args("attribute", MODEL, "--method", "saliency", "--out", dir.resolve("b.npy").toString()),
            dir.resolve("b.npy"));
        CliRunner none = CliRunner.run(args("attribute", MODEL, "--method", "saliency", "--batch-axis", "x=none", "--out",
            dir.resolve("c.npy").toString()));
        assertEquals(2, none.exitCode, none.toString());
        assertTrue(none.err.contains("per sample of 'x' on its axis 0") && none.err.strip().lines().count() == 1, none.err);

        // a Spark job attributes the rows of a table, each one sample on axis 0: a stated axis is refused, not ignored
        CliRunner spark = CliRunner.run(args("attribute", MODEL, "--method", "saliency", "--spark", "local[1]", "--batch-axis", "h0=1",
            "--out", dir.resolve("d.npy").toString()));
        assertEquals(2, spark.exitCode, spark.toString());
        assertTrue(spark.err.contains("--spark attributes the rows of a table") && spark.err.strip().lines().count() == 1, spark.err);
    }

    @Test
    void gsaCutsAndRepeatsTheReferenceStateOnItsAxis() throws Exception {
        String[] study = {"gsa", MODEL, "--wrt", "x", "--dist", "uniform:-1,1", "--method", "sobol,dgsm", "--samples", "64"};
        Path found = dir.resolve("found.csv");
        CliRunner r = CliRunner.run(with(args(study), "--sample", "1", "--out", found.toString()));
        assertEquals(0, r.exitCode, r.toString());
        // the same reference sample given alone, its state [1, 1, 4] stated to hold it on axis 1
        Path x = dir.resolve("x1.npy");
        Path h0 = dir.resolve("h1.npy");
        Npy.write(x, Npy.read(DIR.resolve("gru_state.input.x.npy")).sliceAlong(0, 1, 2), false);
        Npy.write(h0, Npy.read(DIR.resolve("gru_state.input.h0.npy")).sliceAlong(1, 1, 2), false);
        Path stated = dir.resolve("stated.csv");
        CliRunner s = CliRunner.run(with(study, "--input", "x=" + x, "--input", "h0=" + h0, "--batch-axis", "h0=1", "--out",
            stated.toString()));
        assertEquals(0, s.exitCode, s.toString());
        assertEquals(Files.readString(found), Files.readString(stated));
        assertAxisZeroRefused(with(args(study), "--out", dir.resolve("zero.csv").toString()), dir.resolve("zero.csv"));
    }

    @Test
    void optimizeAndReportAndHessianTakeTheStatedAxis() {
        Path target = dir.resolve("t.npy");
        Npy.write(target, Tensor.ofFloats(new float[] {0.1f, -0.2f, 0.3f, 0f}, 4), false);
        String[] optimize = args("optimize", MODEL, "--sample", "2", "--target", target.toString(), "--method", "lbfgs",
            "--max-iter", "3");
        CliRunner r = CliRunner.run(with(optimize, "--batch-axis", "h0=1", "--out", dir.resolve("o.npy").toString()));
        assertEquals(0, r.exitCode, r.toString());
        assertArrayEquals(new long[] {1, 5, 3}, Npy.read(dir.resolve("o.npy")).shape());
        assertAxisZeroRefused(with(optimize, "--out", dir.resolve("p.npy").toString()), dir.resolve("p.npy"));

        assertAxisZeroRefused(args("report", MODEL, "--out", dir.resolve("r.html").toString(), "--attribution", "saliency"),
            dir.resolve("r.html"));
        assertAxisZeroRefused(args("hessian", MODEL, "--out", dir.resolve("h.npy").toString()), dir.resolve("h.npy"));
    }

    @Test
    void benchTimesWithTheStatedAxisAndRefusesOneThatCannotHoldTheSamples() {
        String[] bench = args("bench", MODEL, "--repeats", "1", "--warmup", "0", "--warmup-seconds", "0");
        CliRunner r = CliRunner.run(with(bench, "--batch-axis", "h0=1", "--attribution", "saliency", "--of", "h", "--json"));
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("\"method\""), r.out);
        assertAxisZeroRefused(bench, dir.resolve("none"));
    }

    @Test
    void jacobianOfTheNewStateWhoseSamplesLieOnAxisOne() {
        Path out = dir.resolve("j.npy");
        CliRunner r = CliRunner.run("jacobian", CONTROL_FLOW.resolve("vad.onnx").toString(), "--wrt", "x", "--of", "stateN",
            "--input", "x=" + CONTROL_FLOW.resolve("vad.input.x.npy"), "--input", "sr=" + CONTROL_FLOW.resolve("vad.sr16000.npy"),
            "--input", "state=" + CONTROL_FLOW.resolve("vad.input.state.npy"), "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        Tensor expected = Npy.read(CONTROL_FLOW.resolve("vad.jacobian.stateN.x.sr16000.npy"));
        Tensor actual = Npy.read(out);
        assertArrayEquals(expected.shape(), actual.shape());
        assertClose(expected, actual.toDoubleArray(), "d stateN / d x");
    }

    @Test
    void attributionsAndStudiesOfTheNewStateAreRefusedInOneLine() {
        String[] vad = {CONTROL_FLOW.resolve("vad.onnx").toString(), "--of", "stateN", "--input", "x=" + CONTROL_FLOW.resolve("vad.input.x.npy"),
            "--input", "sr=" + CONTROL_FLOW.resolve("vad.sr16000.npy"), "--input", "state=" + CONTROL_FLOW.resolve("vad.input.state.npy")};
        Path attribution = dir.resolve("a.npy");
        Path study = dir.resolve("s.csv");
        for (String[] command : List.of(with(new String[] {"attribute", "--method", "saliency", "--out", attribution.toString()}, vad),
            with(new String[] {"gsa", "--wrt", "x", "--dist", "uniform:-1,1", "--samples", "16", "--out", study.toString()}, vad))) {
            CliRunner r = CliRunner.run(command);
            assertEquals(2, r.exitCode, r.toString());
            assertTrue(r.err.contains("holds its samples on axis 1") && r.err.strip().lines().count() == 1, r.err);
        }
        assertFalse(attribution.toFile().exists() || study.toFile().exists());
    }
}
