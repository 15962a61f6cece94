package org.jacobi.ui.gsa;

import java.util.List;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One row of the distribution editor: an element of the varied input, its reference value and its distribution. */
public final class DistributionRow {
    /** The kinds the editor offers, as the compact text form names them. */
    public static final List<String> KINDS = List.of("uniform", "normal", "truncnormal", "lognormal",
        "triangular", "around", "fixed");

    private final int index;
    private final String label;
    private final double reference;
    private final StringProperty kind = new SimpleStringProperty();
    private final StringProperty parameters = new SimpleStringProperty();

    public DistributionRow(int index, String label, double reference, String kind, String parameters) {
        this.index = index;
        this.label = label;
        this.reference = reference;
        this.kind.set(kind);
        this.parameters.set(parameters);
    }

    public int index() {
        return index;
    }

    public String label() {
        return label;
    }

    public double reference() {
        return reference;
    }

    public StringProperty kindProperty() {
        return kind;
    }

    public StringProperty parametersProperty() {
        return parameters;
    }

    /** {@code 3=normal:0,0.1}; a bare kind when there are no parameters ({@code 3=fixed}). */
    public String spec() {
        String p = parameters.get() == null ? "" : parameters.get().strip();
        return index + "=" + kind.get() + (p.isEmpty() ? "" : ":" + p);
    }

    /** Sets kind and parameters from a spec body such as {@code uniform:0,1}. */
    public void setSpec(String body) {
        int colon = body.indexOf(':');
        kind.set(colon < 0 ? body : body.substring(0, colon));
        parameters.set(colon < 0 ? "" : body.substring(colon + 1));
    }
}
