package org.jacobi.attribution;

import java.util.Map;
import org.jacobi.core.ProgressMonitor;

/** One attribution method (Captum's {@code Attribution}): {@link #attribute} for one target of a problem. */
public interface AttributionMethod {
    /** The method's name on the command line, e.g. "ig". */
    String name();

    /** Every parameter that decides the result, for the JSON beside the output. */
    Map<String, Object> parameters();

    /** The attribution of target {@code target} (see {@link org.jacobi.analysis.OutputTarget.Resolved#targets()}). */
    Attribution attribute(AttributionProblem problem, int target, ProgressMonitor monitor);
}
