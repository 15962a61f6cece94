package org.jacobi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reports of the fixture models: HTML structure, PDF pages and text, the data ZIP, and that the numbers the
 * report prints agree with the float64 reference Jacobians, computed independently here.
 */
class ReportContentTest {
    private static Report mlp;
    private static Report cnn;

    @BeforeAll
    static void build() {
        mlp = ReportBuilder.build(ReportFixtures.source("mlp_tanh"), ReportOptions.defaults(), ProgressMonitor.NONE);
        cnn = ReportBuilder.build(ReportFixtures.source("cnn_small"), ReportOptions.defaults().withSamples(List.of(0, 3)),
            ProgressMonitor.NONE);
    }

    @Test
    void htmlIsSelfContainedWellFormedAndHasEverySection(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mlp.html");
        HtmlReportWriter.write(mlp, file, false);
        String html = Files.readString(file);
        assertFalse(html.matches("(?s).*(https?:|src=\"//|<script|<link|@import|url\\().*"), "nothing may be fetched");
        Document doc = parse(html);
        List<String> ids = new ArrayList<>();
        NodeList sections = doc.getElementsByTagName("section");
        for (int i = 0; i < sections.getLength(); i++) {
            ids.add(((Element) sections.item(i)).getAttribute("id"));
        }
        assertEquals(List.of("summary", "model", "environment", "method", "ranking", "dgsm", "samples", "spectra"), ids);
        NodeList images = doc.getElementsByTagName("img");
        // ranking bar chart + 4 heatmaps + spectra
        assertEquals(6, images.getLength());
        for (int i = 0; i < images.getLength(); i++) {
            String src = ((Element) images.item(i)).getAttribute("src");
            assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, 40));
            byte[] png = Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1));
            assertNotNull(ImageIO.read(new ByteArrayInputStream(png)), "image " + i + " decodes");
            assertFalse(((Element) images.item(i)).getAttribute("alt").isBlank());
        }
        assertTrue(html.contains("@media print"));
        assertTrue(html.contains(ReportBuilder.LOCAL_STATEMENT));
        assertTrue(html.contains(mlp.modelSha256()));
        assertEquals(64, mlp.modelSha256().length());
    }

    @Test
    void rankingAndDgsmInTheHtmlAgreeWithTheReferenceJacobian(@TempDir Path dir) throws Exception {
        double[][][] j = ReportFixtures.reference("mlp_tanh.jacobian.npy", 4, 4, 8);
        double[] meanAbs = new double[8];
        double[] dgsm = new double[8];
        for (double[][] sample : j) {
            for (double[] row : sample) {
                for (int k = 0; k < 8; k++) {
                    meanAbs[k] += Math.abs(row[k]) / 16;
                    dgsm[k] += row[k] * row[k] / 4;
                }
            }
        }
        Document doc = parse(HtmlReportWriter.render(mlp));
        List<List<String>> ranking = tableRows(doc, "Input ranking");
        assertEquals(8, ranking.size());
        double previous = Double.POSITIVE_INFINITY;
        for (List<String> row : ranking) {
            int k = Integer.parseInt(row.get(1).replaceAll("x\\[(\\d+)]", "$1"));
            double shown = Double.parseDouble(row.get(2));
            assertEquals(meanAbs[k], shown, 1e-5 * meanAbs[k], "mean |J| of input " + k);
            assertEquals(dgsm[k], Double.parseDouble(row.get(4)), 1e-5 * dgsm[k], "DGSM of input " + k);
            assertTrue(shown <= previous, "ranked in decreasing order");
            previous = shown;
        }
        List<List<String>> perOutput = tableRows(doc, "DGSM per output");
        assertEquals(4, perOutput.size());
        for (int i = 0; i < 4; i++) {
            double total = 0;
            for (double[][] sample : j) {
                for (double v : sample[i]) {
                    total += v * v / 4;
                }
            }
            assertEquals("y[" + i + "]", perOutput.get(i).get(0));
            assertEquals(total, Double.parseDouble(perOutput.get(i).get(1)), 1e-5 * total);
        }
    }

    @Test
    void singularValuesInTheReportAgreeWithEigenvaluesOfJJt() throws Exception {
        double[][][] j = ReportFixtures.reference("mlp_tanh.jacobian.npy", 4, 4, 8);
        List<List<String>> rows = tableRows(parse(HtmlReportWriter.render(mlp)), "Largest singular values");
        assertEquals(4, rows.size());
        for (int s = 0; s < 4; s++) {
            DMatrixRMaj m = new DMatrixRMaj(j[s]);
            DMatrixRMaj gram = new DMatrixRMaj(4, 4);
            CommonOps_DDRM.multTransB(m, m, gram);
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(4, false, true);
            assertTrue(eig.decompose(gram));
            List<Double> expected = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                expected.add(Math.sqrt(Math.max(0, eig.getEigenvalue(k).getReal())));
            }
            expected.sort((a, b) -> Double.compare(b, a));
            List<String> row = rows.get(s);
            assertEquals(Integer.toString(s), row.get(0));
            for (int k = 0; k < 4; k++) {
                assertEquals(expected.get(k), Double.parseDouble(row.get(3 + k)), 1e-5 * expected.get(0), "sample " + s + " sigma_" + (k + 1));
            }
            assertEquals(expected.get(0) / expected.get(3), Double.parseDouble(row.get(1)), 1e-4 * expected.get(0) / expected.get(3));
        }
    }

    @Test
    void imageInputsGetSaliencyMapsAndLargeJacobiansAreDownsampledWithTheirFactor() throws Exception {
        String html = HtmlReportWriter.render(cnn);
        Document doc = parse(html);
        int saliency = 0;
        int heatmaps = 0;
        NodeList images = doc.getElementsByTagName("img");
        for (int i = 0; i < images.getLength(); i++) {
            String alt = ((Element) images.item(i)).getAttribute("alt");
            saliency += alt.contains("saliency") ? 1 : 0;
            heatmaps += alt.startsWith("Heatmap") ? 1 : 0;
        }
        assertEquals(2, saliency, "samples 0 and 3 only");
        assertEquals(2, heatmaps);
        assertTrue(html.contains("Jacobian of sample 3, downsampled from 10 x 784 to 10 x 157 by signed max |J| over blocks"
            + " of 1 output x 5 inputs (factor 1 x 5)"), "the factor is stated");
        assertFalse(html.contains("Jacobian of sample 1,"));
        assertEquals(List.of(0, 3), cnn.shownSamples());
        assertEquals(4, cnn.statistics().samples(), "statistics use every sample");

        Report decoder = ReportBuilder.build(ReportFixtures.source("decoder_sigmoid"), ReportOptions.defaults()
            .withSamples(List.of(1)), ProgressMonitor.NONE);
        String dec = HtmlReportWriter.render(decoder);
        assertTrue(dec.contains("downsampled from 784 x 16 to 157 x 16"), "784 outputs are pooled by 5");
        assertTrue(dec.contains("the 20 of 784 outputs with the largest sums"));
        List<List<String>> rows = tableRows(parse(dec), "DGSM per output");
        assertEquals(20, rows.size());
        double[] totals = IntStream.range(0, 784).mapToDouble(decoder.statistics()::outputTotal)
            .sorted().toArray();
        double twentiethLargest = totals[784 - 20];
        for (List<String> row : rows) {
            assertTrue(Double.parseDouble(row.get(1)) >= twentiethLargest * (1 - 1e-5), row.toString());
        }
        assertFalse(dec.contains("saliency"), "a vector input has no saliency map");
    }

    @Test
    void pdfIsAPagedDocumentWithTitleNumbersAndPageNumbers(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("report.pdf");
        PdfReportWriter.write(mlp, file, false);
        try (PDDocument pdf = Loader.loadPDF(file.toFile())) {
            int pages = pdf.getNumberOfPages();
            assertTrue(pages >= 3, "pages: " + pages);
            assertEquals(mlp.title(), pdf.getDocumentInformation().getTitle());
            assertEquals(mlp.sections().size(), countOutline(pdf));
            String text = new PDFTextStripper().getText(pdf);
            assertTrue(text.contains("Sensitivity report: mlp_tanh.onnx"));
            assertTrue(text.contains("Page 1 of " + pages) && text.contains("Page " + pages + " of " + pages));
            for (Section s : mlp.sections()) {
                assertTrue(text.contains(s.title()), s.title());
            }
            SensitivityStatistics st = mlp.statistics();
            int top = st.ranking()[0];
            assertTrue(text.contains(ReportBuilder.num(st.meanAbs()[top])), "top mean |J| is printed");
            assertTrue(text.contains(ReportBuilder.num(st.dgsmOverall()[top])));
            assertTrue(text.contains(ReportBuilder.num(mlp.singularValues().get(2)[0])));
            assertTrue(text.contains(mlp.modelSha256().substring(0, 16)));
            int imageCount = 0;
            for (var page : pdf.getPages()) {
                for (var name : page.getResources().getXObjectNames()) {
                    imageCount += page.getResources().isImageXObject(name) ? 1 : 0;
                }
            }
            assertEquals(6, imageCount);
        }
    }

    @Test
    void optimizationTracesAppearOnlyWhenGiven(@TempDir Path dir) throws IOException {
        assertEquals(null, mlp.section("optimization"));
        List<TraceRow> rows = List.of(new TraceRow("Levenberg-Marquardt", 0, 4.0, 2.0, Double.NaN, true, 0.0),
            new TraceRow("Levenberg-Marquardt", 1, 1.0, 0.5, 0.3, true, 1.5),
            new TraceRow("L-BFGS", 0, 4.0, 2.0, Double.NaN, true, 0.0),
            new TraceRow("L-BFGS", 1, 2.5, 1.0, 0.2, false, 2.0));
        Report withTraces = ReportBuilder.build(ReportFixtures.source("mlp_tanh").withTraces(rows), ReportOptions.defaults(),
            ProgressMonitor.NONE);
        assertNotNull(withTraces.section("optimization"));
        Document doc = parseUnchecked(HtmlReportWriter.render(withTraces));
        List<List<String>> table = tableRows(doc, "Iterations");
        assertEquals(4, table.size());
        assertEquals(List.of("L-BFGS", "1", "2.50000", "1.00000", "0.200000", "no", "2.0"), table.get(3));
        Path zip = dir.resolve("data.zip");
        ReportDataZip.write(withTraces, zip, false);
        assertTrue(zipEntries(zip).get("traces.csv").startsWith("method,iteration,cost"));
    }

    @Test
    void dataZipHoldsTheJacobianInputsRankingsAndMetadata(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("raw.zip");
        ReportDataZip.write(cnn, zip, false);
        Map<String, String> text = zipEntries(zip);
        assertTrue(text.keySet().containsAll(List.of("jacobian.npy", "inputs/x.npy", "ranking.csv", "dgsm.csv",
            "singular_values.csv", "metadata.json")), text.keySet().toString());
        assertEquals(785, text.get("ranking.csv").lines().count(), "header + every input");
        assertEquals(11, text.get("dgsm.csv").lines().count(), "header + every output");
        assertTrue(text.get("metadata.json").contains("\"sha256\": \"" + cnn.modelSha256() + "\""));
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals("jacobian.npy")) {
                    Tensor j = Npy.read(in, "jacobian.npy");
                    assertEquals(cnn.source().jacobian().jacobian(), j);
                }
            }
        }
    }

    @Test
    void anExistingFileIsNotReplacedWithoutOverwrite(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("report.html");
        Files.writeString(file, "keep me");
        JacobiException e = assertThrows(JacobiException.class, () -> HtmlReportWriter.write(mlp, file, false));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(2, e.exitCode());
        assertEquals("keep me", Files.readString(file));
        Path pdf = dir.resolve("report.pdf");
        Files.writeString(pdf, "keep me");
        assertThrows(JacobiException.class, () -> PdfReportWriter.write(mlp, pdf, false));
        assertEquals("keep me", Files.readString(pdf));
        PdfReportWriter.write(mlp, pdf, true);
        assertTrue(Files.readString(pdf, StandardCharsets.ISO_8859_1).startsWith("%PDF-"));
    }

    @Test
    void aFailedWriteLeavesNoFileAndNoPartialFile(@TempDir Path dir) throws IOException {
        List<Section> broken = new ArrayList<>(mlp.sections());
        broken.add(new Section("broken", "Broken", List.of(new Block.Figure(new byte[] {1, 2, 3}, "not an image",
            "a figure whose bytes are no PNG", 100, 100))));
        Report bad = new Report(mlp.title(), mlp.created(), broken, mlp.statistics(), mlp.singularValues(),
            mlp.shownSamples(), mlp.modelSha256(), mlp.source());
        Path file = dir.resolve("report.pdf");
        assertThrows(Exception.class, () -> PdfReportWriter.write(bad, file, false));
        assertFalse(Files.exists(file));
        Files.writeString(file, "old report");
        assertThrows(Exception.class, () -> PdfReportWriter.write(bad, file, true));
        assertEquals("old report", Files.readString(file), "the old file survives a failed replacement");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void samplesOutOfRangeAreAUsageErrorAndCancellationStopsTheBuild() {
        JacobiException e = assertThrows(JacobiException.class, () -> ReportBuilder.build(ReportFixtures.source("mlp_tanh"),
            ReportOptions.defaults().withSamples(List.of(0, 9)), ProgressMonitor.NONE));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("Sample 9 does not exist"), e.getMessage());
        List<String> messages = new ArrayList<>();
        ProgressMonitor cancelAfterTwo = new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                messages.add(message);
            }

            @Override
            public boolean isCancelled() {
                return messages.size() >= 2;
            }
        };
        assertThrows(CancelledException.class, () -> ReportBuilder.build(ReportFixtures.source("mlp_tanh"),
            ReportOptions.defaults(), cancelAfterTwo));
    }

    @Test
    void aJacobianWithNaNIsReportedWithAWarningInsteadOfFailing() {
        ReportSource good = ReportFixtures.source("mlp_tanh");
        var jr = good.jacobian();
        float[] values = jr.jacobian().floats().clone();
        values[32 + 5] = Float.NaN; // sample 1
        var broken = new JacobianResult(Tensor.ofFloats(values, jr.jacobian().shape()), jr.output(),
            jr.wrt(), jr.of(), jr.sampleInputShape(), jr.sampleOutputShape(), true, jr.mode(), true, jr.backend(),
            jr.device(), 1, 1, List.of());
        Report report = ReportBuilder.build(ReportSource.of(good.model(), "CPU", good.inputs(), broken),
            ReportOptions.defaults(), ProgressMonitor.NONE);
        assertTrue(HtmlReportWriter.render(report).contains("NaN or infinite values (the first at flat index 37)"));
        assertEquals(List.of(0, 2, 3), List.copyOf(report.singularValues().keySet()), "no SVD of the NaN sample");
    }

    // ---------------------------------------------------------------- helpers

    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    private static Document parseUnchecked(String html) {
        try {
            return parse(html);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The body rows of the table whose caption starts with {@code caption}, as cell texts. */
    static List<List<String>> tableRows(Document doc, String caption) {
        NodeList tables = doc.getElementsByTagName("table");
        for (int t = 0; t < tables.getLength(); t++) {
            Element table = (Element) tables.item(t);
            NodeList captions = table.getElementsByTagName("caption");
            if (captions.getLength() == 0 || !captions.item(0).getTextContent().startsWith(caption)) {
                continue;
            }
            List<List<String>> rows = new ArrayList<>();
            NodeList trs = ((Element) table.getElementsByTagName("tbody").item(0)).getElementsByTagName("tr");
            for (int r = 0; r < trs.getLength(); r++) {
                NodeList tds = ((Element) trs.item(r)).getElementsByTagName("td");
                List<String> cells = new ArrayList<>();
                for (int c = 0; c < tds.getLength(); c++) {
                    cells.add(tds.item(c).getTextContent());
                }
                rows.add(cells);
            }
            return rows;
        }
        throw new AssertionError("no table captioned " + caption);
    }

    private static int countOutline(PDDocument pdf) {
        int n = 0;
        for (var item = pdf.getDocumentCatalog().getDocumentOutline().getFirstChild(); item != null; item = item.getNextSibling()) {
            n++;
        }
        return n;
    }

    static Map<String, String> zipEntries(Path zip) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (InputStream raw = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(raw)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }
}
