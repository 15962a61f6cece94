package org.jacobi.analysis;

import java.util.ArrayList;
import java.util.List;
import org.jacobi.core.JacobiException;

/** Numbers as people type them in a form field: {@code 0.5}, {@code 1/255}, lists such as {@code 0.485, 0.456 0.406}. */
public final class NumberLists {
    private NumberLists() {
    }

    /** One number, a fraction {@code a/b} allowed; {@code what} names the field in the error. */
    public static double parseNumber(String text, String what) {
        String t = text == null ? "" : text.trim();
        try {
            int slash = t.indexOf('/');
            if (slash > 0) {
                return Double.parseDouble(t.substring(0, slash).trim()) / Double.parseDouble(t.substring(slash + 1).trim());
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw JacobiException.usage("The " + what + " '" + text + "' is not a number (e.g. 1/255 or 0.5).");
        }
    }

    /** One or more numbers separated by commas, semicolons or spaces. */
    public static double[] parseList(String text, String what) {
        String[] parts = (text == null ? "" : text).split("[,;\\s]+");
        List<Double> values = new ArrayList<>();
        for (String p : parts) {
            if (!p.isBlank()) {
                values.add(parseNumber(p, what));
            }
        }
        if (values.isEmpty()) {
            throw JacobiException.usage("Give at least one number for the " + what + ".");
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
