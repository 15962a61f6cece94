package org.jacobi.jacobian;

import java.util.Locale;
import org.jacobi.core.JacobiException;

/**
 * How a Jacobian is computed. {@code AUTO} picks forward mode when the input has no more elements than
 * the output, else reverse (the ONNX engine also weighs {@code MIXED}, by a cost model of the graph);
 * {@code MIXED} is reverse mode up to a bottleneck value and forward mode after it (ONNX only);
 * {@code FD} is batched central finite differences, always approximate.
 */
public enum JacobianMode {
    AUTO("auto"), FORWARD("forward"), REVERSE("reverse"), MIXED("mixed"), FD("finite differences");

    private final String label;

    JacobianMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The exact mode AUTO stands for, given the element counts of one sample's input and output. */
    public static JacobianMode choose(long inputElements, long outputElements) {
        return inputElements <= outputElements ? FORWARD : REVERSE;
    }

    public static JacobianMode parse(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "auto": return AUTO;
            case "forward": case "fwd": case "jvp": return FORWARD;
            case "reverse": case "rev": case "vjp": return REVERSE;
            case "mixed": return MIXED;
            case "fd": case "finite": return FD;
            default: throw JacobiException.usage("Unknown mode '" + text + "'. Use auto, forward, reverse, mixed or fd.");
        }
    }
}
