package org.jacobi.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jacobi.analysis.JacobianRowCache;
import org.jacobi.analysis.JacobianSize;
import org.jacobi.analysis.SaliencyRows;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.task.TaskExecutor;
import org.jacobi.ui.task.TaskHandle;

/**
 * Jacobians too large to compute before anything is shown: sized from one forward run, and read row by row
 * (reverse passes) for the heatmap and the saliency maps. Rows are cached per (sample, output) for the current
 * Jacobian, a row asked for twice is computed once, and a new Jacobian cancels the rows still to come.
 * Used on the UI thread only.
 */
final class LargeJacobians {
    /** Rows kept per Jacobian: about 440 rows of an ImageNet classifier (588 KiB each). */
    static final long CACHE_BYTES = 256L << 20;

    private final TaskExecutor executor;
    private final AppState state;
    /** Which of the open model's engines computes rows; finite differences stand in where it cannot. */
    private final Function<ModelDerivatives, JacobianEngine> rowEngine;
    private final JacobianRowCache cache = new JacobianRowCache(CACHE_BYTES);
    /** The Jacobian whose rows the cache holds. */
    private AppState.LargeJacobian cachedFor;
    /** The Jacobian shown when a new one began to be computed: its rows are no longer worth a pass. */
    private AppState.LargeJacobian retired;
    private final Set<Long> pending = new HashSet<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final Set<TaskHandle> handles = new HashSet<>();
    private double secondsPerRow = Double.NaN;
    /**
     * Reverse passes timed for the current Jacobian. The first also builds the differentiated graph and its session
     * (on a ResNet-18, a second of a 1.5 s saliency map), and a full-Jacobian estimate from it was 30 times too long;
     * {@link #secondsPerRow} estimates only from the second on.
     */
    private int passesTimed;

    /** Whoever asked for rows: the rows still missing, and what to run when they are there or will not come. */
    private record Waiter(AppState.LargeJacobian large, Set<Long> missing, Runnable onComputed, Runnable onStopped) {
    }

    private record Computed(float[][] rows, double seconds) {
    }

    LargeJacobians(TaskExecutor executor, AppState state, Function<ModelDerivatives, JacobianEngine> rowEngine) {
        this.executor = executor;
        this.state = state;
        this.rowEngine = rowEngine;
    }

    /** The size of the requested Jacobian from one forward run, when it is over {@code limit} entries; else null. */
    static AppState.LargeJacobian sizeIfLarge(Model m, JacobianRequest request, long limit) {
        String wrt = request.wrt();
        String of = request.of();
        Tensor x = wrt == null ? null : request.inputs().get(wrt);
        if (x == null || of == null || x.shape().length == 0) {
            return null; // the engine reports what is missing
        }
        Tensor y = m.run(request.inputs(), Set.of(of)).get(of);
        long samples = x.shape()[0];
        if (y == null || samples <= 0 || y.shape().length == 0 || y.shape()[0] != samples) {
            return null;
        }
        JacobianSize size = new JacobianSize(samples, y.size() / samples, x.size() / samples);
        if (!size.exceeds(limit)) {
            return null;
        }
        long[] sampleShape = Arrays.copyOfRange(x.shape(), 1, x.shape().length);
        return new AppState.LargeJacobian(request, y, sampleShape, size,
            ElementLabels.of(m, of, (int) size.outputsPerSample()).orElse(null));
    }

    /** Stops the rows still to come and forgets those computed: the Jacobian is being computed anew. */
    void reset() {
        retired = state.deferredProperty().get();
        for (TaskHandle h : handles) {
            h.cancel();
        }
        handles.clear();
        pending.clear();
        cache.clear();
        cachedFor = null;
        List<Waiter> stopped = new ArrayList<>(waiters);
        waiters.clear();
        stopped.forEach(w -> w.onStopped().run());
    }

    /** A row of the current deferred Jacobian computed before, or null. */
    float[] computed(int sample, int output) {
        return cachedFor != null && cachedFor == state.deferredProperty().get() ? cache.get(sample, output) : null;
    }

    /** The outputs of {@code sample} whose rows of the current deferred Jacobian were computed, in increasing order. */
    int[] computedOutputs(int sample) {
        return cachedFor != null && cachedFor == state.deferredProperty().get() ? cache.outputs(sample) : new int[0];
    }

    /** Seconds one row of one sample took in the last reverse pass (NaN before the first). */
    double secondsPerRow() {
        return secondsPerRow;
    }

