package org.jacobi.ui.jacobian;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.JacobianSize;
import org.jacobi.analysis.RowsOnScreen;
import org.jacobi.analysis.TensorLabels;
import org.jacobi.analysis.TopOutputs;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;
import org.jacobi.ui.heatmap.HeatmapData;
import org.jacobi.ui.heatmap.RowSpan;

/**
 * The Jacobian tab: the selected sample's {@code [outputs x inputs]} matrix, its labels, and how it is coloured.
 * A Jacobian too large to compute whole (deferred) is shown row by row: the rows on screen are computed in the
 * background, a few per reverse pass, the top output first, and more as the view moves; the colours and the note
 * then cover the computed rows only.
 */
public final class JacobianViewModel {
    /** Rows computed for one screen at most; zoomed out further, the middle ones (the whole Jacobian is a menu item). */
    static final int MAX_ROWS_ON_SCREEN = 64;
    /**
     * Rows per reverse pass after the first (which is the top output alone, to show something soon). Small, because
     * a pass under way is not interrupted when new input arrives: on ResNet-18, four rows take about half a second
     * on two cores, and larger batches were hardly faster per row.
     */
    static final int ROW_BATCH = 4;
    /** Entries one pass may compute: a row of a 1024 x 1024 colour image is 3 M entries, so such rows come one by one. */
    static final long ROW_BATCH_ENTRIES = 1L << 20;
    /**
     * Entries computed on their own per view: beyond, rows wait until the view moves. Two rows of a 1024 x 1024 colour
     * image (each a reverse pass of seconds, which would otherwise hold both cores from a saliency map asked for);
     * 28 of the 64 rows on screen of an ImageNet classifier.
     */
    static final long AUTO_ENTRIES = 1L << 22;
    private long autoEntries = AUTO_ENTRIES;
    static final long VISIBLE_ROWS_DEBOUNCE_MS = 150;

    private final AppState state;
    /** Computes rows of deferred Jacobians; null: only computed Jacobians are shown. */
    private final Workspace workspace;
    private final ReadOnlyObjectWrapper<HeatmapData> heatmapData = new ReadOnlyObjectWrapper<>(this, "heatmapData");
    private final ObjectProperty<ColorMaps> colorMap = new SimpleObjectProperty<>(this, "colorMap", ColorMaps.RDBU);
    private final BooleanProperty sharedScale = new SimpleBooleanProperty(this, "sharedScale", true);
    private final BooleanProperty symlog = new SimpleBooleanProperty(this, "symlog", false);
    private final ReadOnlyDoubleWrapper scaleLimit = new ReadOnlyDoubleWrapper(this, "scaleLimit", Double.NaN);
    private final StringBinding axesText;
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown", true);
    private final ReadOnlyStringWrapper rowsNote = new ReadOnlyStringWrapper(this, "rowsNote", "");
    private final ReadOnlyIntegerWrapper rowsComputed = new ReadOnlyIntegerWrapper(this, "rowsComputed", 0);
    private final ReadOnlyIntegerWrapper focusRow = new ReadOnlyIntegerWrapper(this, "focusRow", 0);
    private RowSpan visible = RowSpan.NONE;
    /** The deferred Jacobian and sample the heatmap shows rows of; a batch of its rows is on its way while busy. */
    private AppState.LargeJacobian rowsOf;
    private int rowsSample;
    private boolean busy;
    /** Set by a cancel: rows are computed again once the view moves or the tab is shown again. */
    private boolean paused;
    /** Set when {@link #autoEntries} were computed for this view: as {@link #paused}, with its own note. */
    private boolean budgetSpent;
    private long entriesThisView;

    /** Shows computed Jacobians only. */
    public JacobianViewModel(AppState state) {
        this(state, null);
    }

    /** Shows computed Jacobians, and large deferred ones row by row as they come into view. */
    public JacobianViewModel(Workspace workspace) {
        this(workspace.state(), workspace);
    }

