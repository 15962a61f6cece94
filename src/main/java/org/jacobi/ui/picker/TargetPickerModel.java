package org.jacobi.ui.picker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.analysis.TensorLabels;
import org.jacobi.analysis.TopOutputs;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.Model;
import org.jacobi.ui.AppState;

/**
 * What to explain, chosen on the model's output for the selected sample: the output as it is (an image, or bars for
 * classes), and the target picked on it (a pixel, a box summed, a bar, or typed as {@code NAME[i,j]}, a slice or a
 * label). The Saliency and Attribution tabs share one picker, so both explain the same target.
 *
 * <p>The output's values are those of the current Jacobian's forward run (already made off the UI thread, for a full
 * Jacobian and for one too large to compute whole alike); the target is written in {@link OutputTarget}'s syntax, as
 * on the command line, and resolved by it. Where the output is made by a final Sigmoid or Softmax, the logit before it is
 * differentiated unless {@link #probabilityProperty()} asks for the probability itself, as the CLI's {@code --probability}.
 */
public final class TargetPickerModel {
    /** One sample of the output that targets are picked on, with its element names (null when it has none). */
    public record Output(String name, long[] shape, double[] values, List<String> labels, OutputLayout layout) {
        /** "mask[0, 3, 4]", or "logits[seven]" when the element is named. */
        public String label(int element) {
            return TensorLabels.label(name, shape, element, labels);
        }

        /** The element's name alone when it has one, else its index label. */
        public String shortLabel(int element) {
            return TensorLabels.shortLabel(name, shape, element, labels);
        }
    }

    /**
     * The target: its text ({@code mask[0,2:5,1:4]}), in words, its weight per output element of the sample, the one
     * element it is (-1 for a region or a weighting), and the box it covers on an image output ({channel, row0,
     * col0, row1, col1}, ends excluded; null for bars); the output's final Sigmoid or Softmax (null when it has none)
     * and whether its probability rather than the logit before it is differentiated.
     */
    public record Chosen(String text, String words, double[] weights, int element, int[] box, Model.FinalActivation activation,
                         boolean probability) {
        /** The logit differentiated instead of the output (the value before its final activation), or null. */
        public String logit() {
            return activation == null || probability ? null : activation.logit();
        }

        /** What is differentiated, in words, for an output with a final activation; null for any other. */
        public String differentiated(String output) {
            if (activation == null) {
                return null;
            }
            return probability ? "the probability itself, after the final " + activation.operator() + " of '" + output + "'"
                : "the logit before the final " + activation.operator() + " of '" + output + "' (" + activation.logit() + ")";
        }
    }

    /** One bar of a vector output. */
    public record Bar(int element, String label, double value) {
    }

    private final AppState state;
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final BooleanProperty probability = new SimpleBooleanProperty(this, "probability", false);
    private final ReadOnlyObjectWrapper<Output> output = new ReadOnlyObjectWrapper<>(this, "output");
    private final ReadOnlyObjectWrapper<Chosen> chosen = new ReadOnlyObjectWrapper<>(this, "chosen");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");

    public TargetPickerModel(AppState state) {
        this.state = state;
        state.modelProperty().addListener((o, a, b) -> { // another model's target means nothing here
            text.set("");
            probability.set(false);
        });
        state.resultProperty().addListener((o, a, b) -> refresh());
        state.deferredProperty().addListener((o, a, b) -> refresh());
        state.selectedSampleProperty().addListener((o, a, b) -> refresh());
        state.userOutputLabelsProperty().addListener((o, a, b) -> refresh());
        text.addListener((o, a, b) -> choose());
        probability.addListener((o, a, b) -> choose());
        refresh();
    }

    private void refresh() {
        Output before = output.get();
        output.set(currentOutput());
        Output now = output.get();
        if (before != null && now != null && !before.name().equals(now.name())) {
            text.set(""); // another output chosen in the Input panel: its largest element, not the old output's index
        }
        choose();
    }

