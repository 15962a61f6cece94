package org.jacobi.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jacobi.core.JacobiException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class JacobianArraysTest {
    @Test
    void aJacobianLargerThanOneArrayIsRefusedWithAMessage() {
        JacobiException e = assertThrows(JacobiException.class, () -> JacobianArrays.allocate(1L << 33));
        assertTrue(e.getMessage().contains("more than one array can hold"), e.getMessage());
    }

    @Test
    void aJacobianLargerThanWhatTheHeapHasLeftIsRefusedWithAMessage() {
        long elements = Runtime.getRuntime().maxMemory() / Float.BYTES; // the whole heap in floats
        Assumptions.assumeTrue(elements <= Integer.MAX_VALUE - 16, "a heap this large fits any one array");
        JacobiException e = assertThrows(JacobiException.class, () -> JacobianArrays.allocate(elements));
        assertTrue(e.getMessage().contains("Java has") || e.getMessage().contains("more than Java could allocate"), e.getMessage());
        assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
    }

    @Test
    void aSmallJacobianIsAllocated() {
        assertEquals(1000, JacobianArrays.allocate(1000).length);
    }
}
