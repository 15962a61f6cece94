package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jacobi.TestFiles;
import org.jacobi.compare.EditedModels;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.TensorFiles;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.InputSources;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
    private static final Path ONNX = TestFiles.fixture("mlp_tanh.onnx");
    private static final Path INPUT = TestFiles.fixture("mlp_tanh.input.npy");

    /** The number after {@code "key":} at the top of the JSON (the first occurrence). */
    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ?([-0-9.eE+]+|null)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
    }

    @Test
    void anOnnxFixtureAgreesWithItsTorchScriptTwinToFloat32Rounding(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("twin.json");
        CliRunner r = CliRunner.run("compare", ONNX.toString(), TestFiles.fixture("mlp_tanh.pt").toString(),
            "--input", INPUT.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("mlp_tanh.onnx vs mlp_tanh.pt") && r.out.contains("-> " + out), r.out);
        assertTrue(r.err.contains("paired by position"), r.err);
        String json = Files.readString(out);
        assertTrue(number(json, "max_rel_jacobian_difference") < 1e-5, json);
        assertTrue(number(json, "max_abs_jacobian_difference") < 1e-5 * number(json, "max_abs_jacobian_a"), json);
        assertTrue(number(json, "max_abs_output_difference") < 1e-6, json);
        assertTrue(json.contains("\"name_a\":\"y\",\"name_b\":\"output0\""), json);
        assertTrue(json.contains("\"jacobian_per_output\"") && json.contains("\"ranking\"")
            && json.contains("\"singular_values\""), json);
    }

    @Test
    void aPerturbedCopyIsReportedExactly(@TempDir Path dir) throws IOException {
        Path perturbed = EditedModels.scaleInitializerRow(ONNX, "l3.weight", 1, 0.5f, dir.resolve("perturbed.onnx"));
        Path out = dir.resolve("perturbed.json");
        CliRunner r = CliRunner.run("compare", ONNX.toString(), perturbed.toString(), "--input", INPUT.toString(),
            "--out", out.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.out);
        String json = Files.readString(out);

        float[] ja;
        float[] jb;
        Tensor ya;
        Tensor yb;
        try (Model a = ModelLoader.load(ONNX); Model b = ModelLoader.load(perturbed);
             JacobianEngine ea = Jacobians.engineFor(a); JacobianEngine eb = Jacobians.engineFor(b)) {
            Map<String, Tensor> x = InputSources.bind(a.info(), List.of(new TensorFiles.InputArgument(null, INPUT)), InputSettings.defaults());
            ja = ea.compute(JacobianRequest.of(x), ProgressMonitor.NONE).jacobian().floats();
            jb = eb.compute(JacobianRequest.of(x), ProgressMonitor.NONE).jacobian().floats();
            ya = a.run(x).get("y");
            yb = b.run(x).get("y");
        }
        double maxDiff = 0;
        double maxA = 0;
        for (int i = 0; i < ja.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) ja[i] - jb[i]));
            maxA = Math.max(maxA, Math.abs(ja[i]));
        }
        double maxOut = 0;
        for (int i = 0; i < ya.size(); i++) {
            maxOut = Math.max(maxOut, Math.abs(ya.getDouble(i) - yb.getDouble(i)));
        }
        assertTrue(maxDiff > 1e-3 && maxOut > 1e-3, "the perturbation shows: " + maxDiff + ", " + maxOut);
        assertEquals(maxDiff, number(json, "max_abs_jacobian_difference"));
        assertEquals(maxDiff / maxA, number(json, "max_rel_jacobian_difference"));
        assertEquals(maxOut, number(json, "max_abs_output_difference"));
    }

    @Test
    void differentInputNamesGiveOneLineNamingBothSidesThenMapWorks(@TempDir Path dir) throws IOException {
        Path renamed = EditedModels.renameInput(ONNX, "x", "features", dir.resolve("renamed.onnx"));
        Path out = dir.resolve("r.json");
        CliRunner refused = CliRunner.run("compare", ONNX.toString(), renamed.toString(), "--input", INPUT.toString(),
            "--out", out.toString());
        assertEquals(2, refused.exitCode, refused.toString());
        assertEquals(1, refused.err.strip().lines().count(), refused.err);
        assertTrue(refused.err.contains("[x [batch, 8]]") && refused.err.contains("[features [batch, 8]]")
            && refused.err.contains("--map x=features"), refused.err);
        assertFalse(Files.exists(out));

        CliRunner mapped = CliRunner.run("compare", ONNX.toString(), renamed.toString(), "--input", INPUT.toString(),
            "--out", out.toString(), "--map", "x=features");
        assertEquals(0, mapped.exitCode, mapped.toString());
        assertEquals(0.0, number(Files.readString(out), "max_abs_jacobian_difference"));
    }

    @Test
    void writesHtmlAndPdfComparisonReports(@TempDir Path dir) throws IOException {
        Path perturbed = EditedModels.scaleInitializerRow(ONNX, "l3.weight", 0, 2f, dir.resolve("perturbed.onnx"));
        Path html = dir.resolve("c.html");
        CliRunner r = CliRunner.run("compare", ONNX.toString(), perturbed.toString(), "--input", INPUT.toString(),
            "--out", html.toString(), "--samples", "1", "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        String text = Files.readString(html);
        for (String part : List.of("Comparison: mlp_tanh.onnx vs perturbed.onnx", "Summary numbers",
            "A − B, sample 1", "B, sample 1", "Input ranking, A and B", "Singular values of A and B")) {
            assertTrue(text.contains(part), part);
        }
        assertFalse(text.contains("sample 0"), "only the chosen sample has figures");
        Path pdf = dir.resolve("c.pdf");
        assertEquals(0, CliRunner.run("compare", ONNX.toString(), perturbed.toString(), "--input", INPUT.toString(),
            "--out", pdf.toString(), "--quiet").exitCode);
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            String pdfText = new PDFTextStripper().getText(doc);
            assertTrue(pdfText.contains("Jacobians of A, B and A"), pdfText);
            assertTrue(pdfText.contains("Input rankings"), pdfText);
        }
    }

    @Test
    void refusesAnUnknownExtensionAndAnExistingFileBeforeComputing(@TempDir Path dir) throws IOException {
        CliRunner txt = CliRunner.run("compare", ONNX.toString(), ONNX.toString(), "--input", INPUT.toString(),
            "--out", dir.resolve("c.txt").toString());
        assertEquals(2, txt.exitCode);
        assertTrue(txt.err.contains(".json, .html or .pdf"), txt.err);
        Path existing = Files.writeString(dir.resolve("c.json"), "keep");
        CliRunner again = CliRunner.run("compare", ONNX.toString(), ONNX.toString(), "--input", INPUT.toString(),
            "--out", existing.toString());
        assertEquals(2, again.exitCode);
        assertEquals("keep", Files.readString(existing));
        CliRunner badMap = CliRunner.run("compare", ONNX.toString(), ONNX.toString(), "--input", INPUT.toString(),
            "--out", dir.resolve("d.json").toString(), "--map", "nothing=x");
        assertEquals(2, badMap.exitCode);
        assertTrue(badMap.err.contains("has no input or output of that name"), badMap.err);
    }
}
