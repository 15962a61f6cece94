/**
 * Sensitivity reports (HTML and PDF) of computed Jacobians. No JavaFX here: the app and the command line call
 * the same code.
 *
 * <pre>{@code
 * ReportSource source = ReportSource.of(model, inputs, jacobianResult)   // inputs: the bound input tensors
 *     .withTraces(traceRows);                                            // optional optimization iterations
 * // or a report of one output element or region ('scores[272]'): its gradient, one reverse pass per sample
 * ReportSource source = ReportTarget.source(model, engine, request, OutputTarget.parse("scores[272]", null, null),
 *     false, monitor);
 * Report report = ReportBuilder.build(source, ReportOptions.defaults(), monitor);
 * HtmlReportWriter.write(report, path, overwrite);   // or PdfReportWriter.write(...), ReportWriters.write(...)
 * ReportDataZip.write(report, zipPath, overwrite);   // raw data on request
 * // or all in one, with progress over building and writing:
 * ReportExport.export(source, options, path, overwrite, zipPathOrNull, monitor);
 * }</pre>
 *
 * <p>{@link Report} holds the content as {@link Section}s of
 * {@link Block}s, which both writers render, so HTML and PDF say the same; it also keeps the
 * numbers ({@link SensitivityStatistics}, singular values) for the data ZIP and for tests.
 */
package org.jacobi.report;
