package org.jacobi.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Which rows of a Jacobian too large to compute whole to compute next for a heatmap: those on screen, at most
 * {@code cap} of them (the ones nearest the middle when more are visible, so that zooming out does not quietly
 * compute the whole Jacobian), a chosen row first (a classifier's top class), then top to bottom.
 */
public final class RowsOnScreen {
    private RowsOnScreen() {
    }

    /** The rows {@code [from, to)} on screen of {@code rows}, narrowed to the {@code cap} around the middle: {from, to}. */
    public static int[] window(int from, int to, int rows, int cap) {
        from = Math.max(0, from);
        to = Math.min(rows, to);
        if (to <= from) {
            return new int[] {from, from};
        }
        if (to - from > cap) {
            int mid = (from + to) / 2;
            from = Math.max(from, mid - cap / 2);
            to = from + cap;
        }
        return new int[] {from, to};
    }

    /**
     * Up to {@code batch} rows of the window of {@code [from, to)} that are not {@code computed} yet: {@code first}
     * when it is on screen (even outside the window), then the others in order.
     */
    public static int[] next(int from, int to, int rows, int cap, int first, IntPredicate computed, int batch) {
        int[] w = window(from, to, rows, cap);
        List<Integer> out = new ArrayList<>();
        if (first >= Math.max(0, from) && first < Math.min(rows, to) && !computed.test(first)) {
            out.add(first);
        }
        for (int r = w[0]; r < w[1] && out.size() < batch; r++) {
            if (r != first && !computed.test(r)) {
                out.add(r);
            }
        }
        return out.stream().mapToInt(Integer::intValue).limit(batch).toArray();
    }

    /** How many rows of the window are computed. */
    public static int computedIn(int from, int to, int rows, int cap, IntPredicate computed) {
        int[] w = window(from, to, rows, cap);
        int n = 0;
        for (int r = w[0]; r < w[1]; r++) {
            if (computed.test(r)) {
                n++;
            }
        }
        return n;
    }
}
