package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jacobi.TestFiles;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jacobi report --target} on a detector-like model (512 anchors, NHWC photo in -1..1): the report ranks the
 * inputs for the one anchor, with its exact gradient, against a float64 reference that
 * scripts/make_detector_report_model.py computed with PyTorch.
 */
class ReportTargetCommandTest {
    private static String resource(String name) {
        return TestFiles.resource(name).toString();
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
