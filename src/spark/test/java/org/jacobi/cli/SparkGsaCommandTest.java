package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jacobi.gsa.GsaGraphs;
import org.jacobi.spark.LocalSpark;
import org.jacobi.spark.SparkAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jacobi gsa ... --spark local[2]} against {@code jacobi gsa ...}: the same JSON (same keys, every number to the
 * last bit; only timing and device differ) for a Sobol' study of the Ishigami model and a DGSM study of a fixture network,
 * 2 x 10^5 base samples each, and for every method on a model of two inputs, one varied and one held.
 */
class SparkGsaCommandTest {
    private static final double PI = Math.PI;

    @BeforeAll
    static void spark() {
        // The session the tests share (loopback, no UI); the command's getOrCreate finds it.
        LocalSpark.session();
    }

    private static Map<String, Object> both(Path dir, String... args) throws Exception {
        Path single = dir.resolve("single.json");
        Path spark = dir.resolve("spark.json");
        CliRunner a = CliRunner.run(concat(args, "--out", single.toString()));
        assertEquals(0, a.exitCode, a.toString());
        CliRunner b = CliRunner.run(concat(args, "--spark", "local[2]", "--partitions", "5", "--out", spark.toString()));
        assertEquals(0, b.exitCode, b.toString());
        Map<String, Object> expected = SparkAssertions.json(single);
        Map<String, Object> actual = SparkAssertions.json(spark);
        SparkAssertions.assertSameJson(expected, actual, 0, "json");
        assertTrue(String.valueOf(actual.get("device")).startsWith("Spark local"), String.valueOf(actual.get("device")));
        return actual;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void sobolStudyOfIshigamiMatchesTheSingleMachineCommand(@TempDir Path dir) throws Exception {
        Map<String, Object> doc = both(dir, "gsa", GsaGraphs.ishigami(dir).toString(), "--dist", "uniform:-" + PI + "," + PI,
            "--method", "sobol", "--samples", "200000", "--seed", "3", "--bootstrap", "20", "--quiet");
        List<List<Double>> s1 = (List<List<Double>>) ((Map<String, Object>) doc.get("sobol")).get("S1");
        double[][] exact = GsaGraphs.ishigamiIndices();
        for (int j = 0; j < 3; j++) {
            assertEquals(exact[0][j], s1.get(0).get(j), 0.02, "S1 of x" + (j + 1));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void dgsmStudyOfAFixtureNetworkMatchesTheSingleMachineCommand(@TempDir Path dir) throws Exception {
        Map<String, Object> doc = both(dir, "gsa", "src/test/resources/fixtures/mlp_tanh.onnx", "--dist", "uniform:-1,1",
            "--method", "dgsm", "--samples", "200000", "--seed", "9", "--device", "cpu", "--quiet");
        List<List<Double>> nu = (List<List<Double>>) ((Map<String, Object>) doc.get("dgsm")).get("nu");
        assertEquals(4, nu.size());
        assertEquals(8, nu.get(0).size());
        assertTrue(nu.get(0).get(0) > 1e-4, "a network whose outputs depend on its inputs");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aModelWithTwoInputsVariesOneWhileTheReferenceSampleHoldsTheOther(@TempDir Path dir) throws Exception {
        String fixtures = "src/test/resources/fixtures/";
        for (String wrt : List.of("x1", "x2")) {
            Map<String, Object> doc = both(Files.createDirectories(dir.resolve(wrt)), "gsa", fixtures + "two_inputs.onnx", "--wrt", wrt,
                "--input", "x1=" + fixtures + "two_inputs.input.x1.npy", "--input", "x2=" + fixtures + "two_inputs.input.x2.npy",
                "--sample", "2", "--dist", "uniform:-1,1", "--method", "sobol,dgsm,morris", "--samples", "3000", "--seed", "4",
                "--bootstrap", "10", "--device", "cpu", "--quiet");
            List<List<Double>> nu = (List<List<Double>>) ((Map<String, Object>) doc.get("dgsm")).get("nu");
            assertTrue(nu.get(0).get(0) > 1e-6, wrt + ": y depends on it: " + nu);
        }
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("x.json");
        CliRunner torch = CliRunner.run("gsa", "src/test/resources/fixtures/mlp_tanh.pt", "--dist", "uniform:-1,1",
            "--spark", "local[2]", "--out", out.toString());
        assertEquals(2, torch.exitCode, torch.toString());
        assertTrue(torch.err.contains("The Spark job takes ONNX models"), torch.err);
        CliRunner master = CliRunner.run("gsa", "src/test/resources/fixtures/mlp_tanh.onnx", "--dist", "uniform:-1,1",
            "--spark", "spark://127.0.0.1:1", "--out", out.toString());
        assertEquals(1, master.exitCode, master.toString());
        assertTrue(master.err.contains("Cannot reach the Spark master spark://127.0.0.1:1"), master.err);
        assertEquals(1, master.err.strip().lines().count(), master.err);
        assertFalse(Files.exists(out));
    }
}
