package org.jacobi.ui.modelinfo;

import javafx.geometry.Insets;
import javafx.scene.control.Label;

/** The Model panel of the side bar. */
public final class ModelSummaryView extends Label {
    public ModelSummaryView(ModelSummaryViewModel vm) {
        setId("modelSummary");
        setWrapText(true);
        setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
        setPadding(new Insets(2, 4, 2, 4));
        textProperty().bind(vm.textProperty());
    }
}
