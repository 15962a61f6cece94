package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.gsa.GsaResult;
import org.jacobi.gsa.GsaRunner;
import org.jacobi.gsa.GsaSetup;
import org.jacobi.gsa.GsaStudy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.model.Model;
import org.jacobi.report.GsaReportSection;
import org.jacobi.report.Report;

/** {@code jacobi report --gsa-study}: runs a saved study on the report's model and appends its section. */
final class GsaReportCommandSupport {
    private GsaReportCommandSupport() {
    }

    static Report addStudy(Report report, Path studyFile, Model model, JacobianEngine engine, Map<String, Tensor> inputs,
                           BatchAxis batchAxis, ProgressMonitor monitor, PrintWriter stderr) {
        GsaStudy study = GsaStudy.load(studyFile);
        Path dir = studyFile.toAbsolutePath().getParent();
        GsaResult result = GsaRunner.run(GsaSetup.prepare(study, model, engine, inputs, dir, 0, batchAxis), monitor);
        for (String warning : result.warnings()) {
            stderr.println("jacobi: warning: " + warning);
        }
        return GsaReportSection.addTo(report, result);
    }
}
