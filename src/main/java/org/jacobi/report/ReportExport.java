package org.jacobi.report;

import java.nio.file.Path;
import org.jacobi.core.ProgressMonitor;

/**
 * One call for "File > Export report": builds the report and writes it (and optionally the data ZIP), with
 * progress over both steps and cancellation between figures. Run it off the UI thread.
 */
public final class ReportExport {
    private ReportExport() {
    }

    /**
     * Builds and writes a report.
     *
     * @param target a {@code .html}/{@code .htm} or {@code .pdf} file; written atomically
     * @param overwrite replace an existing target (after the user confirmed); when false an existing file is an
     *     error with exit code 2 and stays untouched
     * @param dataZip where to write the raw data, or null for none
     * @return the report that was written, e.g. to show its summary
     * @throws org.jacobi.core.CancelledException when the monitor is cancelled (nothing is written then)
     * @throws org.jacobi.core.JacobiException for a bad file name, an existing file or a failed write
     */
    public static Report export(ReportSource source, ReportOptions options, Path target, boolean overwrite, Path dataZip,
                                ProgressMonitor monitor) {
        ReportWriters.formatOf(target); // a wrong extension fails before the work
        Report report = ReportBuilder.build(source, options, new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                // building is most of the work; writing gets the last tenth
                monitor.progress(done * 9, total * 10, message);
            }

            @Override
            public boolean isCancelled() {
                return monitor.isCancelled();
            }
        });
        monitor.checkCancelled();
        monitor.progress(9, 10, "Writing " + target.getFileName());
        ReportWriters.write(report, target, overwrite);
        if (dataZip != null) {
            monitor.progress(19, 20, "Writing " + dataZip.getFileName());
            ReportDataZip.write(report, dataZip, overwrite);
        }
        monitor.progress(1, 1, "Report written");
        return report;
    }
}