    private JacobianViewModel(AppState state, Workspace workspace) {
        this.state = state;
        this.workspace = workspace;
        state.resultProperty().addListener((obs, a, b) -> refresh());
        state.deferredProperty().addListener((obs, a, b) -> refresh());
        state.selectedSampleProperty().addListener((obs, a, b) -> refresh());
        state.userOutputLabelsProperty().addListener((obs, a, b) -> refresh());
        sharedScale.addListener((obs, a, b) -> refresh());
        shown.addListener((obs, a, b) -> {
            if (b) {
                resume();
                computeVisibleRows();
            }
        });
        axesText = Bindings.createStringBinding(() -> {
            JacobianResult r = state.resultProperty().get();
            AppState.LargeJacobian large = state.deferredProperty().get();
            if (r == null && large != null) {
                return "rows: " + large.request().of() + " " + Tensor.shapeToString(large.sampleOutputShape()) + " ("
                    + large.size().outputsPerSample() + ")   columns: " + large.request().wrt() + " "
                    + Tensor.shapeToString(large.sampleInputShape()) + " (" + large.size().inputsPerSample() + ")   sample "
                    + sampleOf(large);
            }
            if (r == null) {
                return "";
            }
            return "rows: " + r.of() + " " + Tensor.shapeToString(r.sampleOutputShape()) + " (" + r.outputsPerSample()
                + ")   columns: " + r.wrt() + " " + Tensor.shapeToString(r.sampleInputShape()) + " (" + r.inputsPerSample()
                + ")   sample " + state.selectedSampleProperty().get();
        }, state.resultProperty(), state.deferredProperty(), state.selectedSampleProperty());
        refresh();
    }

    private void refresh() {
        JacobianResult r = state.resultProperty().get();
        AppState.LargeJacobian large = state.deferredProperty().get();
        if (r == null && large != null && workspace != null) {
            showRowsOf(large);
            return;
        }
        rowsOf = null;
        busy = false;
        rowsNote.set("");
        if (r == null) {
            heatmapData.set(null);
            scaleLimit.set(Double.NaN);
            return;
        }
        int nOut = r.outputsPerSample();
        int nIn = r.inputsPerSample();
        float[] j = r.jacobian().floats();
        if (sharedScale.get()) {
            double max = 0;
            for (float v : j) {
                max = Math.max(max, Math.abs(v));
            }
            scaleLimit.set(max > 0 && Double.isFinite(max) ? max : Double.NaN);
        } else {
            scaleLimit.set(Double.NaN);
        }
        heatmapData.set(new HeatmapData(nOut, nIn, j, state.sampleOf(r) * nOut * nIn, state::outputLabel, state::inputLabel));
    }

    /** A deferred Jacobian: a matrix whose rows come from the workspace's cache as they are computed. */
    private void showRowsOf(AppState.LargeJacobian large) {
        int sample = sampleOf(large);
        if (large != rowsOf || sample != rowsSample) {
            busy = false; // a batch for another Jacobian was stopped
            visible = RowSpan.NONE; // until the view has shown the new matrix
        }
        rowsOf = large;
        rowsSample = sample;
        resume();
        focusRow.set(TopOutputs.indices(large.outputSample(sample), 1)[0]);
        scaleLimit.set(Double.NaN); // the computed rows' own range: the others are unknown
        int nOut = (int) large.size().outputsPerSample();
        int nIn = (int) large.size().inputsPerSample();
        heatmapData.set(HeatmapData.ofRows(nOut, nIn, o -> workspace.computedJacobianRow(sample, o), state::outputLabel,
            i -> TensorLabels.label(large.request().wrt(), large.sampleInputShape(), i, null)));
        updateNote();
        computeVisibleRows();
    }

    /** The view reports the rows on screen; once it rests, the missing ones are computed. */
    public void setVisibleRows(RowSpan rows) {
        if (rows.equals(visible)) {
            return;
        }
        boolean wasNone = visible.count() == 0;
        // a new top row is a new view (a scroll or zoom); a new bottom edge alone is the window's layout settling
        boolean moved = rows.from() != visible.from();
        visible = rows;
        if (rowsOf != null && workspace != null && wasNone) {
            resume();
            updateNote();
            computeVisibleRows(); // a new matrix on screen: at once
        } else if (rowsOf != null && workspace != null) {
            workspace.executor().debounce("heatmap-rows", VISIBLE_ROWS_DEBOUNCE_MS, () -> {
                if (moved) {
                    resume();
                } else {
                    paused = false;
                }
                updateNote();
                computeVisibleRows();
            });
        }
    }

