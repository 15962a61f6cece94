package org.jacobi.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.Pixels;

/**
 * Draws the report's heatmaps and saliency images into PNG bytes with java.awt (works headless): pixel rasters
 * with their own labels and colour bars. Bar charts and line plots are JFreeChart charts in {@link Plots}
 * (docs/decisions/0019-report-charts-jfreechart.md). Every figure is drawn at twice its nominal size so that
 * it stays sharp when printed; {@link #SCALE} says by how much.
 */
final class Charts {
    static final int SCALE = 2;
    static final int WIDTH = 760;
    /** The largest side of each of the saliency figure's three panels. */
    static final int SALIENCY_PANEL = 190;
    static final Color AXIS = new Color(0x33, 0x33, 0x33);

    private Charts() {
    }

    /** A rendered figure: PNG bytes and the nominal (CSS pixel) size. */
    record Png(byte[] bytes, int width, int height) {
    }

    // ---------------------------------------------------------------- heatmap

    /**
     * A Jacobian heatmap: rows = outputs, columns = inputs, diverging colours symmetric around zero, with a
     * colour bar. Small matrices get their values written into the cells.
     */
    static Png heatmap(PooledMatrix m, String title, String rowAxis, String colAxis, List<String> rowLabels,
                       List<String> colLabels) {
        return heatmap(m, title, rowAxis, colAxis, rowLabels, colLabels, m.maxAbs(), "dy/dx");
    }

    /** A heatmap on the colour scale {@code [-vmax, vmax]}, so several heatmaps can share one scale. */
    static Png heatmap(PooledMatrix m, String title, String rowAxis, String colAxis, List<String> rowLabels,
                       List<String> colLabels, double vmax) {
        return heatmap(m, title, rowAxis, colAxis, rowLabels, colLabels, vmax, "dy/dx");
    }

    /** {@link #heatmap} with the colour bar labelled {@code valueLabel} (e.g. "d2y/dx2"). */
    static Png heatmap(PooledMatrix m, String title, String rowAxis, String colAxis, List<String> rowLabels,
                       List<String> colLabels, String valueLabel) {
        return heatmap(m, title, rowAxis, colAxis, rowLabels, colLabels, m.maxAbs(), valueLabel);
    }

