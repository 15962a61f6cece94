package org.jacobi.ui.optim;

import java.util.Locale;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.util.StringConverter;
import org.jacobi.optim.IterationRecord;
import org.jacobi.optim.OptimizationMethod;

/** The live cost-per-iteration chart of the Optimize tab: both methods overlaid on a log axis. */
final class CostChart extends LineChart<Number, Number> {
    private static final double COST_FLOOR = 1e-30;
    private final XYChart.Series<Number, Number> gnSeries = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> lbfgsSeries = new XYChart.Series<>();
    private final NumberAxis costAxis;
    private double minLogCost = Double.POSITIVE_INFINITY;
    private double maxLogCost = Double.NEGATIVE_INFINITY;

    CostChart() {
        super(new NumberAxis(), new NumberAxis());
        NumberAxis iterations = (NumberAxis) getXAxis();
        costAxis = (NumberAxis) getYAxis();
        iterations.setLabel("iteration");
        iterations.setForceZeroInRange(true);
        iterations.setMinorTickCount(0);
        iterations.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                double v = n.doubleValue();
                return v == Math.rint(v) ? Long.toString((long) v) : ""; // iterations are whole numbers
            }

            @Override
            public Number fromString(String s) {
                return Double.parseDouble(s);
            }
        });
        costAxis.setLabel("cost (log scale)");
        costAxis.setAutoRanging(false);
        costAxis.setLowerBound(-6);
        costAxis.setUpperBound(1);
        costAxis.setTickUnit(1);
        costAxis.setMinorTickCount(0);
        costAxis.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number exponent) {
                double e = exponent.doubleValue();
                return e == Math.rint(e) ? "1e" + (long) e : String.format(Locale.ROOT, "%.1e", Math.pow(10, e));
            }

            @Override
            public Number fromString(String s) {
                return Math.log10(Double.parseDouble(s));
            }
        });
        setTitle("Cost per iteration");
        setAnimated(false);
        setCreateSymbols(true);
        setHorizontalZeroLineVisible(false); // the axis holds log10(cost): its zero is cost 1, not a baseline
        gnSeries.setName(OptimizationMethod.GAUSS_NEWTON.label());
        lbfgsSeries.setName(OptimizationMethod.LBFGS.label());
        getData().add(gnSeries);
        getData().add(lbfgsSeries);
        setMinHeight(220);
    }

    /** Forgets every point (a new run starts). */
    void clear() {
        gnSeries.getData().clear();
        lbfgsSeries.getData().clear();
        minLogCost = Double.POSITIVE_INFINITY;
        maxLogCost = Double.NEGATIVE_INFINITY;
    }

    void plot(IterationRecord r) {
        double cost = r.cost();
        if (!Double.isFinite(cost)) {
            return;
        }
        double log = Math.log10(Math.max(cost, COST_FLOOR));
        (r.method() == OptimizationMethod.GAUSS_NEWTON ? gnSeries : lbfgsSeries).getData().add(new XYChart.Data<>(r.iteration(), log));
        minLogCost = Math.min(minLogCost, log);
        maxLogCost = Math.max(maxLogCost, log);
        double lower = Math.floor(minLogCost);
        double upper = Math.max(lower + 1, Math.ceil(maxLogCost));
        costAxis.setLowerBound(lower);
        costAxis.setUpperBound(upper);
        costAxis.setTickUnit(Math.max(1, Math.ceil((upper - lower) / 12)));
    }
}
