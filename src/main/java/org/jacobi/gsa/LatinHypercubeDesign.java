package org.jacobi.gsa;

import java.util.SplittableRandom;
import org.jacobi.core.JacobiException;

/**
 * A Latin hypercube of {@code size} points: coordinate j of point i lies in stratum {@code perm_j(i)} of N equal
 * strata, at a uniform position inside it. Each permutation is a keyed Feistel network over the index bits with
 * cycle walking, so point i needs no table of N entries and any range of points can be generated on its own.
 */
public record LatinHypercubeDesign(int dimension, long size, long seed) implements UnitDesign {
    private static final int ROUNDS = 4;

    public LatinHypercubeDesign {
        if (size < 1) {
            throw JacobiException.usage("A Latin hypercube needs at least one point.");
        }
    }

    @Override
    public void points(long from, int count, double[] out) {
        for (int r = 0; r < count; r++) {
            long i = from + r;
            if (i >= size) {
                throw new IllegalArgumentException("Point " + i + " is outside a Latin hypercube of " + size);
            }
            SplittableRandom random = new SplittableRandom(UnitDesign.streamSeed(seed, 2, i));
            int base = r * dimension;
            for (int j = 0; j < dimension; j++) {
                long stratum = permute(i, j);
                out[base + j] = (stratum + UnitDesign.open01(random.nextLong())) / size;
            }
        }
    }

    /** The stratum of point i in coordinate j: a bijection of [0, size). */
    long permute(long i, int coordinate) {
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(size - 1));
        bits += bits & 1;
        int half = bits / 2;
        long mask = (1L << half) - 1;
        long key = UnitDesign.streamSeed(seed, 3, coordinate);
        long x = i;
        do {
            long left = x >>> half;
            long right = x & mask;
            for (int round = 0; round < ROUNDS; round++) {
                long next = left ^ (UnitDesign.mix(key + round * 0x632be59bd9b4e019L + right) & mask);
                left = right;
                right = next;
            }
            x = (left << half) | right;
        } while (x >= size);
        return x;
    }
}
