package org.jacobi.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jacobi.analysis.SingularValues;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianResult;
import org.junit.jupiter.api.Test;

class SensitivityStatisticsTest {
    /** Two samples, two outputs, three inputs; the expected values are worked out by hand below. */
    private static JacobianResult tiny() {
        float[] j = {
            // sample 0: rows = outputs
            1, -2, 0,
            3, 0, 0.5f,
            // sample 1
            -1, 4, 0,
            1, 0, -0.5f};
        return new JacobianResult(Tensor.ofFloats(j, 2, 2, 3), Tensor.ofFloats(new float[4], 2, 2), "x", "y",
            new long[] {3}, new long[] {2}, true, JacobianMode.REVERSE, true, "test", "CPU", 1, 1, List.of());
    }

    @Test
    void meanAbsoluteJacobianRanksTheInputs() {
        SensitivityStatistics st = SensitivityStatistics.of(tiny());
        // input 0: |1|+|3|+|-1|+|1| = 6 over 4 -> 1.5; input 1: 2+0+4+0 = 6/4 -> 1.5; input 2: 0.5+0.5 = 1/4
        assertArrayEquals(new double[] {1.5, 1.5, 0.25}, st.meanAbs(), 1e-12);
        assertArrayEquals(new int[] {0, 1, 2}, st.ranking(), "ties keep index order");
    }

    @Test
    void dgsmIsTheMeanSquaredDerivativePerOutputAndSummedOverOutputs() {
        SensitivityStatistics st = SensitivityStatistics.of(tiny());
        // output 0: input 0 (1+1)/2 = 1, input 1 (4+16)/2 = 10, input 2 0
        assertArrayEquals(new double[] {1, 10, 0}, st.dgsm()[0], 1e-12);
        // output 1: input 0 (9+1)/2 = 5, input 1 0, input 2 (0.25+0.25)/2 = 0.25
        assertArrayEquals(new double[] {5, 0, 0.25}, st.dgsm()[1], 1e-12);
        assertArrayEquals(new double[] {6, 10, 0.25}, st.dgsmOverall(), 1e-12);
        assertEquals(11, st.outputTotal(0), 1e-12);
        assertArrayEquals(new int[] {1, 0, 2}, st.rankingForOutput(0));
    }

    @Test
    void poolingStatesItsFactorsAndKeepsSignedPeaksOrMeans() {
        double[] m = {
            1, -5, 2, 0, 1,
            0, 1, 1, 3, 1,
            2, 2, 2, 2, -9};
        PooledMatrix max = PooledMatrix.pool(m, 3, 5, 2, ReportOptions.Pooling.MAX_ABS);
        assertEquals(2, max.rowFactor());
        assertEquals(3, max.colFactor());
        assertEquals(2, max.rows());
        assertEquals(2, max.cols());
        assertArrayEquals(new double[] {-5, 3, 2, -9}, max.values(), 0);
        PooledMatrix mean = PooledMatrix.pool(m, 3, 5, 2, ReportOptions.Pooling.BLOCK_MEAN);
        assertArrayEquals(new double[] {0, 5.0 / 4, 2, -7.0 / 2}, mean.values(), 1e-12);
        assertEquals("downsampled from 3 x 5 to 2 x 2 by block mean over blocks of 2 outputs x 3 inputs (factor 2 x 3)",
            mean.describe());
        PooledMatrix full = PooledMatrix.pool(m, 3, 5, 8, ReportOptions.Pooling.MAX_ABS);
        assertArrayEquals(m, full.values(), 0);
        assertEquals(false, full.isPooled());
    }

    @Test
    void singularValuesComeLargestFirstAndMatchTheFrobeniusNorm() {
        JacobianResult r = tiny();
        double[] sv = SingularValues.of(r, 1);
        assertEquals(2, sv.length);
        assertEquals(true, sv[0] >= sv[1]);
        double frob = 1 + 16 + 1 + 0.25; // squared entries of sample 1
        assertEquals(frob, sv[0] * sv[0] + sv[1] * sv[1], 1e-9);
        // det(J J^T) = product of squared singular values: J J^T = [[17, -1], [-1, 1.25]]
        assertEquals(17 * 1.25 - 1, sv[0] * sv[0] * sv[1] * sv[1], 1e-9);
    }
}
