package org.jacobi.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopOutputsTest {
    @Test
    void theLargestValuesComeFirst() {
        double[] y = {0.5, 3, Double.NaN, -1, 3, 7};
        assertArrayEquals(new int[] {5, 1, 4}, TopOutputs.indices(y, 3));
        assertArrayEquals(new int[] {5, 1, 4, 0, 3, 2}, TopOutputs.indices(y, 10));
        assertArrayEquals(new int[0], TopOutputs.indices(y, 0));
    }

    @Test
    void theBoundedSelectionAgreesWithAFullSortOnTiesAndNaNs() {
        Random random = new Random(25);
        double[] y = new double[5000];
        for (int i = 0; i < y.length; i++) {
            y[i] = random.nextInt(10) == 0 ? Double.NaN : random.nextInt(50); // many ties
        }
        int[] sorted = IntStream.range(0, y.length).boxed()
            .sorted(Comparator.<Integer>comparingDouble(i -> Double.isNaN(y[i]) ? Double.POSITIVE_INFINITY : -y[i])
                .thenComparing(i -> i))
            .mapToInt(Integer::intValue).toArray();
        for (int k : new int[] {1, 7, 100, 4999, 5000}) {
            assertArrayEquals(Arrays.copyOf(sorted, k), TopOutputs.indices(y, k), "k = " + k);
        }
    }
}
