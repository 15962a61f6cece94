package org.jacobi.report;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.jacobi.jacobian.JacobianResult;

/**
 * Sensitivity measures over a set of samples, from per-sample Jacobians {@code J[s, i, j] = dy_i/dx_j}.
 *
 * <ul>
 *   <li>{@code meanAbs[j]}: mean over samples and outputs of |J[s, i, j]|, the input ranking.</li>
 *   <li>{@code dgsm[i][j]}: mean over samples of J[s, i, j]^2, the derivative-based global sensitivity
 *       measure of output i to input j (Sobol' and Kucherenko's nu, over the given samples).</li>
 *   <li>{@code dgsmOverall[j]}: sum over outputs of dgsm[i][j], i.e. the mean squared norm of column j.</li>
 * </ul>
 */
public record SensitivityStatistics(int samples, int outputs, int inputs, double[] meanAbs, double[][] dgsm,
                                    double[] dgsmOverall, int[] ranking) {

    public static SensitivityStatistics of(JacobianResult result) {
        int samples = result.samples();
        int nOut = result.outputsPerSample();
        int nIn = result.inputsPerSample();
        float[] j = result.jacobian().floats();
        double[] sumAbs = new double[nIn];
        double[][] sumSq = new double[nOut][nIn];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < nOut; i++) {
                int base = (s * nOut + i) * nIn;
                double[] row = sumSq[i];
                for (int k = 0; k < nIn; k++) {
                    double v = j[base + k];
                    sumAbs[k] += Math.abs(v);
                    row[k] += v * v;
                }
            }
        }
        double[] meanAbs = new double[nIn];
        double[] overall = new double[nIn];
        for (int k = 0; k < nIn; k++) {
            meanAbs[k] = sumAbs[k] / ((double) samples * nOut);
        }
        for (int i = 0; i < nOut; i++) {
            for (int k = 0; k < nIn; k++) {
                sumSq[i][k] /= samples;
                overall[k] += sumSq[i][k];
            }
        }
        int[] ranking = IntStream.range(0, nIn).boxed()
            .sorted(Comparator.comparingDouble((Integer k) -> -meanAbs[k]).thenComparingInt(k -> k))
            .mapToInt(Integer::intValue).toArray();
        return new SensitivityStatistics(samples, nOut, nIn, meanAbs, sumSq, overall, ranking);
    }

    /** Total DGSM of output i: the sum over inputs of dgsm[i][j]. */
    public double outputTotal(int output) {
        return Arrays.stream(dgsm[output]).sum();
    }

    /** Inputs ordered by decreasing dgsm[output][j]. */
    public int[] rankingForOutput(int output) {
        double[] row = dgsm[output];
        return IntStream.range(0, inputs).boxed()
            .sorted(Comparator.comparingDouble((Integer k) -> -row[k]).thenComparingInt(k -> k))
            .mapToInt(Integer::intValue).toArray();
    }
}
