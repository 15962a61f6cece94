package org.jacobi.jacobian.onnx;

/**
 * How a Jacobian is split into runs: chunks of samples times chunks of directions, each run holding at
 * most {@code budget / bytesPerPair} (sample, direction) pairs. All directions of a sample stay in one run
 * when they fit, since larger K makes larger matrix products.
 */
record ChunkPlan(int samples, int directions, int samplesPerChunk, int directionsPerChunk) {

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
