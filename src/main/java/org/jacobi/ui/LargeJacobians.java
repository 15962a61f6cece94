package org.jacobi.ui;

import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.jacobi.analysis.JacobianSize;
import org.jacobi.analysis.SaliencyRows;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import org.jacobi.ui.task.TaskExecutor;

/**
 * Jacobians too large to compute before anything is shown: sized from one forward run, and read one row
 * (one reverse pass) at a time for the saliency maps.
 */
final class LargeJacobians {
    private LargeJacobians() {
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
        long[] sampleShape = java.util.Arrays.copyOfRange(x.shape(), 1, x.shape().length);
        return new AppState.LargeJacobian(request, y, sampleShape, size,
            ElementLabels.of(m, of, (int) size.outputsPerSample()).orElse(null));
    }

    /**
     * One row of the deferred Jacobian (output {@code output} of sample {@code sample}) by one reverse pass in the
     * background, handed to {@code onRow} on the UI thread unless the Jacobian changed meanwhile.
     */
    static void row(TaskExecutor executor, AppState state, ModelEngines engines, int sample, int output,
                    Consumer<double[]> onRow) {
        AppState.LargeJacobian large = state.deferredProperty().get();
        Model m = state.model();
        if (large == null || m == null) {
            return;
        }
        executor.submit("Computing one saliency map", monitor -> {
            ModelEngines.Set es = engines.of(m);
            long start = System.nanoTime();
            double[] row;
            try {
                row = SaliencyRows.row(es.exact(), large.request(), large.output().shape(), sample, output, monitor);
            } catch (JacobiException | UnsupportedOperationException e) {
                row = SaliencyRows.row(es.fallback(), large.request(), large.output().shape(), sample, output, monitor);
            }
            return new TimedRow(row, (System.nanoTime() - start) / 1e9);
        }, timed -> {
            if (state.deferredProperty().get() != large) {
                return; // the Jacobian changed meanwhile
            }
            onRow.accept(timed.row);
            state.showInfo(String.format(Locale.ROOT,
                "Saliency map in %.2f s (one reverse pass). Full Jacobian: %,d entries, %s, about %.0f s (Compute > Compute Jacobian).",
                timed.seconds, large.size().entries(), JacobianSize.bytesText(large.size().bytes()),
                large.size().estimatedSeconds(timed.seconds)));
        }, e -> {
            if (!(e instanceof CancelledException)) {
                state.showError(e);
            }
        });
    }

    private record TimedRow(double[] row, double seconds) {
    }
}
