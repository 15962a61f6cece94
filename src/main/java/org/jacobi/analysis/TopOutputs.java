package org.jacobi.analysis;

import java.util.PriorityQueue;

/** The output elements with the largest values (a classifier's most likely classes), offered first in choosers. */
public final class TopOutputs {
    private TopOutputs() {
    }

    /** The indices of the {@code k} largest values, largest first (ties: lower index first); NaN counts as smallest. */
    public static int[] indices(double[] values, int k) {
        int n = Math.min(k, values.length);
        // a bounded min-heap of the best n so far: O(N log n) without boxing, for the millions of pixels of a mask
        PriorityQueue<Integer> best = new PriorityQueue<>(Math.max(1, n),
            (a, b) -> a.equals(b) ? 0 : better(values, a, b) ? 1 : -1); // the worst of the best at the head
        int[] top = new int[n];
        if (n == 0) {
            return top;
        }
        for (int i = 0; i < values.length; i++) {
            if (best.size() < n) {
                best.add(i);
            } else if (better(values, i, best.peek())) {
                best.poll();
                best.add(i);
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            top[i] = best.poll();
        }
        return top;
    }

    /** Whether element a ranks before b: larger first, then lower index; NaN counts as smallest. */
    private static boolean better(double[] values, int a, int b) {
        int c = Double.compare(key(values[a]), key(values[b]));
        return c != 0 ? c > 0 : a < b;
    }

    private static double key(double v) {
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }
}
