package org.jacobi.report;

import static org.jacobi.report.Charts.AXIS;
import static org.jacobi.report.Charts.WIDTH;
import static org.jacobi.report.Charts.canvas;
import static org.jacobi.report.Charts.fmt;
import static org.jacobi.report.Charts.font;
import static org.jacobi.report.Charts.graphics;
import static org.jacobi.report.Charts.png;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.jacobi.report.Charts.Png;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.VerticalAlignment;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's bar charts and line plots, drawn by JFreeChart in the report's look (white, the report's fonts,
 * a bold title at the left, log axes labelled 1e-2, 1e-1, ...) into PNG bytes like {@link Charts}' figures.
 * JFreeChart chooses the ticks, lays out legends and breaks lines at gaps; see
 * docs/decisions/0019-report-charts-jfreechart.md.
 */
final class Plots {
    private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
    private static final Color[] SERIES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private Plots() {
    }

    /** Horizontal bars, largest first, labels at the left and values at the bar ends. */
    static Png barChart(List<String> labels, double[] values, String title, String valueAxis) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int i = 0; i < labels.size(); i++) {
            data.addValue(values[i], "value", labels.get(i));
        }
        JFreeChart chart = ChartFactory.createBarChart(null, null, valueAxis, data, PlotOrientation.HORIZONTAL,
            false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, new Color(0x4393c3));
        bars.setMaximumBarWidth(0.7);
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", SHORT_NUMBER));
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultItemLabelFont(font(11));
        plot.setRangeGridlinesVisible(false);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        plot.getRangeAxis().setTickLabelsVisible(false);
        plot.getRangeAxis().setTickMarksVisible(false);
        plot.getRangeAxis().setAxisLineVisible(false);
        plot.getRangeAxis().setUpperMargin(0.12);
        plot.getDomainAxis().setCategoryMargin(0.1);
        plot.getDomainAxis().setLowerMargin(0.01);
        plot.getDomainAxis().setUpperMargin(0.01);
        plot.setOutlineVisible(false);
        style(chart, plot.getDomainAxis(), plot.getRangeAxis(), title);
        return render(chart, WIDTH, 36 + labels.size() * 18 + 40);
    }

    /** One line of a line plot: points, colour, and whether it is dashed. */
    record Line(String name, double[] x, double[] y, Color color, boolean dashed, boolean inLegend) {
    }

    /** Series of y values against x positions, on a log y axis when {@code logY} (non-positive y left out). */
    static Png linePlot(Map<String, double[][]> series, String title, String xAxis, String yAxis, boolean logY) {
        List<Line> lines = new ArrayList<>();
        int k = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            lines.add(new Line(e.getKey(), e.getValue()[0], e.getValue()[1], SERIES[k % SERIES.length], false, k < 12));
            k++;
        }
        return linePlot(lines, title, xAxis, yAxis, logY, List.of());
    }

    /**
     * Lines with their own colours and dashes; {@code extraLegend} adds legend entries of their own (e.g. what
     * solid and dashed mean).
     */
    static Png linePlot(List<Line> lines, String title, String xAxis, String yAxis, boolean logY, List<Line> extraLegend) {
        XYSeriesCollection data = new XYSeriesCollection();
        boolean integerX = true;
        for (int i = 0; i < lines.size(); i++) {
            XYSeries s = new XYSeries(i, false, true);
            Line line = lines.get(i);
            for (int p = 0; p < line.x().length; p++) {
                double y = line.y()[p];
                boolean drawable = Double.isFinite(y) && (!logY || y > 0);
                s.add(line.x()[p], drawable ? y : Double.NaN); // NaN breaks the line there, as a gap
                integerX &= line.x()[p] == Math.rint(line.x()[p]);
            }
            data.addSeries(s);
        }
        NumberAxis x = new NumberAxis(xAxis);
        x.setAutoRangeIncludesZero(false);
        if (integerX) {
            x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        ValueAxis y = logY ? logAxis(yAxis, lines) : new NumberAxis(yAxis);
        if (y instanceof NumberAxis n) {
            n.setAutoRangeIncludesZero(false);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        LegendItemCollection legend = new LegendItemCollection();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            renderer.setSeriesPaint(i, line.color());
            renderer.setSeriesStroke(i, stroke(line.dashed()));
            renderer.setSeriesShapesVisible(i, line.x().length <= 64);
            renderer.setSeriesShape(i, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
            if (line.inLegend()) {
                legend.add(legendItem(line));
            }
        }
        long hidden = lines.stream().filter(l -> !l.inLegend()).count();
        if (hidden > 0 && extraLegend.isEmpty()) {
            legend.add(new LegendItem("(" + hidden + " more)", null, null, null, new Rectangle(0, 0), Color.WHITE));
        }
        extraLegend.forEach(l -> legend.add(legendItem(l)));
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setFixedLegendItems(legend);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinePaint(GRID);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(AXIS);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.getLegend().setPosition(RectangleEdge.RIGHT);
        chart.getLegend().setFrame(BlockBorder.NONE);
        chart.getLegend().setItemFont(font(11));
        chart.getLegend().setVerticalAlignment(VerticalAlignment.TOP);
        style(chart, x, y, title);
        return render(chart, WIDTH, 360);
    }

    /** Singular-value spectra, one line per sample, log scale. */
    static Png spectra(Map<Integer, double[]> bySample) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (Map.Entry<Integer, double[]> e : bySample.entrySet()) {
            series.put("sample " + e.getKey(), indexed(e.getValue()));
        }
        return linePlot(series, "Singular values of the per-sample Jacobians", "index k", "sigma_k (log scale)", true);
    }

    /** Two models' spectra overlaid: one colour per sample, A solid, B dashed. */
    static Png spectraOverlay(Map<Integer, double[]> a, Map<Integer, double[]> b) {
        List<Line> lines = new ArrayList<>();
        int k = 0;
        for (Map.Entry<Integer, double[]> e : a.entrySet()) {
            Color color = SERIES[k % SERIES.length];
            double[][] pa = indexed(e.getValue());
            double[][] pb = indexed(b.get(e.getKey()));
            lines.add(new Line("sample " + e.getKey(), pa[0], pa[1], color, false, k < 10));
            lines.add(new Line("", pb[0], pb[1], color, true, false));
            k++;
        }
        List<Line> key = List.of(new Line("A (solid)", null, null, AXIS, false, true),
            new Line("B (dashed)", null, null, AXIS, true, true));
        return linePlot(lines, "Singular values of A and B", "index k", "sigma_k (log scale)", true, key);
    }

    private static double[][] indexed(double[] y) {
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            x[i] = i + 1;
        }
        return new double[][] {x, y};
    }

    /**
     * A log axis over whole decades, labelled 1e-2, 1e-1, ... as the reports always were; at most about eight
     * labelled decades, so long optimisation traces stay readable.
     */
    private static ValueAxis logAxis(String label, List<Line> lines) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Line line : lines) {
            for (double y : line.y()) {
                if (Double.isFinite(y) && y > 0) {
                    lo = Math.min(lo, Math.floor(Math.log10(y)));
                    hi = Math.max(hi, Math.ceil(Math.log10(y)));
                }
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        } else if (lo == hi) {
            hi++;
        }
        LogAxis axis = new LogAxis(label);
        axis.setRange(Math.pow(10, lo), Math.pow(10, hi));
        axis.setTickUnit(new NumberTickUnit(Math.max(1, Math.ceil((hi - lo) / 8))), false, true);
        axis.setMinorTickMarksVisible(false);
        axis.setNumberFormatOverride(format(v -> "1e" + Math.round(Math.log10(v))));
        return axis;
    }

    private static LegendItem legendItem(Line line) {
        LegendItem item = new LegendItem(line.name(), null, null, null, false, new Rectangle(0, 0), false,
            line.color(), false, line.color(), stroke(false), true, new Line2D.Double(-7, 0, 7, 0), stroke(line.dashed()),
            line.color());
        item.setLabelFont(font(11));
        return item;
    }

    private static BasicStroke stroke(boolean dashed) {
        return dashed ? new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 3f}, 0f)
            : new BasicStroke(1.6f);
    }

    /** The report look on a JFreeChart: white, the report's fonts and axis colours, a bold title at the left. */
    private static void style(JFreeChart chart, Axis domain, Axis range, String title) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 10, 6, 14));
        TextTitle t = new TextTitle(title, font(13, Font.BOLD), AXIS, RectangleEdge.TOP, HorizontalAlignment.LEFT,
            VerticalAlignment.CENTER, new RectangleInsets(2, 2, 8, 2));
        chart.setTitle(t);
        for (Axis axis : List.of(domain, range)) {
            axis.setLabelFont(font(12));
            axis.setTickLabelFont(font(11));
            axis.setLabelPaint(AXIS);
            axis.setTickLabelPaint(AXIS);
            axis.setAxisLinePaint(AXIS);
            axis.setTickMarkPaint(AXIS);
        }
    }

    private static Png render(JFreeChart chart, int width, int height) {
        BufferedImage img = canvas(width, height);
        Graphics2D g = graphics(img);
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        g.dispose();
        return png(img, width, height);
    }

    /** Chart numbers as {@link Charts#fmt} writes them. */
    private static final NumberFormat SHORT_NUMBER = format(Charts::fmt);

    /** A format for JFreeChart's labels that writes numbers as {@code text} does (labels only; no parsing). */
    private static NumberFormat format(DoubleFunction<String> text) {
        return new NumberFormat() {
            @Override
            public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
                return toAppendTo.append(text.apply(number));
            }

            @Override
            public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
                return format((double) number, toAppendTo, pos);
            }

            @Override
            public Number parse(String source, ParsePosition parsePosition) {
                throw new UnsupportedOperationException("labels only");
            }
        };
    }
}
