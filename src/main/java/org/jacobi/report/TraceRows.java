package org.jacobi.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.optim.IterationRecord;
import org.jacobi.optim.OptimizationMethod;
import org.jacobi.optim.TraceCsv;

/** Trace rows for the report from the optimizers' records, or from the CSV that {@code jacobi optimize --trace} writes. */
public final class TraceRows {
    private TraceRows() {
    }

    public static TraceRow of(IterationRecord r) {
        return new TraceRow(r.method().label(), r.iteration(), r.cost(), r.gradientNorm(), r.stepNorm(), r.accepted(),
            r.timeMillis());
    }

    public static List<TraceRow> of(List<IterationRecord> records) {
        return records.stream().map(TraceRows::of).toList();
    }

    /** Reads a trace CSV with the columns of {@link TraceCsv#HEADER} (extra columns are ignored). */
    public static List<TraceRow> readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JacobiException("File not found: " + file + ". Check the path.", e);
        } catch (IOException e) {
            throw new JacobiException("Could not read " + file + ": " + e.getMessage() + ".", e);
        }
        if (lines.isEmpty()) {
            throw new JacobiException(file + " is empty. Give the trace CSV written by 'jacobi optimize --trace'.");
        }
        List<String> header = Arrays.asList(lines.get(0).strip().split(","));
        String[] needed = {"method", "iteration", "cost", "grad_norm", "step_norm", "accepted", "time_ms"};
        int[] col = new int[needed.length];
        for (int k = 0; k < needed.length; k++) {
            col[k] = header.indexOf(needed[k]);
            if (col[k] < 0) {
                throw new JacobiException(file + " has no column '" + needed[k] + "'. Give the trace CSV written by "
                    + "'jacobi optimize --trace' (columns " + String.join(",", TraceCsv.HEADER) + ").");
            }
        }
        List<TraceRow> rows = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            try {
                rows.add(new TraceRow(methodLabel(f[col[0]]), Integer.parseInt(f[col[1]]), number(f[col[2]]),
                    number(f[col[3]]), number(f[col[4]]), Boolean.parseBoolean(f[col[5]]), number(f[col[6]])));
            } catch (RuntimeException e) {
                throw new JacobiException(file + ", line " + (n + 1) + ": not a trace row (" + line + ").", e);
            }
        }
        return rows;
    }

    private static String methodLabel(String id) {
        for (OptimizationMethod m : OptimizationMethod.values()) {
            if (m.id().equalsIgnoreCase(id)) {
                return m.label();
            }
        }
        return id;
    }

    private static double number(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
