package org.jacobi.analysis;

import java.util.List;

/**
 * Colour maps as ARGB integers, so the heatmap, PNG export, reports and tests share one definition. All are
 * colour-blind safe: RdBu (ColorBrewer, diverging, for signed values centred on zero), viridis (perceptually
 * uniform, for magnitudes) and magma reversed (magnitudes on white paper: zero is light).
 */
public enum ColorMaps {
    RDBU("RdBu (signed)", true, new int[] {
        0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f}),
    VIRIDIS("viridis (magnitude)", false, new int[] {
        0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725}),
    MAGMA_LIGHT("magma (magnitude, light zero)", false, new int[] {
        0xfcfdbf, 0xfec287, 0xfb8861, 0xe65164, 0xb73779, 0x822681, 0x51127c, 0x1d1147, 0x000004});

    private final String label;
    private final boolean diverging;
    private final int[] stops;
    private final int[] table = new int[257];

    ColorMaps(String label, boolean diverging, int[] stops) {
        this.label = label;
        this.diverging = diverging;
        this.stops = stops;
        for (int i = 0; i < 257; i++) {
            table[i] = interpolate(i / 256.0);
        }
    }

    /** True for maps meant for signed data (the middle colour is zero). */
    public boolean diverging() {
        return diverging;
    }

    /**
     * The colour of {@code t} in [0, 1] (clamped); for the diverging map 0.5 is zero. RdBu runs from blue
     * (negative) to red (positive), as in matplotlib's RdBu_r.
     */
    public int argb(double t) {
        if (Double.isNaN(t)) {
            return 0xff808080;
        }
        int i = (int) Math.round(Math.max(0, Math.min(1, t)) * 256);
        return table[i];
    }

    /** The colour of a signed value on a scale symmetric around zero, {@code [-vmax, vmax]} (grey for NaN). */
    public int argbSigned(double v, double vmax) {
        return argb(vmax > 0 ? 0.5 + 0.5 * v / vmax : 0.5);
    }

    /** The colour of a magnitude on {@code [0, vmax]}. */
    public int argbMagnitude(double v, double vmax) {
        return argb(vmax > 0 ? v / vmax : 0);
    }

    /** The maps the heatmap offers (the light magma is for paper). */
    public static List<ColorMaps> heatmapChoices() {
        return List.of(RDBU, VIRIDIS);
    }

    /** Perceived brightness 0..1 of an ARGB colour, to choose black or white text on it. */
    public static double luminance(int argb) {
        return (0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff)) / 255.0;
    }

    private int interpolate(double t) {
        double pos = t * (stops.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(stops.length - 1, lo + 1);
        double f = pos - lo;
        int a = stops[lo];
        int b = stops[hi];
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - f) + ((b >> 16) & 0xff) * f);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - f) + ((b >> 8) & 0xff) * f);
        int bl = (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
        return 0xff000000 | (r << 16) | (g << 8) | bl;
    }

    @Override
    public String toString() {
        return label;
    }
}
