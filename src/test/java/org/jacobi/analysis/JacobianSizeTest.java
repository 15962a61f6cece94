package org.jacobi.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JacobianSizeTest {
    @Test
    void anImageNetClassifiersJacobianIsOverTheAutomaticLimit() {
        JacobianSize resnet = new JacobianSize(4, 1000, 3 * 224 * 224);
        assertEquals(602_112_000L, resnet.entries());
        assertEquals(4 * 602_112_000L, resnet.bytes());
        assertTrue(resnet.exceeds(JacobianSize.DEFAULT_AUTOMATIC_LIMIT));
        assertEquals("4 samples × 1000 outputs × 150528 inputs = 602,112,000 entries (2.2 GiB)", resnet.describe());
        assertEquals(500.0, resnet.estimatedSeconds(0.5), 1e-9);
        assertFalse(new JacobianSize(10, 10, 64).exceeds(JacobianSize.DEFAULT_AUTOMATIC_LIMIT));
    }
}
