package org.jacobi.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import org.jacobi.model.TensorSpec;

/**
 * The part of a model's output a user points at, as written on the command line: one element of one sample's
 * output ({@code 'y[3]'}, {@code 'y[0,4,7]'}), a region summed ({@code 'y[0,10:20,:]'}), the largest element of
 * each sample ({@code 'y[top]'}), every element of a small output, one after the other ({@code 'y[each]'}: a
 * target axis), a class by label ({@code --target-label cat}) or a weighted sum ({@code --cotangent W.npy}).
 * {@code '[3]'} without a name means the first output. Indices are those of one sample, without the batch axis; negative indices count from the end; a slice
 * {@code a:b} includes a and excludes b, as in NumPy, and axes not written are taken whole.
 *
 * <p>{@link #resolve} fixes it against the model's output at the inputs: each target then is, for each sample, a
 * weighting of that sample's output elements (the cotangent of one reverse pass) and a readable description.
 */
public final class OutputTarget {
    /** How many elements {@code [each]} accepts: every one costs a reverse pass per sample. */
    public static final int MAX_EACH = 1000;

    private enum Kind { INDEXED, TOP, EACH, LABEL, WEIGHTS, DEFAULT }

    private final String output;
    private final Kind kind;
    private final String[] axes;
    private final String label;
    private final Tensor weights;
    /** The output whose element labels a {@code --target-label} is looked up in (the output a logit feeds), or null: {@link #output}. */
    private final String labelledBy;
    /** Whether the user named the output (a bare name then asks which element), not left it to the default. */
    private final boolean named;

    private OutputTarget(String output, Kind kind, String[] axes, String label, Tensor weights) {
        this(output, kind, axes, label, weights, null, output != null);
    }

    private OutputTarget(String output, Kind kind, String[] axes, String label, Tensor weights, String labelledBy, boolean named) {
        this.output = output;
        this.kind = kind;
        this.axes = axes;
        this.label = label;
        this.weights = weights;
        this.labelledBy = labelledBy;
        this.named = named;
    }

    /**
     * @param of {@code NAME}, {@code NAME[...]} or null (the first output)
     * @param targetLabel a label of the output's elements, or null
     * @param cotangent weights shaped like one sample's output or like the whole output, or null
     */
    public static OutputTarget parse(String of, String targetLabel, Tensor cotangent) {
        String name = of == null || of.isBlank() ? null : of.strip();
        String inside = null;
        if (name != null && name.endsWith("]")) {
            int open = name.lastIndexOf('[');
            if (open < 0) {
                throw JacobiException.usage("--of '" + of + "' must look like NAME, NAME[i,j], NAME[0,10:20,:], NAME[top] or NAME[each].");
            }
            inside = name.substring(open + 1, name.length() - 1).strip();
            name = open == 0 ? null : name.substring(0, open).strip();
        }
        int given = (inside != null ? 1 : 0) + (targetLabel != null ? 1 : 0) + (cotangent != null ? 1 : 0);
        if (given > 1) {
            throw JacobiException.usage("Give one of an index in --of NAME[...], --target-label or --cotangent, not several.");
        }
        if (targetLabel != null) {
            return new OutputTarget(name, Kind.LABEL, null, targetLabel.strip(), null);
        }
        if (cotangent != null) {
            return new OutputTarget(name, Kind.WEIGHTS, null, null, cotangent);
        }
        if (inside == null) {
            return new OutputTarget(name, Kind.DEFAULT, null, null, null);
        }
        String word = inside.toLowerCase(Locale.ROOT);
        if (word.equals("top") || word.equals("each")) {
            return new OutputTarget(name, word.equals("top") ? Kind.TOP : Kind.EACH, null, null, null);
        }
        if (inside.isEmpty()) {
            throw JacobiException.usage("--of '" + of + "' has empty brackets: write indices, a slice, top or each.");
        }
        return new OutputTarget(name, Kind.INDEXED, inside.split(",", -1), null, null);
    }

