package org.jacobi.core;

import java.util.Locale;

/** Sizes in bytes as people read them, for messages and labels. */
public final class ByteSizes {
    private ByteSizes() {
    }

    /** E.g. "2.2 GiB", "40.0 MiB", "3.5 KiB". */
    public static String text(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
