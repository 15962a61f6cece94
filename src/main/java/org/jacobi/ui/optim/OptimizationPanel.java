package org.jacobi.ui.optim;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.controlsfx.control.PropertySheet;
import org.jacobi.core.Tensor;
import org.jacobi.optim.IterationRecord;
import org.jacobi.optim.OptimizationMethod;
import org.jacobi.optim.OptimizationResult;
import org.jacobi.optim.Target;

/**
 * The Optimize tab: a target editor, method settings, Run and Stop, a live log-scale cost chart with both methods
 * overlaid, the iteration table, and the input and output before and after (images for image-shaped inputs), with
 * "Use result as sample". All state lives in {@link OptimizationViewModel}.
 */
public final class OptimizationPanel extends BorderPane {
    private final OptimizationViewModel viewModel;
    private final CostChart chart = new CostChart();
    private final ComboBox<OptimizationMethod> shownResult = new ComboBox<>(FXCollections.observableArrayList(OptimizationMethod.values()));
    private final VBox inputView = new VBox(6);
    private final TableView<double[]> outputTable = new TableView<>();
    private final Label resultSummary = new Label();
    private final Label className = new Label();
    private List<String> classNames;

    /** The panel for one sample's view model (which its tab closes when the sample or model changes). */
    public OptimizationPanel(OptimizationViewModel viewModel) {
        this.viewModel = viewModel;
        getStyleClass().add("optimization-panel");
        setLeft(controls());
        SplitPane center = new SplitPane(chart, details());
        center.setOrientation(Orientation.VERTICAL);
        center.setDividerPositions(0.5);
        setCenter(center);
        viewModel.records().addListener((ListChangeListener<IterationRecord>) change -> {
            while (change.next()) {
                if (change.wasRemoved() && viewModel.records().isEmpty()) {
                    chart.clear();
                }
                for (IterationRecord r : change.getAddedSubList()) {
                    chart.plot(r);
                }
            }
        });
        for (OptimizationMethod m : OptimizationMethod.values()) {
            viewModel.latestProperty(m).addListener((obs, old, x) -> {
                if (m == shownResult.getValue()) {
                    showInput(x);
                }
            });
            viewModel.resultProperty(m).addListener((obs, old, r) -> {
                if (r != null && (shownResult.getValue() == m || viewModel.resultProperty(shownResult.getValue()).get() == null)) {
                    shownResult.setValue(m);
                }
                if (m == shownResult.getValue()) {
                    showResult();
                }
            });
        }
        shownResult.setValue(OptimizationMethod.GAUSS_NEWTON);
        shownResult.valueProperty().addListener((obs, old, m) -> showResult());
        showResult();
    }

    /** Names of the output's elements (a classifier's classes), shown beside the target class; null for none. */
    public void setClassNames(List<String> names) {
        classNames = names;
        showClassName();
    }

    private void showClassName() {
        int c = viewModel.targetClassProperty().get();
        className.setText(classNames != null && c >= 0 && c < classNames.size() ? "= " + classNames.get(c) : "");
    }

    public OptimizationViewModel viewModel() {
        return viewModel;
    }

