package org.jacobi.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.gsa.GsaResult;
import org.jacobi.io.CsvTensors;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.report.GsaReportSection;
import org.jacobi.report.Report;
import org.jacobi.report.ReportBuilder;
import org.jacobi.report.ReportOptions;
import org.jacobi.report.ReportSource;
import org.jacobi.report.ReportTarget;
import org.jacobi.report.ReportWriters;
import org.jacobi.report.SecondOrder;
import org.jacobi.ui.task.TaskExecutor;

/** File > Export: the current Jacobian as NPY or CSV, or a sensitivity report, written in the background. */
public final class ExportActions {
    private final Workspace workspace;
    private final AppState state;

    ExportActions(Workspace workspace) {
        this.workspace = workspace;
        this.state = workspace.state();
    }

    /** Writes the whole Jacobian ({@code [batch, *out, *in]}) as NPY, atomically, in the background. */
    public void exportJacobianNpy(Path file) {
        JacobianResult r = requireResult();
        if (r != null) {
            workspace.executor().submit("Writing " + file.getFileName(), monitor -> {
                Npy.write(file, r.jacobian(), true);
                return file;
            }, f -> state.showInfo("Saved " + f.getFileName() + "."), state::showError);
        }
    }

    /** Writes the Jacobian as CSV: one row per (sample, output), one column per input element (named when the model names them). */
    public void exportJacobianCsv(Path file) {
        JacobianResult r = requireResult();
        if (r != null) {
            List<String> header = new ArrayList<>();
            for (int i = 0; i < r.inputsPerSample(); i++) {
                header.add('"' + state.inputLabel(i) + '"');
            }
            workspace.executor().submit("Writing " + file.getFileName(), monitor -> {
                Tensor matrix = r.jacobian().reshape((long) r.samples() * r.outputsPerSample(), r.inputsPerSample());
                CsvTensors.write(file, matrix, header, true);
                return file;
            }, f -> state.showInfo("Saved " + f.getFileName() + "."), state::showError);
        }
    }

    /**
     * Writes a sensitivity report (HTML or PDF by the file's extension) of the current Jacobian, at the
     * inputs it was computed at, in the background.
     */
    public void exportReport(Path file) {
        exportReport(file, null, false);
    }

    /**
     * Writes a sensitivity report (HTML or PDF by the file's extension) in the background: of {@code target} when one is
     * picked (its gradient by one reverse pass per sample, as {@code jacobi report --target}; also for a Jacobian too large
     * to compute whole), else of the current Jacobian, at the inputs it was computed at.
     *
     * @param target the picked target as typed on the command line ({@code mask[0,2:5,1:4]}), or null or blank for none
     * @param probability differentiate a final Sigmoid's or Softmax's output itself rather than the logit before it
     */
    public void exportReport(Path file, String target, boolean probability) {
        boolean pointed = target != null && !target.isBlank();
        JacobianResult r = state.resultProperty().get();
        AppState.LargeJacobian large = state.deferredProperty().get();
        if (r == null && !(pointed && large != null)) {
            requireResult(); // says why there is nothing to report on
            return;
        }
        Model m = state.model();
        ModelDerivatives derivatives = state.derivatives();
        Map<String, Tensor> at = r != null ? state.resultInputs() : large.request().inputs();
        if (m == null || derivatives == null || at == null) {
            return;
        }
        JacobianRequest request = r == null ? large.request() : new JacobianRequest(at, r.wrt(), r.of(),
            r.batched() ? BatchAxis.AUTO : BatchAxis.NONE, JacobianMode.AUTO, 0);
        List<String> inputNames = state.inputNames();
        List<String> outputNames = state.outputNames();
        GsaResult study = state.globalStudyProperty().get();
        executor().submit("Writing the report " + file.getFileName(), monitor -> {
            ReportWriters.formatOf(file);
            ReportSource source;
            SecondOrder secondOrder;
            if (pointed) {
                source = ReportTarget.source(m, derivatives.exact(), request, OutputTarget.parse(target, null, null), probability,
                    monitor);
                secondOrder = SecondOrder.FOR_TARGET;
            } else {
                source = new ReportSource(m.info(), m.device(), at, r, List.of(), inputNames, outputNames);
                // Interactions and Parameters sections, where they fit (see SecondOrder.compute)
                secondOrder = SecondOrder.compute(m, request, r, monitor);
            }
            Report report = ReportBuilder.build(source, ReportOptions.defaults(), secondOrder, monitor);
            if (study != null) {
                report = GsaReportSection.addTo(report, study);
            }
            ReportWriters.write(report, file, true);
            return file;
        }, f -> state.showInfo("Saved the report " + f.getFileName() + "."), e -> {
            if (e instanceof CancelledException) {
                state.showInfo("Report cancelled.");
            } else {
                state.showError(e);
            }
        });
    }

    private TaskExecutor executor() {
        return workspace.executor();
    }

    /** Why there is no Jacobian to export, and what gives one (the menu items stay enabled, so that this is said). */
    String whyNothingToExport() {
        if (state.model() == null) {
            return "There is no Jacobian to export yet: open a model and its input first.";
        }
        if (state.inputsProperty().get() == null) {
            return "There is no Jacobian to export yet: give the model an input (drop a file, or generate samples).";
        }
        AppState.LargeJacobian large = state.deferredProperty().get();
        return large != null ? "The full Jacobian (" + large.size().describe() + ") is not computed, so there is nothing to export: "
            + "choose Compute > Compute Jacobian first." : "There is no Jacobian to export yet: press Compute first.";
    }

    private JacobianResult requireResult() {
        if (state.resultProperty().get() == null) {
            state.showError(new JacobiException(whyNothingToExport()));
        }
        return state.resultProperty().get();
    }
}
