package org.jacobi.gsa;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.jacobi.core.JacobiException;

/** The global sensitivity measures a study can compute. */
public enum GsaMethod {
    /** First-order (Saltelli 2010) and total (Jansen) Sobol' indices on a Saltelli design; N (d + 2) evaluations. */
    SOBOL("Sobol' indices"),
    /** Derivative-based measures nu_j = E[(dy/dx_j)^2] from exact Jacobians; N Jacobians. */
    DGSM("DGSM"),
    /** Morris elementary effects on random one-at-a-time trajectories; r (d + 1) evaluations. */
    MORRIS("Morris screening");

    private final String label;

    GsaMethod(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "sobol,dgsm,morris" in any order and case. */
    public static Set<GsaMethod> parseList(String text) {
        Set<GsaMethod> out = EnumSet.noneOf(GsaMethod.class);
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            GsaMethod found = null;
            for (GsaMethod m : values()) {
                if (m.id().equalsIgnoreCase(p)) {
                    found = m;
                }
            }
            if (found == null) {
                throw JacobiException.usage("Unknown method '" + p + "'. Use sobol, dgsm and/or morris, e.g. --method sobol,dgsm.");
            }
            out.add(found);
        }
        if (out.isEmpty()) {
            throw JacobiException.usage("Name at least one method: --method sobol,dgsm,morris.");
        }
        return out;
    }
}
