package org.jacobi.report;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.jacobi.jacobian.JacobianResult;

/** Singular-value spectra of per-sample Jacobians (EJML's SVD, values only). */
public final class SingularValues {
    /** Larger matrices are skipped: their SVD would take longer than the rest of the report. */
    static final long MAX_ELEMENTS = 4_000_000L;

    private SingularValues() {
    }

    /** True when the SVD of one sample's Jacobian is affordable. */
    public static boolean feasible(JacobianResult result) {
        long n = (long) result.outputsPerSample() * result.inputsPerSample();
        long k = Math.min(result.outputsPerSample(), result.inputsPerSample());
        return n <= MAX_ELEMENTS && k <= 2000;
    }

    /** The singular values of sample {@code sample}'s [n_out, n_in] Jacobian, largest first. */
    public static double[] of(JacobianResult result, int sample) {
        DMatrixRMaj m = DMatrixRMaj.wrap(result.outputsPerSample(), result.inputsPerSample(), result.sampleMatrix(sample));
        double[] sv = SingularOps_DDRM.singularValues(m);
        Arrays.sort(sv);
        for (int i = 0, k = sv.length - 1; i < k; i++, k--) {
            double t = sv[i];
            sv[i] = sv[k];
            sv[k] = t;
        }
        return sv;
    }
}