    /** Computes the next batch of missing rows on screen, unless one is on its way; each batch triggers the next. */
    private void computeVisibleRows() {
        AppState.LargeJacobian large = rowsOf;
        if (large == null || workspace == null || busy || paused || !shown.get() || visible.count() == 0) {
            return;
        }
        int sample = rowsSample;
        int nOut = (int) large.size().outputsPerSample();
        long nIn = large.size().inputsPerSample();
        if (entriesThisView >= autoEntries) {
            budgetSpent = true;
            updateNote();
            return;
        }
        int batch = (int) Math.max(1, Math.min(ROW_BATCH, ROW_BATCH_ENTRIES / nIn));
        boolean first = workspace.computedJacobianRow(sample, focusRow.get()) == null
            && visible.from() <= focusRow.get() && focusRow.get() < visible.to();
        int[] next = RowsOnScreen.next(visible.from(), visible.to(), nOut, MAX_ROWS_ON_SCREEN, focusRow.get(),
            o -> workspace.computedJacobianRow(sample, o) != null, first ? 1 : batch);
        if (next.length == 0) {
            return;
        }
        busy = true;
        entriesThisView += next.length * nIn;
        int done = RowsOnScreen.computedIn(visible.from(), visible.to(), nOut, MAX_ROWS_ON_SCREEN,
            o -> workspace.computedJacobianRow(sample, o) != null);
        int window = Math.min(visible.count(), MAX_ROWS_ON_SCREEN);
        String title = String.format(Locale.ROOT, "Computing heatmap rows %d–%d of %d on screen", done + 1,
            Math.min(window, done + next.length), window);
        workspace.jacobianRows(title, sample, next, () -> {
            if (rowsOf != large || rowsSample != sample) {
                return;
            }
            busy = false;
            rowsComputed.set(rowsComputed.get() + 1);
            updateNote();
            computeVisibleRows();
        }, () -> {
            if (rowsOf == large) {
                busy = false;
                paused = true; // cancelled or failed: wait until the user moves the view
                updateNote();
            }
        });
    }

    private void updateNote() {
        AppState.LargeJacobian large = rowsOf;
        if (large == null) {
            rowsNote.set("");
            return;
        }
        int nOut = (int) large.size().outputsPerSample();
        int computed = workspace.computedJacobianRowOutputs(rowsSample).length;
        double seconds = workspace.estimatedFullJacobianSeconds();
        String full = "Full Jacobian: " + large.size().describe()
            + (Double.isNaN(seconds) ? "" : String.format(Locale.ROOT, ", about %s", JacobianSize.durationText(seconds)))
            + " (Compute > Compute Jacobian).";
        String more = visible.count() > MAX_ROWS_ON_SCREEN
            ? " Zoom in to compute other rows: at most " + MAX_ROWS_ON_SCREEN + " are computed per screen."
            : paused ? " Stopped: move the view to go on."
            : budgetSpent ? String.format(Locale.ROOT, " Paused after %,d entries (%,d per row): move the view to compute more.",
                entriesThisView, large.size().inputsPerSample()) : "";
        rowsNote.set(String.format(Locale.ROOT, "%d of %d rows computed for sample %d (the rows on screen, one reverse pass "
            + "each); colours cover the computed rows only.%s %s", computed, nOut, rowsSample, more, full));
    }

    /** For tests: the entries computed on their own per view ({@link #AUTO_ENTRIES} by default). */
    public void setAutomaticEntries(long entries) {
        autoEntries = entries;
    }

    /** Rows may come again: after a cancel, a move of the view, a new matrix, or the tab shown again. */
    private void resume() {
        paused = false;
        budgetSpent = false;
        entriesThisView = 0;
    }

    private int sampleOf(AppState.LargeJacobian large) {
        return Math.max(0, Math.min(state.selectedSampleProperty().get(), (int) large.size().samples() - 1));
    }

    /** Computes the full Jacobian whatever its size. */
    public void computeFullJacobian() {
        if (workspace != null) {
            workspace.computeFullJacobian();
        }
    }

    public ReadOnlyObjectProperty<HeatmapData> heatmapDataProperty() {
        return heatmapData.getReadOnlyProperty();
    }

    public ObjectProperty<ColorMaps> colorMapProperty() {
        return colorMap;
    }

    public BooleanProperty sharedScaleProperty() {
        return sharedScale;
    }

    public BooleanProperty symlogProperty() {
        return symlog;
    }

    public ReadOnlyDoubleProperty scaleLimitProperty() {
        return scaleLimit.getReadOnlyProperty();
    }

    /** "rows: y [4] (4)   columns: x [8] (8)   sample 0" for the tool bar. */
    public StringBinding axesText() {
        return axesText;
    }

    /** Whether the tab is shown: rows of a deferred Jacobian are computed only then (set by the window). */
    public BooleanProperty shownProperty() {
        return shown;
    }

    /**
     * For a deferred Jacobian, how many rows are computed, what the colours cover and what the full Jacobian would
     * cost; empty otherwise.
     */
    public ReadOnlyStringProperty rowsNoteProperty() {
        return rowsNote.getReadOnlyProperty();
    }

    /** Counts the batches of rows that arrived (the view repaints the cells on each). */
    public ReadOnlyIntegerProperty rowsComputedProperty() {
        return rowsComputed.getReadOnlyProperty();
    }

    /** The row a deferred Jacobian's heatmap starts at: the selected sample's largest output (a classifier's top class). */
    public ReadOnlyIntegerProperty focusRowProperty() {
        return focusRow.getReadOnlyProperty();
    }
}
