package org.jacobi.ui.whatif;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;

/** One element of the current sample in the "what if" table: its label, value and slider range. */
public final class WhatIfRow {
    private final int index;
    private final String label;
    private final DoubleProperty value;
    private final double min;
    private final double max;

    public WhatIfRow(int index, String label, double value) {
        this.index = index;
        this.label = label;
        this.value = new SimpleDoubleProperty(this, "value", value);
        double span = Math.max(3, 3 * Math.abs(value));
        this.min = Math.floor(Math.min(-span, value - 1));
        this.max = Math.ceil(Math.max(span, value + 1));
    }

    public int index() {
        return index;
    }

    public String label() {
        return label;
    }

    public DoubleProperty valueProperty() {
        return value;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }
}
