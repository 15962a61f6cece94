package org.jacobi.ui.saliency;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.Pixels;
import org.jacobi.analysis.Saliency;
import org.jacobi.analysis.TopOutputs;
import org.jacobi.analysis.ValueScale;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;

/**
 * The Saliency tab: for an image-shaped input ([C, H, W] or [H, W, C]), one output's row of the Jacobian as an image beside the
 * input. Which output (by its label), signed or absolute, which channel (-1: summed), overlay opacity.
 */
public final class SaliencyViewModel {
    /** What the tab shows: input and saliency pixels (ARGB, width x height) and the captions. */
    public record Picture(int width, int height, int[] input, int[] saliency, String derivative, String scaleNote, boolean flat) {
    }

    /**
     * A derivative whose absolute values sum to at most this is shown as flat, in words: changing every input element by
     * 1 would move the output by at most this much (a sigmoid or softmax output saturated at 0 or 1).
     */
    static final double FLAT_L1 = 1e-6;

    private final AppState state;
    /** Computes single rows of a Jacobian too large to compute whole; null: only whole results are shown. */
    private final Workspace workspace;
    /** The last row computed for a large Jacobian, and what it is the row of. */
    private double[] row;
    private Object rowKey;
    private Object pendingKey;
    private final IntegerProperty output = new SimpleIntegerProperty(this, "output", 0);
    private final BooleanProperty absolute = new SimpleBooleanProperty(this, "absolute", false);
    private final IntegerProperty channel = new SimpleIntegerProperty(this, "channel", -1);
    private final DoubleProperty overlayOpacity = new SimpleDoubleProperty(this, "overlayOpacity", 0.5);
    private final ObservableList<String> outputChoices = FXCollections.observableArrayList();
    /** The output element of each entry of {@link #outputChoices} (the top outputs come first, then all). */
    private List<Integer> choiceOutputs = List.of();
    private final ObservableList<String> channelChoices = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Picture> picture = new ReadOnlyObjectWrapper<>(this, "picture");
    private final ReadOnlyBooleanWrapper computing =
        new ReadOnlyBooleanWrapper(this, "computing", false);

    /** Shows saliency of computed Jacobians only. */
    public SaliencyViewModel(AppState state) {
        this(state, null);
    }

    /** Shows saliency of computed Jacobians, and of large ones row by row (one reverse pass per map). */
    public SaliencyViewModel(Workspace workspace) {
        this(workspace.state(), workspace);
    }

    private SaliencyViewModel(AppState state, Workspace workspace) {
        this.state = state;
        this.workspace = workspace;
        state.resultProperty().addListener((o, a, b) -> refresh());
        state.deferredProperty().addListener((o, a, b) -> {
            if (b != null) {
                output.set(topOutput(b, state.selectedSampleProperty().get()));
            }
            refresh();
        });
        state.selectedSampleProperty().addListener((o, a, b) -> refresh());
        state.userOutputLabelsProperty().addListener((o, a, b) -> refresh());
        output.addListener((o, a, b) -> refresh());
        absolute.addListener((o, a, b) -> refresh());
        channel.addListener((o, a, b) -> refresh());
        refresh();
    }

    private void refresh() {
        if (state.resultProperty().get() == null && state.deferredProperty().get() != null && workspace != null) {
            refreshLarge(state.deferredProperty().get());
            return;
        }
        computing.set(false);
        JacobianResult r = state.resultProperty().get();
        double[] x = state.selectedInputSample();
        boolean ok = r != null && x != null && Saliency.isImageShaped(r.sampleInputShape()) && x.length == r.inputsPerSample();
        if (!ok) {
            picture.set(null);
            clearChoices();
            return;
        }
        long[] s = Saliency.channelsFirstShape(r.sampleInputShape());
        int c = (int) s[0];
        int h = (int) s[1];
        int w = (int) s[2];
        x = Saliency.channelsFirst(x, r.sampleInputShape());
        int sampleIndex = state.sampleOf(r);
        double[] y = new double[r.outputsPerSample()];
        System.arraycopy(r.output().toDoubleArray(), sampleIndex * y.length, y, 0, y.length);
        setChoices(c, y);
        int out = Math.max(0, Math.min(output.get(), r.outputsPerSample() - 1));
        Saliency.Map2D map = Saliency.map(r, state.sampleOf(r), out, Math.min(channel.get(), c - 1), absolute.get());
        double l1 = sum(Saliency.map(r, state.sampleOf(r), out, -1, true).values());
        show(map, x, c, h, w, "d " + state.outputLabel(out) + " / d " + r.wrt(), flatNote(l1, state.outputLabel(out), y[out]));
    }

