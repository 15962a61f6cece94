package org.jacobi.report;

import java.awt.Color;

/**
 * Colour scales for figures: the app's diverging RdBu (blue negative, red positive, so a report reads like
 * the heatmaps on screen) and a sequential one (magma-like) that starts light for white paper.
 */
final class Colormaps {
    /** Anchors of matplotlib's magma, reversed so that zero is light on white paper. */
    private static final int[] SEQUENTIAL = {0xfcfdbf, 0xfec287, 0xfb8861, 0xe65164, 0xb73779, 0x822681,
        0x51127c, 0x1d1147, 0x000004};

    private Colormaps() {
    }

    /** Diverging colour of {@code v} on a scale symmetric around zero, {@code [-vmax, vmax]}. */
    static Color diverging(double v, double vmax) {
        double t = vmax > 0 ? 0.5 + 0.5 * v / vmax : 0.5;
        return Double.isNaN(t) ? Color.GRAY : new Color(org.jacobi.analysis.ColorMaps.RDBU.argb(t));
    }

    /** Sequential colour of {@code v} on {@code [0, vmax]}. */
    static Color sequential(double v, double vmax) {
        return interpolate(SEQUENTIAL, vmax > 0 ? v / vmax : 0);
    }

    private static Color interpolate(int[] anchors, double t) {
        if (Double.isNaN(t)) {
            return Color.GRAY;
        }
        double x = Math.max(0, Math.min(1, t)) * (anchors.length - 1);
        int i = Math.min(anchors.length - 2, (int) Math.floor(x));
        double f = x - i;
        int a = anchors[i];
        int b = anchors[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, double f) {
        a &= 0xff;
        b &= 0xff;
        return (int) Math.round(a + (b - a) * f);
    }

    /** Perceived brightness 0..1, to choose black or white text on a cell. */
    static double luminance(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255.0;
    }
}