    private Node controls() {
        ToggleGroup mode = new ToggleGroup();
        RadioButton values = new RadioButton("Output values");
        RadioButton cls = new RadioButton("Class (maximise its margin)");
        values.setToggleGroup(mode);
        cls.setToggleGroup(mode);
        values.setSelected(viewModel.targetModeProperty().get() == OptimizationViewModel.TargetMode.VALUES);
        cls.setSelected(!values.isSelected());
        mode.selectedToggleProperty().addListener((obs, old, t) -> viewModel.targetModeProperty().set(
            t == cls ? OptimizationViewModel.TargetMode.CLASS : OptimizationViewModel.TargetMode.VALUES));
        viewModel.targetModeProperty().addListener((obs, old, m) -> (m == OptimizationViewModel.TargetMode.CLASS ? cls : values).setSelected(true));

        TextArea valuesArea = new TextArea();
        valuesArea.setPrefRowCount(3);
        valuesArea.setWrapText(true);
        valuesArea.textProperty().bindBidirectional(viewModel.targetValuesProperty());
        valuesArea.setTooltip(new Tooltip("One value per output element, separated by commas or spaces. "
            + "It starts as the sample's current output."));
        valuesArea.disableProperty().bind(cls.selectedProperty());
        Button resetValues = new Button("Current output");
        resetValues.setOnAction(e -> viewModel.targetValuesProperty().set(OptimizationViewModel.format(viewModel.startOutput())));
        resetValues.disableProperty().bind(cls.selectedProperty());

        int classes = viewModel.startOutput().length;
        Spinner<Integer> classSpinner = new Spinner<>(0, Math.max(0, classes - 1), viewModel.targetClassProperty().get());
        classSpinner.setEditable(true);
        classSpinner.setPrefWidth(80);
        classSpinner.valueProperty().addListener((obs, old, v) -> viewModel.targetClassProperty().set(v));
        viewModel.targetClassProperty().addListener((obs, old, v) -> classSpinner.getValueFactory().setValue(v.intValue()));
        TextField marginField = new TextField(Double.toString(viewModel.marginProperty().get()));
        marginField.setPrefColumnCount(5);
        marginField.textProperty().addListener((obs, old, text) -> {
            try {
                viewModel.marginProperty().set(Double.parseDouble(text.trim()));
            } catch (NumberFormatException ignored) {
                viewModel.marginProperty().set(Double.NaN); // reported on Run
            }
        });
        viewModel.marginProperty().addListener((obs, old, v) -> {
            if (!Double.isNaN(v.doubleValue()) && !marginField.isFocused()) {
                marginField.setText(Double.toString(v.doubleValue()));
            }
        });
        GridPane classRow = new GridPane();
        classRow.setHgap(6);
        classRow.addRow(0, new Label("Class"), classSpinner, new Label("margin"), marginField);
        className.setId("targetClassName");
        classRow.add(className, 1, 1, 3, 1);
        viewModel.targetClassProperty().addListener((obs, old, v) -> showClassName());
        classRow.disableProperty().bind(values.selectedProperty());

        TextField fixedField = new TextField();
        fixedField.textProperty().bindBidirectional(viewModel.fixedElementsProperty());
        fixedField.setPromptText("none, or e.g. 0-27, 100");
        fixedField.setTooltip(new Tooltip("Input elements (flat indices, 0 to " + (viewModel.start().length - 1)
            + ") that keep their start value."));
        HBox fixedRow = new HBox(6, new Label("Hold fixed"), fixedField);
        fixedRow.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(fixedField, Priority.ALWAYS);

        VBox target = new VBox(6, values, valuesArea, resetValues, cls, classRow, fixedRow);
        TitledPane targetPane = new TitledPane("Target", target);
        targetPane.setCollapsible(false);

        PropertySheet sheet = new PropertySheet(FXCollections.observableArrayList(viewModel.settings().items()));
        sheet.setMode(PropertySheet.Mode.CATEGORY);
        List<String> order = viewModel.settings().items().stream().map(PropertySheet.Item::getCategory).distinct().toList();
        sheet.setCategoryComparator(Comparator.comparingInt(order::indexOf));
        sheet.setModeSwitcherVisible(false);
        sheet.setSearchBoxVisible(false);
        sheet.setPrefHeight(330);
        TitledPane settingsPane = new TitledPane("Methods", sheet);
        settingsPane.setCollapsible(false);
        VBox.setVgrow(settingsPane, Priority.ALWAYS);

        Button run = new Button("Run");
        run.setDefaultButton(true);
        run.setOnAction(e -> viewModel.run());
        run.disableProperty().bind(viewModel.runningProperty());
        Button stop = new Button("Stop");
        stop.setOnAction(e -> viewModel.stop());
        stop.disableProperty().bind(viewModel.runningProperty().not());
        run.setMaxWidth(Double.MAX_VALUE);
        stop.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(run, Priority.ALWAYS);
        HBox.setHgrow(stop, Priority.ALWAYS);
        HBox buttons = new HBox(8, run, stop);

        Label status = new Label();
        status.textProperty().bind(viewModel.statusProperty());
        status.setWrapText(true);
        status.setMaxWidth(320);

        VBox box = new VBox(8, targetPane, settingsPane, buttons, status);
        box.setPadding(new Insets(8));
        box.setPrefWidth(340);
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.setPrefWidth(360);
        return scroll;
    }

