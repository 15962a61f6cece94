package org.jacobi.ui.compare;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.compare.ComparisonResult;
import org.jacobi.compare.NameMapping;
import org.jacobi.compare.RankChange;
import org.jacobi.ui.heatmap.HeatmapView;

/**
 * The comparison window's content: the summary numbers and sample on top; the Jacobians of A, B and A − B
 * side by side on one colour scale; below them, in tabs, the outputs side by side with their difference, the
 * input rankings with rank changes, and both models' singular values on one chart.
 */
public final class CompareView extends BorderPane {
    private final CompareViewModel vm;
    private final HeatmapView[] heatmaps = {new HeatmapView(), new HeatmapView(), new HeatmapView()};
    private final TableView<CompareViewModel.OutputRow> outputs = new TableView<>();
    private final TableView<RankChange> ranking = new TableView<>();
    private final LineChart<Number, Number> spectra = new LineChart<>(new NumberAxis(), new NumberAxis());

    public CompareView(CompareViewModel vm) {
        this.vm = vm;
        getStyleClass().add("compare-view");
        Label status = new Label();
        status.setId("compareStatus");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());
        status.setStyle("-fx-font-weight: bold;");
        Spinner<Integer> sample = new Spinner<>(0, Integer.MAX_VALUE, vm.sampleProperty().get());
        sample.setPrefWidth(90);
        sample.valueProperty().addListener((o, a, b) -> vm.sampleProperty().set(b));
        HBox top = new HBox(12, new Label("Sample"), sample, status);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(6));
        setTop(top);

        String[] captions = {"A", "B", "A − B"};
        HBox maps = new HBox(6);
        for (int i = 0; i < 3; i++) {
            heatmaps[i].setId("compareHeatmap" + i);
            heatmaps[i].colorMapProperty().set(ColorMaps.RDBU);
            heatmaps[i].setPlaceholder("Comparing…");
            VBox box = new VBox(2, new Label(captions[i]), heatmaps[i]);
            VBox.setVgrow(heatmaps[i], Priority.ALWAYS);
            HBox.setHgrow(box, Priority.ALWAYS);
            maps.getChildren().add(box);
        }
        maps.setPadding(new Insets(0, 6, 0, 6));

        outputs.setId("compareOutputs");
        outputs.getColumns().addAll(List.of(column("output", 130, CompareViewModel.OutputRow::label),
            column("A", 110, r -> num(r.a())), column("B", 110, r -> num(r.b())), column("A − B", 110, r -> num(r.difference()))));
        ranking.setId("compareRanking");
        ranking.getColumns().addAll(List.of(column("input", 130, RankChange::label),
            column("rank A", 60, r -> Integer.toString(r.rankA())), column("rank B", 60, r -> Integer.toString(r.rankB())),
            column("change", 60, r -> r.change() == 0 ? "=" : String.format(Locale.ROOT, "%+d", r.change())),
            column("mean |J| A", 100, r -> num(r.meanAbsA())), column("mean |J| B", 100, r -> num(r.meanAbsB()))));
        spectra.setId("compareSpectra");
        spectra.setTitle("Singular values (log10) of the selected sample's Jacobians");
        spectra.setAnimated(false);
        ((NumberAxis) spectra.getYAxis()).setForceZeroInRange(false);
        ((NumberAxis) spectra.getXAxis()).setLabel("index");
        TabPane details = new TabPane(new Tab("Outputs", outputs), new Tab("Input rankings", ranking), new Tab("Singular values", spectra));
        details.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        SplitPane split = new SplitPane(maps, details);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        setCenter(split);

        vm.resultProperty().addListener((o, a, b) -> show());
        vm.sampleProperty().addListener((o, a, b) -> show());
        vm.suggestedMappingProperty().addListener((o, a, m) -> {
            if (m != null) {
                confirm(m);
            }
        });
    }

    private void show() {
        ComparisonResult r = vm.resultProperty().get();
        if (r == null) {
            return;
        }
        double limit = CompareViewModel.sharedLimit(r);
        for (int i = 0; i < 3; i++) {
            heatmaps[i].scaleLimitProperty().set(limit);
            heatmaps[i].setData(vm.heatmap(r, i));
        }
        outputs.setItems(FXCollections.observableArrayList(vm.outputRows(r)));
        ranking.setItems(FXCollections.observableArrayList(r.ranking()));
        spectra.getData().clear();
        double[][] sv = vm.singularValues(r);
        if (sv != null) {
            String[] names = {"A " + r.modelA().fileName(), "B " + r.modelB().fileName()};
            for (int m = 0; m < 2; m++) {
                XYChart.Series<Number, Number> s = new XYChart.Series<>();
                s.setName(names[m]);
                double floor = sv[m].length == 0 ? 1e-12 : Math.max(1e-300, sv[m][0] * 1e-12);
                for (int i = 0; i < sv[m].length; i++) {
                    s.getData().add(new XYChart.Data<>(i + 1, Math.log10(Math.max(floor, sv[m][i]))));
                }
                spectra.getData().add(s);
            }
        }
    }

    /** The names or shapes did not match: offer the suggested pairing, and compare with it once confirmed. */
    private void confirm(NameMapping mapping) {
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Pair the tensors as " + mapping.asOptions() + " and compare?",
            ButtonType.OK, ButtonType.CANCEL);
        a.setTitle("Jacobi");
        a.setHeaderText(vm.statusProperty().get());
        if (getScene() != null) {
            a.initOwner(getScene().getWindow());
        }
        a.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> vm.run(mapping));
    }

    public HeatmapView heatmap(int which) {
        return heatmaps[which];
    }

    private static <T> TableColumn<T, String> column(String title, double width, Function<T, String> text) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(text.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
