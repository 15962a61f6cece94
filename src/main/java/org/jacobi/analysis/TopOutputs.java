package org.jacobi.analysis;

import java.util.Arrays;

/** The output elements with the largest values (a classifier's most likely classes), offered first in choosers. */
public final class TopOutputs {
    private TopOutputs() {
    }

    /** The indices of the {@code k} largest values, largest first (ties: lower index first); NaN counts as smallest. */
    public static int[] indices(double[] values, int k) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            double va = Double.isNaN(values[a]) ? Double.NEGATIVE_INFINITY : values[a];
            double vb = Double.isNaN(values[b]) ? Double.NEGATIVE_INFINITY : values[b];
            int c = Double.compare(vb, va);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int n = Math.min(k, values.length);
        int[] top = new int[n];
        for (int i = 0; i < n; i++) {
            top[i] = order[i];
        }
        return top;
    }
}
