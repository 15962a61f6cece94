package org.jacobi.gsa;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a user must know about a study's estimates: intervals too wide to read, negative indices, flat outputs. */
public final class GsaWarnings {
    /** Half-widths above this make an index unreadable at a glance (indices live in [0, 1]). */
    static final double WIDE = 0.1;

    private GsaWarnings() {
    }

    public static List<String> of(StudyPlan plan, Map<GsaMethod, List<IndexSet>> convergence) {
        List<String> out = new ArrayList<>();
        List<IndexSet> sobol = convergence.get(GsaMethod.SOBOL);
        if (sobol != null) {
            IndexSet s = sobol.get(sobol.size() - 1);
            int wide = 0;
            int total = 0;
            List<String> negative = new ArrayList<>();
            for (String name : List.of("S1", "ST")) {
                double[][] v = s.get(name);
                double[][] c = s.get(name + "_conf");
                for (int o = 0; o < v.length; o++) {
                    for (int j = 0; j < v[o].length; j++) {
                        total++;
                        if (c[o][j] > WIDE) {
                            wide++;
                        }
                        if (v[o][j] + c[o][j] < 0) {
                            negative.add(String.format(Locale.ROOT, "%s of %s on %s = %.3f +- %.3f", name,
                                plan.inputLabels().get(j), plan.outputLabels().get(o), v[o][j], c[o][j]));
                        }
                    }
                }
            }
            if (wide > 0) {
                out.add(wide + " of " + total + " Sobol' indices have 95 % intervals wider than +-" + WIDE
                    + ": the estimates have not settled; use more --samples.");
            }
            if (!negative.isEmpty()) {
                out.add(negative.size() + " Sobol' ind" + (negative.size() == 1 ? "ex is" : "ices are")
                    + " below zero beyond " + (negative.size() == 1 ? "its" : "their") + " interval ("
                    + String.join("; ", negative.subList(0, Math.min(3, negative.size())))
                    + (negative.size() > 3 ? "; ..." : "") + "): more samples are needed, or the output is too noisy in float32.");
            }
            double[][] variance = s.get("variance");
            int flat = 0;
            for (double[] v : variance) {
                if (!(v[0] > 0)) {
                    flat++;
                }
            }
            if (flat > 0) {
                out.add(flat + " output element" + (flat == 1 ? " does" : "s do") + " not vary over the distributions; "
                    + "their indices are undefined (empty).");
            }
        }
        if (convergence.containsKey(GsaMethod.DGSM)) {
            List<String> noBound = new ArrayList<>();
            for (int k = 0; k < plan.variedCount(); k++) {
                if (Double.isNaN(plan.distribution(plan.variedElement(k)).poincareConstant())) {
                    noBound.add(plan.inputLabels().get(k));
                }
            }
            if (!noBound.isEmpty()) {
                out.add("No DGSM bound on S_T for " + String.join(", ", noBound.subList(0, Math.min(5, noBound.size())))
                    + (noBound.size() > 5 ? ", ..." : "") + ": lognormal and data distributions have no known Poincare constant.");
            }
        }
        return out;
    }
}
