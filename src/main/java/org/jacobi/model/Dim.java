package org.jacobi.model;

import java.util.Objects;

/**
 * One dimension of a declared tensor shape: a fixed size, a named dynamic axis (ONNX {@code dim_param},
 * e.g. "batch"), or unknown.
 */
public final class Dim {
    private final long size;
    private final String symbol;

    private Dim(long size, String symbol) {
        this.size = size;
        this.symbol = symbol;
    }

    public static Dim fixed(long size) {
        return new Dim(size, null);
    }

    public static Dim symbolic(String name) {
        return new Dim(-1, name);
    }

    public static Dim unknown() {
        return new Dim(-1, null);
    }

    public boolean isFixed() {
        return size >= 0;
    }

    public boolean isDynamic() {
        return size < 0;
    }

    /** The fixed size, or -1 for a dynamic axis. */
    public long size() {
        return size;
    }

    /** The axis name of a symbolic dimension, or null. */
    public String symbol() {
        return symbol;
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(size) : symbol != null ? symbol : "?";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dim && ((Dim) o).size == size && Objects.equals(((Dim) o).symbol, symbol);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + Objects.hashCode(symbol);
    }
}
