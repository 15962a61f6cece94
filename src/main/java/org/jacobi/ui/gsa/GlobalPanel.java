package org.jacobi.ui.gsa;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.application.Platform;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.cell.ComboBoxTableCell;
import javafx.scene.control.cell.TextFieldTableCell;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;
import javafx.util.converter.IntegerStringConverter;
import org.jacobi.core.JacobiException;
import org.jacobi.gsa.DesignKind;
import org.jacobi.gsa.GsaResult;
import org.jacobi.gsa.IndexSet;
import org.jacobi.ui.heatmap.HeatmapData;
import org.jacobi.ui.heatmap.HeatmapView;

/**
 * The Global tab: a distribution table for every element of the varied input, methods, design, N and seed, Run and
 * Cancel with progress; the results as bars with 95 % intervals for the chosen output, the outputs x inputs heatmap
 * of any index, the index against the output element, and its convergence as N doubles; study save/open and
 * CSV/JSON export. All state lives in {@link GlobalViewModel}.
 */
public final class GlobalPanel extends BorderPane {
    private final GlobalViewModel viewModel;
    private final IntervalBars bars = new IntervalBars();
    private final HeatmapView heatmap = new HeatmapView();
    private final LineChart<Number, Number> alongOutputs = chart("output element (index)");
    private final LineChart<Number, Number> convergence = chart("N (base samples, doubling)");
    private final ComboBox<Integer> outputChoice = new ComboBox<>();

