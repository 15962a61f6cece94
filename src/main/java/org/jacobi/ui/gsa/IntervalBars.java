package org.jacobi.ui.gsa;

import java.util.List;
import java.util.Locale;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;

/** Horizontal bars, one per input element, with whiskers for the 95 % interval when there is one. */
public final class IntervalBars extends Region {
    private static final double ROW = 22;
    private final Canvas canvas = new Canvas();
    private List<String> labels = List.of();
    private double[] values = new double[0];
    private double[] halfWidths;
    private String title = "";

    public IntervalBars() {
        getChildren().add(canvas);
        setMinHeight(120);
    }

    /** @param halfWidths the intervals' half-widths, or null */
    public void setData(String newTitle, List<String> newLabels, double[] newValues, double[] newHalfWidths) {
        title = newTitle;
        labels = newLabels;
        values = newValues;
        halfWidths = newHalfWidths;
        setPrefHeight(50 + ROW * labels.size());
        requestLayout();
        draw();
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(Font.font(12));
        g.setFill(Color.web("#333"));
        g.fillText(title, 8, 16);
        double max = 0;
        double min = 0;
        for (int i = 0; i < values.length; i++) {
            double hw = halfWidths == null || !Double.isFinite(halfWidths[i]) ? 0 : halfWidths[i];
            if (Double.isFinite(values[i])) {
                max = Math.max(max, values[i] + hw);
                min = Math.min(min, values[i] - hw);
            }
        }
        if (max - min <= 0) {
            max = 1;
        }
        double left = 150;
        double right = 140;
        double plot = Math.max(10, w - left - right);
        double zero = left + (-min) / (max - min) * plot;
        for (int i = 0; i < labels.size(); i++) {
            double y = 30 + i * ROW;
            String label = labels.get(i);
            g.setFill(Color.web("#333"));
            g.fillText(label.length() > 22 ? label.substring(0, 21) + "…" : label, 8, y + 15);
            double v = values[i];
            if (!Double.isFinite(v)) {
                g.fillText("undefined", left + 4, y + 15);
                continue;
            }
            double x = left + (v - min) / (max - min) * plot;
            g.setFill(Color.web("#4393c3"));
            g.fillRect(Math.min(zero, x), y + 4, Math.max(1, Math.abs(x - zero)), ROW - 8);
            double hw = halfWidths == null ? Double.NaN : halfWidths[i];
            if (Double.isFinite(hw)) {
                double lo = left + (v - hw - min) / (max - min) * plot;
                double hi = left + (v + hw - min) / (max - min) * plot;
                g.setStroke(Color.web("#222"));
                g.setLineWidth(1.5);
                g.strokeLine(lo, y + ROW / 2, hi, y + ROW / 2);
                g.strokeLine(lo, y + 6, lo, y + ROW - 6);
                g.strokeLine(hi, y + 6, hi, y + ROW - 6);
            }
            g.setFill(Color.web("#333"));
            String text = String.format(Locale.ROOT, "%.3f", v) + (Double.isFinite(hw)
                ? String.format(Locale.ROOT, " ± %.3f", hw) : "");
            g.fillText(text, Math.max(zero, x) + (Double.isFinite(hw) ? Math.max(0, left + (v + hw - min) / (max - min) * plot - Math.max(zero, x)) : 0) + 6, y + 15);
        }
        g.setStroke(Color.web("#999"));
        g.setLineWidth(1);
        g.strokeLine(zero, 26, zero, 30 + labels.size() * ROW);
    }
}