    /**
     * The same target pointed at value {@code name} (the logit before a final Sigmoid or Softmax, of the same shape),
     * its elements still labelled as those of {@code output} (a class name finds the class's logit).
     */
    public OutputTarget on(String name, String output) {
        return new OutputTarget(name, kind, axes, label, weights, output, named);
    }

    /** Whether this target points at part of the output (an index, slice, top, each, label or weights), not all of it. */
    public boolean pointsAtPart() {
        return kind != Kind.DEFAULT;
    }

    /** Whether fixing this target reads the output's values (top elements), not only its shape. */
    public boolean needsValues() {
        return kind == Kind.TOP || kind == Kind.DEFAULT;
    }

    /** The output named, or null for the model's first output. */
    public String output() {
        return output;
    }

    /**
     * Fixes the target against the model's output at the inputs.
     *
     * @param model for the output's name and element labels
     * @param outputValue the output {@link #output()} (or the first) at the inputs, batch axis first
     */
    public Resolved resolve(Model model, Tensor outputValue) {
        try {
            return resolveOn(model, outputValue);
        } catch (JacobiException e) {
            if (labelledBy == null || output == null || output.equals(labelledBy) || e.exitCode() != 2) {
                throw e;
            }
            // a target on the logit before a final activation: the user pointed at the output, so its name is the one read
            // (quoted or indexed only: a short logit name such as 'a' must not change the message's words)
            throw JacobiException.usage(e.getMessage().replace("'" + output + "'", "'" + labelledBy + "'")
                .replace(output + "[", labelledBy + "["));
        }
    }

    private Resolved resolveOn(Model model, Tensor outputValue) {
        String name = output != null ? output : model.info().outputs().get(0).name();
        TensorSpec spec = model.info().output(name);
        if (spec == null && !model.intermediateValues().contains(name)) {
            throw JacobiException.usage("The model has no output '" + name + "'. Outputs: "
                + String.join(", ", model.info().outputs().stream().map(TensorSpec::name).toList()) + ".");
        }
        long[] shape = outputValue.shape();
        if (shape.length == 0) {
            throw JacobiException.usage("Output '" + name + "' is a scalar with no batch axis; attributions need one value per sample.");
        }
        int samples = (int) shape[0];
        long[] sampleShape = Arrays.copyOfRange(shape, 1, shape.length);
        int n = Math.toIntExact(Tensor.elementCount(sampleShape));
        String shapeText = Tensor.shapeToString(sampleShape);
        switch (kind) {
            case DEFAULT:
                if (n == 1) {
                    return fixed(name, samples, sampleShape, new double[] {1}, name + "[0]");
                }
                if (named) {
                    throw JacobiException.usage("Output '" + name + "' has " + n + " elements per sample " + shapeText
                        + ": say which with " + name + "[i], " + name + "[top], " + name + "[each], a slice, --target-label or --cotangent.");
                }
                return top(name, samples, sampleShape, outputValue, true);
            case TOP:
                return top(name, samples, sampleShape, outputValue, false);
            case EACH:
                if (n > MAX_EACH) {
                    throw JacobiException.usage(name + "[each] asks for " + n + " attributions per sample (at most " + MAX_EACH
                        + "). Point at fewer elements with an index or slice.");
                }
                return new Resolved(name, samples, sampleShape, n, (s, t) -> oneHot(n, t), t -> name + elementText(sampleShape, t));
            case LABEL: {
                Optional<List<String>> labels = ElementLabels.of(model, labelledBy != null ? labelledBy : name, n);
                if (labels.isEmpty()) {
                    throw JacobiException.usage("The model names no elements of output '" + name + "', so --target-label '" + label
                        + "' cannot be found. Use an index: " + name + "[i].");
                }
                int index = labels.get().indexOf(label);
                if (index < 0) {
                    throw JacobiException.usage("Output '" + name + "' has no element labelled '" + label + "'. Labels: "
                        + abbreviate(labels.get()) + ".");
                }
                return fixed(name, samples, sampleShape, oneHot(n, index), name + elementText(sampleShape, index) + " ('" + label + "')");
            }
            case WEIGHTS:
                return weighted(name, samples, sampleShape, n);
            default:
                return indexed(name, samples, sampleShape, n);
        }
    }

