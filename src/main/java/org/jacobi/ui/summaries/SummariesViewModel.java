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

    /** One bar: an input element's label and its mean |dy/dx|. */
    public record Bar(String label, double meanAbs) {
    }

    private final Workspace workspace;
    private final AppState state;
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown", false);
    private final ReadOnlyObjectWrapper<List<Bar>> ranking = new ReadOnlyObjectWrapper<>(this, "ranking", List.of());
    private final ReadOnlyObjectWrapper<double[]> singularValues = new ReadOnlyObjectWrapper<>(this, "singularValues");
    private final ReadOnlyStringWrapper singularValuesTitle = new ReadOnlyStringWrapper(this, "singularValuesTitle", SV_TITLE);
    private JacobianResult summarised;
    private int summarisedSample = -1;

    public SummariesViewModel(Workspace workspace) {
        this.workspace = workspace;
        this.state = workspace.state();
        state.resultProperty().addListener((o, a, b) -> refreshIfShown());
        state.selectedSampleProperty().addListener((o, a, b) -> refreshIfShown());
        shown.addListener((o, a, b) -> {
            if (b && (summarised != state.resultProperty().get() || summarisedSample != state.selectedSampleProperty().get())) {
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
            if (e instanceof JacobiException) {
                singularValuesTitle.set("No singular values: " + e.getMessage()); // e.g. too large; not worth an alarm
            } else {
                state.showError(e);
            }
        });
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
