package org.jacobi.ui.saliency;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
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
import org.jacobi.analysis.SaliencyRows;
import org.jacobi.analysis.TargetGradients;
import org.jacobi.analysis.ValueScale;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Timeline;
import org.jacobi.ui.Workspace;
import org.jacobi.ui.picker.TargetPickerModel;

/**
 * The Saliency tab: for an image-shaped input ([C, H, W] or [H, W, C]), the derivative of the picked target (one output
 * element's row of the Jacobian, or a region's rows summed) as an image beside the input. The target comes from a
 * {@link TargetPickerModel}; signed or absolute, which channel (-1: summed), overlay opacity.
 *
 * <p>For an output made by a final Sigmoid or Softmax the logit before it is differentiated unless the picker asks for
 * the probability: one reverse pass through {@link TargetGradients} per sample and target, on the workspace's worker,
 * rather than rows of the probability's Jacobian (which vanish where it saturates).
 */
public final class SaliencyViewModel {
    /**
     * What the tab shows: input and saliency pixels (ARGB, width x height), the captions, and the derivative drawn (the
     * target's with respect to one sample of the input, flattened like it).
     */
    public record Picture(int width, int height, int[] input, int[] saliency, String derivative, String scaleNote, boolean flat,
                          double[] gradient) {
    }

    /**
     * A derivative whose absolute values sum to at most this is shown as flat, in words: changing every input element by
     * 1 would move the output by at most this much (a sigmoid or softmax output saturated at 0 or 1).
     */
    static final double FLAT_L1 = 1e-6;

    /** Gradients kept per Jacobian: redrawing (absolute, channel) or coming back to a target computes nothing. */
    private static final int KEPT_ROWS = 16;

    private final AppState state;
    /** Computes rows off the UI thread: of a Jacobian too large to compute whole, and of logits. */
    private final Workspace workspace;
    private final TargetPickerModel picker;
    /** Rows computed off the UI thread for {@link #rowsOf} (a result or a large Jacobian), by (sample, target, logit). */
    private final Map<List<Object>, double[]> rows = new HashMap<>();
    private Object rowsOf;
    private List<Object> pendingKey;
    private final IntegerProperty output = new SimpleIntegerProperty(this, "output", 0);
    /** True while {@link #output} follows the picker (not the user setting it). */
    private boolean following;
    private final BooleanProperty absolute = new SimpleBooleanProperty(this, "absolute", false);
    private final IntegerProperty channel = new SimpleIntegerProperty(this, "channel", -1);
    private final DoubleProperty overlayOpacity = new SimpleDoubleProperty(this, "overlayOpacity", 0.5);
    private final ObservableList<String> channelChoices = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Picture> picture = new ReadOnlyObjectWrapper<>(this, "picture");
    private final ReadOnlyBooleanWrapper computing =
        new ReadOnlyBooleanWrapper(this, "computing", false);

    /** Shows saliency of computed Jacobians, and of large ones by one reverse pass per map, for its own picker's target. */
    public SaliencyViewModel(Workspace workspace) {
        this(workspace.state(), workspace, new TargetPickerModel(workspace.state()));
    }

    /** As above, for the target of {@code picker} (shared with the other tabs that explain a target). */
    public SaliencyViewModel(Workspace workspace, TargetPickerModel picker) {
        this(workspace.state(), workspace, picker);
    }

    private SaliencyViewModel(AppState state, Workspace workspace, TargetPickerModel picker) {
        this.state = state;
        this.workspace = workspace;
        this.picker = picker;
        picker.chosenProperty().addListener((o, a, b) -> refresh()); // follows the result, the sample and the labels
        output.addListener((o, a, b) -> {
            if (!following) {
                picker.pickElement(b.intValue());
            }
        });
        absolute.addListener((o, a, b) -> refresh());
        channel.addListener((o, a, b) -> refresh());
        refresh();
    }

