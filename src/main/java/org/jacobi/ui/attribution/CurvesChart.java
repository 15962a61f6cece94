package org.jacobi.ui.attribution;

import java.util.Locale;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;

/** The deletion or insertion curve of every method of a run: the target against the fraction removed or put back. */
final class CurvesChart extends LineChart<Number, Number> {
    CurvesChart(String title, String xLabel) {
        super(new NumberAxis(0, 1, 0.25), new NumberAxis());
        getXAxis().setLabel(xLabel);
        getYAxis().setLabel("target");
        ((NumberAxis) getYAxis()).setForceZeroInRange(false);
        setTitle(title);
        setAnimated(false);
        setCreateSymbols(false);
        setPrefSize(460, 280);
        setMinHeight(240);
    }

    /** Shows {@code metric}'s curves of {@code run}, one series per method named with its area; none for null. */
    void show(AttributionViewModel.Run run, String metric) {
        getData().clear();
        if (run == null) {
            return;
        }
        for (AttributionPanel p : run.panels()) {
            double[] curve = p.curve(metric);
            if (curve == null) {
                continue;
            }
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(String.format(Locale.ROOT, "%s (area %.3g)", p.method(), p.area(metric)));
            int steps = curve.length - 1;
            for (int j = 0; j < curve.length; j++) {
                s.getData().add(new XYChart.Data<>((double) j / steps, curve[j]));
            }
            getData().add(s);
        }
    }
}