    public GlobalPanel(GlobalViewModel viewModel) {
        this.viewModel = viewModel;
        setId("global-panel");
        SplitPane split = new SplitPane(editor(), results());
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.42);
        setCenter(split);
        viewModel.resultProperty().addListener((o, a, r) -> showResult());
        viewModel.shownIndexProperty().addListener((o, a, b) -> showResult());
        viewModel.shownOutputProperty().addListener((o, a, b) -> showResult());
    }

    public GlobalViewModel viewModel() {
        return viewModel;
    }

    private VBox editor() {
        TableView<DistributionRow> table = new TableView<>(viewModel.rows());
        table.setId("gsa-distributions");
        table.setEditable(true);
        TableColumn<DistributionRow, String> element = new TableColumn<>("element");
        element.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().label()));
        element.setEditable(false);
        TableColumn<DistributionRow, String> value = new TableColumn<>("sample");
        value.setCellValueFactory(c -> new SimpleStringProperty(
            GlobalViewModel.num(c.getValue().reference())));
        value.setEditable(false);
        TableColumn<DistributionRow, String> kind = new TableColumn<>("distribution");
        kind.setCellValueFactory(c -> c.getValue().kindProperty());
        kind.setCellFactory(ComboBoxTableCell.forTableColumn(FXCollections.observableArrayList(DistributionRow.KINDS)));
        TableColumn<DistributionRow, String> params = new TableColumn<>("parameters");
        params.setCellValueFactory(c -> c.getValue().parametersProperty());
        params.setCellFactory(TextFieldTableCell.forTableColumn());
        params.setPrefWidth(150);
        table.getColumns().addAll(List.of(element, value, kind, params));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        VBox.setVgrow(table, Priority.ALWAYS);

        TextField all = new TextField("uniform:-1,1");
        all.setPrefColumnCount(14);
        Button apply = new Button("Set all");
        apply.setOnAction(e -> viewModel.setAll(all.getText().strip()));
        Label help = new Label("uniform a,b · normal mu,sigma · truncnormal mu,sigma,a,b · lognormal mu,sigma · "
            + "triangular a,mode,b · around P (% of the sample) · fixed [value]");
        help.setWrapText(true);
        help.setStyle("-fx-text-fill: #666; -fx-font-size: 11px;");

        CheckBox sobol = new CheckBox("Sobol'");
        sobol.selectedProperty().bindBidirectional(viewModel.sobolProperty());
        sobol.setTooltip(new Tooltip("First-order and total indices with bootstrap 95 % intervals: N (d + 2) runs"));
        CheckBox dgsm = new CheckBox("DGSM");
        dgsm.selectedProperty().bindBidirectional(viewModel.dgsmProperty());
        dgsm.setTooltip(new Tooltip("E[(dy/dx)^2] from exact Jacobians and the bound on ST: N Jacobians"));
        CheckBox morris = new CheckBox("Morris");
        morris.selectedProperty().bindBidirectional(viewModel.morrisProperty());
        ComboBox<DesignKind> design = new ComboBox<>(FXCollections.observableArrayList(DesignKind.values()));
        design.valueProperty().bindBidirectional(viewModel.designProperty());
        ComboBox<Integer> samples = new ComboBox<>(FXCollections.observableArrayList(256, 1024, 4096, 16384, 65536));
        samples.setId("gsa-samples");
        samples.setEditable(true);
        samples.setConverter(new IntegerStringConverter());
        samples.setValue(viewModel.samplesProperty().get());
        samples.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                viewModel.samplesProperty().set(b);
            }
        });
        TextField seed = new TextField(Integer.toString(viewModel.seedProperty().get()));
        seed.setPrefColumnCount(5);
        seed.textProperty().addListener((o, a, b) -> {
            try {
                viewModel.seedProperty().set(Integer.parseInt(b.strip()));
            } catch (NumberFormatException e) {
                viewModel.statusProperty().set("The seed must be a whole number.");
            }
        });
        Button run = new Button("Run");
        run.setId("gsa-run");
        run.setDefaultButton(true);
        run.disableProperty().bind(viewModel.runningProperty());
        run.setOnAction(e -> viewModel.run());
        Button cancel = new Button("Cancel");
        cancel.disableProperty().bind(viewModel.runningProperty().not());
        cancel.setOnAction(e -> viewModel.cancel());
        Button open = new Button("Open study…");
        open.setOnAction(e -> choose(false, "Study", "*.json").ifPresent(f -> guard(() -> viewModel.loadStudy(f.toPath()))));
        Button save = new Button("Save study…");
        save.setOnAction(e -> choose(true, "Study", "*.json").ifPresent(f -> guard(() -> viewModel.saveStudy(f.toPath()))));
        Button export = new Button("Export…");
        export.disableProperty().bind(viewModel.resultProperty().isNull());
        export.setOnAction(e -> choose(true, "Indices (JSON or CSV)", "*.json", "*.csv")
            .ifPresent(f -> guard(() -> viewModel.export(f.toPath()))));
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(viewModel.progressProperty());
        progress.visibleProperty().bind(viewModel.runningProperty());
        progress.setMaxWidth(Double.MAX_VALUE);
        Label status = new Label();
        status.setId("gsa-status");
        status.textProperty().bind(viewModel.statusProperty());
        status.setWrapText(true);

        FlowPane settings = new FlowPane(8, 6, new Label("Methods:"), sobol, dgsm, morris, new Label("Design:"), design,
            new Label("N:"), samples, new Label("Seed:"), seed);
        FlowPane buttons = new FlowPane(6, 6, run, cancel, open, save, export);
        for (Button b : List.of(run, cancel, open, save, export, apply)) {
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        VBox box = new VBox(6, new HBox(6, new Label("All elements:"), all, apply), help, table, settings, buttons,
            progress, status);
        box.setPadding(new Insets(8));
        return box;
    }

    private BorderPane results() {
        ComboBox<GlobalViewModel.IndexChoice> index = new ComboBox<>(viewModel.indexChoices());
        index.setId("gsa-index");
        index.valueProperty().bindBidirectional(viewModel.shownIndexProperty());
        outputChoice.setId("gsa-output");
        outputChoice.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                viewModel.shownOutputProperty().set(b);
            }
        });
        outputChoice.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer i) {
                GsaResult r = viewModel.resultProperty().get();
                return i == null || r == null || i >= r.outputs().size() ? "" : r.outputs().get(i);
            }

            @Override
            public Integer fromString(String s) {
                return null;
            }
        });
        HBox bar = new HBox(8, new Label("Index:"), index, new Label("Output:"), outputChoice);
        bar.setPadding(new Insets(8));
        ScrollPane barsScroll = new ScrollPane(bars);
        barsScroll.setFitToWidth(true);
        TabPane charts = new TabPane(new Tab("Bars", barsScroll), new Tab("Heatmap", heatmap),
            new Tab("Along outputs", alongOutputs), new Tab("Convergence", convergence));
        charts.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        BorderPane pane = new BorderPane(charts);
        pane.setTop(bar);
        bars.setData("Run a study to see its indices here.", List.of(), new double[0], null);
        return pane;
    }

    private void showResult() {
        GsaResult r = viewModel.resultProperty().get();
        double[][] v = viewModel.shownValues();
        if (r == null || v == null) {
            return;
        }
        if (outputChoice.getItems().size() != r.outputs().size()) {
            List<Integer> outs = new ArrayList<>();
            for (int o = 0; o < r.outputs().size(); o++) {
                outs.add(o);
            }
            outputChoice.setItems(FXCollections.observableArrayList(outs));
        }
        int o = Math.min(viewModel.shownOutputProperty().get(), v.length - 1);
        if (outputChoice.getValue() == null || outputChoice.getValue() != o) {
            outputChoice.setValue(o);
        }
        GlobalViewModel.IndexChoice c = viewModel.shownIndexProperty().get();
        double[][] conf = viewModel.shownConfidence();
        bars.setData(c + " of " + r.outputs().get(o) + (conf != null ? " (95 % intervals)" : ""), r.inputs(), v[o],
            conf == null ? null : conf[o]);

        int outs = v.length;
        int ins = v[0].length;
        float[] flat = new float[outs * ins];
        for (int i = 0; i < outs; i++) {
            for (int j = 0; j < ins; j++) {
                flat[i * ins + j] = Double.isFinite(v[i][j]) ? (float) v[i][j] : Float.NaN;
            }
        }
        heatmap.setData(new HeatmapData(outs, ins, flat, 0, i -> r.outputs().get(i), j -> r.inputs().get(j)));
        Platform.runLater(heatmap::fit);

        alongOutputs.setTitle(c + " against the output element");
        alongOutputs.getData().clear();
        for (int j = 0; j < ins; j++) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(r.inputs().get(j));
            for (int i = 0; i < outs; i++) {
                if (Double.isFinite(v[i][j])) {
                    s.getData().add(new XYChart.Data<>(i, v[i][j]));
                }
            }
            alongOutputs.getData().add(s);
        }

        convergence.setTitle("Convergence of " + c + " on " + r.outputs().get(o));
        convergence.getData().clear();
        List<IndexSet> steps = viewModel.shownConvergence();
        NumberAxis nAxis = (NumberAxis) convergence.getXAxis();
        nAxis.setAutoRanging(false);
        nAxis.setLowerBound(Math.log(steps.get(0).baseRows()) / Math.log(2) - 0.25);
        nAxis.setUpperBound(Math.log(steps.get(steps.size() - 1).baseRows()) / Math.log(2) + 0.25);
        nAxis.setTickUnit(1);
        for (int j = 0; j < ins; j++) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(r.inputs().get(j));
            for (IndexSet step : steps) {
                double y = step.get(c.name())[o][j];
                if (Double.isFinite(y)) {
                    s.getData().add(new XYChart.Data<>(Math.log(step.baseRows()) / Math.log(2), y));
                }
            }
            convergence.getData().add(s);
        }
    }

    private static LineChart<Number, Number> chart(String xLabel) {
        NumberAxis x = new NumberAxis();
        x.setLabel(xLabel);
        x.setForceZeroInRange(false);
        NumberAxis y = new NumberAxis();
        LineChart<Number, Number> chart = new LineChart<>(x, y);
        chart.setAnimated(false);
        if (xLabel.startsWith("N ")) {
            x.setTickLabelFormatter(new StringConverter<>() {
                @Override
                public String toString(Number k) {
                    double v = Math.pow(2, k.doubleValue());
                    return Math.abs(v - Math.rint(v)) < 1e-6 ? Long.toString(Math.round(v)) : "";
                }

                @Override
                public Number fromString(String text) {
                    return Math.log(Double.parseDouble(text)) / Math.log(2);
                }
            });
        }
        chart.setCreateSymbols(true);
        return chart;
    }

    private Optional<File> choose(boolean save, String what, String... patterns) {
        FileChooser chooser = new FileChooser();
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(what, patterns));
        File f = save ? chooser.showSaveDialog(getScene().getWindow()) : chooser.showOpenDialog(getScene().getWindow());
        return Optional.ofNullable(f);
    }

    private void guard(Runnable action) {
        try {
            action.run();
        } catch (JacobiException e) {
            viewModel.statusProperty().set(e.getMessage());
        }
    }
}