    private void refresh() {
        TargetPickerModel.Chosen target = picker.chosenProperty().get();
        if (target != null && target.element() >= 0) {
            following = true;
            output.set(target.element());
            following = false;
        }
        if (state.resultProperty().get() == null && state.deferredProperty().get() != null) {
            refreshLarge(state.deferredProperty().get(), target);
            return;
        }
        computing.set(false);
        JacobianResult r = state.resultProperty().get();
        double[] x = state.selectedInputSample();
        boolean ok = r != null && x != null && target != null && Saliency.isImageShaped(r.sampleInputShape())
            && x.length == r.inputsPerSample() && target.weights().length == r.outputsPerSample();
        if (!ok) {
            picture.set(null);
            channelChoices.clear();
            return;
        }
        int sample = state.sampleOf(r);
        if (target.logit() == null) {
            show(weightedRow(r, sample, target.weights()), r.sampleInputShape(), x, r.wrt(), target);
            return;
        }
        JacobianRequest request = JacobianRequest.of(state.resultInputs()).withWrtOf(r.wrt(), r.of())
            .withBatchAxis(r.batched() ? state.batchAxisProperty().get() : BatchAxis.NONE).withMode(JacobianMode.REVERSE);
        showComputedRow(r, sample, r.sampleInputShape(), x, r.wrt(), target,
            (onRow, onStopped) -> logitRow(request, r.samples(), sample, target, onRow, onStopped));
    }

    /** The weighted sum of rows of one sample's Jacobian: a row for one element, a region's sum for a box. */
    private static double[] weightedRow(JacobianResult r, int sample, double[] weights) {
        int nIn = r.inputsPerSample();
        float[] j = r.jacobian().floats();
        double[] sum = new double[nIn];
        for (int o = 0; o < weights.length; o++) {
            if (weights[o] != 0) {
                int base = (sample * weights.length + o) * nIn;
                for (int i = 0; i < nIn; i++) {
                    sum[i] += weights[o] * j[base + i];
                }
            }
        }
        return sum;
    }

    /**
     * A Jacobian too large to compute whole: the target's row by one reverse pass, once per choice (one element's row
     * through the workspace's cache of rows; a region's sum, or a logit's gradient, by one pass with its weights).
     */
    private void refreshLarge(AppState.LargeJacobian large, TargetPickerModel.Chosen target) {
        double[] x = state.selectedInputSample();
        long[] s = large.sampleInputShape();
        if (x == null || target == null || !Saliency.isImageShaped(s) || x.length != large.size().inputsPerSample()
            || target.weights().length != large.size().outputsPerSample()) {
            computing.set(false);
            picture.set(null);
            channelChoices.clear();
            return;
        }
        int samples = (int) large.size().samples();
        int sample = Math.min(state.selectedSampleProperty().get(), samples - 1);
        showComputedRow(large, sample, s, x, large.request().wrt(), target, (onRow, onStopped) -> {
            if (target.logit() != null) {
                logitRow(large.request(), samples, sample, target, onRow, onStopped);
            } else if (target.element() >= 0) {
                workspace.jacobianRow(sample, target.element(), onRow, onStopped);
            } else {
                long[] outShape = large.output().shape();
                submitRow("Saliency of " + target.text(), (engine, monitor) ->
                    SaliencyRows.weightedRow(engine, large.request(), outShape, sample, target.weights(), monitor), onRow, onStopped);
            }
        });
    }

    /**
     * Shows the target's row of {@code jacobian} (a result or a large Jacobian) for {@code sample} once computed off the
     * UI thread by {@code start} (given what to do with the row, and what to do when none comes), kept per sample,
     * target and mode so that a redraw computes nothing.
     */
    private void showComputedRow(Object jacobian, int sample, long[] shape, double[] x, String wrt, TargetPickerModel.Chosen target,
                                 BiConsumer<Consumer<double[]>, Runnable> start) {
        boolean sameJacobian = jacobian == rowsOf;
        if (!sameJacobian) {
            rows.clear(); // the rows of a Jacobian no longer shown, and the result they hold on to, go
            rowsOf = jacobian;
            pendingKey = null; // a row of the old Jacobian being computed is not one of this
        }
        List<Object> key = List.of(sample, target.element() >= 0 ? target.element() : target.text(), target.logit() != null);
        double[] row = rows.get(key);
        if (row != null) {
            computing.set(false);
            show(row, shape, x, wrt, target);
            return;
        }
        if (!key.equals(pendingKey)) {
            pendingKey = key;
            start.accept(computed -> {
                if (key.equals(pendingKey) && jacobian == rowsOf) {
                    if (rows.size() >= KEPT_ROWS) {
                        rows.clear();
                    }
                    rows.put(key, computed);
                    pendingKey = null;
                    refresh();
                }
            }, () -> {
                if (key.equals(pendingKey) && jacobian == rowsOf) {
                    pendingKey = null; // cancelled or failed: asked again when the choice or the input changes
                    computing.set(false);
                }
            });
        }
        if (rows.containsKey(key)) {
            return; // computed at once (a task run on this thread), and shown by the refresh it made
        }
        computing.set(pendingKey != null);
        if (!sameJacobian) {
            picture.set(null); // the old picture stays until the new row is there, if it is of this Jacobian
        }
    }

