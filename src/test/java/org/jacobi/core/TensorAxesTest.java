package org.jacobi.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting, joining and gathering along an axis other than 0, as a state [layers, batch, hidden] is handled. */
class TensorAxesTest {
    /** [2, 3, 2] with entry (a, b, c) = 100 a + 10 b + c. */
    private static Tensor state() {
        float[] v = new float[12];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 2; c++) {
                    v[(a * 3 + b) * 2 + c] = 100 * a + 10 * b + c;
                }
            }
        }
        return Tensor.ofFloats(v, 2, 3, 2);
    }

    @Test
    void gatherAlongRepeatsAndReordersSamplesOnTheirAxis() {
        Tensor g = state().gatherAlong(1, new int[] {2, 0, 0});
        assertArrayEquals(new long[] {2, 3, 2}, g.shape());
        assertArrayEquals(new float[] {20, 21, 0, 1, 0, 1, 120, 121, 100, 101, 100, 101}, g.floats());
    }

    @Test
    void sliceAndConcatAlongAnAxisRoundTrip() {
        Tensor s = state();
        Tensor joined = Tensor.concatAlong(1, List.of(s.sliceAlong(1, 0, 1), s.sliceAlong(1, 1, 3)));
        assertArrayEquals(s.floats(), joined.floats());
        assertArrayEquals(new float[] {10, 11, 110, 111}, s.sliceAlong(1, 1, 2).floats());
    }
}
