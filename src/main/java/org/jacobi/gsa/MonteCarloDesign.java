package org.jacobi.gsa;

import java.util.SplittableRandom;

/** Independent uniform points; point i comes from its own random stream seeded by (seed, i). */
public record MonteCarloDesign(int dimension, long seed) implements UnitDesign {
    @Override
    public void points(long from, int count, double[] out) {
        for (int r = 0; r < count; r++) {
            SplittableRandom random = new SplittableRandom(UnitDesign.streamSeed(seed, 1, from + r));
            int base = r * dimension;
            for (int j = 0; j < dimension; j++) {
                out[base + j] = UnitDesign.open01(random.nextLong());
            }
        }
    }
}
