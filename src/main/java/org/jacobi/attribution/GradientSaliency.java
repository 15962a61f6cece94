package org.jacobi.attribution;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.ProgressMonitor;

/** The gradient of the target at the input (Simonyan et al. 2013), signed or absolute: Captum's {@code Saliency}. */
public final class GradientSaliency implements AttributionMethod {
    private final boolean absolute;

    public GradientSaliency(boolean absolute) {
        this.absolute = absolute;
    }

    @Override
    public String name() {
        return "saliency";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("abs", absolute);
        return m;
    }

    @Override
    public Attribution attribute(AttributionProblem problem, int target, ProgressMonitor monitor) {
        double[] g = gradient(problem, target, monitor);
        if (absolute) {
            for (int i = 0; i < g.length; i++) {
                g[i] = Math.abs(g[i]);
            }
        }
        return Attribution.of(g);
    }

    /** The gradient of the target at the inputs, {@code [samples, *sample shape]} flat. */
    static double[] gradient(AttributionProblem problem, int target, ProgressMonitor monitor) {
        int n = problem.perSample();
        double[] out = new double[problem.samples() * n];
        PointBatches.gradients(problem, target, PointBatches.single(problem.xValues(), n),
            (s, k, g, offset) -> System.arraycopy(g, offset, out, s * n, n), monitor);
        return out;
    }
}
