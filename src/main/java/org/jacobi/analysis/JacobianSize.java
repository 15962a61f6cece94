package org.jacobi.analysis;

import java.util.Locale;
import org.jacobi.core.ByteSizes;

/**
 * How large a per-sample Jacobian would be before computing it: entries, float32 bytes, and whether it is
 * small enough to compute without asking.
 */
public record JacobianSize(long samples, long outputsPerSample, long inputsPerSample) {
    /** Jacobians of up to this many entries (64 MiB of float32) are computed as soon as a model and input are there. */
    public static final long DEFAULT_AUTOMATIC_LIMIT = 1L << 24;

    public long entries() {
        return samples * outputsPerSample * inputsPerSample;
    }

    /** The float32 Jacobian's size in bytes. */
    public long bytes() {
        return entries() * Float.BYTES;
    }

    public boolean exceeds(long entryLimit) {
        return entries() > entryLimit;
    }

    /**
     * The time of the full Jacobian by reverse mode, estimated from one timed vector-Jacobian product (one
     * reverse pass for all samples): one pass per output element.
     */
    public double estimatedSeconds(double secondsPerVjp) {
        return secondsPerVjp * outputsPerSample;
    }

    /** E.g. "4 samples × 1000 outputs × 150528 inputs = 602,112,000 entries (2.2 GiB)". */
    public String describe() {
        return String.format(Locale.ROOT, "%d samples × %d outputs × %d inputs = %,d entries (%s)",
            samples, outputsPerSample, inputsPerSample, entries(), bytesText(bytes()));
    }

    /** E.g. "45 s", "3 min", "1.7 h". */
    public static String durationText(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        return seconds < 7200 ? String.format(Locale.ROOT, "%.0f min", seconds / 60) : String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }

    /** E.g. "2.2 GiB". */
    public static String bytesText(long bytes) {
        return ByteSizes.text(bytes);
    }
}