    /** A Jacobian too large to compute whole: the chosen output's row by one reverse pass, once per choice. */
    private void refreshLarge(AppState.LargeJacobian large) {
        double[] x = state.selectedInputSample();
        long[] s = large.sampleInputShape();
        if (x == null || !Saliency.isImageShaped(s) || x.length != large.size().inputsPerSample()) {
            computing.set(false);
            picture.set(null);
            clearChoices();
            return;
        }
        int c = (int) Saliency.channelsFirstShape(s)[0];
        int nOut = (int) large.size().outputsPerSample();
        int sample = Math.min(state.selectedSampleProperty().get(), (int) large.size().samples() - 1);
        setChoices(c, large.outputSample(sample));
        int out = Math.max(0, Math.min(output.get(), nOut - 1));
        List<Object> key = List.of(large, sample, out);
        if (!key.equals(rowKey)) {
            if (!key.equals(pendingKey)) {
                pendingKey = key;
                workspace.jacobianRow(sample, out, computed -> {
                    row = computed;
                    rowKey = key;
                    pendingKey = null;
                    refresh();
                }, () -> {
                    if (key.equals(pendingKey)) {
                        pendingKey = null; // cancelled or failed: asked again when the choice or the input changes
                        computing.set(false);
                    }
                });
            }
            computing.set(pendingKey != null);
            if (!(rowKey instanceof List<?> k && k.get(0) == large)) {
                picture.set(null); // the old picture stays until the new row is there, if it is of this Jacobian
            }
            return;
        }
        computing.set(false);
        Saliency.Map2D map = Saliency.map(row, s, Math.min(channel.get(), c - 1), absolute.get());
        double l1 = sum(Saliency.map(row, s, -1, true).values());
        show(map, Saliency.channelsFirst(x, s), c, map.height(), map.width(), "d " + state.outputLabel(out) + " / d " + large.request().wrt(),
            flatNote(l1, state.outputLabel(out), large.outputSample(sample)[out]));
    }