    private Node details() {
        TableView<IterationRecord> table = new TableView<>(viewModel.records());
        table.setId("iterations");
        table.getColumns().add(Columns.column("method", 70, r -> r.method().id()));
        table.getColumns().add(Columns.column("iter", 45, r -> Integer.toString(r.iteration())));
        table.getColumns().add(Columns.column("cost", 95, r -> Columns.sci(r.cost())));
        table.getColumns().add(Columns.column("cost change", 95, r -> Columns.sci(r.costChange())));
        table.getColumns().add(Columns.column("|gradient|", 90, r -> Columns.sci(r.gradientNorm())));
        table.getColumns().add(Columns.column("|step|", 90, r -> Columns.sci(r.stepNorm())));
        table.getColumns().add(Columns.column("gain ratio", 80, r -> Columns.fixed(r.gainRatio())));
        table.getColumns().add(Columns.column("ls evals", 60, r -> r.method() == OptimizationMethod.LBFGS ? Integer.toString(r.lineSearchEvaluations()) : ""));
        table.getColumns().add(Columns.column("damping", 85, r -> Columns.sci(r.damping())));
        table.getColumns().add(Columns.column("step size", 85, r -> Columns.sci(r.stepSize())));
        table.getColumns().add(Columns.column("accepted", 65, r -> r.accepted() ? "yes" : "no"));
        table.getColumns().add(Columns.column("time ms", 70, r -> String.format(Locale.ROOT, "%.1f", r.timeMillis())));
        table.setPlaceholder(new Label("Press Run to start."));
        viewModel.records().addListener((ListChangeListener<IterationRecord>) c -> {
            if (!viewModel.records().isEmpty()) {
                table.scrollTo(viewModel.records().size() - 1);
            }
        });

        Button use = new Button("Use result as sample");
        use.setTooltip(new Tooltip("Load the optimized input as the current sample, e.g. to inspect its Jacobian."));
        use.setOnAction(e -> viewModel.useResultAsSample(shownResult.getValue()));
        use.disableProperty().bind(Bindings.createBooleanBinding(
            () -> viewModel.resultProperty(shownResult.getValue()).get() == null,
            shownResult.valueProperty(), viewModel.resultProperty(OptimizationMethod.GAUSS_NEWTON),
            viewModel.resultProperty(OptimizationMethod.LBFGS)));
        shownResult.setConverter(new StringConverter<>() {
            @Override
            public String toString(OptimizationMethod m) {
                return m == null ? "" : m.label();
            }

            @Override
            public OptimizationMethod fromString(String s) {
                return null;
            }
        });
        HBox header = new HBox(8, new Label("Result of"), shownResult, use);
        header.setAlignment(Pos.CENTER_LEFT);
        resultSummary.setWrapText(true);
        resultSummary.setMinHeight(Region.USE_PREF_SIZE);

        outputTable.getColumns().add(Columns.arrayColumn("output", 60, v -> Integer.toString((int) v[0])));
        outputTable.getColumns().add(Columns.arrayColumn("target", 90, v -> Double.isNaN(v[1]) ? "" : Columns.sci(v[1])));
        outputTable.getColumns().add(Columns.arrayColumn("before", 90, v -> Columns.sci(v[2])));
        outputTable.getColumns().add(Columns.arrayColumn("after", 90, v -> Double.isNaN(v[3]) ? "" : Columns.sci(v[3])));
        outputTable.setPrefWidth(340);
        outputTable.setPlaceholder(new Label("No result yet."));
        VBox outputs = new VBox(4, new Label("Output"), outputTable);
        VBox.setVgrow(outputTable, Priority.ALWAYS);
        VBox inputs = new VBox(4, new Label("Input (" + Tensor.shapeToString(viewModel.sampleInputShape()) + ")"), inputView);
        HBox beforeAfter = new HBox(16, inputs, outputs);
        HBox.setHgrow(inputs, Priority.ALWAYS);
        VBox compare = new VBox(8, header, resultSummary, beforeAfter);
        compare.setPadding(new Insets(8));
        VBox.setVgrow(beforeAfter, Priority.ALWAYS);

        Tab iterationsTab = new Tab("Iterations", table);
        Tab compareTab = new Tab("Before / after", compare);
        TabPane tabs = new TabPane(iterationsTab, compareTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    private void showResult() {
        OptimizationMethod m = shownResult.getValue();
        OptimizationResult r = m == null ? null : viewModel.resultProperty(m).get();
        resultSummary.setText(r == null ? "" : r.summary() + " Derivatives: " + r.derivativeSource() + ".");
        double[] before = viewModel.startOutput();
        double[] after = r == null ? null : r.output();
        double[] target = null;
        try {
            if (viewModel.targetModeProperty().get() == OptimizationViewModel.TargetMode.VALUES) {
                target = ((Target.Values) viewModel.target()).t();
            }
        } catch (RuntimeException ignored) {
            // an unparsable target shows as blank
        }
        ObservableList<double[]> rows = FXCollections.observableArrayList();
        for (int i = 0; i < before.length; i++) {
            rows.add(new double[] {i, target == null ? Double.NaN : target[i], before[i],
                after == null || after.length <= i ? Double.NaN : after[i]});
        }
        outputTable.setItems(rows);
        showInput(r == null ? viewModel.latestProperty(m == null ? OptimizationMethod.GAUSS_NEWTON : m).get() : r.x());
    }

    private void showInput(double[] after) {
        double[] before = viewModel.start();
        long[] shape = viewModel.sampleInputShape();
        inputView.getChildren().clear();
        int[] hw = BeforeAfterImages.imageSize(shape);
        if (hw != null) {
            int channels = before.length / (hw[0] * hw[1]);
            HBox images = new HBox(10, BeforeAfterImages.captioned("before", BeforeAfterImages.image(before, null, hw, channels)));
            if (after != null) {
                images.getChildren().add(BeforeAfterImages.captioned("after", BeforeAfterImages.image(after, before, hw, channels)));
                images.getChildren().add(BeforeAfterImages.captioned("change", BeforeAfterImages.difference(before, after, hw, channels)));
            }
            inputView.getChildren().add(images);
        } else {
            TableView<double[]> table = new TableView<>();
            table.getColumns().add(Columns.arrayColumn("element", 60, v -> Integer.toString((int) v[0])));
            table.getColumns().add(Columns.arrayColumn("before", 90, v -> Columns.sci(v[1])));
            table.getColumns().add(Columns.arrayColumn("after", 90, v -> Double.isNaN(v[2]) ? "" : Columns.sci(v[2])));
            table.getColumns().add(Columns.arrayColumn("change", 90, v -> Double.isNaN(v[2]) ? "" : Columns.sci(v[2] - v[1])));
            ObservableList<double[]> rows = FXCollections.observableArrayList();
            for (int i = 0; i < before.length; i++) {
                rows.add(new double[] {i, before[i], after == null ? Double.NaN : after[i]});
            }
            table.setItems(rows);
            table.setPrefHeight(200);
            inputView.getChildren().add(table);
        }
    }


}
