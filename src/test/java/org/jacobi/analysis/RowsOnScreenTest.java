package org.jacobi.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RowsOnScreenTest {
    @Test
    void theChosenRowComesFirstThenTheOthersOnScreenInOrder() {
        Set<Integer> done = Set.of(11, 13);
        assertArrayEquals(new int[] {14, 10, 12}, RowsOnScreen.next(10, 16, 1000, 64, 14, done::contains, 3));
        assertArrayEquals(new int[] {14, 10, 12, 15}, RowsOnScreen.next(10, 16, 1000, 64, 14, done::contains, 8));
        assertArrayEquals(new int[] {10, 12}, RowsOnScreen.next(10, 16, 1000, 64, 500, done::contains, 2), "off screen: not first");
        assertArrayEquals(new int[0], RowsOnScreen.next(11, 12, 1000, 64, 11, done::contains, 8), "all there");
        assertEquals(2, RowsOnScreen.computedIn(10, 16, 1000, 64, done::contains));
    }

    @Test
    void zoomedOutOnlyTheMiddleRowsAreComputedAndTheSpanStaysInTheMatrix() {
        assertArrayEquals(new int[] {468, 532}, RowsOnScreen.window(0, 1000, 1000, 64));
        assertArrayEquals(new int[] {990, 1000}, RowsOnScreen.window(990, 1030, 1000, 64));
        assertArrayEquals(new int[] {0, 0}, RowsOnScreen.window(-5, -1, 1000, 64));
        assertArrayEquals(new int[] {468, 469, 470}, RowsOnScreen.next(0, 1000, 1000, 64, 3000, r -> false, 3));
        assertArrayEquals(new int[] {3, 468, 469}, RowsOnScreen.next(0, 1000, 1000, 64, 3, r -> false, 3), "the chosen row on screen comes first");
    }

    @Test
    void theCacheKeepsRowsPerSampleAndOutputAndDropsTheLeastRecentlyUsedBeyondItsSize() {
        JacobianRowCache cache = new JacobianRowCache(3 * 4 * Float.BYTES); // three rows of four
        float[] a = {1, 2, 3, 4};
        cache.put(0, 7, a);
        cache.put(1, 7, new float[4]);
        cache.put(0, 8, new float[4]);
        assertSame(a, cache.get(0, 7));
        assertNull(cache.get(2, 7));
        assertEquals(2, cache.count(0));
        cache.get(0, 7); // used again: now (1, 7) is the least recently used
        cache.put(0, 9, new float[4]);
        assertNull(cache.get(1, 7));
        assertSame(a, cache.get(0, 7));
        assertEquals(3 * 4 * Float.BYTES, cache.bytes());
        cache.clear();
        assertEquals(0, cache.bytes());
        assertEquals(0, cache.count(0));
    }
}
