package org.jacobi.gsa;

import java.util.Locale;
import org.jacobi.core.JacobiException;

/** How the points of a study are spread over the unit cube. */
public enum DesignKind {
    /** Independent uniform points. */
    MC("Monte Carlo"),
    /** Latin hypercube: each coordinate takes each of the N strata once. */
    LHS("Latin hypercube"),
    /** Sobol' low-discrepancy points with a linear matrix scrambling and a random digital shift. */
    SOBOL("scrambled Sobol'");

    private final String label;

    DesignKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DesignKind parse(String text) {
        for (DesignKind k : values()) {
            if (k.id().equalsIgnoreCase(text.strip())) {
                return k;
            }
        }
        throw JacobiException.usage("Unknown design '" + text + "'. Use sobol, lhs or mc.");
    }

    @Override
    public String toString() {
        return label;
    }
}
