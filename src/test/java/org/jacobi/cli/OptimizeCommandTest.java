package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.io.Npz;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizeCommandTest {
    private static final Path MODEL = Path.of("src/test/resources/fixtures/mlp_tanh.onnx");
    private static final Path INPUT = Path.of("src/test/resources/fixtures/mlp_tanh.input.npy");

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JacobiCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static Tensor outputOfSample(int k) {
        try (Model m = ModelLoader.load(MODEL)) {
            return m.run(Map.of("x", Npy.read(INPUT).sliceRows(k, k + 1)), Set.of("y")).get("y");
        }
    }

    @Test
    void bothMethodsWriteTheirResultsAndOneTrace(@TempDir Path dir) throws Exception {
        Tensor target = outputOfSample(1);
        Npy.write(dir.resolve("t.npy"), target.reshape(4), false);
        Run r = run("optimize", MODEL.toString(), "--input", INPUT.toString(), "--sample", "0", "--target",
            dir.resolve("t.npy").toString(), "--method", "both", "--max-iter", "100", "--out", dir.resolve("x.npy").toString(),
            "--trace", dir.resolve("trace.csv").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Gauss-Newton (LM): "), r.out());
        assertTrue(r.out().contains("L-BFGS: "), r.out());
        for (String method : new String[] {"gn", "lbfgs"}) {
            Tensor x = Npy.read(dir.resolve("x." + method + ".npy"));
            assertArrayEquals(new long[] {1, 8}, x.shape());
            try (Model m = ModelLoader.load(MODEL)) {
                double[] y = m.run(Map.of("x", x), Set.of("y")).get("y").toDoubleArray();
                assertArrayEquals(target.toDoubleArray(), y, 1e-3, method);
            }
        }
        List<String> lines = Files.readAllLines(dir.resolve("trace.csv"));
        assertTrue(lines.get(0).startsWith("method,iteration,cost,cost_change,grad_norm,step_norm,"), lines.get(0));
        assertTrue(lines.get(0).contains(",accepted,time_ms"));
        assertTrue(lines.get(1).startsWith("gn,0,"), lines.get(1));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("lbfgs,0,")));
        long gnRows = lines.stream().filter(l -> l.startsWith("gn,")).count();
        assertTrue(gnRows >= 2);
        String[] first = lines.get(1).split(",", -1);
        assertEquals(12, first.length);
    }

    @Test
    void targetClassWithBoundsMaskAndNpz(@TempDir Path dir) {
        Npy.write(dir.resolve("mask.npy"), Tensor.ofFloats(new float[] {1, 1, 0, 0, 0, 0, 0, 0}, 8), false);
        Run r = run("optimize", MODEL.toString(), "--input", INPUT.toString(), "--sample", "2", "--target-class", "3",
            "--margin", "0.5", "--lower", "-2", "--upper", "2", "--mask", dir.resolve("mask.npy").toString(),
            "--out", dir.resolve("x.npz").toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Tensor> arrays = Npz.read(dir.resolve("x.npz"));
        assertEquals(Set.of("gn", "lbfgs"), arrays.keySet());
        float[] start = Npy.read(INPUT).sliceRows(2, 3).floats();
        for (Tensor x : arrays.values()) {
            float[] v = x.floats();
            assertEquals(start[0], v[0]);
            assertEquals(start[1], v[1]);
            for (float e : v) {
                assertTrue(e >= -2 && e <= 2);
            }
            try (Model m = ModelLoader.load(MODEL)) {
                double[] y = m.run(Map.of("x", x), Set.of("y")).get("y").toDoubleArray();
                for (int i = 0; i < 3; i++) {
                    assertTrue(y[3] - y[i] >= 0.5 - 1e-4, r.out());
                }
            }
        }
    }

    @Test
    void mistakesAreOneLineUsageErrors(@TempDir Path dir) throws Exception {
        Npy.write(dir.resolve("t16.npy"), Tensor.ofFloats(new float[16], 4, 4), false);
        Npy.write(dir.resolve("t.npy"), Tensor.ofFloats(new float[4], 4), false);
        String out = dir.resolve("x.npy").toString();
        String[][] cases = {
            {"--out", out},
            {"--target", dir.resolve("t16.npy").toString(), "--out", out},
            {"--target", dir.resolve("t.npy").toString(), "--target-class", "1", "--out", out},
            {"--target", dir.resolve("t.npy").toString(), "--lower", "1", "--upper", "0", "--out", out},
            {"--target", dir.resolve("t.npy").toString(), "--sample", "9", "--out", out},
            {"--target", dir.resolve("t.npy").toString(), "--method", "newton", "--out", out},
            {"--target-class", "7", "--out", out},
            {"--target", dir.resolve("t.npy").toString(), "--out", dir.resolve("x.txt").toString()},
        };
        String[] expected = {
            "Missing required argument",
            "holds 16 values [4, 4] but one sample of output 'y' has 4 [1, 4]",
            "mutually exclusive",
            "lower bound 1.0 is above the upper bound 0.0",
            "Sample 9 does not exist",
            "Unknown method 'newton'",
            "Target class 7 does not exist: the output has classes 0 to 3.",
            "give a .npy or .npz file name",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 4];
            args[0] = "optimize";
            args[1] = MODEL.toString();
            args[2] = "--input";
            args[3] = INPUT.toString();
            System.arraycopy(cases[i], 0, args, 4, cases[i].length);
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertTrue(r.err().contains(expected[i]), r.err());
            assertTrue(r.err().startsWith("jacobi: "), r.err());
            assertTrue(r.err().lines().count() <= 2, r.err());
        }
        Files.writeString(dir.resolve("x.npy"), "old");
        Run r = run("optimize", MODEL.toString(), "--input", INPUT.toString(), "--target", dir.resolve("t.npy").toString(),
            "--method", "gn", "--out", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals("old", Files.readString(dir.resolve("x.npy")));
    }

    @Test
    void helpDocumentsTheOutputsOfBoth() {
        Run r = run("optimize", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("x.gn.npy and x.lbfgs.npy"), r.out());
        assertTrue(r.out().contains("--target-class"));
    }
}
