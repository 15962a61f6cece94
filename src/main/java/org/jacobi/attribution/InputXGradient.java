package org.jacobi.attribution;

import java.util.Map;
import org.jacobi.core.ProgressMonitor;

/** The input times the gradient of the target, element by element: Captum's {@code InputXGradient}. */
public final class InputXGradient implements AttributionMethod {
    @Override
    public String name() {
        return "gradxinput";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of();
    }

    @Override
    public Attribution attribute(AttributionProblem problem, int target, ProgressMonitor monitor) {
        double[] g = GradientSaliency.gradient(problem, target, monitor);
        double[] x = problem.xValues();
        for (int i = 0; i < g.length; i++) {
            g[i] *= x[i];
        }
        return Attribution.of(g);
    }
}
