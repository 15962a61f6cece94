package org.jacobi.optim;

import java.util.Locale;
import org.jacobi.core.JacobiException;

/** The two optimizers compared side by side. */
public enum OptimizationMethod {
    GAUSS_NEWTON("gn", "Gauss-Newton (LM)"),
    LBFGS("lbfgs", "L-BFGS");

    private final String id;
    private final String label;

    OptimizationMethod(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The short name used on the command line, in file names and in the trace: "gn" or "lbfgs". */
    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    public static OptimizationMethod parse(String text) {
        for (OptimizationMethod m : values()) {
            if (m.id.equals(text.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw JacobiException.usage("Unknown method '" + text + "'. Use gn, lbfgs or both.");
    }
}
