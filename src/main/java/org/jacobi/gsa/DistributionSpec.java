package org.jacobi.gsa;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.TensorFiles;

/**
 * The compact text form of a study's distributions, as {@code --dist} takes it and study files store it. Each spec is
 * {@code [ELEMENTS=]KIND[:PARAMS]}; without ELEMENTS it applies to every element; later specs override earlier ones.
 * ELEMENTS is a flat index ({@code 3}), a range ({@code 2-5}), an element label ({@code speed}), or a comma-free
 * list of those joined by {@code +} ({@code 0+speed}). Kinds:
 * <ul>
 *   <li>{@code uniform:a,b}, {@code normal:mu,sigma}, {@code truncnormal:mu,sigma,a,b}, {@code lognormal:mu,sigma}
 *       (of the logarithm), {@code triangular:a,mode,b};</li>
 *   <li>{@code around:P}: uniform within plus or minus P percent of the reference sample's value;</li>
 *   <li>{@code data:FILE}: the empirical distribution of the element's column in FILE (one sample per row);</li>
 *   <li>{@code fixed} (the reference sample's value) or {@code fixed:V}.</li>
 * </ul>
 */
public final class DistributionSpec {
    private DistributionSpec() {
    }

    /**
     * Assigns a distribution to every element of one sample of the varied input.
     *
     * @param specs the specs, in order
     * @param labels one label per element (flat indices are always accepted too)
     * @param reference the reference sample's values (for {@code around} and {@code fixed}), or null when none is given
     * @param baseDir where relative {@code data:} files are looked up
     */
    public static Distribution[] resolve(List<String> specs, List<String> labels, double[] reference, Path baseDir) {
        int n = labels.size();
        if (specs == null || specs.isEmpty()) {
            throw JacobiException.usage("Give each input element a distribution, e.g. --dist uniform:0,1 for all "
                + "or --dist 3=normal:0,0.1 for element 3.");
        }
        Distribution[] out = new Distribution[n];
        DataColumns data = new DataColumns(baseDir);
        for (String raw : specs) {
            String spec = raw.strip();
            int eq = spec.indexOf('=');
            int colon = spec.indexOf(':');
            String selector = eq > 0 && (colon < 0 || eq < colon) ? spec.substring(0, eq).strip() : null;
            String body = selector == null ? spec : spec.substring(eq + 1).strip();
            int[] elements = selector == null ? allElements(n) : elements(selector, labels, spec);
            for (int e : elements) {
                out[e] = parse(body, e, labels, reference, data, spec);
            }
        }
        for (int i = 0; i < n; i++) {
            if (out[i] == null) {
                throw JacobiException.usage("Element " + i + " (" + labels.get(i) + ") has no distribution: add --dist "
                    + i + "=KIND:PARAMS, or one --dist without an element for all of them.");
            }
        }
        if (Arrays.stream(out).noneMatch(Distribution::varies)) {
            throw JacobiException.usage("Every element is fixed: give at least one element a distribution to vary.");
        }
        return out;
    }

