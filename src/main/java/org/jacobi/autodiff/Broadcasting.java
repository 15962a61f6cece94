package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.List;

/**
 * NumPy broadcasting for K-prefixed tangents. Forward mode lifts a tangent to the output's rank (so the
 * direction axis stays in front) and expands it when needed; reverse mode sums a cotangent back to an
 * input's shape. This is the one place where broadcasting is undone.
 */
public final class Broadcasting {
    private Broadcasting() {
    }

    /** The broadcast of two static shapes. */
    public static long[] shape(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** A tangent {@code [K, *shape(input)]} given the output's rank by inserting unit axes after K. */
    public static String alignRank(NodeContext c, String t, String input, String output) {
        int d = c.rank(output) - c.rank(input);
        return d > 0 ? c.e().unsqueeze(t, Emitter.range(1, 1 + d)) : t;
    }

    /** Expands a tangent already aligned to the output's rank to the full {@code [K, *shape(output)]}. */
    public static String expandTo(NodeContext c, String t, String output) {
        String target = c.e().op("Concat", List.of(c.e().ints(1), c.e().shape(output)), Attr.i("axis", 0));
        return c.e().op("Expand", t, target);
    }

    /** Sums a cotangent {@code [K, *shape(output)]} down to {@code [K, *shape(input)]}. */
    public static String unbroadcast(NodeContext c, String g, String input, String output) {
        long[] in = c.shape(input);
        long[] out = c.shape(output);
        return unbroadcast(c, g, in, out);
    }

    /** Sums a cotangent whose primal part has static shape {@code out} down to primal shape {@code in}. */
    public static String unbroadcast(NodeContext c, String g, long[] in, long[] out) {
        int lead = out.length - in.length;
        if (lead > 0) {
            g = c.e().reduceSum(g, Emitter.range(1, 1 + lead), false);
        }
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == 1 && out[lead + i] != 1) {
                axes.add(1L + i);
            }
        }
        if (!axes.isEmpty()) {
            g = c.e().reduceSum(g, axes.stream().mapToLong(Long::longValue).toArray(), true);
        }
        return g;
    }
}