    /** A heatmap on the colour scale {@code [-vmax, vmax]} with the colour bar labelled {@code valueLabel}. */
    static Png heatmap(PooledMatrix m, String title, String rowAxis, String colAxis, List<String> rowLabels,
                       List<String> colLabels, double vmax, String valueLabel) {
        boolean annotate = m.rows() <= 12 && m.cols() <= 16;
        boolean namedRows = rowLabels != null && m.rowFactor() == 1 && m.rows() <= 24;
        boolean namedCols = colLabels != null && m.colFactor() == 1 && m.cols() <= 24;
        Graphics2D probe = graphics(canvas(1, 1));
        probe.setFont(font(10));
        int rowLabelW = namedRows ? rowLabels.stream().mapToInt(l -> probe.getFontMetrics().stringWidth(l)).max().orElse(0) : 24;
        int colLabelW = namedCols ? colLabels.stream().mapToInt(l -> probe.getFontMetrics().stringWidth(l)).max().orElse(0) : 0;
        probe.dispose();
        int left = 36 + Math.min(200, rowLabelW);
        int right = 110;
        int top = 34;
        int maxPw = WIDTH - left - right;
        double cellW;
        int pw;
        int ph;
        if (annotate) {
            // small matrices: cells big enough for their values, two heatmaps to a printed page
            cellW = Math.min((double) maxPw / m.cols(), 72);
            pw = (int) Math.round(cellW * m.cols());
            ph = (int) Math.round(m.rows() * Math.max(18, Math.min(320.0 / m.rows(), 40)));
        } else {
            pw = maxPw;
            cellW = (double) pw / m.cols();
            double minHeight = Math.max(90, Math.min(m.rows() * 16.0, 200));
            ph = (int) Math.round(Math.max(minHeight, Math.min(360, m.rows() * Math.min(cellW, 60.0))));
        }
        boolean rotate = namedCols && colLabelW > cellW - 4;
        int labelBand = rotate ? (int) Math.min(160, colLabelW * 0.72 + 8) : 0;
        int bottom = 58 + labelBand;
        int height = top + ph + bottom;
        BufferedImage img = canvas(WIDTH, height);
        Graphics2D g = graphics(img);
        g.setFont(font(10));
        for (int r = 0; r < m.rows(); r++) {
            int y0 = top + (int) Math.round((double) r * ph / m.rows());
            int y1 = top + (int) Math.round((double) (r + 1) * ph / m.rows());
            for (int c = 0; c < m.cols(); c++) {
                int x0 = left + (int) Math.round((double) c * pw / m.cols());
                int x1 = left + (int) Math.round((double) (c + 1) * pw / m.cols());
                Color color = new Color(ColorMaps.RDBU.argbSigned(m.get(r, c), vmax));
                g.setColor(color);
                g.fillRect(x0, y0, x1 - x0, y1 - y0);
                if (annotate) {
                    g.setColor(ColorMaps.luminance(color.getRGB()) < 0.5 ? Color.WHITE : Color.BLACK);
                    centered(g, fmt(m.get(r, c)), (x0 + x1) / 2.0, (y0 + y1) / 2.0 + 4);
                }
            }
        }
        g.setColor(AXIS);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, pw, ph);
        g.setFont(font(13, Font.BOLD));
        g.drawString(title, left, top - 12);
        // ticks in source (unpooled) units, so the axes read as element indices
        g.setFont(font(namedCols ? 10 : 11));
        for (int t : ticks(m.sourceCols(), namedCols || annotate ? m.sourceCols() : 8)) {
            double x = left + ((double) t / m.colFactor() + 0.5 / m.colFactor()) * cellW;
            g.draw(new Line2D.Double(x, top + ph, x, top + ph + 4));
            String label = namedCols ? colLabels.get(t) : Integer.toString(t);
            if (rotate) {
                Graphics2D gr = (Graphics2D) g.create();
                gr.translate(x + 3, top + ph + 10);
                gr.rotate(-Math.PI / 4);
                gr.drawString(label, -gr.getFontMetrics().stringWidth(label), 0);
                gr.dispose();
            } else {
                centered(g, label, x, top + ph + 17);
            }
        }
        double cellH = (double) ph / m.rows();
        g.setFont(font(namedRows ? 10 : 11));
        for (int t : ticks(m.sourceRows(), namedRows || (m.rows() <= 20 && m.rowFactor() == 1) ? m.sourceRows() : 8)) {
            double y = top + ((double) t / m.rowFactor() + 0.5 / m.rowFactor()) * cellH;
            g.draw(new Line2D.Double(left - 4, y, left, y));
            String s = namedRows ? rowLabels.get(t) : Integer.toString(t);
            g.drawString(s, left - 7 - g.getFontMetrics().stringWidth(s), (float) y + 4);
        }
        g.setFont(font(12));
        centered(g, colAxis, left + pw / 2.0, top + ph + 38 + labelBand);
        Graphics2D gr = (Graphics2D) g.create();
        gr.rotate(-Math.PI / 2);
        centered(gr, rowAxis, -(top + ph / 2.0), 14);
        gr.dispose();
        colorBar(g, left + pw + 22, top, Math.max(90, ph), vmax, true, valueLabel);
        g.dispose();
        return png(img, WIDTH, height);
    }

    /** A vertical colour bar with its range; diverging from -vmax to +vmax, else 0 to vmax. */
    private static void colorBar(Graphics2D g, int x, int y, int h, double vmax, boolean diverging, String label) {
        int w = 16;
        for (int i = 0; i < h; i++) {
            double t = 1.0 - (double) i / (h - 1);
            double v = diverging ? (2 * t - 1) * vmax : t * vmax;
            g.setColor(new Color(diverging ? ColorMaps.RDBU.argbSigned(v, vmax) : ColorMaps.MAGMA_LIGHT.argbMagnitude(v, vmax)));
            g.fillRect(x, y + i, w, 1);
        }
        g.setColor(AXIS);
        g.drawRect(x, y, w, h);
        g.setFont(font(11));
        g.drawString(diverging ? fmtSigned(vmax) : fmt(vmax), x + w + 4, y + 9);
        if (diverging) {
            g.drawString("0", x + w + 4, y + h / 2 + 4);
            g.drawString(fmtSigned(-vmax), x + w + 4, y + h);
        } else {
            g.drawString("0", x + w + 4, y + h);
        }
        g.setFont(font(10));
        g.drawString(label, x - 2, y + h + 14);
    }

    // ---------------------------------------------------------------- saliency

    /**
     * An image input, its saliency map over it, and the map alone with its colour bar: the map is per pixel, light at
     * zero and dark at its maximum; over the image it grows opaque with its value (by the square root, so that
     * moderate values show), and the image shows through where the derivative is small.
     *
     * @param image one sample's input, {@code [C, H, W]}
     * @param saliency {@code [H, W]}, non-negative
     * @param valueLabel what the map is, e.g. "||dy/dx||"
     */
    static Png saliency(double[] image, int channels, int h, int w, double[] saliency, String title, String valueLabel) {
        double scale = Math.min(12, (double) SALIENCY_PANEL / Math.max(h, w));
        int pw = (int) Math.round(w * scale);
        int ph = (int) Math.round(h * scale);
        int top = 40;
        int gap = 20;
        int left = 20;
        int width = Math.max(WIDTH, left + 3 * pw + 2 * gap + 110); // same width as other figures: same text size in print
        int height = top + ph + 40;
        double smax = 0;
        for (double v : saliency) {
            smax = Math.max(smax, v);
        }
        int[] photo = Pixels.image(image, channels, h, w);
        int[] over = new int[h * w];
        int[] map = new int[h * w];
        for (int p = 0; p < h * w; p++) {
            map[p] = ColorMaps.MAGMA_LIGHT.argbMagnitude(saliency[p], smax);
            // the image dimmed towards light grey under the map, opaque where the map is large
            double grey = 255 * (0.45 + 0.5 * ColorMaps.luminance(photo[p]));
            // square root: the heat of a detector anchor's small receptive field stays visible over the photo
            double alpha = smax > 0 ? 0.9 * Math.sqrt(Math.min(1, saliency[p] / smax)) : 0;
            over[p] = 0xff000000 | blend(grey, map[p] >> 16 & 0xff, alpha) << 16 | blend(grey, map[p] >> 8 & 0xff, alpha) << 8
                | blend(grey, map[p] & 0xff, alpha);
        }
        BufferedImage img = canvas(width, height);
        Graphics2D g = graphics(img);
        // photos are smoothed when enlarged by a fraction; small inputs keep their pixels crisp
        boolean crisp = scale == Math.rint(scale);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, crisp ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR
            : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        String[] captions = {"input (stretched to its range)", "saliency over the input", "saliency " + valueLabel};
        int[][] panels = {photo, over, map};
        for (int k = 0; k < 3; k++) {
            BufferedImage raster = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            raster.setRGB(0, 0, w, h, panels[k], 0, w);
            int x = left + k * (pw + gap);
            g.drawImage(raster, x, top, pw, ph, null);
            g.setColor(AXIS);
            g.drawRect(x, top, pw, ph);
            g.setFont(font(11));
            g.drawString(captions[k], x, top - 6);
        }
        g.setFont(font(13, Font.BOLD));
        g.drawString(title, left, 18);
        colorBar(g, left + 3 * pw + 2 * gap + 14, top, ph, smax, false, valueLabel);
        g.dispose();
        return png(img, width, height);
    }

    private static int blend(double under, int over, double alpha) {
        return (int) Math.round(under * (1 - alpha) + over * alpha);
    }

    // ---------------------------------------------------------------- helpers

    private static double niceStep(double raw) {
        if (raw <= 0 || !Double.isFinite(raw)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    /** Integer tick positions in [0, n): every index when n is small, else round steps. */
    static int[] ticks(int n, int maxTicks) {
        int step = n <= maxTicks ? 1 : (int) Math.max(1, niceStep((double) n / maxTicks));
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < n; t += step) {
            out.add(t);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static String fmt(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e4) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    private static String fmtSigned(double v) {
        return (v > 0 ? "+" : "") + fmt(v);
    }

    static BufferedImage canvas(int width, int height) {
        BufferedImage img = new BufferedImage(width * SCALE, height * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        return img;
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.scale(SCALE, SCALE);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(AXIS);
        return g;
    }

    static Font font(int size) {
        return font(size, Font.PLAIN);
    }

    static Font font(int size, int style) {
        return new Font(Font.SANS_SERIF, style, size);
    }

    private static void centered(Graphics2D g, String s, double x, double y) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, (float) (x - fm.stringWidth(s) / 2.0), (float) y);
    }

    static Png png(BufferedImage img, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Png(out.toByteArray(), width, height);
    }
}
