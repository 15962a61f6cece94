package org.jacobi.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/** Reads tensor files by extension: NPY (one array), NPZ (named arrays) and CSV (one sample per row). */
public final class TensorFiles {
    private TensorFiles() {
    }

    /** A command-line input: {@code FILE} or {@code NAME=FILE}; {@code name} is null when not given. */
    public record InputArgument(String name, Path file) {
        public static InputArgument parse(String text) {
            int eq = text.indexOf('=');
            if (eq > 0 && !text.substring(0, eq).contains("/") && !text.substring(0, eq).contains("\\")) {
                return new InputArgument(text.substring(0, eq), Path.of(text.substring(eq + 1)));
            }
            return new InputArgument(null, Path.of(text));
        }
    }

    /** True when {@code file} has an extension this class reads. */
    public static boolean isTensorFile(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".npy") || n.endsWith(".npz") || n.endsWith(".csv");
    }

    /** Reads all arrays of a file; an NPY or CSV file gives one array under the key "". */
    public static Map<String, Tensor> read(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (n.endsWith(".npy")) {
            out.put("", Npy.read(file));
        } else if (n.endsWith(".npz")) {
            out.putAll(Npz.read(file));
        } else if (n.endsWith(".csv") || n.endsWith(".txt")) {
            out.put("", CsvTensors.read(file));
        } else {
            throw JacobiException.usage(file + ": unknown tensor file type. Give a .npy, .npz or .csv file.");
        }
        return out;
    }

    /** Reads a file that must hold exactly one array. */
    public static Tensor readSingle(Path file) {
        Map<String, Tensor> arrays = read(file);
        if (arrays.size() != 1) {
            throw JacobiException.usage(file + " holds " + arrays.size() + " arrays " + arrays.keySet()
                + "; give a file with one array.");
        }
        return arrays.values().iterator().next();
    }
}
