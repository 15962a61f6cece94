package org.jacobi.ui.optim;

import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TableColumn;
import org.jacobi.optim.IterationRecord;

/** Table columns and number formats of the Optimize tab. */
final class Columns {
    private Columns() {
    }

    static TableColumn<IterationRecord, String> column(String title, double width, Function<IterationRecord, String> text) {
        TableColumn<IterationRecord, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(text.apply(cell.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);
        return c;
    }

    static TableColumn<double[], String> arrayColumn(String title, double width, Function<double[], String> text) {
        TableColumn<double[], String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(text.apply(cell.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);
        return c;
    }

    static String sci(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3e", v);
    }

    static String fixed(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }}
