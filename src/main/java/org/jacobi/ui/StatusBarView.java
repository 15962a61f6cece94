package org.jacobi.ui;

import java.util.Locale;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;
import org.jacobi.ui.heatmap.HeatmapView;
import org.jacobi.ui.task.TaskExecutor;

/** The status bar: what runs (with progress and Cancel), else the hovered heatmap cell; the method and warnings. */
final class StatusBarView extends StatusBar {
    StatusBarView(MainViewModel vm, HeatmapView heatmap) {
        TaskExecutor ex = vm.executor();
        setId("statusBar");
        textProperty().bind(Bindings.createStringBinding(() -> {
            if (ex.runningProperty().get()) {
                return ex.messageProperty().get();
            }
            int row = heatmap.hoverRowProperty().get();
            int col = heatmap.hoverColProperty().get();
            if (row < 0 || col < 0 || heatmap.getData() == null) {
                return "Ready";
            }
            String cell = "d " + heatmap.getData().rowLabel().apply(row) + " / d " + heatmap.getData().colLabel().apply(col);
            return heatmap.getData().hasRow(row) ? cell + " = " + String.format(Locale.ROOT, "%.6g", heatmap.getData().value(row, col))
                : cell + ": not computed yet";
        }, ex.runningProperty(), ex.messageProperty(), heatmap.hoverTextProperty(),
            heatmap.hoverRowProperty(), heatmap.hoverColProperty(), heatmap.dataProperty()));
        progressProperty().bind(Bindings.when(ex.runningProperty()).then(ex.progressProperty()).otherwise(0.0));
        Button cancel = new Button("Cancel");
        cancel.setId("cancelButton");
        cancel.disableProperty().bind(ex.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        Label method = new Label();
        method.setId("methodLabel");
        method.textProperty().bind(Bindings.when(vm.approximateProperty())
            .then(Bindings.concat("⚠ ", vm.methodTextProperty())).otherwise(vm.methodTextProperty()));
        method.styleProperty().bind(Bindings.when(vm.approximateProperty())
            .then("-fx-text-fill: #b35900; -fx-font-weight: bold;").otherwise("-fx-font-weight: bold;"));
        Label warnings = new Label();
        warnings.setId("warningsLabel");
        warnings.textProperty().bind(Bindings.createStringBinding(() -> vm.warningsTextProperty().get().isEmpty() ? ""
            : "⚠ " + vm.warningsTextProperty().get().lines().findFirst().orElse(""), vm.warningsTextProperty()));
        warnings.setStyle("-fx-text-fill: #b35900;");
        warnings.setMaxWidth(420);
        warnings.setPadding(new Insets(0, 14, 0, 0));
        method.setPadding(new Insets(0, 8, 0, 0));
        Tooltip wt = new Tooltip();
        wt.textProperty().bind(vm.warningsTextProperty());
        warnings.setTooltip(wt);
        Label deviceNote = new Label();
        deviceNote.setId("deviceNote");
        deviceNote.setStyle("-fx-text-fill: #555;");
        deviceNote.setPadding(new Insets(0, 14, 0, 0));
        deviceNote.managedProperty().bind(deviceNote.visibleProperty());
        deviceNote.setVisible(false);
        PauseTransition hide = new PauseTransition(Duration.seconds(10));
        hide.setOnFinished(e -> deviceNote.setVisible(false));
        vm.deviceNoteProperty().addListener((o, a, b) -> {
            if (!b.isEmpty() && deviceNote.getText().isEmpty()) { // said once per window: it does not change while it runs
                deviceNote.setText("ⓘ " + b);
                deviceNote.setVisible(true);
                hide.playFromStart();
            }
        });
        Tooltip mt = new Tooltip();
        mt.textProperty().bind(Bindings.when(vm.deviceNoteProperty().isEmpty()).then("How the Jacobian was computed, and where")
            .otherwise(Bindings.concat("How the Jacobian was computed, and where. ", vm.deviceNoteProperty())));
        method.setTooltip(mt);
        getRightItems().addAll(deviceNote, warnings, method, cancel);
    }
}
