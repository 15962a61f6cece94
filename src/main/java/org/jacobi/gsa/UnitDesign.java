package org.jacobi.gsa;

import java.io.Serializable;

/**
 * Points in the open unit cube (0, 1)^dimension, each one a pure function of (seed, index): any range of points can
 * be generated on its own, in any order, on any machine, and gives the same numbers. Studies map the coordinates
 * through each element's {@link Distribution#quantile}.
 */
public interface UnitDesign extends Serializable {
    int dimension();

    /**
     * Writes points {@code from .. from+count-1}, row-major, {@code dimension()} coordinates each, into {@code out}
     * starting at 0.
     */
    void points(long from, int count, double[] out);

    /** A design of the given kind. {@code size} is the planned point count (Latin hypercubes stratify by it). */
    static UnitDesign of(DesignKind kind, int dimension, long size, long seed) {
        return switch (kind) {
            case MC -> new MonteCarloDesign(dimension, seed);
            case LHS -> new LatinHypercubeDesign(dimension, size, seed);
            case SOBOL -> new ScrambledSobolDesign(dimension, seed);
        };
    }

    /** SplitMix64's finaliser: a bijective mix of 64 bits, the base of every per-index random stream here. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The seed of the random stream for (seed, stream, index). */
    static long streamSeed(long seed, long stream, long index) {
        return mix(mix(mix(seed) + stream * 0x9e3779b97f4a7c15L) + index);
    }

    /** A uniform in the open interval (0, 1) from 53 random bits. */
    static double open01(long bits) {
        return ((bits >>> 11) + 0.5) * 0x1.0p-53;
    }
}
