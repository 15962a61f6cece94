package org.jacobi.ui.whatif;

import java.util.Locale;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jacobi.core.JacobiException;
import org.jacobi.ui.AppState;

/** The "What if" tab: a slider and a field per input element, the outputs beside them. */
public final class WhatIfView extends VBox {
    private final WhatIfViewModel vm;
    private final AppState state;
    private final GridPane table = new GridPane();

    public WhatIfView(WhatIfViewModel vm, AppState state) {
        super(6);
        this.vm = vm;
        this.state = state;
        Label note = new Label("Edit the selected sample: drag a slider or type a value, and the outputs and the Jacobian "
            + "update. Available for inputs of up to " + WhatIfViewModel.MAX_ELEMENTS + " elements per sample.");
        note.setWrapText(true);
        table.setHgap(8);
        table.setVgap(3);
        table.setId("whatIfTable");
        ListView<String> outputs = new ListView<>(vm.outputs());
        outputs.setPrefWidth(260);
        outputs.setId("whatIfOutputs");
        vm.rows().addListener((ListChangeListener<WhatIfRow>) c -> rebuild());
        state.sampleCountProperty().addListener((o, a, b) -> rebuild());
        state.wrtProperty().addListener((o, a, b) -> rebuild());
        state.inputsProperty().addListener((o, a, b) -> rebuild()); // a new input of the same name and count too
        ScrollPane tableScroll = new ScrollPane(table);
        tableScroll.setFitToWidth(true);
        VBox right = new VBox(4, bold("outputs of the selected sample"), outputs);
        VBox.setVgrow(outputs, Priority.ALWAYS);
        HBox body = new HBox(10, tableScroll, right);
        HBox.setHgrow(tableScroll, Priority.ALWAYS);
        getChildren().addAll(note, body);
        VBox.setVgrow(body, Priority.ALWAYS);
        setPadding(new Insets(6));
        rebuild();
    }

    private void rebuild() {
        table.getChildren().clear();
        int row = 0;
        if (vm.rows().isEmpty()) {
            double[] x = state.selectedInputSample();
            table.add(new Label(x == null ? "No input yet: drop an input file (tensor, photo) or generate samples in the Input panel."
                : "Input '" + state.wrtProperty().get() + "' has " + x.length + " elements per sample: too many for the table (at most "
                + WhatIfViewModel.MAX_ELEMENTS + ")."), 0, 0);
            return;
        }
        table.addRow(row++, bold("input"), bold("value"), bold(""));
        for (WhatIfRow r : vm.rows()) {
            Slider slider = new Slider(r.min(), r.max(), r.valueProperty().get());
            slider.setPrefWidth(260);
            slider.valueProperty().bindBidirectional(r.valueProperty());
            TextField field = new TextField(format(r.valueProperty().get()));
            field.setPrefColumnCount(9);
            r.valueProperty().addListener((o, a, b) -> {
                if (!field.isFocused()) {
                    field.setText(format(b.doubleValue()));
                }
            });
            field.setOnAction(e -> {
                try {
                    r.valueProperty().set(Double.parseDouble(field.getText().trim()));
                } catch (NumberFormatException ex) {
                    state.showError(JacobiException.usage("'" + field.getText() + "' is not a number."));
                }
            });
            table.addRow(row++, new Label(r.label()), field, slider);
        }
    }

    private static Label bold(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.5g", v);
    }
}
