package org.jacobi.jacobian.onnx;

import org.jacobi.jacobian.JacobianRequest;

/**
 * How a Jacobian is split into runs: chunks of samples times chunks of directions, each run holding at
 * most {@code budget / bytesPerPair} (sample, direction) pairs. All directions of a sample stay in one run
 * when they fit, since larger K makes larger matrix products.
 */
record ChunkPlan(int samples, int directions, int samplesPerChunk, int directionsPerChunk) {

    /**
     * Runs larger than this many estimated bytes gain nothing and lose time: their intermediates no longer
     * stay in the caches (measured on cnn_small: 32-sample runs ~15% faster than one 256-sample run; mlp_tanh at
     * 16,384 samples 1.5-2x faster in runs of a few thousand samples than in one run), while the per-run overhead is
     * a fraction of a millisecond. About the size of this machine's last-level cache (32 MB).
     */
    static final long PREFERRED_RUN_BYTES = 32L << 20;

    /**
     * Runs hold at least this many (sample, direction) pairs when the budget allows, whatever their estimated size:
     * a ResNet-18 on 64 x 64 images is estimated at 3 MB a pair, so cache-sized runs held one sample (10 pairs), and
     * its last stage's products had 40 rows (10 pairs x 4 positions). Measured there: runs of 4 to 8 samples 1.15 to
     * 1.25 times faster than runs of one; cnn_small and the residual block, at 60 pairs a run, are not changed.
     */
    static final long MIN_PAIRS_PER_RUN = 64;

    /**
     * The bytes one run may use: a budget given with the request as it is; the default budget capped near the
     * cache-friendly size, but never below one whole sample or {@link #MIN_PAIRS_PER_RUN} pairs.
     */
    static long runBudget(JacobianRequest request, long bytesPerPair, int directions) {
        if (request.maxMemoryBytes() > 0) {
            return request.maxMemoryBytes();
        }
        long oneSample = bytesPerPair * Math.max(1, directions);
        long fewPairs = bytesPerPair * MIN_PAIRS_PER_RUN;
        return Math.min(request.memoryBudget(), Math.max(PREFERRED_RUN_BYTES, Math.max(oneSample, fewPairs)));
    }

    static ChunkPlan of(int samples, int directions, long bytesPerPair, long budget) {
        long pairs = Math.max(1, budget / Math.max(1, bytesPerPair));
        if ((long) samples * directions <= pairs) {
            return new ChunkPlan(samples, directions, samples, directions);
        }
        if (pairs >= directions) {
            return new ChunkPlan(samples, directions, balanced(samples, (int) Math.min(samples, pairs / directions)), directions);
        }
        return new ChunkPlan(samples, directions, 1, balanced(directions, (int) pairs));
    }

    /**
     * Chunks of at most {@code most} out of {@code n}, as even as the same number of chunks allows: 8 samples at
     * most 6 a run are two runs of 4, not 6 and 2 (a short last run wastes the large matrix products of the others).
     */
    static int balanced(int n, int most) {
        int chunks = (n + most - 1) / most;
        return (n + chunks - 1) / chunks;
    }

    /** The same direction chunks over {@code n} samples that always run together. */
    ChunkPlan withSamples(int n) {
        return new ChunkPlan(n, directions, n, directionsPerChunk);
    }

    int sampleChunks() {
        return (samples + samplesPerChunk - 1) / samplesPerChunk;
    }

    int directionChunks() {
        return (directions + directionsPerChunk - 1) / directionsPerChunk;
    }

    int chunks() {
        return sampleChunks() * directionChunks();
    }

    /** The first sample of sample chunk {@code sc}: chunks split the samples evenly (sizes differ by at most one). */
    int sampleStart(int sc) {
        return (int) ((long) sc * samples / sampleChunks());
    }

    /** The samples of chunk {@code sc}, at most {@link #samplesPerChunk()}. */
    int sampleCount(int sc) {
        return sampleStart(sc + 1) - sampleStart(sc);
    }

    /** The first direction of direction chunk {@code dc}, split evenly like the samples. */
    int directionStart(int dc) {
        return (int) ((long) dc * directions / directionChunks());
    }

    int directionCount(int dc) {
        return directionStart(dc + 1) - directionStart(dc);
    }

    /** The (sample, direction) pairs of the largest run. */
    long pairsPerRun() {
        return (long) samplesPerChunk * directionsPerChunk;
    }
}
