package org.jacobi.report;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import org.jacobi.io.AtomicFiles;

/**
 * Writes a report as one self-contained HTML file: inline CSS, images as data: URIs, no script and nothing
 * fetched, so it reads offline and prints (print CSS keeps figures and tables whole on a page). The markup is
 * also well-formed XML (void elements closed), so programs can read it with any XML parser.
 */
public final class HtmlReportWriter {
    private static final String CSS = """
        body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0;
               background: #f4f4f4; line-height: 1.45; }
        main { max-width: 860px; margin: 0 auto; background: #fff; padding: 28px 40px 48px; }
        h1 { font-size: 1.6em; margin: 0 0 4px; }
        .subtitle { color: #555; margin: 0 0 18px; }
        h2 { font-size: 1.25em; border-bottom: 2px solid #2166ac; padding-bottom: 3px; margin-top: 34px; }
        nav ol { columns: 2; padding-left: 20px; margin: 0; }
        nav { background: #f7f7f7; border: 1px solid #ddd; padding: 8px 12px; }
        table { border-collapse: collapse; margin: 10px 0 16px; font-size: 0.9em; }
        caption { text-align: left; font-weight: bold; padding: 4px 0; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; vertical-align: top; }
        th { background: #eef3f8; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.kv td:first-child { font-weight: bold; background: #f7f7f7; white-space: nowrap; }
        td { overflow-wrap: anywhere; }
        figure { margin: 14px 0 20px; }
        figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
        figcaption { font-size: 0.88em; color: #444; margin-top: 4px; }
        .callout { border-left: 5px solid #2166ac; background: #eef3f8; padding: 8px 12px; margin: 10px 0; }
        .callout.warning { border-color: #b2182b; background: #fdf0ec; }
        footer { color: #777; font-size: 0.85em; margin-top: 36px; border-top: 1px solid #ddd; padding-top: 8px; }
        @media print {
          body { background: #fff; }
          main { max-width: none; padding: 0; }
          table { font-size: 0.78em; }
          nav { display: none; }
          h2 { break-after: avoid; page-break-after: avoid; }
          figure, table, .callout { break-inside: avoid; page-break-inside: avoid; }
          section#samples figure { break-before: auto; }
          @page { size: A4; margin: 16mm 14mm; }
        }
        """;

    private HtmlReportWriter() {
    }

    /** Writes the report atomically; an existing file is replaced only when {@code overwrite}. */
    public static void write(Report report, Path target, boolean overwrite) {
        String html = render(report);
        AtomicFiles.write(target, overwrite, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(html);
            w.flush();
        });
    }

    /** The whole document as a string. */
    public static String render(Report report) {
        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
            .append("<meta name=\"generator\" content=\"Jacobi\" />\n")
            .append("<title>").append(esc(report.title())).append("</title>\n<style>\n").append(CSS)
            .append("</style>\n</head>\n<body>\n<main>\n");
        sb.append("<header><h1>").append(esc(report.title())).append("</h1>\n<p class=\"subtitle\">Generated ")
            .append(esc(stamp(report))).append(" by Jacobi</p></header>\n");
        sb.append("<nav><strong>Contents</strong><ol>\n");
        for (Section s : report.sections()) {
            sb.append("<li><a href=\"#").append(esc(s.id())).append("\">").append(esc(s.title())).append("</a></li>\n");
        }
        sb.append("</ol></nav>\n");
        for (Section s : report.sections()) {
            sb.append("<section id=\"").append(esc(s.id())).append("\">\n<h2>").append(esc(s.title())).append("</h2>\n");
            for (Block b : s.blocks()) {
                block(sb, b);
            }
            sb.append("</section>\n");
        }
        sb.append("<footer>").append(esc(ReportBuilder.LOCAL_STATEMENT)).append("</footer>\n");
        sb.append("</main>\n</body>\n</html>\n");
        return sb.toString();
    }

    static String stamp(Report report) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").format(report.created().atOffset(ZoneOffset.UTC));
    }

    private static void block(StringBuilder sb, Block b) {
        if (b instanceof Block.Paragraph p) {
            sb.append("<p>").append(esc(p.text())).append("</p>\n");
        } else if (b instanceof Block.Callout c) {
            sb.append("<p class=\"callout").append(c.warning() ? " warning" : "").append("\">").append(esc(c.text()))
                .append("</p>\n");
        } else if (b instanceof Block.Table t) {
            table(sb, t);
        } else if (b instanceof Block.Figure f) {
            sb.append("<figure><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(f.png()))
                .append("\" width=\"").append(f.width()).append("\" height=\"").append(f.height())
                .append("\" alt=\"").append(esc(f.alt())).append("\" /><figcaption>").append(esc(f.caption()))
                .append("</figcaption></figure>\n");
        }
    }

    private static void table(StringBuilder sb, Block.Table t) {
        sb.append(t.header().isEmpty() ? "<table class=\"kv\">" : "<table>");
        if (!t.caption().isEmpty()) {
            sb.append("<caption>").append(esc(t.caption())).append("</caption>");
        }
        sb.append('\n');
        if (!t.header().isEmpty()) {
            sb.append("<thead><tr>");
            for (String h : t.header()) {
                sb.append("<th>").append(esc(h)).append("</th>");
            }
            sb.append("</tr></thead>\n");
        }
        sb.append("<tbody>\n");
        for (List<String> row : t.rows()) {
            sb.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                boolean num = i < t.numericColumns().length && t.numericColumns()[i];
                sb.append(num ? "<td class=\"num\">" : "<td>").append(esc(row.get(i))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table>\n");
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
