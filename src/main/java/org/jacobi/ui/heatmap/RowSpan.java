package org.jacobi.ui.heatmap;

/** The rows {@code [from, to)} of a heatmap that are on screen. */
public record RowSpan(int from, int to) {
    public static final RowSpan NONE = new RowSpan(0, 0);

    public int count() {
        return to - from;
    }
}
