package org.jacobi.ui.inputs;

import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * A d/d or "of" chooser: the model's inputs (or outputs), then the values inside the graph grouped by module with their
 * shapes from one forward run ({@link ValueChoices}), and a filter field, since real models have thousands of values.
 */
final class ValueChooser extends HBox {
    private final StringProperty chosen;
    private final ObservableList<String> first;
    private final ObservableList<String> inside;
    private final ReadOnlyObjectProperty<Map<String, String>> shapes;
    private final ComboBox<ValueChoices.Entry> box = new ComboBox<>();
    private final TextField filter = new TextField();
    private boolean updating;

    /** @param probeShapes asks for {@code shapes} (once the pointer or the focus comes near the list) */
    ValueChooser(String id, StringProperty chosen, ObservableList<String> first, ObservableList<String> inside,
                 ReadOnlyObjectProperty<Map<String, String>> shapes, Runnable probeShapes) {
        super(4);
        this.chosen = chosen;
        this.first = first;
        this.inside = inside;
        this.shapes = shapes;
        setAlignment(Pos.CENTER_LEFT);
        box.setId(id);
        box.setVisibleRowCount(16);
        box.setMaxWidth(Double.MAX_VALUE);
        box.setPrefWidth(120);
        HBox.setHgrow(box, Priority.ALWAYS);
        box.setCellFactory(v -> new EntryCell(true));
        box.setButtonCell(new EntryCell(false));
        box.setOnShowing(e -> probeShapes.run());
        filter.setId(id + "Filter");
        filter.setPromptText("filter");
        filter.setPrefColumnCount(4);
        filter.setTooltip(new Tooltip("Show only the values whose name contains this text"));
        getChildren().addAll(box, filter);

        first.addListener((ListChangeListener<String>) c -> refresh());
        inside.addListener((ListChangeListener<String>) c -> refresh());
        // the shapes show once learnt; not while the list is open, which a refresh would reset under the pointer
        shapes.addListener((o, a, b) -> {
            if (!box.isShowing()) {
                refresh();
            }
        });
        box.setOnHidden(e -> refresh());
        // asked for before the list opens, so that they are usually there when it does
        box.setOnMouseEntered(e -> probeShapes.run());
        filter.focusedProperty().addListener((o, a, b) -> probeShapes.run());
        filter.textProperty().addListener((o, a, b) -> {
            refresh();
            if (!b.isBlank()) {
                box.show();
            }
        });
        chosen.addListener((o, a, b) -> select());
        box.valueProperty().addListener((o, a, b) -> {
            if (updating || b == null) {
                return;
            }
            if (b.header()) {
                select(); // a group's header is no value: keep the choice
            } else {
                chosen.set(b.name());
            }
        });
        refresh();
    }

    private void refresh() {
        updating = true;
        try {
            box.getItems().setAll(ValueChoices.entries(first, inside, filter.getText()));
        } finally {
            updating = false;
        }
        select();
    }

    /** Shows the choice: selected in the list, or as the prompt while the filter hides it from the list. */
    private void select() {
        ValueChoices.Entry entry = chosen.get() == null ? null : ValueChoices.Entry.value(chosen.get());
        updating = true;
        try {
            boolean listed = box.getItems().contains(entry);
            box.setValue(listed ? entry : null);
            box.setPromptText(listed || entry == null ? null : entry.name());
        } finally {
            updating = false;
        }
    }

    /** An entry: a header in bold, not choosable; a value with its shape when known (in the list, not on the button). */
    private final class EntryCell extends ListCell<ValueChoices.Entry> {
        private final boolean inList;

        EntryCell(boolean inList) {
            this.inList = inList;
        }

        @Override
        protected void updateItem(ValueChoices.Entry item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setText(inList ? null : box.getPromptText()); // the button shows a choice the filter hides as the prompt
                setDisable(false);
                setStyle("");
                return;
            }
            String shape = shapes.get().get(item.name());
            setText(item.header() ? item.name() : (inList && !first.contains(item.name()) ? "  " : "") + item.name()
                + (inList && shape != null ? "  " + shape : ""));
            setDisable(item.header());
            setStyle(item.header() ? "-fx-font-weight: bold; -fx-opacity: 0.8;" : "");
        }
    }
}
