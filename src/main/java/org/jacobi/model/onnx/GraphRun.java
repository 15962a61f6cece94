package org.jacobi.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;

/**
 * The one place Jacobi runs an ONNX Runtime session: every run (a model's outputs, a shape probe, a chunk of a
 * derivative, a prebuilt graph on a Spark executor) goes through here, so that every run can be stopped in flight
 * ({@link OrtSession.RunOptions#setTerminate} when the monitor says cancelled) and every failure reads the same.
 */
public final class GraphRun {
    private GraphRun() {
    }

    /** Reads what a run needs out of its result while the result is open. */
    @FunctionalInterface
    public interface ResultReader<T> {
        T read(OrtSession.Result result) throws OrtException;
    }

    private static final ScheduledExecutorService WATCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jacobi-onnx-cancel-watcher");
        t.setDaemon(true);
        return t;
    });

    /**
     * Runs {@code session} on {@code feeds}, ONNX Runtime writing the outputs named in {@code pinned} straight into
     * those tensors, and returns the {@code wanted} outputs as tensors. {@code what} names the graph in a failure
     * ("the differentiated graph of mlp.onnx"). The feeds stay the caller's to close.
     */
    public static Map<String, Tensor> run(OrtSession session, Map<String, OnnxTensor> feeds, Set<String> wanted,
                                          Map<String, OnnxTensor> pinned, ProgressMonitor monitor, String what) {
        return run(session, feeds, wanted, pinned, monitor, what, result -> {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                if (wanted.contains(e.getKey())) {
                    out.put(e.getKey(), OrtTensors.fromOrt(e.getValue()));
                }
            }
            return out;
        });
    }

    /** The same, with the result read by {@code reader} (for callers that copy buffers out themselves). */
    public static <T> T run(OrtSession session, Map<String, OnnxTensor> feeds, Set<String> wanted,
                            Map<String, OnnxTensor> pinned, ProgressMonitor monitor, String what, ResultReader<T> reader) {
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            // ProgressMonitor.NONE is never cancelled: no watcher to schedule for it.
            ScheduledFuture<?> watch = monitor == ProgressMonitor.NONE ? null : WATCHER.scheduleAtFixedRate(() -> {
                if (monitor.isCancelled()) {
                    try {
                        options.setTerminate(true);
                    } catch (OrtException e) {
                        // the run ends anyway
                    }
                }
            }, 20, 20, TimeUnit.MILLISECONDS);
            try (OrtSession.Result result = pinned.isEmpty() ? session.run(feeds, wanted, options)
                : session.run(feeds, wanted, pinned, options)) {
                return reader.read(result);
            } finally {
                if (watch != null) {
                    watch.cancel(false);
                }
            }
        } catch (OrtException e) {
            if (monitor.isCancelled()) {
                throw new CancelledException();
            }
            throw new JacobiException("ONNX Runtime failed to run " + what + ": " + OrtSessions.firstLine(e.getMessage()), e);
        }
    }
}
