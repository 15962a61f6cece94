package org.jacobi.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jacobi.core.JacobiException;

/** Parses sizes such as 512M, 2G, 1.5GB or a plain number of bytes. */
final class SizeParser {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(?:I?B)?", Pattern.CASE_INSENSITIVE);

    private SizeParser() {
    }

    static long parseBytes(String text, String option) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw JacobiException.usage(option + " '" + text + "' is not a size. Write e.g. 512M or 2G.");
        }
        double value = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        long bytes = (long) (value * (1L << shift));
        if (bytes < (1L << 20)) {
            throw JacobiException.usage(option + " '" + text + "' is too small; give at least 1M.");
        }
        return bytes;
    }
}
