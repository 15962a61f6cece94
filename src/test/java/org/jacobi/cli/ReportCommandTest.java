package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jacobi.TestFiles;
import org.jacobi.io.Npy;
import org.jacobi.optim.TraceCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jacobi report}; with {@code --target}, on a detector-like model (512 anchors, NHWC photo in -1..1) against a
 * float64 reference gradient that scripts/make_detector_report_model.py computed with PyTorch.
 */
class ReportCommandTest {
    private static String fixture(String name) {
        return TestFiles.fixture(name).toString();
    }

    private static String resource(String name) {
        return TestFiles.resource(name).toString();
    }

    @Test
    void writesAPdfReportAndTheDataZipThenRefusesToOverwriteWithoutForce(@TempDir Path dir) throws IOException {
        Path pdf = dir.resolve("mlp.pdf");
        Path zip = dir.resolve("mlp.zip");
        String[] args = {"report", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"), "--out", pdf.toString(),
            "--samples", "0,3", "--data-zip", zip.toString()};
        CliRunner first = CliRunner.run(args);
        assertEquals(0, first.exitCode, first.toString());
        assertTrue(first.out.contains("-> " + pdf), first.out);
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("mlp_tanh.onnx"));
            assertTrue(text.contains("Jacobian of sample 3"));
            assertFalse(text.contains("Jacobian of sample 1"));
        }
        assertTrue(Files.size(zip) > 0);
        long modified = Files.getLastModifiedTime(pdf).toMillis();

        CliRunner again = CliRunner.run(args);
        assertEquals(2, again.exitCode, again.toString());
        assertTrue(again.err.contains("already exists") && again.err.contains("--force"), again.err);
        assertEquals(modified, Files.getLastModifiedTime(pdf).toMillis());

        String[] forced = Arrays.copyOf(args, args.length + 1);
        forced[args.length] = "--force";
        CliRunner replaced = CliRunner.run(forced);
        assertEquals(0, replaced.exitCode, replaced.toString());
    }

    @Test
    void writesHtmlForTheSecondInputOfATwoInputModel(@TempDir Path dir) throws IOException {
        Path html = dir.resolve("two.html");
        CliRunner r = CliRunner.run("report", fixture("two_inputs.onnx"), "--input", "x1=" + fixture("two_inputs.input.x1.npy"),
            "--input", "x2=" + fixture("two_inputs.input.x2.npy"), "--wrt", "x2", "--out", html.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        assertEquals("", r.out);
        String text = Files.readString(html);
        assertTrue(text.contains("d y / d x2"));
        assertTrue(text.contains("x2[2]"));
        assertFalse(text.contains("x1[5]"), "the ranking is over x2's elements");
    }

    @Test
    void includesAnOptimizationTraceFromTheOptimizeCommand(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("trace.csv");
        Files.writeString(trace, String.join(",", TraceCsv.HEADER) + "\n"
            + "lbfgs,0,0.5,,0.25,0.0,,0,,,true,1.000\n"
            + "lbfgs,1,0.125,0.375,0.0625,0.5,,2,,1.0,true,4.500\n");
        Path html = dir.resolve("opt.html");
        CliRunner r = CliRunner.run("report", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"),
            "--trace", trace.toString(), "--out", html.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        String text = Files.readString(html);
        assertTrue(text.contains("<section id=\"optimization\">"));
        assertTrue(text.contains("<td>L-BFGS</td><td class=\"num\">1</td><td class=\"num\">0.125000</td>"), text);
    }

    @Test
    void badRequestsFailBeforeAnyWorkWithAShortMessage(@TempDir Path dir) {
        CliRunner ext = CliRunner.run("report", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"),
            "--out", dir.resolve("report.docx").toString());
        assertEquals(2, ext.exitCode, ext.toString());
        assertTrue(ext.err.contains(".html or .pdf"), ext.err);

        CliRunner sample = CliRunner.run("report", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"),
            "--out", dir.resolve("r.html").toString(), "--samples", "4");
        assertEquals(2, sample.exitCode, sample.toString());
        assertTrue(sample.err.contains("Sample 4 does not exist"), sample.err);
        assertFalse(sample.err.contains("Exception"), sample.err);
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    @Test
    void aReportForOneAnchorRanksThePixelsByThatAnchorsExactGradient(@TempDir Path dir) throws IOException {
        Path html = dir.resolve("face.html");
        Path zip = dir.resolve("face.zip");
        CliRunner r = CliRunner.run("report", resource("report/detector_anchors.onnx"), "--input",
            resource("images/ref_face_nhwc_symmetric.npy"), "--target", "scores[272]", "--out", html.toString(),
            "--data-zip", zip.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());

        double[] reference = Npy.read(TestFiles.resource("report/detector_anchors.grad_scores_272.npy")).toDoubleArray();
        double largest = 0;
        for (double v : reference) {
            largest = Math.max(largest, Math.abs(v));
        }
        List<String> ranking = entries(zip).get("ranking.csv").lines().toList();
        assertEquals("rank,input,flat_index,mean_abs_jacobian", ranking.get(0), "one sample: no global measure");
        assertEquals(1 + reference.length, ranking.size(), "every pixel and channel");
        double previous = Double.POSITIVE_INFINITY;
        for (String line : ranking.subList(1, 201)) {
            // rank,"image[8,9,2]",flat,value: the name is quoted for the commas inside its brackets
            String[] tail = line.substring(line.lastIndexOf('"') + 2).split(",");
            int flat = Integer.parseInt(tail[0]);
            double meanAbs = Double.parseDouble(tail[1]);
            assertEquals(Math.abs(reference[flat]), meanAbs, 1e-5 * largest, line);
            assertTrue(meanAbs <= previous, "ranked in decreasing order");
            previous = meanAbs;
        }
        String text = Files.readString(html);
        assertTrue(text.contains("scores[272], differentiated as the logit before the final Sigmoid of 'scores'"), "the target and how");
        assertTrue(text.contains("mean over the 1 sample of |dt/dx_j|"), "ranked for the target, not averaged over anchors");
        assertTrue(text.contains("alt=\"Input image and saliency map of sample 0\""), "the target's saliency on the photo");
        assertFalse(text.contains("alt=\"Heatmap of the Jacobian"), "a one-row heatmap says nothing the saliency map does not");
    }

    @Test
    void aReportFromThePhotoAndARegionTarget(@TempDir Path dir) throws IOException {
        Path html = dir.resolve("region.html");
        CliRunner r = CliRunner.run("report", resource("report/detector_anchors.onnx"), "--input", resource("images/face.png"),
            "--target", "boxes[256:288,:]", "--out", html.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        String text = Files.readString(html);
        assertTrue(text.contains("the sum of boxes[256:288,:]"), "the region is named");
        assertFalse(text.contains("logit"), "boxes end in no Sigmoid");
    }

    @Test
    void aPartOfAnOutputInOfIsAskedForAsTarget(@TempDir Path dir) {
        CliRunner r = CliRunner.run("report", resource("report/detector_anchors.onnx"), "--input", resource("images/face.png"),
            "--of", "scores[272]", "--out", dir.resolve("r.html").toString());
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.contains("--target 'scores[272]'") && !r.err.contains("Exception"), r.err);
        CliRunner bad = CliRunner.run("report", resource("report/detector_anchors.onnx"), "--input", resource("images/face.png"),
            "--target", "scores[600]", "--out", dir.resolve("r.html").toString());
        assertEquals(2, bad.exitCode, bad.toString());
        assertTrue(bad.err.contains("out of range"), bad.err);
        CliRunner alone = CliRunner.run("report", resource("report/detector_anchors.onnx"), "--input", resource("images/face.png"),
            "--probability", "--out", dir.resolve("r.html").toString());
        assertEquals(2, alone.exitCode, alone.toString());
        assertTrue(alone.err.contains("--probability goes with --target"), alone.err);
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    private static Map<String, String> entries(Path zip) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (InputStream raw = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(raw)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
