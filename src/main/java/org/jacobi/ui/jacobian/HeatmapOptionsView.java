package org.jacobi.ui.jacobian;

import javafx.geometry.Insets;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import org.jacobi.analysis.ColorMaps;

/** The Heatmap panel of the side bar: colour map, one scale for all samples, symmetric log scale. */
public final class HeatmapOptionsView extends GridPane {
    public HeatmapOptionsView(JacobianViewModel vm) {
        setHgap(6);
        setVgap(5);
        setPadding(new Insets(10)); // as a plain GridPane gets inside a TitledPane
        ComboBox<ColorMaps> map = new ComboBox<>();
        map.getItems().setAll(ColorMaps.heatmapChoices());
        map.valueProperty().bindBidirectional(vm.colorMapProperty());
        map.setId("colorMapChoice");
        addRow(0, new Label("Colours"), map);
        CheckBox shared = new CheckBox("Same scale for all samples");
        shared.selectedProperty().bindBidirectional(vm.sharedScaleProperty());
        shared.setId("sharedScale");
        add(shared, 0, 1, 2, 1);
        CheckBox symlog = new CheckBox("Symmetric log scale");
        symlog.selectedProperty().bindBidirectional(vm.symlogProperty());
        symlog.setId("symlog");
        add(symlog, 0, 2, 2, 1);
    }
}
