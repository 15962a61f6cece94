package org.jacobi.ui.heatmap;

import java.util.Locale;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.ValueScale;

/** What {@link HeatmapView} paints: the cell image, labels, cell values and the colour bar. */
final class HeatmapImage {
    private HeatmapImage() {
    }

    /** Room for the widest row label (sampled on large matrices), within sensible bounds. */
    static double gutterFor(HeatmapData d, Font font) {
        if (d == null || d.rows() == 0) {
            return 40;
        }
        Text probe = new Text();
        probe.setFont(font);
        double widest = 0;
        int step = Math.max(1, d.rows() / 200);
        for (int r = 0; r < d.rows(); r += step) {
            probe.setText(d.rowLabel().apply(r));
            widest = Math.max(widest, probe.getLayoutBounds().getWidth());
        }
        return Math.max(40, Math.min(220, Math.ceil(widest) + 10));
    }

    /** The colour of rows not computed yet: a grey that no colour map uses. */
    static final int NOT_COMPUTED_ARGB = 0xFFC8C8C8;

    /** One pixel per cell, binned by largest magnitude to at most {@code maxSide} pixels a side. */
    static WritableImage render(HeatmapData d, ColorMaps map, ValueScale scale, int maxSide) {
        boolean signed = map.diverging();
        int w = Math.min(d.cols(), maxSide);
        int h = Math.min(d.rows(), maxSide);
        int[] pixels = new int[w * h];
        for (int py = 0; py < h; py++) {
            int r0 = (int) ((long) py * d.rows() / h);
            int r1 = Math.max(r0 + 1, (int) ((long) (py + 1) * d.rows() / h));
            boolean any = false;
            for (int r = r0; r < r1 && !any; r++) {
                any = d.hasRow(r);
            }
            for (int px = 0; px < w; px++) {
                if (!any) {
                    pixels[py * w + px] = NOT_COMPUTED_ARGB;
                    continue;
                }
                int c0 = (int) ((long) px * d.cols() / w);
                int c1 = Math.max(c0 + 1, (int) ((long) (px + 1) * d.cols() / w));
                double v = binned(d, r0, r1, c0, c1);
                pixels[py * w + px] = map.argb(scale.normalise(signed ? v : Math.abs(v)));
            }
        }
        WritableImage img = new WritableImage(w, h);
        img.getPixelWriter().setPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), pixels, 0, w);
        return img;
    }

    /** The value of largest magnitude in a block of cells (rows not computed skipped), so binning never hides a peak. */
    private static double binned(HeatmapData d, int r0, int r1, int c0, int c1) {
        double best = 0;
        for (int r = r0; r < r1; r++) {
            float[] row = d.rowArray(r);
            if (row == null) {
                continue;
            }
            int base = d.rowStart(r);
            if (r1 - r0 == 1 && c1 - c0 == 1) {
                return row[base + c0];
            }
            for (int c = c0; c < c1; c++) {
                double v = row[base + c];
                if (Math.abs(v) > Math.abs(best)) {
                    best = v;
                }
            }
        }
        return best;
    }

    /** The largest magnitude among the rows computed (all of a complete matrix); 0 when none. */
    static double largestMagnitude(HeatmapData d) {
        double limit = 0;
        for (int r = 0; r < d.rows(); r++) {
            float[] row = d.rowArray(r);
            if (row == null) {
                continue;
            }
            int base = d.rowStart(r);
            for (int c = 0; c < d.cols(); c++) {
                limit = Math.max(limit, Math.abs(row[base + c]));
            }
        }
        return limit;
    }

    /** "not computed yet" on each visible row that has no values, where rows are tall enough for text. */
    static void drawMissingRows(GraphicsContext g, HeatmapData d, double ch, double oy, double left, double w, double h) {
        if (d.complete() || ch < 11) {
            return;
        }
        int r0 = Math.max(0, (int) Math.floor(-oy / ch));
        int r1 = Math.min(d.rows(), (int) Math.ceil((h - oy) / ch));
        g.setFill(Color.rgb(90, 90, 90));
        g.setFont(Font.font(Math.min(12, ch * 0.6)));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        for (int r = r0; r < r1; r++) {
            if (!d.hasRow(r)) {
                g.fillText("not computed yet", left + 8, oy + (r + 0.5) * ch, Math.max(20, w - left - 16));
            }
        }
    }

    /** Row labels in the left gutter and column labels on top, thinned out so they never overlap. */
    static void drawLabels(GraphicsContext g, HeatmapData d, double cw, double ch, double ox, double oy, double w, double h,
                           double left, double top, Font font) {
        g.setFill(Color.rgb(60, 60, 60));
        g.setFont(font);
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        int rowStep = (int) Math.max(1, Math.ceil(14 / ch));
        int r0 = Math.max(0, (int) Math.floor((top - oy) / ch));
        int r1 = Math.min(d.rows(), (int) Math.ceil((h - oy) / ch));
        for (int r = r0 - r0 % rowStep; r < r1; r += rowStep) {
            double y = oy + (r + 0.5) * ch;
            if (y >= top) {
                g.fillText(d.rowLabel().apply(r), left - 4, y, left - 6);
            }
        }
        g.setTextAlign(TextAlignment.CENTER);
        int colStep = (int) Math.max(1, Math.ceil(76 / cw));
        int c0 = Math.max(0, (int) Math.floor((left - ox) / cw));
        int c1 = Math.min(d.cols(), (int) Math.ceil((w - ox) / cw));
        for (int c = c0 - c0 % colStep; c < c1; c += colStep) {
            double x = ox + (c + 0.5) * cw;
            if (x >= left && (colStep == 1 || x + 38 <= w)) {
                g.fillText(d.colLabel().apply(c), x, top / 2, Math.max(cw * colStep - 4, 20));
            }
        }
    }

    static void drawValues(GraphicsContext g, HeatmapData d, double cw, double ch, double ox, double oy, double w, double h,
                           ValueScale scale, boolean signed) {
        int c0 = Math.max(0, (int) Math.floor(-ox / cw));
        int c1 = Math.min(d.cols(), (int) Math.ceil((w - ox) / cw));
        int r0 = Math.max(0, (int) Math.floor(-oy / ch));
        int r1 = Math.min(d.rows(), (int) Math.ceil((h - oy) / ch));
        if ((long) (c1 - c0) * (r1 - r0) > 4000) {
            return;
        }
        g.setFont(Font.font(Math.min(13, ch * 0.45)));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        for (int r = r0; r < r1; r++) {
            if (!d.hasRow(r)) {
                continue;
            }
            for (int c = c0; c < c1; c++) {
                double v = d.value(r, c);
                double t = scale.normalise(signed ? v : Math.abs(v));
                boolean dark = signed ? Math.abs(t - 0.5) > 0.3 : t < 0.55;
                g.setFill(dark ? Color.WHITE : Color.BLACK);
                g.fillText(String.format(Locale.ROOT, "%.3g", v), ox + (c + 0.5) * cw, oy + (r + 0.5) * ch, cw - 4);
            }
        }
    }

    /** The colour bar: the map's strip with seven values of the scale beside it. */
    static void drawColorBar(GraphicsContext g, double w, double h, boolean hasData, ColorMaps map, ValueScale scale) {
        g.clearRect(0, 0, w, h);
        if (!hasData || h < 40) {
            return;
        }
        double top = 12;
        double bottom = h - 12;
        double x0 = 10;
        double stripW = 18;
        for (double y = top; y < bottom; y++) {
            double t = 1 - (y - top) / (bottom - top);
            int argb = map.argb(t);
            g.setFill(Color.rgb((argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff));
            g.fillRect(x0, y, stripW, 1.5);
        }
        g.setStroke(Color.GRAY);
        g.setLineWidth(1);
        g.strokeRect(x0, top, stripW, bottom - top);
        g.setFill(Color.BLACK);
        g.setFont(Font.font(11));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        int ticks = 6;
        for (int i = 0; i <= ticks; i++) {
            double t = (double) i / ticks;
            double y = bottom - t * (bottom - top);
            g.strokeLine(x0 + stripW, y, x0 + stripW + 4, y);
            double v = scale.valueAt(t);
            if (Math.abs(v) < scale.max() * 1e-12) {
                v = 0;
            }
            g.fillText(String.format(Locale.ROOT, "%.3g", v), x0 + stripW + 7, y);
        }
    }

    /** Highlights the hovered row and column. */
    static void drawHover(GraphicsContext g, HeatmapData d, double ox, double oy, double cw, double ch, int hr, int hc) {
        if (hr >= 0 && hc >= 0 && hr < d.rows() && hc < d.cols()) {
            g.setFill(Color.rgb(255, 255, 255, 0.22));
            g.fillRect(ox, oy + hr * ch, d.cols() * cw, ch);
            g.fillRect(ox + hc * cw, oy, cw, d.rows() * ch);
            g.setStroke(Color.BLACK);
            g.setLineWidth(1.5);
            g.strokeRect(ox, oy + hr * ch, d.cols() * cw, ch);
            g.strokeRect(ox + hc * cw, oy, cw, d.rows() * ch);
        }
    }

    static void drawPlaceholder(GraphicsContext g, double w, double h, String text) {
        g.setFill(Color.GRAY);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(text, w / 2, h / 2);
    }
}
