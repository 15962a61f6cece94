package org.jacobi.analysis;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.jacobi.core.JacobiException;
import org.jacobi.jacobian.JacobianResult;

/** Singular values of one sample's Jacobian matrix {@code [n_out, n_in]}, largest first. */
public final class SingularValues {
    /** Above this many matrix entries (or 2000 singular values) the SVD would take longer than it is worth; refuse instead. */
    public static final long MAX_ENTRIES = 4_000_000L;
    static final int MAX_VALUES = 2000;

    private SingularValues() {
    }

    /** True when the SVD of one sample's Jacobian is affordable. */
    public static boolean feasible(JacobianResult result) {
        long n = (long) result.outputsPerSample() * result.inputsPerSample();
        return n <= MAX_ENTRIES && Math.min(result.outputsPerSample(), result.inputsPerSample()) <= MAX_VALUES;
    }

    /** The singular values of sample {@code sample}'s {@code [n_out, n_in]} Jacobian, largest first. */
    public static double[] of(JacobianResult result, int sample) {
        int rows = result.outputsPerSample();
        int cols = result.inputsPerSample();
        if (!feasible(result)) {
            throw new JacobiException("The Jacobian has " + rows + " x " + cols
                + " entries, too many for singular values here. Choose a smaller output or input.");
        }
        return of(result.sampleMatrix(sample), rows, cols);
    }

    public static double[] of(double[] rowMajor, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols, true, rowMajor);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, false, false, true);
        if (!svd.decompose(m)) {
            throw new JacobiException("The singular value decomposition did not converge.");
        }
        double[] s = svd.getSingularValues().clone();
        int k = Math.min(rows, cols);
        double[] out = Arrays.copyOf(s, k);
        Arrays.sort(out);
        for (int i = 0; i < k / 2; i++) {
            double t = out[i];
            out[i] = out[k - 1 - i];
            out[k - 1 - i] = t;
        }
        return out;
    }
}
