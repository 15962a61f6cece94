package org.jacobi.report;

import java.nio.file.Path;
import java.util.Locale;
import org.jacobi.core.JacobiException;

/** Picks the writer by file extension: {@code .html}/{@code .htm} or {@code .pdf}. */
public final class ReportWriters {
    private ReportWriters() {
    }

    /** The kinds of report file. */
    public enum Format { HTML, PDF }

    public static Format formatOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".html") || n.endsWith(".htm")) {
            return Format.HTML;
        }
        if (n.endsWith(".pdf")) {
            return Format.PDF;
        }
        throw JacobiException.usage(file + ": a report is written as .html or .pdf. Give a file name ending in one of them.");
    }

    /** Writes the report atomically in the format its extension names. */
    public static void write(Report report, Path target, boolean overwrite) {
        switch (formatOf(target)) {
            case HTML -> HtmlReportWriter.write(report, target, overwrite);
            case PDF -> PdfReportWriter.write(report, target, overwrite);
            default -> throw new IllegalStateException();
        }
    }
}
