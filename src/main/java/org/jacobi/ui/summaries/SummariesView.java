package org.jacobi.ui.summaries;

import java.util.List;
import java.util.Locale;
import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Insets;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.util.StringConverter;

/** The Summaries tab: a bar chart of the most sensitive inputs beside the singular values on a log axis. */
public final class SummariesView extends HBox {
    private final SummariesViewModel vm;
    private final BarChart<String, Number> ranking;
    private final LineChart<Number, Number> sv;
    private final NumberAxis index = new NumberAxis();
    /** log10 of the singular values; its ticks show only with values (empty, it runs to 10^100 on its own). */
    private final NumberAxis logS = new NumberAxis();

    public SummariesView(SummariesViewModel vm, ObservableBooleanValue shown) {
        super(8);
        this.vm = vm;
        CategoryAxis names = new CategoryAxis();
        NumberAxis values = new NumberAxis();
        values.setLabel("mean |dy/dx| over samples and outputs");
        ranking = new BarChart<>(names, values);
        ranking.titleProperty().bind(vm.rankingTitleProperty());
        ranking.setLegendVisible(false);
        ranking.setAnimated(false);
        ranking.setCategoryGap(3);
        ranking.setBarGap(0);
        ranking.setId("sensitivityChart");
        index.setLabel("index");
        logS.setLabel("singular value (log scale)");
        logS.setForceZeroInRange(false);
        logS.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return String.format(Locale.ROOT, "%.3g", Math.pow(10, n.doubleValue()));
            }

            @Override
            public Number fromString(String s) {
                return 0;
            }
        });
        sv = new LineChart<>(index, logS);
        sv.setLegendVisible(false);
        sv.setAnimated(false);
        sv.setId("singularValueChart");
        sv.titleProperty().bind(vm.singularValuesTitleProperty());
        vm.rankingProperty().addListener((o, a, b) -> showRanking(b));
        vm.singularValuesProperty().addListener((o, a, b) -> showSingularValues(b));
        getChildren().addAll(ranking, sv);
        HBox.setHgrow(ranking, Priority.ALWAYS);
        HBox.setHgrow(sv, Priority.ALWAYS);
        setPadding(new Insets(6));
        vm.shownProperty().bind(shown);
        showSingularValues(vm.singularValuesProperty().get());
    }

    private void showRanking(List<SummariesViewModel.Bar> bars) {
        ranking.getData().clear();
        if (bars.isEmpty()) {
            return;
        }
        XYChart.Series<String, Number> series = new XYChart.Series<>();
        for (SummariesViewModel.Bar b : bars) {
            series.getData().add(new XYChart.Data<>(b.label(), b.meanAbs()));
        }
        ranking.getData().add(series);
    }

    private void showSingularValues(double[] s) {
        logS.setTickLabelsVisible(s != null && s.length > 0);
        if (s == null) {
            sv.getData().clear();
            return;
        }
        XYChart.Series<Number, Number> series = new XYChart.Series<>();
        double floor = s.length == 0 ? 1e-12 : Math.max(1e-300, s[0] * 1e-12);
        for (int i = 0; i < s.length; i++) {
            series.getData().add(new XYChart.Data<>(i + 1, Math.log10(Math.max(floor, s[i]))));
        }
        index.setAutoRanging(false);
        index.setLowerBound(0);
        index.setUpperBound(s.length + 1);
        index.setTickUnit(Math.max(1, Math.ceil(s.length / 10.0)));
        index.setMinorTickVisible(false);
        sv.getData().setAll(List.of(series));
    }
}
