package org.jacobi.core;

/**
 * The exact engine cannot differentiate this model (an operator without a rule, say). The message names
 * the operator, the node and the mode. In AUTO mode callers may fall back to finite differences.
 */
public class NotDifferentiableException extends JacobiException {
    public NotDifferentiableException(String message) {
        super(message);
    }

    public NotDifferentiableException(String message, Throwable cause) {
        super(message, cause);
    }
}
