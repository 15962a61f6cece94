package org.jacobi.compare;

import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.model.TensorSpec;

/**
 * Two models cannot be fed the same inputs (or their outputs cannot be paired) as named. Carries both sides
 * and a suggested mapping, so the app can offer the mapping for the user to confirm and the command line can
 * print it as {@code --map} options.
 */
public final class ModelMismatchException extends JacobiException {
    private final List<TensorSpec> sideA;
    private final List<TensorSpec> sideB;
    private final NameMapping suggestion;

    ModelMismatchException(String message, List<TensorSpec> sideA, List<TensorSpec> sideB, NameMapping suggestion) {
        super(message, null, 2);
        this.sideA = List.copyOf(sideA);
        this.sideB = List.copyOf(sideB);
        this.suggestion = suggestion;
    }

    /** Model A's inputs or outputs, whichever did not match. */
    public List<TensorSpec> sideA() {
        return sideA;
    }

    /** Model B's inputs or outputs, whichever did not match. */
    public List<TensorSpec> sideB() {
        return sideB;
    }

    /** A mapping that would pair every tensor, or one that pairs what it can. */
    public NameMapping suggestion() {
        return suggestion;
    }

    static String describe(List<TensorSpec> specs) {
        return specs.stream().map(s -> s.name() + " " + s.shapeText()).toList().toString();
    }
}
