package org.jacobi.jacobian;

import java.util.Locale;
import org.jacobi.core.JacobiException;

/**
 * Allocates the float array a Jacobian is written into, or says clearly why it cannot: more elements than one Java
 * array holds, or more bytes than the Java heap has left (an OutOfMemoryError would otherwise surface as an
 * internal error, or take the app down).
 */
public final class JacobianArrays {
    /** Room left on the heap for everything else a computation allocates next to the Jacobian. */
    private static final double HEAP_SHARE = 0.8;

    private JacobianArrays() {
    }

    public static float[] allocate(long elements) {
        if (elements > Integer.MAX_VALUE - 8) {
            throw new JacobiException("The Jacobian would have " + elements + " elements, more than one array can hold. "
                + "Use fewer samples or a smaller output (--of).");
        }
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long bytes = elements * Float.BYTES;
        if (bytes > HEAP_SHARE * available) {
            System.gc(); // what is free but not yet collected counts as used above
            available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        if (bytes > HEAP_SHARE * available) {
            throw new JacobiException(String.format(Locale.ROOT,
                "The Jacobian needs %.0f MiB, and Java has %.0f MiB left. Use fewer samples or a smaller output (--of), "
                    + "or give Java more memory (JACOBI_JAVA_OPTS=-Xmx8g).", bytes / 1048576.0, available / 1048576.0));
        }
        try {
            return new float[(int) elements];
        } catch (OutOfMemoryError e) {
            throw new JacobiException(String.format(Locale.ROOT,
                "The Jacobian needs %.0f MiB, more than Java could allocate. Use fewer samples or a smaller output (--of), "
                    + "or give Java more memory (JACOBI_JAVA_OPTS=-Xmx8g).", bytes / 1048576.0));
        }
    }
}
