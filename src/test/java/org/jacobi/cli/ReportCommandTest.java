package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jacobi.TestFiles;
import org.jacobi.optim.TraceCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    private static String fixture(String name) {
        return TestFiles.fixture(name).toString();
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
}
