package org.jacobi.ui.modelinfo;

import java.util.ArrayList;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.AppState;

/** The Model panel of the side bar: the summary, and the batch axis of an input, chosen by the user. */
public final class ModelSummaryView extends VBox {
    private final ModelSummaryViewModel vm;
    private final ComboBox<String> input = new ComboBox<>();
    private final ComboBox<String> axis = new ComboBox<>();
    private boolean showing;

    public ModelSummaryView(ModelSummaryViewModel vm, AppState state) {
        super(4);
        this.vm = vm;
        Label summary = new Label();
        summary.setId("modelSummary");
        summary.setWrapText(true);
        summary.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
        summary.setPadding(new Insets(2, 4, 2, 4));
        summary.textProperty().bind(vm.textProperty());

        input.setId("batchAxisInput");
        input.setItems(vm.inputNames());
        axis.setId("batchAxisChoice");
        axis.setTooltip(new Tooltip("The axis of this input that holds independent samples (none: the whole input is one sample);"
            + " found from the model's shapes, e.g. axis 1 of a state [layers, batch, hidden]. Same as --batch-axis NAME=AXIS."));
        HBox row = new HBox(6, new Label("Batch axis of"), input, axis);
        row.setAlignment(Pos.CENTER_LEFT);
        row.setPadding(new Insets(0, 4, 2, 4));
        row.visibleProperty().bind(state.modelInfoProperty().isNotNull());
        row.managedProperty().bind(row.visibleProperty());
        getChildren().addAll(summary, row);

        vm.inputNames().addListener((ListChangeListener<String>) c -> {
            if (!vm.inputNames().isEmpty()) {
                input.getSelectionModel().select(0);
            }
        });
        input.valueProperty().addListener((o, a, b) -> show(state));
        state.batchAxisProperty().addListener((o, a, b) -> show(state));
        axis.valueProperty().addListener((o, a, b) -> {
            if (!showing && b != null && input.getValue() != null) {
                vm.setBatchAxis(input.getValue(), b.equals("none") ? BatchAxis.NO_AXIS : Integer.parseInt(b));
            }
        });
    }

    /** Shows the chosen input's axes (none, 0, ... up to its rank) with its current one selected. */
    private void show(AppState state) {
        String name = input.getValue();
        TensorSpec spec = name == null || state.modelInfoProperty().get() == null ? null : state.modelInfoProperty().get().input(name);
        showing = true;
        try {
            List<String> choices = new ArrayList<>(List.of("none"));
            int rank = spec == null || spec.dims() == null ? 4 : spec.dims().size();
            for (int i = 0; i < rank; i++) {
                choices.add(Integer.toString(i));
            }
            axis.getItems().setAll(choices);
            axis.setValue(name == null ? null : BatchAxis.label(vm.batchAxis(name)));
        } finally {
            showing = false;
        }
    }
}