    private static Distribution parse(String body, int element, List<String> labels, double[] reference,
                                      DataColumns data, String spec) {
        int colon = body.indexOf(':');
        String kind = (colon < 0 ? body : body.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        String params = colon < 0 ? "" : body.substring(colon + 1).strip();
        switch (kind) {
            case "uniform" -> {
                double[] p = numbers(params, 2, spec, "uniform:a,b");
                return new Distribution.Uniform(p[0], p[1]);
            }
            case "normal" -> {
                double[] p = numbers(params, 2, spec, "normal:mu,sigma");
                return new Distribution.Normal(p[0], p[1]);
            }
            case "truncnormal", "truncated-normal" -> {
                double[] p = numbers(params, 4, spec, "truncnormal:mu,sigma,a,b");
                return new Distribution.TruncatedNormal(p[0], p[1], p[2], p[3]);
            }
            case "lognormal" -> {
                double[] p = numbers(params, 2, spec, "lognormal:mu,sigma");
                return new Distribution.LogNormal(p[0], p[1]);
            }
            case "triangular" -> {
                double[] p = numbers(params, 3, spec, "triangular:a,mode,b");
                return new Distribution.Triangular(p[0], p[1], p[2]);
            }
            case "around" -> {
                double percent = numbers(params, 1, spec, "around:PERCENT")[0];
                if (!(percent > 0)) {
                    throw JacobiException.usage("'" + spec + "': the percentage must be > 0.");
                }
                double v = referenceValue(reference, element, spec);
                if (v == 0) {
                    throw JacobiException.usage("'" + spec + "': element " + element + " (" + labels.get(element)
                        + ") is 0 in the reference sample, so a percentage of it cannot vary; give a range instead, e.g. "
                        + element + "=uniform:-0.1,0.1.");
                }
                double half = Math.abs(v) * percent / 100;
                return new Distribution.Uniform(v - half, v + half);
            }
            case "data" -> {
                if (params.isEmpty()) {
                    throw JacobiException.usage("'" + spec + "' must name a file: data:FILE.");
                }
                return new Distribution.Empirical(params, data.column(params, element, labels.size()));
            }
            case "fixed" -> {
                if (params.isEmpty()) {
                    return new Distribution.Fixed(referenceValue(reference, element, spec));
                }
                return new Distribution.Fixed(numbers(params, 1, spec, "fixed:VALUE")[0]);
            }
            default -> throw JacobiException.usage("'" + spec + "': unknown distribution '" + kind + "'. Use uniform, "
                + "normal, truncnormal, lognormal, triangular, around, data or fixed.");
        }
    }

    private static double referenceValue(double[] reference, int element, String spec) {
        if (reference == null) {
            throw JacobiException.usage("'" + spec + "' needs a reference sample: give --input FILE (and --sample K).");
        }
        return reference[element];
    }

    private static double[] numbers(String params, int count, String spec, String form) {
        String[] parts = params.isEmpty() ? new String[0] : params.split(",");
        if (parts.length != count) {
            throw JacobiException.usage("'" + spec + "' must look like " + form + ".");
        }
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw JacobiException.usage("'" + spec + "': '" + parts[i].strip() + "' is not a number (" + form + ").");
            }
        }
        return v;
    }

    private static int[] allElements(int n) {
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return all;
    }

    /** Flat indices, ranges and labels joined by '+'. */
    static int[] elements(String selector, List<String> labels, String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : selector.split("\\+")) {
            String p = part.strip();
            int label = labels.indexOf(p);
            if (label >= 0) {
                out.add(label);
                continue;
            }
            int dash = p.indexOf('-', 1);
            try {
                int from = Integer.parseInt(dash > 0 ? p.substring(0, dash).strip() : p);
                int to = dash > 0 ? Integer.parseInt(p.substring(dash + 1).strip()) : from;
                if (from < 0 || to >= labels.size() || from > to) {
                    throw JacobiException.usage("'" + spec + "': the input has no element " + p + " (it has elements 0 to "
                        + (labels.size() - 1) + ").");
                }
                for (int i = from; i <= to; i++) {
                    out.add(i);
                }
            } catch (NumberFormatException e) {
                throw JacobiException.usage("'" + spec + "': the input has no element '" + p + "'. Its elements are "
                    + preview(labels) + " (or flat indices 0 to " + (labels.size() - 1) + ").");
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String preview(List<String> labels) {
        return labels.size() <= 12 ? String.join(", ", labels)
            : String.join(", ", labels.subList(0, 12)) + ", ...";
    }

    /** Columns of data files, each file read once. */
    private static final class DataColumns {
        private final Path baseDir;
        private String file;
        private double[] values;
        private int rows;

        DataColumns(Path baseDir) {
            this.baseDir = baseDir;
        }

        double[] column(String name, int element, int elements) {
            if (!name.equals(file)) {
                Path path = baseDir == null ? Path.of(name) : baseDir.resolve(name);
                Tensor t = TensorFiles.readSingle(path);
                if (t.size() % elements != 0 || t.size() == 0) {
                    throw JacobiException.usage("data:" + name + " holds " + t.describe() + ", which is not rows of "
                        + elements + " elements (one sample of the input per row).");
                }
                values = t.toDoubleArray();
                rows = t.size() / elements;
                file = name;
            }
            double[] column = new double[rows];
            for (int r = 0; r < rows; r++) {
                column[r] = values[r * elements + element];
            }
            return column;
        }
    }
}
