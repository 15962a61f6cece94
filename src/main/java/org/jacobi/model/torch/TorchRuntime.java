package org.jacobi.model.torch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jacobi.core.BuildInfo;
import org.jacobi.core.CancelledException;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;

/**
 * DJL's PyTorch engine, used from one dedicated daemon thread. libtorch allows one gradient collector per
 * JVM and keeps grad mode per thread, so every native call of Jacobi's TorchScript code (load, forward,
 * backward, close) runs through {@link #call}. The engine starts offline: the natives come from the
 * classpath and nothing is downloaded.
 */
public final class TorchRuntime {
    private static final Logger LOG = Logger.getLogger(TorchRuntime.class.getName());
    private static final String ENGINE_NAME = "PyTorch";
    private static volatile Thread torchThread;
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jacobi-torch");
        t.setDaemon(true);
        torchThread = t;
        return t;
    });
    private static Engine engine;

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // DJL logs a warning per load ("non-archive file") and when probing for CUDA; the command line
        // must stay quiet, so DJL speaks only for errors unless configured otherwise.
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        }
    }

    private TorchRuntime() {
    }

    /** Runs {@code work} on the Torch thread and waits for it (runs it directly when already there). */
    public static <T> T call(Callable<T> work) {
        if (Thread.currentThread() == torchThread) {
            return callHere(work);
        }
        Future<T> future = EXECUTOR.submit(() -> callHere(work));
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new JacobiException("PyTorch failed: " + cause, cause);
        }
    }

    /** Runs {@code work} on the Torch thread. */
    public static void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    private static <T> T callHere(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new JacobiException("PyTorch failed: " + bestLine(e), e);
        }
    }

    /** True on the Torch thread. */
    public static boolean onTorchThread() {
        return Thread.currentThread() == torchThread;
    }

    /** DJL's PyTorch engine, started on first use (unpacking libtorch once, which takes a while). */
    public static Engine engine() {
        requireTorchThread();
        if (engine == null) {
            try {
                engine = Engine.getEngine(ENGINE_NAME);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.FINE, "PyTorch engine failed to start", e);
                throw new JacobiException("PyTorch (DJL) could not start: " + bestLine(e)
                    + ". TorchScript models need libtorch, which is unpacked into ~/.djl.ai (or DJL_CACHE_DIR) on"
                    + " first use: check the free disk space there.", e);
            }
        }
        return engine;
    }

    /** True when the loaded libtorch has CUDA support and sees at least one GPU. */
    public static boolean cudaUsable() {
        return call(() -> {
            try {
                Engine e = engine();
                return e.hasCapability(StandardCapabilities.CUDA) && e.getGpuCount() > 0;
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.FINE, "probing CUDA", e);
                return false;
            }
        });
    }

    /** Where to run for a preference, and why not on the GPU when one was asked for. */
    record DeviceChoice(Device device, String label, String notice) {
    }

    static DeviceChoice chooseDevice(DevicePreference preference) {
        if (preference != DevicePreference.CPU && cudaUsable()) {
            return new DeviceChoice(Device.gpu(0), "CUDA:0", null);
        }
        String notice = null;
        if (preference == DevicePreference.CUDA) {
            notice = "cuda".equals(BuildInfo.flavor())
                ? "CUDA requested, but PyTorch finds no usable GPU; running on the CPU."
                : "CUDA requested, but this build of Jacobi has no GPU support for PyTorch (build with -Pgpu);"
                    + " running on the CPU.";
        }
        return new DeviceChoice(Device.cpu(), "CPU", notice);
    }

    static void requireTorchThread() {
        if (!onTorchThread()) {
            throw new IllegalStateException("PyTorch work must run on the Torch thread (TorchRuntime.call)");
        }
    }

    /**
     * The line of a libtorch error that says what went wrong. TorchScript errors carry a serialized-code
     * traceback and end with "RuntimeError: ..."; C++ errors start with the message and go on with frames.
     */
    public static String bestLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String[] lines = message.strip().split("\\R");
        String chosen = null;
        for (String line : lines) {
            String l = line.strip();
            if (l.matches("^[A-Za-z]*(Error|Exception): .*")) {
                chosen = l.substring(l.indexOf(": ") + 2); // the last such line is the innermost cause
            }
        }
        if (chosen == null) {
            chosen = lines[0].strip();
        }
        chosen = chosen.replaceAll("\\s*\\(Triggered internally at.*$", "");
        while (chosen.endsWith(".")) {
            chosen = chosen.substring(0, chosen.length() - 1);
        }
        return chosen.length() > 300 ? chosen.substring(0, 300) + "…" : chosen;
    }
}