    /** The output with the largest value in {@code sample}: for a classifier, its top class. */
    static int topOutput(AppState.LargeJacobian large, int sample) {
        double[] y = large.outputSample(Math.min(sample, (int) large.size().samples() - 1));
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] > y[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The output choices: with more than {@link #TOP_K} outputs (e.g. ImageNet's 1000 classes) the
     * {@code TOP_K} largest values of the sample come first ("top 1: logits[207] = 9.31"), then every output.
     */
    /** No saliency to choose for (no Jacobian, or not of an image): the previous model's outputs must not stay listed. */
    private void clearChoices() {
        choiceOutputs = List.of();
        outputChoices.clear();
        channelChoices.clear();
    }

    private void setChoices(int c, double[] outputValues) {
        List<String> outs = new ArrayList<>();
        List<Integer> which = new ArrayList<>();
        if (outputValues.length > topChoices) {
            int rank = 1;
            for (int o : TopOutputs.indices(outputValues, topChoices)) {
                outs.add(String.format(Locale.ROOT, "top %d: %s = %.4g", rank++, state.outputLabel(o), outputValues[o]));
                which.add(o);
            }
        }
        for (int o = 0; o < outputValues.length; o++) {
            outs.add(state.outputLabel(o));
            which.add(o);
        }
        choiceOutputs = List.copyOf(which);
        if (!outs.equals(outputChoices)) {
            outputChoices.setAll(outs);
        }
        if (channelChoices.size() != c + 1) {
            List<String> items = new ArrayList<>();
            items.add("sum over channels");
            for (int i = 0; i < c; i++) {
                items.add("channel " + i);
            }
            channelChoices.setAll(items);
        }
    }

    /** @param flat the words for a (nearly) zero derivative, or null: then the map is drawn with its colour scale */
    private void show(Saliency.Map2D map, double[] x, int c, int h, int w, String derivative, String flat) {
        ColorMaps cmap = absolute.get() ? ColorMaps.VIRIDIS : ColorMaps.RDBU;
        ValueScale scale = ValueScale.fit(map.values(), !absolute.get(), false);
        String note = flat != null ? flat : (absolute.get()
            ? String.format(Locale.ROOT, "viridis: 0 (dark) to %.3g (yellow)", scale.max())
            : String.format(Locale.ROOT, "blue negative, white zero, red positive; ±%.3g", scale.max())) + " · " + derivative;
        picture.set(new Picture(w, h, Pixels.image(x, c, h, w), Pixels.colour(map.values(), scale, cmap), derivative, note, flat != null));
    }

    /** The words for an output that (nearly) does not change with the input, or null when it does. */
    static String flatNote(double l1, String output, double value) {
        if (l1 > FLAT_L1) {
            return null;
        }
        return String.format(Locale.ROOT, "No saliency to show: %s = %.4g does not change with the input here (changing every "
            + "input element by 1 would move it by at most %.2g). It is saturated, as a sigmoid at 0 or 1 is: choose another "
            + "output, or the model's output before its sigmoid or softmax.", output, value, l1);
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double v : values) {
            total += v;
        }
        return total;
    }

    /** The size of a Jacobian too large to compute automatically, or null when there is none. */
    public String largeJacobianText() {
        AppState.LargeJacobian large = state.deferredProperty().get();
        return large == null ? null : "Full Jacobian not computed: " + large.size().describe() + ".";
    }

    /** Computes the full Jacobian whatever its size. */
    public void computeFullJacobian() {
        if (workspace != null) {
            workspace.computeFullJacobian();
        }
    }

    /** Top outputs offered first when there are more outputs than this. */
    static final int TOP_K = 10;
    private int topChoices = TOP_K;

    /** For tests: how many top outputs to offer first (when there are more outputs than that). */
    void setTopChoices(int k) {
        topChoices = k;
        refresh();
    }

    /** The output element that entry {@code choice} of {@link #outputChoices()} stands for. */
    public int outputOfChoice(int choice) {
        return choice >= 0 && choice < choiceOutputs.size() ? choiceOutputs.get(choice) : choice;
    }

    /** The first entry of {@link #outputChoices()} that stands for output element {@code output}. */
    public int choiceOfOutput(int output) {
        int i = choiceOutputs.indexOf(output);
        return i >= 0 ? i : Math.min(output, outputChoices.size() - 1);
    }

    /** The index of the output shown. */
    public IntegerProperty outputProperty() {
        return output;
    }

    /** One label per output element of the current result ("y[3]", or "logits[seven]" when named). */
    public ObservableList<String> outputChoices() {
        return outputChoices;
    }

    /** "sum over channels", "channel 0", ... */
    public ObservableList<String> channelChoices() {
        return channelChoices;
    }

    public BooleanProperty absoluteProperty() {
        return absolute;
    }

    /** The channel shown, or -1 for the sum over channels. */
    public IntegerProperty channelProperty() {
        return channel;
    }

    public DoubleProperty overlayOpacityProperty() {
        return overlayOpacity;
    }

    /** True while the row of the map to show is being computed (a Jacobian too large to compute whole). */
    public ReadOnlyBooleanProperty computingProperty() {
        return computing.getReadOnlyProperty();
    }

    /** What to show, or null when the input is not image-shaped (or there is no result). */
    public ReadOnlyObjectProperty<Picture> pictureProperty() {
        return picture.getReadOnlyProperty();
    }
}
