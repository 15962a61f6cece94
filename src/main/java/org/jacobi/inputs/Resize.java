package org.jacobi.inputs;

import java.util.Locale;
import org.jacobi.core.JacobiException;

/**
 * The size an image is resampled to. A fixed height or width of the model's input always wins; this choice
 * decides the dynamic ones: {@code AUTO} and {@code KEEP} keep the image's size, {@code SIZE} sets height x width,
 * {@code MULTIPLE} rounds the image's size to the nearest multiple of {@code multiple} (at least one multiple), as
 * networks that halve the size several times need.
 */
public record Resize(Kind kind, int height, int width, int multiple) {
    /** The kinds of choice. */
    public enum Kind {
        AUTO, KEEP, SIZE, MULTIPLE
    }

    public Resize {
        if (kind == Kind.SIZE && (height <= 0 || width <= 0)) {
            throw JacobiException.usage("A resize needs a positive height and width, e.g. 224x224.");
        }
        if (kind == Kind.MULTIPLE && multiple <= 0) {
            throw JacobiException.usage("A resize multiple must be positive, e.g. multiple:32.");
        }
    }

    public static Resize auto() {
        return new Resize(Kind.AUTO, 0, 0, 0);
    }

    /** {@code auto}, {@code keep}, {@code HxW} or {@code multiple:N}. */
    public static Resize parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("auto")) {
                return auto();
            }
            if (t.equals("keep")) {
                return new Resize(Kind.KEEP, 0, 0, 0);
            }
            if (t.startsWith("multiple:")) {
                return new Resize(Kind.MULTIPLE, 0, 0, Integer.parseInt(t.substring("multiple:".length()).trim()));
            }
            int x = t.indexOf('x');
            if (x > 0) {
                return new Resize(Kind.SIZE, Integer.parseInt(t.substring(0, x).trim()), Integer.parseInt(t.substring(x + 1).trim()), 0);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw JacobiException.usage("Unknown resize '" + text + "'. Use HxW (e.g. 224x224), keep, or multiple:N (e.g. multiple:32).");
    }

    /** The size of one axis whose declared size is {@code declared} (-1 when dynamic) for an image {@code size} long. */
    int resolve(long declared, int size, int wanted) {
        if (declared > 0) {
            return (int) declared;
        }
        return switch (kind) {
            case AUTO, KEEP -> size;
            case SIZE -> wanted;
            case MULTIPLE -> Math.max(multiple, (int) Math.round(size / (double) multiple) * multiple);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case KEEP -> "keep";
            case SIZE -> height + "x" + width;
            case MULTIPLE -> "multiple:" + multiple;
        };
    }
}
