package org.jacobi.core;

/** Thrown when the user cancelled long work; not an error, so callers usually report it quietly. */
public final class CancelledException extends JacobiException {
    public CancelledException() {
        super("Cancelled.");
    }
}