    private Resolved weighted(String name, int samples, long[] sampleShape, int n) {
        double[] w = weights.toDoubleArray();
        String what = "the sum of " + name + " weighted by the --cotangent file";
        if (w.length == n) {
            return fixed(name, samples, sampleShape, w, what);
        }
        if (w.length == (long) samples * n) {
            return new Resolved(name, samples, sampleShape, 1, (s, t) -> Arrays.copyOfRange(w, s * n, (s + 1) * n), t -> what);
        }
        throw JacobiException.usage("The --cotangent file has shape " + Tensor.shapeToString(weights.shape()) + "; output '" + name
            + "' has " + Tensor.shapeToString(sampleShape) + " per sample (" + samples + " samples). Give one of those shapes.");
    }

    private Resolved indexed(String name, int samples, long[] sampleShape, int n) {
        if (axes.length > sampleShape.length) {
            throw JacobiException.usage("--of " + name + "[" + String.join(",", axes) + "] gives " + axes.length
                + " indices, but one sample of '" + name + "' has " + sampleShape.length + " axes " + Tensor.shapeToString(sampleShape)
                + ". Index one sample, without the batch axis: every sample gets its own gradient.");
        }
        int rank = sampleShape.length;
        int[] from = new int[rank];
        int[] to = new int[rank];
        boolean single = axes.length == rank;
        for (int a = 0; a < rank; a++) {
            int size = (int) sampleShape[a];
            String text = a < axes.length ? axes[a].strip() : ":";
            int colon = text.indexOf(':');
            if (colon < 0) {
                int i = index(text, size, name, a, false);
                from[a] = i;
                to[a] = i + 1;
            } else {
                single = false;
                String lo = text.substring(0, colon).strip();
                String hi = text.substring(colon + 1).strip();
                from[a] = lo.isEmpty() ? 0 : index(lo, size, name, a, true);
                to[a] = hi.isEmpty() ? size : index(hi, size, name, a, true);
                if (to[a] <= from[a]) {
                    throw JacobiException.usage("--of " + name + "[" + String.join(",", axes) + "]: the slice '" + text + "' on axis "
                        + a + " selects nothing.");
                }
            }
        }
        double[] w = new double[n];
        int[] stride = new int[rank];
        for (int a = rank - 1, s = 1; a >= 0; a--) {
            stride[a] = s;
            s *= (int) sampleShape[a];
        }
        for (int flat = 0; flat < n; flat++) {
            boolean inside = true;
            for (int a = 0; a < rank && inside; a++) {
                int i = flat / stride[a] % (int) sampleShape[a];
                inside = i >= from[a] && i < to[a];
            }
            w[flat] = inside ? 1 : 0;
        }
        String text = name + "[" + String.join(",", Arrays.stream(axes).map(String::strip).toList()) + "]";
        return fixed(name, samples, sampleShape, w, single ? text : "the sum of " + text);
    }

    private static int index(String text, int size, String name, int axis, boolean slice) {
        int i;
        try {
            i = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw JacobiException.usage("--of " + name + "[...]: '" + text + "' on axis " + axis
                + " is not an index. Write whole numbers, slices a:b, top or each.");
        }
        int resolved = i < 0 ? i + size : i;
        if (resolved < 0 || resolved > size || (!slice && resolved == size)) {
            throw JacobiException.usage("--of " + name + "[...]: index " + i + " on axis " + axis + " is out of range for size " + size + ".");
        }
        return resolved;
    }

    private static Resolved top(String name, int samples, long[] sampleShape, Tensor outputValue, boolean byDefault) {
        int n = Math.toIntExact(Tensor.elementCount(sampleShape));
        int[] best = new int[samples];
        for (int s = 0; s < samples; s++) {
            for (int i = 1; i < n; i++) {
                if (outputValue.getDouble(s * n + i) > outputValue.getDouble(s * n + best[s])) {
                    best[s] = i;
                }
            }
        }
        List<String> picked = new ArrayList<>();
        for (int s = 0; s < Math.min(samples, 8); s++) {
            picked.add(elementText(sampleShape, best[s]));
        }
        String text = name + "[top]" + (byDefault ? " (default: the largest element of the first output)" : "")
            + ", per sample " + String.join(" ", picked) + (samples > 8 ? " ..." : "");
        return new Resolved(name, samples, sampleShape, 1, (s, t) -> oneHot(n, best[s]), t -> text);
    }

