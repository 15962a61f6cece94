package org.jacobi.gsa;

import java.util.SplittableRandom;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import org.jacobi.core.JacobiException;

/**
 * Sobol' points (Commons Math's generator, Joe and Kuo's direction numbers, up to 1000 coordinates) randomised by
 * Matoušek's linear matrix scrambling and a random digital shift: each coordinate's 52 binary digits are multiplied
 * by a random lower-triangular unit-diagonal binary matrix and XOR-ed with a random shift, both drawn from the seed.
 * The scrambled points stay a (t, s)-sequence in base 2 (the net property survives), are uniform on the cube, and
 * give unbiased estimates whose spread over seeds measures their error. Commons Math has no scrambling itself.
 */
public final class ScrambledSobolDesign implements UnitDesign {
    private static final long serialVersionUID = 1L;
    /** Commons Math's generator holds 52 bits per coordinate (points are k / 2^52). */
    private static final int BITS = 52;
    public static final int MAX_DIMENSION = 1000;

    private final int dimension;
    private final long seed;
    /** Per coordinate, row k of the scrambling matrix as a bit mask over the input digits (digit 0 = bit 51). */
    private final long[][] rows;
    private final long[] shifts;
    private transient SobolSequenceGenerator generator;

    public ScrambledSobolDesign(int dimension, long seed) {
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw JacobiException.usage("Sobol' points exist here for 1 to " + MAX_DIMENSION + " coordinates, and this "
                + "study needs " + dimension + ". Use --design lhs or --design mc, or vary fewer elements.");
        }
        this.dimension = dimension;
        this.seed = seed;
        this.rows = new long[dimension][BITS];
        this.shifts = new long[dimension];
        for (int j = 0; j < dimension; j++) {
            SplittableRandom random = new SplittableRandom(UnitDesign.streamSeed(seed, 4, j));
            for (int k = 0; k < BITS; k++) {
                long diagonal = 1L << (BITS - 1 - k);
                long below = k == 0 ? 0 : random.nextLong() & ~((1L << (BITS - k)) - 1) & ((1L << BITS) - 1);
                rows[j][k] = diagonal | below;
            }
            shifts[j] = random.nextLong() & ((1L << BITS) - 1);
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    public long seed() {
        return seed;
    }

    @Override
    public synchronized void points(long from, int count, double[] out) {
        if (from + count > Integer.MAX_VALUE) {
            throw JacobiException.usage("Sobol' designs hold at most 2^31 points.");
        }
        if (generator == null) {
            generator = new SobolSequenceGenerator(dimension);
        }
        for (int r = 0; r < count; r++) {
            double[] p = r == 0 ? generator.skipTo((int) from) : generator.nextVector();
            int base = r * dimension;
            for (int j = 0; j < dimension; j++) {
                long digits = (long) (p[j] * 0x1.0p52);
                out[base + j] = (scramble(j, digits) + 0.5) * 0x1.0p-52;
            }
        }
    }

    /** Digit k of the result is the parity of (row k AND input digits), then the shift. */
    long scramble(int coordinate, long digits) {
        long[] m = rows[coordinate];
        long y = 0;
        for (int k = 0; k < BITS; k++) {
            y |= (long) (Long.bitCount(m[k] & digits) & 1) << (BITS - 1 - k);
        }
        return y ^ shifts[coordinate];
    }
}
