package org.jacobi.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.destination.PDPageXYZDestination;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDDocumentOutline;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem;
import org.jacobi.io.AtomicFiles;

/**
 * Writes a report as a paged A4 PDF with Apache PDFBox: title, sections (also as PDF bookmarks), tables whose
 * header repeats across pages, figures scaled to the text width, and "page n of N" footers.
 */
public final class PdfReportWriter {
    static {
        // PDFBox reports at INFO/WARN that it maps the standard fonts to system fonts for its own rendering;
        // that is no concern of a report's reader and would clutter the command line.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.pdfbox") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.pdfbox", "error");
        }
    }

    private PdfReportWriter() {
    }

    /** Writes the report atomically; an existing file is replaced only when {@code overwrite}. */
    public static void write(Report report, Path target, boolean overwrite) {
        AtomicFiles.write(target, overwrite, out -> {
            try (PDDocument doc = new PDDocument()) {
                new Layout(doc, report).render();
                doc.save(out);
            }
        });
    }

    /** Lays the blocks out top to bottom, starting a new page when the next piece does not fit. */
    private static final class Layout {
        private static final float MARGIN = 50;
        private static final float BOTTOM = 56;
        private static final PDRectangle SIZE = PDRectangle.A4;
        private static final float WIDTH = SIZE.getWidth() - 2 * MARGIN;
        private static final Color ACCENT = new Color(0x21, 0x66, 0xac);
        private static final Color TEXT = new Color(0x22, 0x22, 0x22);
        private static final Color RULE = new Color(0xbb, 0xbb, 0xbb);
        private static final Color HEADER_FILL = new Color(0xee, 0xf3, 0xf8);

        private final PDDocument doc;
        private final Report report;
        private final PDFont regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        private final PDFont bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        private final PDFont oblique = new PDType1Font(Standard14Fonts.FontName.HELVETICA_OBLIQUE);
        private final Map<Character, String> replacements = new HashMap<>();
        private PDPage page;
        private PDPageContentStream cs;
        private float y;

        Layout(PDDocument doc, Report report) {
            this.doc = doc;
            this.report = report;
        }

        void render() throws IOException {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle(report.title());
            info.setCreator("Jacobi");
            info.setSubject("Sensitivity analysis of " + report.source().model().fileName());
            newPage();
            paragraph(report.title(), bold, 20, TEXT, 6);
            paragraph("Generated " + HtmlReportWriter.stamp(report) + " by Jacobi", regular, 10,
                new Color(0x55, 0x55, 0x55), 14);
            PDDocumentOutline outline = new PDDocumentOutline();
            doc.getDocumentCatalog().setDocumentOutline(outline);
            for (Section s : report.sections()) {
                float keep = 0;
                for (Block b : s.blocks()) { // an opening paragraph stays with what it introduces
                    keep += startHeight(b);
                    if (!(b instanceof Block.Paragraph)) {
                        break;
                    }
                }
                heading(s.title(), outline, keep);
                for (Block b : s.blocks()) {
                    block(b);
                }
            }
            cs.close();
            footers();
        }

        private void newPage() throws IOException {
            if (cs != null) {
                cs.close();
            }
            page = new PDPage(SIZE);
            doc.addPage(page);
            cs = new PDPageContentStream(doc, page);
            y = SIZE.getHeight() - MARGIN;
        }

        private void ensure(float height) throws IOException {
            if (y - height < BOTTOM) {
                newPage();
            }
        }

        /** The height the start of a block needs on the page it begins on (a heading stays with it). */
        private float startHeight(Block b) throws IOException {
            if (b instanceof Block.Paragraph p) {
                return wrap(p.text(), regular, 10, WIDTH).size() * 13.5f + 8;
            }
            if (b instanceof Block.Callout c) {
                return wrap(c.text(), bold, 10, WIDTH - 20).size() * 13.5f + 18;
            }
            if (b instanceof Block.Figure f) {
                return figureScale(f) * f.height() + 30;
            }
            if (b instanceof Block.Table t) {
                return 14 + Math.min(4, t.rows().size() + 1) * 17f;
            }
            return 40;
        }

        private float figureScale(Block.Figure f) {
            float maxH = SIZE.getHeight() - MARGIN - BOTTOM - 40;
            return Math.min(1f, Math.min(WIDTH / f.width(), maxH / f.height()));
        }

        private void heading(String title, PDDocumentOutline outline, float keepWithNext) throws IOException {
            ensure(44 + Math.min(keepWithNext, 520)); // keep a heading with the start of its section
            y -= 14;
            text(title, bold, 14, MARGIN, y - 14, ACCENT);
            PDPageXYZDestination dest = new PDPageXYZDestination();
            dest.setPage(page);
            dest.setTop((int) (y + 4));
            PDOutlineItem item = new PDOutlineItem();
            item.setTitle(title);
            item.setDestination(dest);
            outline.addLast(item);
            y -= 20;
            cs.setStrokingColor(ACCENT);
            cs.setLineWidth(1.2f);
            cs.moveTo(MARGIN, y);
            cs.lineTo(MARGIN + WIDTH, y);
            cs.stroke();
            y -= 10;
        }

        private void block(Block b) throws IOException {
            if (b instanceof Block.Paragraph p) {
                paragraph(p.text(), regular, 10, TEXT, 8);
            } else if (b instanceof Block.Callout c) {
                callout(c);
            } else if (b instanceof Block.Table t) {
                table(t);
            } else if (b instanceof Block.Figure f) {
                figure(f);
            }
        }

        private void paragraph(String text, PDFont font, float size, Color color, float after) throws IOException {
            float leading = size * 1.35f;
            for (String line : wrap(text, font, size, WIDTH)) {
                ensure(leading);
                text(line, font, size, MARGIN, y - size, color);
                y -= leading;
            }
            y -= after;
        }

        private void callout(Block.Callout c) throws IOException {
            float size = 10;
            float leading = size * 1.35f;
            List<String> lines = wrap(c.text(), c.warning() ? bold : oblique, size, WIDTH - 20);
            float h = lines.size() * leading + 10;
            ensure(h);
            cs.setNonStrokingColor(c.warning() ? new Color(0xfd, 0xf0, 0xec) : HEADER_FILL);
            cs.addRect(MARGIN, y - h, WIDTH, h);
            cs.fill();
            cs.setNonStrokingColor(c.warning() ? new Color(0xb2, 0x18, 0x2b) : ACCENT);
            cs.addRect(MARGIN, y - h, 4, h);
            cs.fill();
            float ty = y - 5;
            for (String line : lines) {
                text(line, c.warning() ? bold : oblique, size, MARGIN + 12, ty - size, TEXT);
                ty -= leading;
            }
            y -= h + 8;
        }

        private void figure(Block.Figure f) throws IOException {
            PDImageXObject image = PDImageXObject.createFromByteArray(doc, f.png(), f.alt());
            float scale = figureScale(f);
            float w = f.width() * scale;
            float h = f.height() * scale;
            List<String> caption = wrap(f.caption(), oblique, 8.5f, WIDTH);
            ensure(h + 6 + caption.size() * 11.5f);
            cs.drawImage(image, MARGIN, y - h, w, h);
            y -= h + 4;
            for (String line : caption) {
                text(line, oblique, 8.5f, MARGIN, y - 8.5f, new Color(0x44, 0x44, 0x44));
                y -= 11.5f;
            }
            y -= 10;
        }

        private void table(Block.Table t) throws IOException {
            float size = 8.5f;
            float leading = size * 1.3f;
            float pad = 3;
            int cols = t.header().isEmpty() ? (t.rows().isEmpty() ? 0 : t.rows().get(0).size()) : t.header().size();
            if (cols == 0) {
                return;
            }
            boolean keyValue = t.header().isEmpty();
            float[] natural = new float[cols];
            for (int c = 0; c < cols; c++) {
                if (!keyValue) {
                    natural[c] = width(t.header().get(c), bold, size);
                }
                for (List<String> row : t.rows()) {
                    if (c < row.size()) {
                        natural[c] = Math.max(natural[c], width(row.get(c), keyValue && c == 0 ? bold : regular, size));
                    }
                }
                natural[c] += 2 * pad + 1;
            }
            float[] widths = fit(natural, WIDTH);
            // a table starts where its caption, header and first rows fit together
            float start = t.caption().isEmpty() ? 0 : 14;
            for (int r = -1; r < Math.min(3, t.rows().size()); r++) {
                start += r < 0 ? (keyValue ? 0 : rowHeight(t.header(), widths, size, leading, pad, false))
                    : rowHeight(t.rows().get(r), widths, size, leading, pad, keyValue);
            }
            ensure(start);
            if (!t.caption().isEmpty()) {
                text(sanitize(t.caption(), bold), bold, 9.5f, MARGIN, y - 9.5f, TEXT);
                y -= 14;
            }
            if (!keyValue) {
                row(t.header(), widths, bold, size, leading, pad, true, t.numericColumns(), false);
            }
            for (int n = 0; n < t.rows().size(); n++) {
                List<String> r = t.rows().get(n);
                float h = rowHeight(r, widths, size, leading, pad, keyValue);
                if (n == t.rows().size() - 2 && n > 0) { // no single row alone on a new page
                    h += rowHeight(t.rows().get(n + 1), widths, size, leading, pad, keyValue);
                }
                if (y - h < BOTTOM) {
                    newPage();
                    if (!keyValue) {
                        row(t.header(), widths, bold, size, leading, pad, true, t.numericColumns(), false);
                    }
                }
                row(r, widths, regular, size, leading, pad, false, t.numericColumns(), keyValue);
            }
            y -= 10;
        }

        private float rowHeight(List<String> cells, float[] widths, float size, float leading, float pad, boolean keyValue)
            throws IOException {
            int lines = 1;
            for (int c = 0; c < cells.size() && c < widths.length; c++) {
                PDFont f = keyValue && c == 0 ? bold : regular;
                lines = Math.max(lines, wrap(cells.get(c), f, size, widths[c] - 2 * pad).size());
            }
            return lines * leading + 2 * pad;
        }

        private void row(List<String> cells, float[] widths, PDFont font, float size, float leading, float pad,
                         boolean header, boolean[] numeric, boolean keyValue) throws IOException {
            float h = rowHeight(cells, widths, size, leading, pad, keyValue);
            ensure(h);
            float x = MARGIN;
            for (int c = 0; c < widths.length; c++) {
                if (header || (keyValue && c == 0)) {
                    cs.setNonStrokingColor(header ? HEADER_FILL : new Color(0xf7, 0xf7, 0xf7));
                    cs.addRect(x, y - h, widths[c], h);
                    cs.fill();
                }
                cs.setStrokingColor(RULE);
                cs.setLineWidth(0.5f);
                cs.addRect(x, y - h, widths[c], h);
                cs.stroke();
                if (c < cells.size()) {
                    PDFont f = keyValue && c == 0 ? bold : font;
                    float ty = y - pad - size;
                    boolean right = !header && c < numeric.length && numeric[c];
                    for (String line : wrap(cells.get(c), f, size, widths[c] - 2 * pad)) {
                        float tx = right ? x + widths[c] - pad - width(line, f, size) : x + pad;
                        text(line, f, size, tx, ty + 1, TEXT);
                        ty -= leading;
                    }
                }
                x += widths[c];
            }
            y -= h;
        }

        /** Column widths: natural widths when they fit, else wide columns give up space first. */
        private static float[] fit(float[] natural, float total) {
            float sum = 0;
            for (float w : natural) {
                sum += w;
            }
            float[] out = natural.clone();
            if (sum <= total) {
                return out;
            }
            // shrink columns wider than a shared cap until everything fits
            float lo = 0;
            float hi = total;
            for (int it = 0; it < 40; it++) {
                float cap = (lo + hi) / 2;
                float s = 0;
                for (float w : natural) {
                    s += Math.min(w, cap);
                }
                if (s > total) {
                    hi = cap;
                } else {
                    lo = cap;
                }
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.min(natural[i], lo);
            }
            return out;
        }

        private void footers() throws IOException {
            int n = doc.getNumberOfPages();
            for (int i = 0; i < n; i++) {
                PDPage p = doc.getPage(i);
                try (PDPageContentStream f = new PDPageContentStream(doc, p, PDPageContentStream.AppendMode.APPEND, true,
                    true)) {
                    String label = "Page " + (i + 1) + " of " + n;
                    float size = 8.5f;
                    f.setStrokingColor(RULE);
                    f.setLineWidth(0.5f);
                    f.moveTo(MARGIN, 40);
                    f.lineTo(MARGIN + WIDTH, 40);
                    f.stroke();
                    write(f, sanitize(report.title(), regular), regular, size, MARGIN, 28, new Color(0x66, 0x66, 0x66));
                    write(f, label, regular, size, MARGIN + WIDTH - width(label, regular, size), 28,
                        new Color(0x66, 0x66, 0x66));
                }
            }
        }

        private void text(String s, PDFont font, float size, float x, float baseline, Color color) throws IOException {
            write(cs, sanitize(s, font), font, size, x, baseline, color);
        }

        private static void write(PDPageContentStream stream, String s, PDFont font, float size, float x, float baseline,
                                  Color color) throws IOException {
            stream.beginText();
            stream.setNonStrokingColor(color);
            stream.setFont(font, size);
            stream.newLineAtOffset(x, baseline);
            stream.showText(s);
            stream.endText();
        }

        private float width(String s, PDFont font, float size) throws IOException {
            return font.getStringWidth(sanitize(s, font)) / 1000f * size;
        }

        /** Lines of at most {@code max} points; words longer than a line (paths, digests) are cut. */
        private List<String> wrap(String text, PDFont font, float size, float max) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String para : sanitize(text, font).split("\n", -1)) {
                StringBuilder line = new StringBuilder();
                for (String word : para.split(" ")) {
                    String candidate = line.length() == 0 ? word : line + " " + word;
                    if (width(candidate, font, size) <= max) {
                        line.setLength(0);
                        line.append(candidate);
                        continue;
                    }
                    if (line.length() > 0) {
                        lines.add(line.toString());
                        line.setLength(0);
                    }
                    String rest = word;
                    while (width(rest, font, size) > max && rest.length() > 1) {
                        int k = rest.length() - 1;
                        while (k > 1 && width(rest.substring(0, k), font, size) > max) {
                            k--;
                        }
                        lines.add(rest.substring(0, k));
                        rest = rest.substring(k);
                    }
                    line.append(rest);
                }
                lines.add(line.toString());
            }
            return lines;
        }

        /** The standard PDF fonts cover WinAnsi only: replace what they cannot show. */
        private String sanitize(String s, PDFont font) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x7f || c == '\n') {
                    sb.append(c);
                    continue;
                }
                sb.append(replacements.computeIfAbsent(c, ch -> {
                    try {
                        font.encode(String.valueOf(ch));
                        return String.valueOf(ch);
                    } catch (IOException | IllegalArgumentException e) {
                        return switch (ch) {
                            case '\u2264' -> "<=";
                            case '\u2265' -> ">=";
                            case '\u2212' -> "-";
                            case '\u03c3' -> "sigma";
                            case '\u03bd' -> "nu";
                            case '\u2202' -> "d";
                            case '\t' -> " ";
                            default -> "?";
                        };
                    }
                }));
            }
            return sb.toString();
        }
    }
}
