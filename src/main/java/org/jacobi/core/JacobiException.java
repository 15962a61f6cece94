package org.jacobi.core;

/**
 * The one unchecked exception family of Jacobi. Its message is what a user reads: short, naming what is
 * wrong and, where it helps, what to do. The native or I/O cause is kept for the log and {@code --verbose}.
 */
public class JacobiException extends RuntimeException {
    private final int exitCode;

    public JacobiException(String message) {
        this(message, null, 1);
    }

    public JacobiException(String message, Throwable cause) {
        this(message, cause, 1);
    }

    protected JacobiException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Process exit code for the command line: 2 for usage errors, 1 for everything else. */
    public int exitCode() {
        return exitCode;
    }

    /** A request that cannot work as asked (wrong option combination, wrong shape); exit code 2. */
    public static JacobiException usage(String message) {
        return new JacobiException(message, null, 2);
    }
}
