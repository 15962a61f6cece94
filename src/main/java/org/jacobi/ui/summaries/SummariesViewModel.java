package org.jacobi.ui.summaries;

import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import org.jacobi.analysis.Sensitivity;
import org.jacobi.analysis.SingularValues;
import org.jacobi.core.JacobiException;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;

/**
 * The Summaries tab: the most sensitive inputs (mean |dy/dx| over samples and outputs) and the singular
 * values of the selected sample's Jacobian. Computed only while the tab is shown: what-if edits recompute
 * often, and the SVD of a large Jacobian takes a while.
 */
public final class SummariesViewModel {
    static final int RANKED_INPUTS = 24;
    static final String SV_TITLE = "Singular values of the selected sample's Jacobian";
    static final String RANKING_TITLE = "Most sensitive inputs";

    /** One bar: an input element's label and its mean |dy/dx|. */
    public record Bar(String label, double meanAbs) {
    }

    private final Workspace workspace;
    private final AppState state;
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown", false);
    private final ReadOnlyObjectWrapper<List<Bar>> ranking = new ReadOnlyObjectWrapper<>(this, "ranking", List.of());
    private final ReadOnlyObjectWrapper<double[]> singularValues = new ReadOnlyObjectWrapper<>(this, "singularValues");
    private final ReadOnlyStringWrapper singularValuesTitle = new ReadOnlyStringWrapper(this, "singularValuesTitle", SV_TITLE);
    private final ReadOnlyStringWrapper rankingTitle = new ReadOnlyStringWrapper(this, "rankingTitle", RANKING_TITLE);
    private JacobianResult summarised;
    private int summarisedSample = -1;

    public SummariesViewModel(Workspace workspace) {
        this.workspace = workspace;
        this.state = workspace.state();
        state.resultProperty().addListener((o, a, b) -> refreshIfShown());
        state.deferredProperty().addListener((o, a, b) -> refreshIfShown());
        state.selectedSampleProperty().addListener((o, a, b) -> refreshIfShown());
        shown.addListener((o, a, b) -> {
            // a deferred Jacobian may have more rows computed since the tab was last shown
            if (b && (summarised != state.resultProperty().get() || summarisedSample != state.selectedSampleProperty().get()
                || state.deferredProperty().get() != null)) {
                refreshIfShown();
            }
        });
    }

    private void refreshIfShown() {
        if (!shown.get()) {
            return;
        }
        JacobianResult r = state.resultProperty().get();
        summarised = r;
        summarisedSample = state.selectedSampleProperty().get();
        singularValues.set(null);
        rankingTitle.set(RANKING_TITLE);
        if (r == null && state.deferredProperty().get() != null) {
            summariseComputedRows(state.deferredProperty().get());
            return;
        }
        if (r == null) {
            ranking.set(List.of());
            return;
        }
        List<Bar> bars = new ArrayList<>();
        for (Sensitivity.Entry e : Sensitivity.ranking(r, RANKED_INPUTS)) {
            bars.add(new Bar(state.inputLabel(e.index()), e.meanAbs()));
        }
        ranking.set(bars);
        int sample = state.sampleOf(r);
        workspace.executor().submit("Singular values", monitor -> SingularValues.of(r, sample), s -> {
            if (state.resultProperty().get() == r) {
                singularValues.set(s);
                singularValuesTitle.set(SV_TITLE);
            }
        }, e -> {
            if (state.resultProperty().get() != r) {
                return; // another Jacobian or model meanwhile
            }
            if (e instanceof JacobiException) {
                singularValuesTitle.set("No singular values: " + e.getMessage()); // e.g. too large; not worth an alarm
            } else {
                state.showError(e);
            }
        });
    }

    /**
     * A Jacobian too large to compute whole: the ranking of the selected sample's inputs over the rows computed so
     * far (by the heatmap or the saliency maps), saying so; singular values need the whole Jacobian.
     */
    private void summariseComputedRows(AppState.LargeJacobian large) {
        int sample = Math.max(0, Math.min(state.selectedSampleProperty().get(), (int) large.size().samples() - 1));
        int nOut = (int) large.size().outputsPerSample();
        List<float[]> rows = new ArrayList<>();
        for (int o : workspace.computedJacobianRowOutputs(sample)) {
            float[] row = workspace.computedJacobianRow(sample, o);
            if (row != null) {
                rows.add(row);
            }
        }
        singularValuesTitle.set("No singular values: the full Jacobian is not computed (Compute > Compute Jacobian).");
        if (rows.isEmpty()) {
            ranking.set(List.of());
            rankingTitle.set("Most sensitive inputs: no rows of the Jacobian computed yet (the Jacobian tab computes those on screen)");
            return;
        }
        List<Bar> bars = new ArrayList<>();
        for (Sensitivity.Entry e : Sensitivity.ranking(Sensitivity.meanAbsPerInput(rows), large.request().wrt(),
            large.sampleInputShape(), RANKED_INPUTS)) {
            bars.add(new Bar(e.label(), e.meanAbs()));
        }
        ranking.set(bars);
        rankingTitle.set("Most sensitive inputs of sample " + sample + ", over the " + rows.size() + " of " + nOut
            + " outputs computed so far");
    }

    /** "Most sensitive inputs", or what a ranking of a Jacobian computed row by row covers. */
    public ReadOnlyStringProperty rankingTitleProperty() {
        return rankingTitle.getReadOnlyProperty();
    }

    /** Whether the tab is shown (set by the view). */
    public BooleanProperty shownProperty() {
        return shown;
    }

    public ReadOnlyObjectProperty<List<Bar>> rankingProperty() {
        return ranking.getReadOnlyProperty();
    }

    /** The selected sample's singular values, largest first, or null while none are computed. */
    public ReadOnlyObjectProperty<double[]> singularValuesProperty() {
        return singularValues.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty singularValuesTitleProperty() {
        return singularValuesTitle.getReadOnlyProperty();
    }
}