    /** The gradient of the target's logit (the value before the output's final activation) by one reverse pass. */
    private void logitRow(JacobianRequest request, int samples, int sample, TargetPickerModel.Chosen target,
                          Consumer<double[]> onRow, Runnable onStopped) {
        String output = picker.outputProperty().get().name();
        Model model = state.model();
        submitRow("Saliency of the logit of " + output, (engine, monitor) -> TargetGradients.ofSample(model, engine,
            request, output, samples, sample, target.weights(), false, monitor), onRow, onStopped);
    }

    /** Computes a row with the exact engine (finite differences where it cannot) on the workspace's worker. */
    private void submitRow(String title, BiFunction<JacobianEngine, ProgressMonitor, double[]> row, Consumer<double[]> onRow,
                           Runnable onStopped) {
        ModelDerivatives d = state.derivatives();
        if (d == null) {
            onStopped.run();
            return;
        }
        workspace.executor().submit(title, monitor -> {
            try {
                return row.apply(d.exact(), monitor);
            } catch (CancelledException e) {
                throw e;
            } catch (JacobiException | UnsupportedOperationException e) {
                return row.apply(d.finiteDifferences(), monitor);
            }
        }, onRow, e -> {
            onStopped.run();
            if (!(e instanceof CancelledException)) {
                state.showError(e);
            }
        });
    }

    /** Shows the map of {@code row} (the target's derivative with respect to one image sample {@code x}). */
    private void show(double[] row, long[] shape, double[] x, String wrt, TargetPickerModel.Chosen target) {
        long[] chw = Saliency.channelsFirstShape(shape);
        int c = (int) chw[0];
        setChannelChoices(c);
        Saliency.Map2D map = Saliency.map(row, shape, Math.min(channel.get(), c - 1), absolute.get());
        double l1 = sum(Saliency.map(row, shape, -1, true).values());
        TargetPickerModel.Output out = picker.outputProperty().get();
        String what = target.element() >= 0 && out != null ? out.label(target.element()) : target.text() + " summed";
        double value = 0;
        for (int i = 0; out != null && i < target.weights().length; i++) {
            value += target.weights()[i] * out.values()[i];
        }
        String flat = target.logit() != null ? flatLogitNote(l1, what) : flatNote(l1, what, value);
        if (target.logit() != null) {
            what += " (logit before the " + target.activation().operator() + ")";
        }
        show(map, row, Saliency.channelsFirst(x, shape), c, "d " + what + " / d " + wrt, flat);
    }

    private void setChannelChoices(int c) {
        if (channelChoices.size() != c + 1) {
            List<String> items = new ArrayList<>();
            items.add("sum over channels");
            for (int i = 0; i < c; i++) {
                items.add("channel " + i);
            }
            channelChoices.setAll(items);
        }
    }

    /**
     * @param row the derivative drawn, flattened like one sample of the input
     * @param flat the words for a (nearly) zero derivative, or null: then the map is drawn with its colour scale
     */
    private void show(Saliency.Map2D map, double[] row, double[] x, int c, String derivative, String flat) {
        int h = map.height();
        int w = map.width();
        ColorMaps cmap = absolute.get() ? ColorMaps.VIRIDIS : ColorMaps.RDBU;
        ValueScale scale = ValueScale.fit(map.values(), !absolute.get(), false);
        String note = flat != null ? flat : (absolute.get()
            ? String.format(Locale.ROOT, "viridis: 0 (dark) to %.3g (yellow)", scale.max())
            : String.format(Locale.ROOT, "blue negative, white zero, red positive; ±%.3g", scale.max())) + " · " + derivative;
        picture.set(new Picture(w, h, Pixels.image(x, c, h, w), Pixels.colour(map.values(), scale, cmap), derivative, note, flat != null,
            row));
        Timeline.mark(Timeline.SALIENCY);
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

    /** As {@link #flatNote}, for the logit before a final activation: no other value to suggest. */
    static String flatLogitNote(double l1, String output) {
        return l1 > FLAT_L1 ? null : String.format(Locale.ROOT, "No saliency to show: the logit of %s does not change with the "
            + "input here (changing every input element by 1 would move it by at most %.2g). Choose another target.", output, l1);
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

    /** The one output element shown (setting it picks that element); the last one picked while a region is the target. */
    public IntegerProperty outputProperty() {
        return output;
    }

    /** The target picker this tab explains the target of. */
    public TargetPickerModel picker() {
        return picker;
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
