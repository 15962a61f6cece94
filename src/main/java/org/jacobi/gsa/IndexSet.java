package org.jacobi.gsa;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One method's indices from {@code baseRows} base rows: named arrays indexed [output][input], e.g. "S1", "S1_conf",
 * "ST", "ST_conf" for Sobol'. A "_conf" array holds the half-widths of the 95 % intervals of the array it names.
 */
public record IndexSet(GsaMethod method, long baseRows, Map<String, double[][]> arrays) {
    public IndexSet {
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    public double[][] get(String name) {
        double[][] a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException(method + " has no index " + name);
        }
        return a;
    }

    /** The index names a user may pick (the "_conf" arrays excluded). */
    public List<String> indexNames() {
        return arrays.keySet().stream().filter(k -> !k.endsWith("_conf")).toList();
    }

    public Set<String> names() {
        return arrays.keySet();
    }

    /** The half-widths of {@code name}'s interval, or null when it has none. */
    public double[][] confidence(String name) {
        return arrays.get(name + "_conf");
    }
}
