package org.jacobi.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rows of one Jacobian computed so far, by (sample, output element), so that a heatmap or saliency map shown
 * again costs no reverse pass. Holds at most {@code maxBytes} of rows; beyond that the least recently used
 * rows are dropped (an ImageNet classifier's row is 588 KiB, its whole Jacobian 574 MiB per sample).
 */
public final class JacobianRowCache {
    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<Long, float[]> rows = new LinkedHashMap<>(64, 0.75f, true);

    public JacobianRowCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The row d(output {@code output} of sample {@code sample}) / d(that sample's input), or null when not computed. */
    public synchronized float[] get(int sample, int output) {
        return rows.get(key(sample, output));
    }

    public synchronized boolean contains(int sample, int output) {
        return rows.containsKey(key(sample, output));
    }

    public synchronized void put(int sample, int output, float[] row) {
        float[] old = rows.put(key(sample, output), row);
        bytes += (long) row.length * Float.BYTES - (old == null ? 0 : (long) old.length * Float.BYTES);
        var it = rows.entrySet().iterator();
        while (bytes > maxBytes && rows.size() > 1 && it.hasNext()) {
            Map.Entry<Long, float[]> eldest = it.next();
            if (eldest.getValue() == row) {
                continue; // never the row just added
            }
            bytes -= (long) eldest.getValue().length * Float.BYTES;
            it.remove();
        }
    }

    /** How many rows of {@code sample} are held. */
    public synchronized int count(int sample) {
        return outputs(sample).length;
    }

    /** The outputs of {@code sample} whose rows are held, in increasing order. */
    public synchronized int[] outputs(int sample) {
        return rows.keySet().stream().filter(k -> (int) (k >>> 32) == sample).mapToInt(k -> (int) (long) k).sorted().toArray();
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized void clear() {
        rows.clear();
        bytes = 0;
    }

    private static long key(int sample, int output) {
        return ((long) sample << 32) | (output & 0xffffffffL);
    }
}
