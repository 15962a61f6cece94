package org.jacobi.spark;

import java.io.Serializable;

/**
 * Consecutive samples {@code [firstIndex, firstIndex + count)} of a study or table, as float32 rows of
 * {@code elements} values each (row-major). Blocks are the unit that partitions hold.
 */
public record SampleBlock(long firstIndex, int count, int elements, float[] rows) implements Serializable {
    public SampleBlock {
        if (rows.length != (long) count * elements) {
            throw new IllegalArgumentException(count + " rows of " + elements + " elements do not make " + rows.length + " values");
        }
    }
}