    private static Resolved fixed(String name, int samples, long[] sampleShape, double[] w, String text) {
        return new Resolved(name, samples, sampleShape, 1, (s, t) -> w, t -> text);
    }

    private static double[] oneHot(int n, int index) {
        double[] w = new double[n];
        w[index] = 1;
        return w;
    }

    /** "[2,5]" for flat index 21 of a [4, 8] sample shape. */
    public static String elementText(long[] sampleShape, int flat) {
        long[] index = new long[sampleShape.length];
        int rest = flat;
        for (int a = sampleShape.length - 1; a >= 0; a--) {
            index[a] = rest % sampleShape[a];
            rest /= (int) sampleShape[a];
        }
        StringBuilder b = new StringBuilder("[");
        for (int a = 0; a < index.length; a++) {
            b.append(a == 0 ? "" : ",").append(index[a]);
        }
        return b.append(']').toString();
    }

    private static String abbreviate(List<String> labels) {
        return labels.size() <= 12 ? String.join(", ", labels) : String.join(", ", labels.subList(0, 12)) + ", ...";
    }

    /** Per sample and target, the weights of one sample's output elements. */
    @FunctionalInterface
    interface Weights {
        double[] of(int sample, int target);
    }

    /** Text for each target. */
    @FunctionalInterface
    interface Describer {
        String of(int target);
    }

    /**
     * A target fixed against the model's output at the inputs: {@link #targets()} targets (more than one only for
     * {@code [each]}), each a weighting of every sample's output elements.
     */
    public static final class Resolved {
        private final String output;
        private final int samples;
        private final long[] sampleShape;
        private final int targets;
        private final Weights weights;
        private final Describer describer;

        Resolved(String output, int samples, long[] sampleShape, int targets, Weights weights, Describer describer) {
            this.output = output;
            this.samples = samples;
            this.sampleShape = sampleShape.clone();
            this.targets = targets;
            this.weights = weights;
            this.describer = describer;
        }

        /** The output's name. */
        public String output() {
            return output;
        }

        public int samples() {
            return samples;
        }

        /** One sample's output shape. */
        public long[] sampleShape() {
            return sampleShape.clone();
        }

        public int outputsPerSample() {
            return Math.toIntExact(Tensor.elementCount(sampleShape));
        }

        /** The number of targets: 1, or the output's element count for {@code [each]}. */
        public int targets() {
            return targets;
        }

        /** Weights of sample {@code sample}'s output elements for target {@code target}; do not modify. */
        public double[] weights(int sample, int target) {
            return weights.of(sample, target);
        }

        /** The target's value: the weighted sum of row {@code row} of {@code outputs}, weighted as for {@code sample}. */
        public double value(Tensor outputs, int row, int sample, int target) {
            double[] w = weights(sample, target);
            int base = row * w.length;
            double sum = 0;
            for (int i = 0; i < w.length; i++) {
                if (w[i] != 0) {
                    sum += w[i] * outputs.getDouble(base + i);
                }
            }
            return sum;
        }

        /** What target {@code target} is, e.g. "y[3]" or "the sum of y[0,10:20,:]". */
        public String describe(int target) {
            return describer.of(target);
        }

        /**
         * The same targets for a batch in which row {@code r} is a copy (perturbed or not) of sample
         * {@code sampleOfRow[r]}: the weights stay those fixed at the original inputs.
         */
        public Resolved forRows(int[] sampleOfRow) {
            int[] map = sampleOfRow.clone();
            return new Resolved(output, map.length, sampleShape, targets, (r, t) -> weights.of(map[r], t), describer);
        }
    }
}