    /** The selected sample of the current Jacobian's output, or null when there is none yet. */
    private Output currentOutput() {
        JacobianResult r = state.resultProperty().get();
        AppState.LargeJacobian large = state.deferredProperty().get();
        String name;
        long[] shape;
        double[] values;
        if (r != null) {
            name = r.of();
            shape = r.sampleOutputShape();
            values = new double[r.outputsPerSample()];
            int sample = state.sampleOf(r);
            Tensor y = r.output();
            for (int i = 0; i < values.length; i++) {
                values[i] = y.getDouble(sample * values.length + i);
            }
        } else if (large != null) {
            name = large.request().of();
            shape = large.sampleOutputShape();
            values = large.outputSample(Math.max(0, Math.min(state.selectedSampleProperty().get(), (int) large.size().samples() - 1)));
        } else {
            return null;
        }
        return new Output(name, shape, values, state.outputNames(), OutputLayout.of(shape));
    }

    /** Resolves the text against the output shown; a text that does not fit it keeps the previous target and says why. */
    private void choose() {
        Output out = output.get();
        if (out == null || state.model() == null) {
            chosen.set(null);
            problem.set("");
            return;
        }
        try {
            chosen.set(resolve(state.model(), out, text.get(), probability.get()));
            problem.set("");
        } catch (JacobiException e) {
            problem.set(e.getMessage());
            if (chosen.get() == null || chosen.get().weights().length != out.values().length) {
                chosen.set(resolve(state.model(), out, "", probability.get()));
            }
        }
    }

