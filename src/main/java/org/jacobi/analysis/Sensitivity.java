package org.jacobi.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jacobi.jacobian.JacobianResult;

/** Per-input sensitivity: the mean absolute derivative of every output with respect to each input element. */
public final class Sensitivity {
    /** One input element and its mean |J| over all outputs and samples. */
    public record Entry(int index, String label, double meanAbs) {
    }

    private Sensitivity() {
    }

    /** mean over samples and outputs of |J[b, o, i]|, per input element i. */
    public static double[] meanAbsPerInput(JacobianResult result) {
        int samples = result.samples();
        int nOut = result.outputsPerSample();
        int nIn = result.inputsPerSample();
        float[] j = result.jacobian().floats();
        double[] sum = new double[nIn];
        for (int row = 0; row < samples * nOut; row++) {
            int base = row * nIn;
            for (int i = 0; i < nIn; i++) {
                sum[i] += Math.abs(j[base + i]);
            }
        }
        double n = Math.max(1, (double) samples * nOut);
        for (int i = 0; i < nIn; i++) {
            sum[i] /= n;
        }
        return sum;
    }

    /** The {@code limit} most sensitive input elements, most sensitive first. */
    public static List<Entry> ranking(JacobianResult result, int limit) {
        double[] m = meanAbsPerInput(result);
        List<Entry> all = new ArrayList<>(m.length);
        for (int i = 0; i < m.length; i++) {
            all.add(new Entry(i, TensorLabels.label(result.wrt(), result.sampleInputShape(), i), m[i]));
        }
        all.sort(Comparator.comparingDouble(Entry::meanAbs).reversed().thenComparingInt(Entry::index));
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    /** mean over the given rows of |row[i]|, per input element i: the rows of a Jacobian computed so far, one by one. */
    public static double[] meanAbsPerInput(List<float[]> rows) {
        if (rows.isEmpty()) {
            return new double[0];
        }
        double[] sum = new double[rows.get(0).length];
        for (float[] row : rows) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += Math.abs(row[i]);
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= rows.size();
        }
        return sum;
    }

    /** The {@code limit} largest of per-input values {@code meanAbs}, largest first, labelled as elements of {@code wrt}. */
    public static List<Entry> ranking(double[] meanAbs, String wrt, long[] sampleInputShape, int limit) {
        List<Entry> top = new ArrayList<>();
        for (int i : TopOutputs.indices(meanAbs, limit)) {
            top.add(new Entry(i, TensorLabels.label(wrt, sampleInputShape, i), meanAbs[i]));
        }
        return List.copyOf(top);
    }
}
