package org.jacobi.ui.attribution;

import java.util.Arrays;
import org.jacobi.analysis.NumberLists;
import org.jacobi.analysis.Saliency;
import org.jacobi.core.JacobiException;

/** Occlusion windows and strides as typed ("1,8,8"), and the window used when none is typed. */
final class Windows {
    private Windows() {
    }

    /** The sizes typed, or null when blank. */
    static int[] parse(String text, String what) {
        if (text == null || text.isBlank()) {
            return null;
        }
        double[] values = NumberLists.parseList(text, what);
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || values[i] < 1) {
                throw JacobiException.usage(what + " '" + text + "' needs whole numbers of at least 1 per axis, e.g. 1,8,8.");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    /** For an input {@code [batch, C, H, W]}: all channels and about 1/14 of each side; otherwise single elements. */
    static int[] auto(long[] inputShape) {
        long[] sample = Arrays.copyOfRange(inputShape, 1, inputShape.length);
        if (!Saliency.isImageShaped(sample)) {
            return new int[] {1};
        }
        return new int[] {(int) sample[0], (int) Math.max(1, Math.ceil(sample[1] / 14.0)), (int) Math.max(1, Math.ceil(sample[2] / 14.0))};
    }
}
