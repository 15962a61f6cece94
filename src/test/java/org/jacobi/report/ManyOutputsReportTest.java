package org.jacobi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jacobi.TestFiles;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The report of a detector-like Jacobian at one photo: 64 anchor scores of an NHWC image [64, 64, 3], one sample.
 * Its faults as first seen (issue 25): every Share cell "0.0 %", "global" measures of one sample, an input ranking
 * averaged over every anchor without saying so, and no saliency map for a channels-last image.
 */
class ManyOutputsReportTest {
    private static final int ANCHORS = 64;
    private static final long[] IMAGE = {64, 64, 3};
    private static Report report;
    private static String html;

    @BeforeAll
    static void build() throws Exception {
        int n = (int) (IMAGE[0] * IMAGE[1] * IMAGE[2]);
        float[] j = new float[ANCHORS * n];
        Random random = new Random(25);
        for (int i = 0; i < j.length; i++) {
            j[i] = (float) random.nextGaussian();
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble() * 2 - 1;
        }
        ModelInfo info;
        try (Model model = ModelLoader.load(TestFiles.resource("report/detector_anchors.onnx"))) {
            info = model.info();
        }
        JacobianResult result = new JacobianResult(Tensor.ofFloats(j, 1, ANCHORS, IMAGE[0], IMAGE[1], IMAGE[2]),
            Tensor.ofFloats(new float[ANCHORS], 1, ANCHORS), "image", "scores", IMAGE, new long[] {ANCHORS}, true,
            JacobianMode.REVERSE, true, "synthetic (test)", "CPU", 1, 1_000_000L, List.of());
        ReportSource source = ReportSource.of(info, "CPU", Map.of("image", Tensor.ofFloats(x, 1, IMAGE[0], IMAGE[1], IMAGE[2])),
            result);
        report = ReportBuilder.build(source, ReportOptions.defaults(), ProgressMonitor.NONE);
        html = HtmlReportWriter.render(report);
    }

    @Test
    void sharesOfTwelveThousandInputsShowTheirSizeInsteadOfZero() throws Exception {
        Document doc = ReportContentTest.parse(html);
        List<List<String>> rows = ReportContentTest.tableRows(doc, "Input ranking");
        SensitivityStatistics st = report.statistics();
        double total = 0;
        for (double v : st.meanAbs()) {
            total += v;
        }
        for (List<String> row : rows) {
            String share = row.get(3);
            assertFalse(share.startsWith("0.0 "), "share shown as " + share);
            assertTrue(share.matches("0\\.0*[1-9]\\d\\d %"), "three significant digits: " + share);
            double mean = Double.parseDouble(row.get(2));
            double percent = Double.parseDouble(share.replace(" %", ""));
            assertEquals(100 * mean / total, percent, 100 * mean / total * 5e-3, row.toString());
        }
        assertTrue(html.contains("spread evenly, each would hold 0.00814 %"), "the reason they are small is said");
    }

    @Test
    void oneSampleGivesNoGlobalMeasuresAndSaysWhatToDo(@TempDir Path dir) throws IOException {
        assertFalse(html.contains("DGSM per output") || html.contains("Overall DGSM"), "no global tables from one sample");
        assertFalse(html.contains("<th>DGSM"), "no DGSM column in the ranking");
        String global = text(report.section("dgsm"));
        assertTrue(global.contains("Left out") && global.contains("1 sample") && global.contains("several samples")
            && global.contains("jacobi gsa"), global);
        Path zip = dir.resolve("data.zip");
        ReportDataZip.write(report, zip, false);
        Map<String, String> entries = ReportContentTest.zipEntries(zip);
        assertFalse(entries.containsKey("dgsm.csv"));
        assertEquals("rank,input,flat_index,mean_abs_jacobian", entries.get("ranking.csv").lines().findFirst().orElseThrow());
    }

    @Test
    void theRankingSaysItAveragesOverEveryAnchorAndHowToRankForOne() {
        String summary = text(report.section("summary"));
        assertTrue(summary.contains("averaged over all 64 output elements of scores"), summary);
        String ranking = text(report.section("ranking"));
        assertTrue(ranking.contains("an average over every element of scores") && ranking.contains("--target 'scores[i]'"),
            ranking);
    }

    @Test
    void aChannelsLastImageGetsItsSaliencyMap() throws Exception {
        NodeList images = ReportContentTest.parse(html).getElementsByTagName("img");
        int saliency = 0;
        for (int i = 0; i < images.getLength(); i++) {
            saliency += ((Element) images.item(i)).getAttribute("alt").startsWith("Input image and saliency map") ? 1 : 0;
        }
        assertEquals(1, saliency);
        assertTrue(html.contains("The input is image-shaped [64, 64, 3]"));
    }

    private static String text(Section section) {
        StringBuilder sb = new StringBuilder();
        for (Block b : section.blocks()) {
            sb.append(b).append('\n');
        }
        return sb.toString();
    }
}
