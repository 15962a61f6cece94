package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.core.CancelledException;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.model.onnx.OrtTensors;

/**
 * One run of a {@link PreparedGraph} on a chunk of samples: feeds the chunk's inputs and the seed, pins the Jacobian
 * block as the output buffer ONNX Runtime writes into, and stops a run in flight when the monitor is cancelled.
 */
final class GraphRun {
    private GraphRun() {
    }

    private static final ScheduledExecutorService WATCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jacobi-onnx-cancel-watcher");
        t.setDaemon(true);
        return t;
    });

    /**
     * One run of the differentiated graph on samples [b0, b0+bc), writing the Jacobian block into
     * {@code block} and returning the {@code wanted} outputs; stops a run in flight on cancel.
     */
    static Map<String, Tensor> run(PreparedGraph p, OnnxModel model, ResolvedRequest r, int b0, int bc, OnnxTensor seed,
                                   boolean ownSeed, ProgressMonitor monitor, Set<String> wanted, ByteBuffer block, long[] blockShape) {
        OrtEnvironment env = OrtSessions.environment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        OnnxTensor pinned = null;
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            int blockElements = Math.toIntExact(Tensor.elementCount(blockShape));
            ByteBuffer view = block.duplicate().order(ByteOrder.nativeOrder());
            view.position(0).limit(blockElements * r.wrtValue().type().bytes());
            pinned = r.wrtValue().type() == ElementType.FLOAT64
                ? OnnxTensor.createTensor(env, view.slice().order(ByteOrder.nativeOrder()).asDoubleBuffer(), blockShape)
                : OnnxTensor.createTensor(env, view.slice().order(ByteOrder.nativeOrder()).asFloatBuffer(), blockShape);
            for (TensorSpec spec : model.info().inputs()) {
                Tensor t = r.inputs().get(spec.name());
                if (DerivativeRuns.isBatchedInput(r, spec, t) && (b0 != 0 || bc != t.dim(0))) {
                    t = t.sliceRows(b0, b0 + bc);
                }
                feeds.put(spec.name(), OrtTensors.toOrt(env, t));
            }
            Map<String, OnnxTensor> allFeeds = new LinkedHashMap<>(feeds);
            allFeeds.put(Differentiator.SEED, seed);
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
            long[] seedShape = seed.getInfo().getShape(); // [K, (B,) ...]
            long pairs = seedShape[0] * (r.batched() ? bc : 1); // the seed may have batch size 1 (broadcast)
            try (OrtSession.Result result = p.sessionFor(pairs).run(allFeeds, wanted, Map.of(OnnxJacobianEngine.BLOCK, pinned), options)) {
                Map<String, Tensor> out = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (wanted.contains(e.getKey())) {
                        out.put(e.getKey(), OrtTensors.fromOrt(e.getValue()));
                    }
                }
                return out;
            } finally {
                if (watch != null) {
                    watch.cancel(false);
                }
            }
        } catch (OrtException e) {
            if (monitor.isCancelled()) {
                throw new CancelledException();
            }
            throw new JacobiException("ONNX Runtime failed to run the differentiated graph of " + model.info().fileName()
                + ": " + OrtSessions.firstLine(e.getMessage()), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
            if (ownSeed) {
                seed.close();
            }
            if (pinned != null) {
                pinned.close();
            }
        }
    }
}
