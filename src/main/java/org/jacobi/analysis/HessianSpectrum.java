package org.jacobi.analysis;

import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.jacobi.core.JacobiException;

/**
 * Eigenvalues and eigenvectors of one sample's Hessian (symmetric, EJML's symmetric eigen decomposition in
 * double precision), ordered by decreasing magnitude: the leading eigenvectors are the input directions along
 * which the output curves most, the signs say whether it curves up (positive) or down (negative).
 *
 * @param values eigenvalues, largest |value| first
 * @param vectors {@code vectors[k]} is the unit eigenvector of {@code values[k]}
 */
public record HessianSpectrum(double[] values, double[][] vectors) {
    /** Above this many inputs the decomposition would stall the caller; refuse instead. */
    public static final int MAX_INPUTS = 2048;

    /** The spectrum of a row-major {@code n x n} Hessian, symmetrised ((H + H^T) / 2) against float32 rounding. */
    public static HessianSpectrum of(float[] rowMajor, int n) {
        if (n > MAX_INPUTS) {
            throw new JacobiException("The Hessian is " + n + " x " + n + ", too large for an eigen decomposition here "
                + "(at most " + MAX_INPUTS + " inputs).");
        }
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m.set(i, j, 0.5 * ((double) rowMajor[i * n + j] + rowMajor[j * n + i]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m)) {
            throw new JacobiException("The eigen decomposition of the Hessian did not converge.");
        }
        Integer[] order = new Integer[n];
        double[] raw = new double[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
            raw[k] = eig.getEigenvalue(k).getReal();
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer k) -> -Math.abs(raw[k])));
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int r = 0; r < n; r++) {
            int k = order[r];
            values[r] = raw[k];
            DMatrixRMaj v = eig.getEigenVector(k);
            vectors[r] = v == null ? new double[n] : Arrays.copyOf(v.getData(), n);
        }
        return new HessianSpectrum(values, vectors);
    }

    /** How many eigenvalues are positive, negative and (relative to the largest, below 1e-6) zero. */
    public int[] inertia() {
        double max = values.length == 0 ? 0 : Math.abs(values[0]);
        int pos = 0;
        int neg = 0;
        int zero = 0;
        for (double v : values) {
            if (Math.abs(v) <= 1e-6 * max || max == 0) {
                zero++;
            } else if (v > 0) {
                pos++;
            } else {
                neg++;
            }
        }
        return new int[] {pos, neg, zero};
    }
}