    /**
     * Rows {@code outputs} of sample {@code sample} of the deferred Jacobian, computed in the background (one
     * batched reverse pass) unless cached or already on their way; {@code onComputed} runs on the UI thread once all
     * are in the cache, {@code onStopped} instead when they will not come (cancelled, failed, or a new Jacobian).
     */
    void rows(String title, int sample, int[] outputs, Runnable onComputed, Runnable onStopped) {
        AppState.LargeJacobian large = state.deferredProperty().get();
        ModelDerivatives m = state.derivatives();
        if (large == null || m == null || large == retired) {
            onStopped.run();
            return;
        }
        if (large != cachedFor) {
            cache.clear();
            pending.clear();
            cachedFor = large;
            passesTimed = 0;
        }
        Set<Long> missing = new HashSet<>();
        List<Integer> toCompute = new ArrayList<>();
        for (int o : outputs) {
            if (!cache.contains(sample, o)) {
                long key = key(sample, o);
                missing.add(key);
                if (pending.add(key)) {
                    toCompute.add(o);
                }
            }
        }
        if (missing.isEmpty()) {
            onComputed.run();
            return;
        }
        waiters.add(new Waiter(large, missing, onComputed, onStopped));
        if (!toCompute.isEmpty()) {
            submit(title, m, large, sample, toCompute.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    private void submit(String title, ModelDerivatives m, AppState.LargeJacobian large, int sample, int[] outputs) {
        TensorSpec wrtSpec = m.model().info().input(large.request().wrt());
        boolean resizable = wrtSpec != null && wrtSpec.hasDynamicLeadingAxis();
        long[] outShape = large.output().shape();
        Set<Long> keys = new HashSet<>();
        for (int o : outputs) {
            keys.add(key(sample, o));
        }
        TaskHandle handle = executor.submit(title, monitor -> {
            long start = System.nanoTime();
            float[][] rows;
            try {
                rows = rowsBy(rowEngine.apply(m), large, outShape, sample, outputs, resizable, monitor);
            } catch (CancelledException e) {
                throw e;
            } catch (JacobiException | UnsupportedOperationException e) {
                rows = rowsBy(m.finiteDifferences(), large, outShape, sample, outputs, resizable, monitor);
            }
            return new Computed(rows, (System.nanoTime() - start) / 1e9);
        }, done -> {
            if (cachedFor != large) {
                return; // the Jacobian changed meanwhile; its waiters were stopped then
            }
            for (int i = 0; i < outputs.length; i++) {
                cache.put(sample, outputs[i], done.rows()[i]);
            }
            pending.removeAll(keys);
            secondsPerRow = done.seconds() / outputs.length;
            passesTimed++;
            for (Waiter w : new ArrayList<>(waiters)) {
                if (w.large() == large && w.missing().removeAll(keys) && w.missing().isEmpty()) {
                    waiters.remove(w);
                    w.onComputed().run();
                }
            }
        }, e -> {
            if (cachedFor != large) {
                return;
            }
            pending.removeAll(keys);
            for (Waiter w : new ArrayList<>(waiters)) {
                if (w.large() == large && w.missing().stream().anyMatch(keys::contains)) {
                    waiters.remove(w);
                    w.onStopped().run();
                }
            }
            if (!(e instanceof CancelledException)) {
                state.showError(e);
            }
        });
        if (!handle.isDone()) {
            handles.add(handle);
        }
        handles.removeIf(TaskHandle::isDone);
    }

    private static float[][] rowsBy(JacobianEngine engine, AppState.LargeJacobian large, long[] outShape, int sample,
                                    int[] outputs, boolean resizable, ProgressMonitor monitor) {
        return SaliencyRows.rows(engine, large.request(), outShape, sample, outputs, resizable, monitor);
    }

    /**
     * One row for a saliency map, handed to {@code onRow} on the UI thread (as float64), with what it cost and what
     * the full Jacobian would cost in the message bar.
     */
    void row(int sample, int output, Consumer<double[]> onRow, Runnable onStopped) {
        AppState.LargeJacobian large = state.deferredProperty().get();
        boolean cached = computed(sample, output) != null;
        rows("Computing one saliency map", sample, new int[] {output}, () -> {
            if (state.deferredProperty().get() != large) {
                return;
            }
            float[] row = cache.get(sample, output);
            if (row == null) {
                onStopped.run(); // dropped from the cache at once: nothing to show
                return;
            }
            double[] d = new double[row.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = row[i];
            }
            onRow.accept(d);
            if (!cached) {
                double full = estimatedFullSeconds(large);
                state.showInfo(String.format(Locale.ROOT, "Saliency map in %.2f s (one reverse pass%s). Full Jacobian: %,d entries, %s%s "
                        + "(Compute > Compute Jacobian).", secondsPerRow, Double.isNaN(full) ? ", with the one-time build of the "
                        + "differentiated graph" : "", large.size().entries(), JacobianSize.bytesText(large.size().bytes()),
                    Double.isNaN(full) ? "" : String.format(Locale.ROOT, ", about %s", JacobianSize.durationText(full))));
            }
        }, onStopped);
    }

    /** The full Jacobian's time by reverse mode, from the rows timed after the first pass; NaN before. */
    double estimatedFullSeconds(AppState.LargeJacobian large) {
        return passesTimed > 1 ? large.size().estimatedSeconds(secondsPerRow * large.size().samples()) : Double.NaN;
    }

    private static long key(int sample, int output) {
        return ((long) sample << 32) | (output & 0xffffffffL);
    }
}
