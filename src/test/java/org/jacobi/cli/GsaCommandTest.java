package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.Tensor;
import org.jacobi.gsa.GsaGraphs;
import org.jacobi.io.JsonParser;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jacobi gsa}: the done-when of issue 13 on Ishigami and the G-function, and its bad-input lines. */
class GsaCommandTest {
    private static final String PI = "3.141592653589793";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path file) throws Exception {
        return (Map<String, Object>) JsonParser.parse(Files.readString(file), file.toString());
    }

    @SuppressWarnings("unchecked")
    private static double at(Map<String, Object> doc, String method, String name, int output, int input) {
        Map<String, Object> m = (Map<String, Object>) doc.get(method);
        return ((Number) ((List<List<Object>>) m.get(name)).get(output).get(input)).doubleValue();
    }

    private static void assertSettled(Map<String, Object> doc, double[][] exact, double[] nu, double[] bound) {
        for (int j = 0; j < exact[0].length; j++) {
            for (int k = 0; k < 2; k++) {
                String name = k == 0 ? "S1" : "ST";
                double est = at(doc, "sobol", name, 0, j);
                double half = at(doc, "sobol", name + "_conf", 0, j);
                assertTrue(Math.abs(est - exact[k][j]) <= Math.max(0.03, 2 * half), String.format(Locale.ROOT,
                    "%s[%d] = %.4f +- %.4f, exact %.4f", name, j, est, half, exact[k][j]));
            }
            assertEquals(1, at(doc, "dgsm", "nu", 0, j) / nu[j], 0.05, "nu[" + j + "]");
            assertEquals(1, at(doc, "dgsm", "sobol_total_bound", 0, j) / bound[j], 0.05, "bound[" + j + "]");
        }
    }

    @Test
    void ishigamiWithTwoToTheFourteenSamples(@TempDir Path dir) throws Exception {
        Path model = GsaGraphs.ishigami(dir);
        Path out = dir.resolve("indices.json");
        CliRunner r = CliRunner.run("gsa", model.toString(), "--dist", "uniform:-" + PI + "," + PI, "--method",
            "sobol,dgsm", "--samples", "16384", "--out", out.toString(), "--save-study", dir.resolve("s.json").toString());
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(1, r.out.strip().lines().count(), "one summary line: " + r.out);
        assertTrue(r.out.contains("evaluations/s") && r.out.contains("81920 model runs + 16384 Jacobians"), r.out);
        Map<String, Object> doc = json(out);
        assertEquals(List.of("x1", "x2", "x3"), doc.get("inputs"));
        assertEquals(List.of("y"), doc.get("outputs"), "the label the model declares");
        assertEquals(16384.0, doc.get("samples"));
        assertEquals(98304.0, doc.get("evaluations"));
        double[][] exact = GsaGraphs.ishigamiIndices();
        double[] nu = GsaGraphs.ishigamiDgsm();
        double[] bound = new double[3];
        for (int j = 0; j < 3; j++) {
            bound[j] = nu[j] * 4 / exact[2][0];
        }
        assertSettled(doc, exact, nu, bound);

        Path again = dir.resolve("again.json");
        CliRunner rerun = CliRunner.run("gsa", model.toString(), "--study", dir.resolve("s.json").toString(), "--out",
            again.toString());
        assertEquals(0, rerun.exitCode, rerun.toString());
        assertEquals(doc.get("sobol"), json(again).get("sobol"), "the saved study and its seed reproduce every number");
    }

    @Test
    void gFunctionWithTwoToTheFourteenSamples(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("indices.json");
        CliRunner r = CliRunner.run("gsa", GsaGraphs.gFunction(dir).toString(), "--dist", "uniform:0,1", "--method",
            "sobol,dgsm", "--samples", "16384", "--seed", "4", "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        double[][] exact = GsaGraphs.gIndices();
        double[] nu = GsaGraphs.gDgsm();
        double[] bound = new double[nu.length];
        for (int j = 0; j < nu.length; j++) {
            bound[j] = nu[j] / (Math.PI * Math.PI) / exact[2][0];
        }
        assertSettled(json(out), exact, nu, bound);
    }

    @Test
    void csvHasOneRowPerIndex(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("indices.csv");
        CliRunner r = CliRunner.run("gsa", GsaGraphs.ishigami(dir).toString(), "--dist", "uniform:-" + PI + "," + PI,
            "--method", "sobol,morris", "--samples", "256", "--design", "lhs", "--quiet", "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.out);
        List<String> lines = Files.readAllLines(out);
        assertEquals("method,index,output,input,value,conf_half_width", lines.get(0));
        assertEquals(1 + 2 * 3 + 3 * 3, lines.size(), "S1, ST; mu_star, mu, sigma for 3 inputs");
        assertTrue(lines.get(1).startsWith("sobol,S1,y,x1,"), lines.get(1));
    }

    @Test
    void badInputIsOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path model = GsaGraphs.ishigami(dir);
        Path out = dir.resolve("indices.json");
        String[][] cases = {
            {"--dist", "normal:0,0"},
            {"--dist", "uniform:1,1"},
            {"--dist", "uniform:0,1", "--dist", "x9=normal:0,1"},
            {"--dist", "uniform:0,1", "--samples", "-3"},
            {"--dist", "uniform:0,1", "--samples", "1.5"},
            {"--dist", "uniform:0,1", "--method", "sobol,fast"},
        };
        String[] expected = {"needs sigma > 0", "needs a < b", "has no element 'x9'", "--samples must be a positive whole number",
            "--samples must be a positive whole number", "Unknown method 'fast'"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("gsa", model.toString(), "--out", out.toString()));
            args.addAll(List.of(cases[i]));
            CliRunner r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(2, r.exitCode, r.toString());
            assertEquals(1, r.err.strip().lines().count(), r.toString());
            assertTrue(r.err.contains(expected[i]), r.toString());
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    @Test
    void nanOutputsNameTheSampleAndValues(@TempDir Path dir) throws Exception {
        Path model = GsaGraphs.linear(dir, new double[][] {{1}, {1}});
        Path logModel = dir.resolve("log.onnx");
        // log(x) is NaN for x < 0: a range that crosses zero gives NaN for some design samples
        Files.write(logModel, LogGraph.bytes());
        Path out = dir.resolve("indices.json");
        CliRunner r = CliRunner.run("gsa", logModel.toString(), "--dist", "uniform:-1,1", "--samples", "64", "--out",
            out.toString());
        assertEquals(1, r.exitCode, r.toString());
        assertEquals(1, r.err.strip().lines().count(), r.toString());
        assertTrue(r.err.contains("is NaN at Sobol' indices design sample") && r.err.contains("x[0]="), r.toString());
        assertFalse(Files.exists(out));
        assertTrue(Files.exists(model));
    }

    @Test
    void aReferenceSampleServesAroundAndFixed(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("x.npy");
        Npy.write(input, Tensor.ofFloats(new float[] {0, 0, 0, 1, 2, 0.5f}, 2, 3), false);
        Path out = dir.resolve("indices.json");
        CliRunner r = CliRunner.run("gsa", GsaGraphs.ishigami(dir).toString(), "--input", input.toString(), "--sample", "1",
            "--dist", "around:50", "--dist", "x3=fixed", "--method", "morris", "--samples", "32", "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        Map<String, Object> doc = json(out);
        assertEquals(List.of("x1", "x2"), doc.get("inputs"), "the fixed element is not an input of the indices");
        assertEquals(List.of("uniform:0.5,1.5", "uniform:1,3"), doc.get("distributions"));
    }

    @Test
    void aReportIncludesTheStudy(@TempDir Path dir) throws Exception {
        Path model = GsaGraphs.linear(dir, new double[][] {{1, 0.5, 0}, {2, 0, 1}, {0, 3, 1}});
        Path input = dir.resolve("x.npy");
        Npy.write(input, Tensor.ofFloats(new float[] {1, 2, 3, 0.5f, 0.5f, 0.5f}, 2, 3), false);
        Path study = dir.resolve("study.json");
        CliRunner g = CliRunner.run("gsa", model.toString(), "--dist", "uniform:0,1", "--method", "sobol,dgsm,morris",
            "--samples", "256", "--save-study", study.toString(), "--out", dir.resolve("i.json").toString());
        assertEquals(0, g.exitCode, g.toString());
        for (String ext : new String[] {"html", "pdf"}) {
            Path out = dir.resolve("report." + ext);
            CliRunner r = CliRunner.run("report", model.toString(), "--input", input.toString(), "--gsa-study",
                study.toString(), "--out", out.toString());
            assertEquals(0, r.exitCode, r.toString());
            assertTrue(Files.size(out) > 1000);
            if (ext.equals("html")) {
                String html = Files.readString(out);
                assertTrue(html.contains("Global sensitivity study"), "the section is there");
                assertTrue(html.contains("Sobol&#39; indices of") || html.contains("Sobol' indices of"), "its Sobol' table");
                assertTrue(html.contains("Convergence of ST"), "and the convergence plot");
                assertTrue(html.contains("DGSM of") && html.contains("Morris elementary effects"));
            }
        }
    }

    @Test
    void otherInputsComeFromTheReferenceSample(@TempDir Path dir) throws Exception {
        Path fixtures = Path.of("src/test/resources/fixtures");
        Path model = fixtures.resolve("two_inputs.onnx");
        Path out = dir.resolve("indices.json");
        CliRunner missing = CliRunner.run("gsa", model.toString(), "--wrt", "x1", "--dist", "uniform:-1,1", "--samples", "64",
            "--out", out.toString());
        assertEquals(2, missing.exitCode, missing.toString());
        assertTrue(missing.err.contains("give --input with a sample of every input"), missing.toString());
        assertFalse(Files.exists(out));
        CliRunner r = CliRunner.run("gsa", model.toString(), "--wrt", "x1", "--input", "x1="
            + fixtures.resolve("two_inputs.input.x1.npy"), "--input", "x2=" + fixtures.resolve("two_inputs.input.x2.npy"),
            "--dist", "uniform:-1,1", "--method", "sobol,dgsm", "--samples", "64", "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(Files.exists(out));
    }
}
