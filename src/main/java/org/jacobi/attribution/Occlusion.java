package org.jacobi.attribution;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;

/**
 * Occlusion (Zeiler and Fergus 2014) as Captum's {@code Occlusion}: a window slides over one sample's axes with the
 * given strides, {@code ceil((size - window) / stride) + 1} positions per axis (the last one clipped at the edge);
 * each position is filled with a constant, and each element's attribution is the target's drop
 * {@code f(x) - f(x occluded)} averaged over the positions whose window covers it. Forward runs only, stacked.
 */
public final class Occlusion implements AttributionMethod {
    private final int[] window;
    private final int[] stride;
    private final double fill;

    /** Window and stride per axis of one sample (one number stands for every axis). */
    public Occlusion(int[] window, int[] stride, double fill) {
        this.window = window.clone();
        this.stride = stride.clone();
        this.fill = fill;
        for (int v : window) {
            if (v < 1) {
                throw JacobiException.usage("--window sizes must be at least 1.");
            }
        }
        for (int v : stride) {
            if (v < 1) {
                throw JacobiException.usage("--stride steps must be at least 1.");
            }
        }
    }

    @Override
    public String name() {
        return "occlusion";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window", Arrays.stream(window).boxed().toList());
        m.put("stride", Arrays.stream(stride).boxed().toList());
        m.put("fill", fill);
        return m;
    }

    @Override
    public Attribution attribute(AttributionProblem problem, int target, ProgressMonitor monitor) {
        long[] shape = problem.sampleShape();
        int[] w = perAxis(window, shape, "--window");
        int[] st = perAxis(stride, shape, "--stride");
        int[] positions = new int[shape.length];
        int windows = 1;
        for (int a = 0; a < shape.length; a++) {
            if (w[a] > shape[a]) {
                throw JacobiException.usage("The --window " + Arrays.toString(w) + " is larger than one sample "
                    + Tensor.shapeToString(shape) + " on axis " + a + ".");
            }
            positions[a] = (int) Math.ceil((double) (shape[a] - w[a]) / st[a]) + 1;
            windows = Math.multiplyExact(windows, positions[a]);
        }
        int n = problem.perSample();
        double[] x = problem.xValues();
        int[] strides = rowMajorStrides(shape);
        Windows geometry = new Windows(shape, w, st, positions, strides);
        double[][] f = PointBatches.values(problem, target, new PointBatches.Points(1 + geometry.count(), (sample, point, dst, offset) -> {
            System.arraycopy(x, sample * n, dst, offset, n);
            if (point > 0) {
                geometry.forEach(point - 1, i -> dst[offset + i] = fill);
            }
        }), monitor);
        double[] out = new double[x.length];
        int[] covered = new int[n];
        for (int k = 0; k < geometry.count(); k++) {
            geometry.forEach(k, i -> covered[i]++);
        }
        for (int s = 0; s < problem.samples(); s++) {
            int base = s * n;
            for (int k = 0; k < geometry.count(); k++) {
                double drop = f[s][0] - f[s][k + 1];
                geometry.forEach(k, i -> out[base + i] += drop);
            }
            for (int i = 0; i < n; i++) {
                out[base + i] = covered[i] == 0 ? 0 : out[base + i] / covered[i];
            }
        }
        return Attribution.of(out);
    }

    private static int[] perAxis(int[] given, long[] shape, String option) {
        if (given.length == shape.length) {
            return given;
        }
        if (given.length == 1) {
            int[] all = new int[shape.length];
            Arrays.fill(all, given[0]);
            return all;
        }
        throw JacobiException.usage(option + " gives " + given.length + " numbers; one sample " + Tensor.shapeToString(shape)
            + " has " + shape.length + " axes. Give one number per axis, or one for all.");
    }

    static int[] rowMajorStrides(long[] shape) {
        int[] strides = new int[shape.length];
        for (int a = shape.length - 1, s = 1; a >= 0; a--) {
            strides[a] = s;
            s *= (int) shape[a];
        }
        return strides;
    }

    /** The window positions: position k's window, clipped to the sample, as flat element indices. */
    private record Windows(long[] shape, int[] window, int[] stride, int[] positions, int[] strides) {
        int count() {
            int c = 1;
            for (int p : positions) {
                c *= p;
            }
            return c;
        }

        void forEach(int k, IntConsumer element) {
            int rank = shape.length;
            int[] from = new int[rank];
            int[] to = new int[rank];
            int rest = k;
            for (int a = rank - 1; a >= 0; a--) {
                from[a] = rest % positions[a] * stride[a];
                rest /= positions[a];
                to[a] = (int) Math.min(shape[a], from[a] + window[a]);
            }
            walk(0, 0, from, to, element);
        }

        private void walk(int axis, int offset, int[] from, int[] to, IntConsumer element) {
            if (axis == shape.length) {
                element.accept(offset);
                return;
            }
            for (int i = from[axis]; i < to[axis]; i++) {
                walk(axis + 1, offset + i * strides[axis], from, to, element);
            }
        }
    }
}
