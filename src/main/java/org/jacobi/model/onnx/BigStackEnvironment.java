package org.jacobi.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;
import org.jacobi.core.JacobiException;

/**
 * ONNX Runtime's environment, created once per JVM on a thread with a large stack. ONNX Runtime 1.29's
 * {@code OrtEnvironment.getEnvironment()} overflowed a 1 MB thread stack when the JVM command line was long
 * (seen from about 5.6 KB on, as in Spark executors started with many options), a crash without an error
 * report; once created, every thread may use it.
 */
public final class BigStackEnvironment {
    private static final long STACK_BYTES = 16L << 20;
    private static volatile OrtEnvironment environment;

    private BigStackEnvironment() {
    }

    public static OrtEnvironment get() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (BigStackEnvironment.class) {
            if (environment == null) {
                AtomicReference<Object> made = new AtomicReference<>();
                Thread t = new Thread(null, () -> {
                    try {
                        made.set(OrtEnvironment.getEnvironment());
                    } catch (RuntimeException | LinkageError e) {
                        made.set(e);
                    }
                }, "jacobi-ort-environment", STACK_BYTES);
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JacobiException("Interrupted while starting ONNX Runtime.", e);
                }
                if (made.get() instanceof OrtEnvironment e) {
                    environment = e;
                } else {
                    Throwable cause = (Throwable) made.get();
                    throw new JacobiException("ONNX Runtime could not start: " + cause, cause);
                }
            }
            return environment;
        }
    }
}