    static Chosen resolve(Model model, Output out, String typed, boolean probability) {
        String t = typed == null ? "" : typed.strip();
        boolean byDefault = t.isEmpty();
        long[] batched = new long[out.shape().length + 1];
        batched[0] = 1;
        System.arraycopy(out.shape(), 0, batched, 1, out.shape().length);
        String text = byDefault ? out.name() + "[top]" : t;
        OutputTarget.Resolved r = OutputTarget.parse(text, null, null).resolve(model, Tensor.ofDoubles(out.values(), batched));
        if (r.targets() != 1) {
            throw JacobiException.usage("Pick one target: an element, a slice (summed) or top, not each.");
        }
        if (!r.output().equals(out.name())) {
            throw JacobiException.usage("Targets are picked on '" + out.name() + "', the output chosen in the Input panel; '"
                + r.output() + "' is another. Choose it there first.");
        }
        double[] w = r.weights(0, 0);
        int single = -1;
        int count = 0;
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            if (w[i] != 0) {
                count++;
                sum += w[i] * out.values()[i];
                single = i;
            }
        }
        boolean oneElement = count == 1 && w[single] == 1;
        String words;
        if (oneElement) {
            words = String.format(Locale.ROOT, "%s = %.4g%s", out.label(single), out.values()[single],
                byDefault ? " (the largest element; click the output or type to choose another)" : "");
        } else {
            words = String.format(Locale.ROOT, "%s summed: %,d elements, sum %.4g", text, count, sum);
        }
        Model.FinalActivation activation = model.finalActivation(out.name());
        if (activation != null) { // said, because such an output's derivative vanishes where it saturates
            words += " · after the final " + activation.operator() + " (of " + activation.logit() + ")";
        }
        return new Chosen(byDefault ? "" : text, words, w, oneElement ? single : -1, box(out.layout(), w), activation, probability);
    }

    /** The bounding box of the weighted pixels of the first channel they lie in, or null for bars. */
    private static int[] box(OutputLayout layout, double[] w) {
        if (!layout.image()) {
            return null;
        }
        int[] b = null;
        for (int i = 0; i < w.length; i++) {
            if (w[i] == 0) {
                continue;
            }
            int[] p = layout.pixel(i);
            if (b == null) {
                b = new int[] {p[0], p[1], p[2], p[1] + 1, p[2] + 1};
            } else if (p[0] == b[0]) {
                b[1] = Math.min(b[1], p[1]);
                b[2] = Math.min(b[2], p[2]);
                b[3] = Math.max(b[3], p[1] + 1);
                b[4] = Math.max(b[4], p[2] + 1);
            }
        }
        return b;
    }

    // ---- picking ---------------------------------------------------------------------------------

    /** A click on pixel ({@code row}, {@code col}) of channel {@code channel} of an image output. */
    public void pickPixel(int channel, int row, int col) {
        pickBox(channel, row, col, row, col);
    }

    /**
     * A box dragged from pixel ({@code rowA}, {@code colA}) to pixel ({@code rowB}, {@code colB}), both inside it, on
     * channel {@code channel} of an image output: the target is the sum over the box.
     */
    public void pickBox(int channel, int rowA, int colA, int rowB, int colB) {
        Output out = output.get();
        if (out == null || !out.layout().image()) {
            return;
        }
        OutputLayout l = out.layout();
        int r0 = clamp(Math.min(rowA, rowB), l.height() - 1);
        int r1 = clamp(Math.max(rowA, rowB), l.height() - 1) + 1;
        int c0 = clamp(Math.min(colA, colB), l.width() - 1);
        int c1 = clamp(Math.max(colA, colB), l.width() - 1) + 1;
        text.set(out.name() + "[" + l.boxIndex(clamp(channel, l.channels() - 1), r0, c0, r1, c1) + "]");
    }

    /** A click on the bar (or any element) {@code element}. */
    public void pickElement(int element) {
        Output out = output.get();
        if (out == null || element < 0 || element >= out.values().length) {
            return;
        }
        long[] index = Tensor.unravel(element, out.shape());
        text.set(out.name() + "[" + String.join(",", Arrays.stream(index).mapToObj(Long::toString).toList()) + "]");
    }

    /**
     * A typed target: {@code NAME[i,j]}, {@code [i,j]} or {@code i,j} (on the output shown), a slice ({@code 0,10:20,:},
     * summed), {@code top}, or an element's name. One that does not fit the output leaves the target as it was and
     * says why in {@link #problemProperty()}.
     */
    public void type(String typed) {
        Output out = output.get();
        String t = typed == null ? "" : typed.strip();
        if (out == null || t.isEmpty()) {
            text.set(t);
            return;
        }
        String candidate = t;
        int named = out.labels() == null ? -1 : indexOfIgnoringCase(out.labels(), t);
        if (named >= 0) {
            pickElement(named);
            return;
        }
        if (t.startsWith("[")) {
            candidate = out.name() + t;
        } else if (t.matches("[-0-9:, ]+|top")) {
            candidate = out.name() + "[" + t + "]";
        }
        try {
            resolve(state.model(), out, candidate, probability.get());
            text.set(candidate);
        } catch (JacobiException e) {
            problem.set(e.getMessage());
        }
    }

    private static int indexOfIgnoringCase(List<String> labels, String t) {
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).equalsIgnoreCase(t)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The output's elements as bars, largest first: at most {@code limit}, those whose name or index contains
     * {@code query} (any case) when it is not blank.
     */
    public List<Bar> bars(String query, int limit) {
        Output out = output.get();
        if (out == null) {
            return List.of();
        }
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        List<Bar> bars = new ArrayList<>();
        for (int i : TopOutputs.indices(out.values(), out.values().length)) {
            if (bars.size() >= limit) {
                break;
            }
            String label = out.shortLabel(i);
            if (q.isEmpty() || label.toLowerCase(Locale.ROOT).contains(q) || out.label(i).toLowerCase(Locale.ROOT).contains(q)) {
                bars.add(new Bar(i, label, out.values()[i]));
            }
        }
        return bars;
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(v, max));
    }

    // ---- properties ------------------------------------------------------------------------------

    /** The target as typed on the command line ({@code y[3]}, {@code mask[0,2:5,1:4]}); empty for the largest element. */
    public StringProperty textProperty() {
        return text;
    }

    /**
     * Whether the probability after a final Sigmoid or Softmax is differentiated rather than the logit before it (off:
     * the probability's derivative vanishes wherever it saturates). Off again for each model opened.
     */
    public BooleanProperty probabilityProperty() {
        return probability;
    }

    /** The output of the selected sample that targets are picked on, or null before there is one. */
    public ReadOnlyObjectProperty<Output> outputProperty() {
        return output.getReadOnlyProperty();
    }

    /** The target resolved on the output shown, or null while there is no output. */
    public ReadOnlyObjectProperty<Chosen> chosenProperty() {
        return chosen.getReadOnlyProperty();
    }

    /** Why the last typed target was not taken, or empty. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }
}
