package org.jacobi.io;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/** Plain CSV tensors: one sample per row, comma (or semicolon, tab) separated, an optional header row. */
public final class CsvTensors {
    private CsvTensors() {
    }

    /** Reads a float32 tensor of shape [rows, columns]. */
    public static Tensor read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JacobiException("File not found: " + file + ". Check the path.", e);
        } catch (MalformedInputException e) {
            throw new JacobiException(file + " is not a text CSV file.", e);
        } catch (IOException e) {
            throw new JacobiException("Could not read " + file + ": " + AtomicFiles.describe(e) + ".", e);
        }
        List<float[]> rows = new ArrayList<>();
        int columns = -1;
        for (int lineNo = 0; lineNo < lines.size(); lineNo++) {
            String line = lines.get(lineNo).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("[,;\t]");
            float[] values = new float[cells.length];
            boolean numeric = true;
            for (int i = 0; i < cells.length && numeric; i++) {
                String cell = cells[i].strip().replace("\"", "");
                try {
                    values[i] = Float.parseFloat(cell);
                } catch (NumberFormatException e) {
                    numeric = false;
                }
            }
            if (!numeric) {
                if (rows.isEmpty() && columns < 0) {
                    columns = cells.length; // header row
                    continue;
                }
                throw new JacobiException(file + ", line " + (lineNo + 1) + ": a value is not a number. "
                    + "Each row must hold one sample's numbers, comma separated.");
            }
            if (columns >= 0 && cells.length != columns) {
                throw new JacobiException(file + ", line " + (lineNo + 1) + ": " + cells.length
                    + " values where earlier rows have " + columns + ". Every row must hold one whole sample.");
            }
            columns = cells.length;
            rows.add(values);
        }
        if (rows.isEmpty()) {
            throw new JacobiException(file + " holds no rows of numbers.");
        }
        float[] data = new float[rows.size() * columns];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, data, r * columns, columns);
        }
        return Tensor.ofFloats(data, rows.size(), columns);
    }

    /**
     * Writes a tensor as CSV, one row per index of axis 0 with the remaining axes flattened, atomically.
     * {@code header} may be null.
     */
    public static void write(Path file, Tensor tensor, List<String> header, boolean overwrite) {
        AtomicFiles.write(file, overwrite, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            long[] shape = tensor.shape();
            int rows = shape.length == 0 ? 1 : (int) shape[0];
            int cols = rows == 0 ? 0 : tensor.size() / Math.max(1, rows);
            if (header != null) {
                w.write(String.join(",", header));
                w.write('\n');
            }
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < rows; r++) {
                sb.setLength(0);
                for (int c = 0; c < cols; c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    double v = tensor.getDouble(r * cols + c);
                    sb.append(tensor.type() == ElementType.FLOAT32 ? Float.toString((float) v) : format(v));
                }
                sb.append('\n');
                w.write(sb.toString());
            }
            w.flush();
        });
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%d", (long) v) : Double.toString(v);
    }
}
