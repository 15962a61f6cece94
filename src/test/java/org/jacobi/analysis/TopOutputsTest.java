package org.jacobi.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TopOutputsTest {
    @Test
    void theLargestValuesComeFirst() {
        double[] y = {0.5, 3, Double.NaN, -1, 3, 7};
        assertArrayEquals(new int[] {5, 1, 4}, TopOutputs.indices(y, 3));
        assertArrayEquals(new int[] {5, 1, 4, 0, 3, 2}, TopOutputs.indices(y, 10));
    }
}
