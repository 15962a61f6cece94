package org.jacobi.ui.saliency;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An output that does not move with the input is said in words, not drawn as a blank map captioned "±1.00". */
class SaturatedOutputTest {
    @Test
    void aZeroDerivativeIsExplainedAndAnOrdinaryOneIsDrawn() {
        String flat = SaliencyViewModel.flatNote(0, "mask[0, 0, 3, 4]", 1.0);
        assertNotNull(flat);
        assertTrue(flat.contains("mask[0, 0, 3, 4] = 1"), flat);
        assertTrue(flat.contains("saturated"), flat);
        assertNotNull(SaliencyViewModel.flatNote(SaliencyViewModel.FLAT_L1 / 2, "y", 0.9999999));
        assertNull(SaliencyViewModel.flatNote(1e-3, "y", 0.7), "a small but real derivative is drawn");
    }
}
