package org.jacobi.ui.inputs;

import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import org.jacobi.analysis.SampleGenerator;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;

/** The Input panel of the side bar: the sample, what is differentiated, mode and device, generation and image options. */
public final class InputsView extends GridPane {
    private final AppState state;

    public InputsView(Workspace workspace, InputsViewModel vm, Runnable chooseInput) {
        this.state = workspace.state();
        setHgap(6);
        setVgap(5);
        setPadding(new Insets(10)); // as a plain GridPane gets inside a TitledPane
        int row = 0;
        Label source = new Label();
        source.setId("inputSource");
        source.setWrapText(true);
        source.textProperty().bind(state.inputSourceProperty());
        add(source, 0, row++, 2, 1);

        Spinner<Integer> sample = new Spinner<>();
        sample.setId("sampleSpinner");
        SpinnerValueFactory.IntegerSpinnerValueFactory f = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0);
        f.maxProperty().bind(Bindings.max(0, state.sampleCountProperty().subtract(1)));
        f.valueProperty().addListener((o, a, b) -> {
            if (b != null && b != state.selectedSampleProperty().get()) {
                state.selectedSampleProperty().set(b);
            }
        });
        state.selectedSampleProperty().addListener((o, a, b) -> f.setValue(b.intValue()));
        sample.setValueFactory(f);
        sample.setEditable(true);
        sample.setPrefWidth(90);
        Label of = new Label();
        of.textProperty().bind(Bindings.format("of %d", state.sampleCountProperty()));
        addRow(row++, new Label("Sample"), new HBox(6, sample, of));

        // inputs and outputs first, then the values inside the graph (an embedding's output, the logit before a Sigmoid)
        addRow(row++, unshrunk("d/d input"), new ValueChooser("wrtChoice", state.wrtProperty(), state.wrtChoices(),
            state.valueChoices(), vm.valueShapesProperty(), vm::probeValueShapes));
        addRow(row++, unshrunk("of output"), new ValueChooser("ofChoice", state.ofProperty(), state.ofChoices(),
            state.valueChoices(), vm.valueShapesProperty(), vm::probeValueShapes));
        ComboBox<JacobianMode> mode = new ComboBox<>();
        mode.getItems().setAll(JacobianMode.values());
        mode.valueProperty().bindBidirectional(state.modeProperty());
        mode.setId("modeChoice");
        mode.setTooltip(new Tooltip("AUTO picks forward or reverse mode, with finite differences as a labelled fallback"));
        addRow(row++, new Label("Mode"), mode);
        ComboBox<DevicePreference> device = new ComboBox<>();
        device.getItems().setAll(DevicePreference.values());
        device.valueProperty().bindBidirectional(state.deviceProperty());
        device.setTooltip(new Tooltip("Where the model runs; changing it opens the model again on that device"));
        addRow(row++, new Label("Device"), device);

        Button openInput = new Button("Open Input…");
        openInput.setOnAction(e -> chooseInput.run());
        Button compute = new Button("Compute");
        compute.setId("computeButton");
        compute.setOnAction(e -> workspace.computeFullJacobian());
        compute.disableProperty().bind(state.inputsProperty().isNull());
        add(new HBox(6, openInput, compute), 0, row++, 2, 1);

        add(bold("Generate samples"), 0, row++, 2, 1);
        ComboBox<SampleGenerator.Kind> kind = new ComboBox<>();
        kind.getItems().setAll(SampleGenerator.Kind.values());
        kind.valueProperty().bindBidirectional(vm.generatorKindProperty());
        addRow(row++, new Label("Kind"), kind);
        TextField seed = numberField(Long.toString(vm.generatorSeedProperty().get()), t -> vm.generatorSeedProperty().set(Long.parseLong(t)));
        addRow(row++, new Label("Seed"), seed);
        TextField count = numberField(Integer.toString(vm.generatorCountProperty().get()), t -> vm.generatorCountProperty().set(Integer.parseInt(t)));
        count.setId("generateCount");
        addRow(row++, new Label("Count"), count);
        addSizes(vm, row++);
        Button generate = new Button("Generate");
        generate.setId("generateButton");
        generate.setOnAction(e -> {
            commit(seed);
            commit(count);
            vm.generateSamples();
        });
        add(generate, 1, row++);

        new MediaSettingsForm(vm, state).addTo(this, row);
    }

    /** A label that keeps its whole text when the row beside it is wide. */
    private static Label unshrunk(String text) {
        Label l = new Label(text);
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    /** One box per dynamic axis of the inputs (an image's H and W): filled from the input file, or typed for generating. */
    private void addSizes(InputsViewModel vm, int row) {
        Label label = new Label("Sizes");
        FlowPane boxes = new FlowPane(6, 4);
        boxes.setId("dynamicSizes");
        boxes.setPrefWrapLength(160); // a FlowPane asks for 400 px by default, which squeezes the labels beside it
        Runnable build = () -> {
            boxes.getChildren().clear();
            for (DynamicAxis a : vm.dynamicAxes()) {
                TextField f = numberField(a.sizeProperty().get() > 0 ? Integer.toString(a.sizeProperty().get()) : "",
                    t -> a.sizeProperty().set(t.isEmpty() ? 0 : Integer.parseInt(t)));
                f.setId("size-" + a.input() + "-" + a.axis());
                f.setPrefColumnCount(4);
                f.setPromptText(a.name());
                f.setTooltip(new Tooltip("Axis " + a.axis() + " (" + a.name() + ") of input '" + a.input() + "'"));
                a.sizeProperty().addListener((o, before, now) -> f.setText(now.intValue() > 0 ? Integer.toString(now.intValue()) : ""));
                boxes.getChildren().addAll(new Label(a.input() + " " + a.name()), f);
            }
            label.setVisible(!vm.dynamicAxes().isEmpty());
            boxes.setVisible(!vm.dynamicAxes().isEmpty());
            label.setManaged(label.isVisible());
            boxes.setManaged(boxes.isVisible());
        };
        vm.dynamicAxes().addListener((ListChangeListener<DynamicAxis>) c -> build.run());
        build.run();
        addRow(row, label, boxes);
    }

    static Label bold(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    private TextField numberField(String initial, Consumer<String> setter) {
        TextField t = new TextField(initial);
        t.setPrefColumnCount(8);
        t.setUserData(setter);
        t.setOnAction(e -> commit(t));
        t.focusedProperty().addListener((o, a, b) -> {
            if (!b) {
                commit(t);
            }
        });
        return t;
    }

    @SuppressWarnings("unchecked")
    private void commit(TextField t) {
        try {
            ((Consumer<String>) t.getUserData()).accept(t.getText().trim());
            t.setStyle("");
        } catch (NumberFormatException e) {
            t.setStyle("-fx-border-color: #c0392b;");
            state.showError(JacobiException.usage("'" + t.getText() + "' is not a whole number."));
        }
    }
}
