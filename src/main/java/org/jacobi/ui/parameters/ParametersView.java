package org.jacobi.ui.parameters;

import java.util.List;
import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.ui.heatmap.HeatmapView;

/**
 * The Parameters tab: mean per-layer sensitivity as bars beside the samples x layers heatmap; below, one layer's
 * full per-sample Jacobian on demand.
 */
public final class ParametersView extends BorderPane {
    private final ParametersViewModel vm;
    private final BarChart<String, Number> bars;
    private final HeatmapView table = new HeatmapView();
    private final HeatmapView layer = new HeatmapView();

    public ParametersView(ParametersViewModel vm, ObservableBooleanValue shown) {
        this.vm = vm;
        Label status = new Label();
        status.setId("parametersStatus");
        status.textProperty().bind(vm.statusProperty());
        HBox top = new HBox(8, status);
        top.setPadding(new Insets(6));
        setTop(top);
        CategoryAxis names = new CategoryAxis();
        NumberAxis values = new NumberAxis();
        values.setLabel("mean norm over samples");
        bars = new BarChart<>(names, values);
        bars.setTitle("Per-layer sensitivity");
        bars.setLegendVisible(false);
        bars.setAnimated(false);
        bars.setId("parameterChart");
        bars.setPrefWidth(420);
        table.setId("parameterTable");
        table.colorMapProperty().set(ColorMaps.VIRIDIS);
        table.setPlaceholder("No parameter sensitivity yet");
        HBox upper = new HBox(8, bars, table);
        HBox.setHgrow(table, Priority.ALWAYS);
        table.setMinSize(200, 160);

        ComboBox<String> parameter = new ComboBox<>(vm.parameterChoices());
        parameter.setId("parameterChoice");
        parameter.valueProperty().bindBidirectional(vm.parameterProperty());
        Button compute = new Button("Show per-sample Jacobian");
        compute.setId("parameterJacobian");
        compute.setOnAction(e -> vm.computeLayerJacobian());
        compute.disableProperty().bind(vm.parameterProperty().isNull());
        Label layerStatus = new Label();
        layerStatus.textProperty().bind(vm.layerStatusProperty());
        Label layerLabel = new Label("Layer");
        for (Region r : List.of(layerLabel, parameter, compute)) {
            r.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox layerBar = new HBox(8, layerLabel, parameter, compute, layerStatus);
        layerBar.setAlignment(Pos.CENTER_LEFT);
        layer.setId("parameterLayerJacobian");
        layer.setPlaceholder("Choose a parameter tensor and press Show");
        layer.setMinHeight(140);
        layer.dataProperty().bind(vm.layerJacobianProperty());
        table.dataProperty().bind(vm.tableProperty());
        VBox center = new VBox(6, upper, layerBar, layer);
        VBox.setVgrow(upper, Priority.ALWAYS);
        VBox.setVgrow(layer, Priority.ALWAYS);
        center.setPadding(new Insets(0, 6, 6, 6));
        setCenter(center);
        vm.barsProperty().addListener((o, a, b) -> showBars(b));
        vm.shownProperty().bind(shown);
    }

    private void showBars(List<ParametersViewModel.Bar> list) {
        bars.getData().clear();
        if (list.isEmpty()) {
            return;
        }
        XYChart.Series<String, Number> series = new XYChart.Series<>();
        for (ParametersViewModel.Bar b : list) {
            series.getData().add(new XYChart.Data<>(b.parameter(), b.meanNorm()));
        }
        bars.getData().add(series);
    }
}
