package org.jacobi.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;

/**
 * Opens ONNX Runtime sessions on the best available device. CUDA is used when asked for (or in AUTO)
 * and the loaded ONNX Runtime build can use it; otherwise the session runs on the CPU and
 * {@link Opened#notice()} says why, so the UI and the CLI can show it.
 */
public final class OrtSessions {
    private static final Logger LOG = Logger.getLogger(OrtSessions.class.getName());

    private OrtSessions() {
    }

    /** An open session, the device it runs on ("CPU" or "CUDA:0") and a fallback notice (or null). */
    public record Opened(OrtSession session, String device, String notice) implements AutoCloseable {
        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.fine("closing session: " + e);
            }
        }
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** True when the loaded ONNX Runtime offers the CUDA execution provider. */
    public static boolean cudaProviderAvailable() {
        try {
            return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Opens a session for serialized model bytes; {@code source} names the model in messages. */
    public static Opened open(byte[] modelBytes, DevicePreference preference, String source) {
        return open(modelBytes, preference, source, Runtime.getRuntime().availableProcessors());
    }

    /**
     * As {@link #open(byte[], DevicePreference, String)}, with {@code cpuThreads} threads for the CPU's kernels. One
     * thread wins for runs of a fraction of a millisecond, where waking a second thread costs more than it saves.
     */
    public static Opened open(byte[] modelBytes, DevicePreference preference, String source, int cpuThreads) {
        return open(modelBytes, preference, source, cpuThreads, true);
    }

    /**
     * As {@link #open(byte[], DevicePreference, String, int)}; {@code cpuArena} false runs the session without ONNX
     * Runtime's CPU arena, which keeps each session's peak allocation for its next run: faster for repeated runs (IG on
     * cnn_small's 2,000 samples took 10.6 s with it, 16.8 s without), but every open session of a model holds its own
     * peak, gigabytes between the model's and its derivatives' on a 1024 x 1024 U-Net ({@link OnnxModel#cpuArena()}).
     */
    public static Opened open(byte[] modelBytes, DevicePreference preference, String source, int cpuThreads, boolean cpuArena) {
        OrtEnvironment env = environment();
        String notice = null;
        if (preference != DevicePreference.CPU) {
            if (!cudaProviderAvailable()) {
                notice = preference == DevicePreference.CUDA
                    ? "CUDA requested, but this build of Jacobi has no GPU support (build with -Pgpu); running on the CPU."
                    : "No GPU support in this build; running on the CPU.";
            } else {
                try (OrtSession.SessionOptions options = baseOptions(cpuArena)) {
                    options.addCUDA(0);
                    return new Opened(env.createSession(modelBytes, options), "CUDA:0", null);
                } catch (OrtException e) {
                    LOG.fine("CUDA unavailable: " + e.getMessage());
                    notice = "No usable GPU found (" + firstLine(e.getMessage()) + "); running on the CPU.";
                }
            }
        }
        try (OrtSession.SessionOptions options = baseOptions(cpuArena)) {
            options.setIntraOpNumThreads(Math.max(1, cpuThreads));
            return new Opened(env.createSession(modelBytes, options), "CPU", notice);
        } catch (OrtException e) {
            throw new JacobiException("ONNX Runtime cannot load " + source + ": " + firstLine(e.getMessage())
                + ". The graph may be invalid or use operators this ONNX Runtime does not know.", e);
        }
    }

    private static final AtomicInteger SAVED_GRAPHS = new AtomicInteger();

    private static OrtSession.SessionOptions baseOptions(boolean cpuArena) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        // Graph-optimisation notices (unused initializers of differentiated graphs) are not the user's concern.
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        options.setCPUArenaAllocator(cpuArena);
        // -Djacobi.ortProfile=PREFIX writes ONNX Runtime's per-node profile of every session (a JSON file per session,
        // written when the session closes): how the speed work finds what dominates (docs/benchmarks.md).
        String profile = System.getProperty("jacobi.ortProfile");
        if (profile != null && !profile.isBlank()) {
            options.enableProfiling(profile);
        }
        // -Djacobi.ortOptimized=PREFIX saves each session's graph after ONNX Runtime's rewrites (PREFIX-N.onnx): which
        // nodes it fused, and which layout conversions it inserted.
        String optimized = System.getProperty("jacobi.ortOptimized");
        if (optimized != null && !optimized.isBlank()) {
            options.setOptimizedModelFilePath(optimized + "-" + SAVED_GRAPHS.incrementAndGet() + ".onnx");
        }
        return options;
    }

    /** The first line of an ONNX Runtime message, at most 300 characters: what a user is shown. */
    public static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String line = s.strip().split("\\R", 2)[0];
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
