package org.jacobi.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.jacobi.model.Model;
import org.jacobi.report.GsaReportSection;
import org.jacobi.report.Report;
import org.jacobi.report.ReportBuilder;
import org.jacobi.report.ReportOptions;
import org.jacobi.report.ReportSource;
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
        JacobianResult r = requireResult();
        Model m = state.model();
        Map<String, Tensor> at = state.resultInputs();
        if (r == null || m == null || at == null) {
            return;
        }
        List<String> inputNames = state.inputNames();
        List<String> outputNames = state.outputNames();
        GsaResult study = state.globalStudyProperty().get();
        executor().submit("Writing the report " + file.getFileName(), monitor -> {
            ReportWriters.formatOf(file);
            ReportSource source = new ReportSource(m.info(), m.device(), at, r, List.of(), inputNames, outputNames);
            JacobianRequest request = new JacobianRequest(at, r.wrt(), r.of(),
                r.batched() ? BatchAxis.AUTO : BatchAxis.NONE,
                JacobianMode.AUTO, 0);
            // Interactions and Parameters sections, where they fit (see SecondOrder.compute)
            SecondOrder secondOrder = SecondOrder.compute(m, request, r, monitor);
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
