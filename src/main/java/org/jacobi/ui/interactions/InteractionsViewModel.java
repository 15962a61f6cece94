package org.jacobi.ui.interactions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.analysis.HessianSpectrum;
import org.jacobi.core.JacobiException;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.HessianRequest;
import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;
import org.jacobi.ui.heatmap.HeatmapData;

/**
 * The Interactions tab: the Hessian of the chosen output element for the selected sample (inputs x inputs), its
 * eigenvalues and its leading eigenvectors. Computed in the background, only while the tab is shown, for every
 * sample at once (switching samples then needs no new computation).
 */
public final class InteractionsViewModel {
    /** Above this many inputs per sample the tab does not compute Hessians (they grow with the square). */
    public static final int MAX_INPUTS = 1024;
    static final int TOP_VECTORS = 3;

    /** The selected sample's Hessian with its spectrum; {@code imageShape} is [C, H, W] for image inputs, else null. */
    public record Shown(HeatmapData hessian, double[] eigenvalues, double[][] eigenvectors, long[] imageShape, String title) {
    }

    private final Workspace workspace;
    private final AppState state;
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown", false);
    private final IntegerProperty output = new SimpleIntegerProperty(this, "output", 0);
    private final ObservableList<String> outputChoices = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Shown> picture = new ReadOnlyObjectWrapper<>(this, "picture");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "Compute a Jacobian first.");
    private HessianResult hessians;
    private JacobianResult computedFor;
    private int computedOutput = -1;

    public InteractionsViewModel(Workspace workspace) {
        this.workspace = workspace;
        this.state = workspace.state();
        state.resultProperty().addListener((o, a, b) -> {
            refreshChoices(b);
            refreshIfShown();
        });
        state.selectedSampleProperty().addListener((o, a, b) -> showSample());
        output.addListener((o, a, b) -> refreshIfShown());
        shown.addListener((o, a, b) -> refreshIfShown());
        state.modelProperty().addListener((o, a, b) -> forgetModel());
        refreshChoices(state.resultProperty().get());
    }

    private void refreshChoices(JacobianResult r) {
        List<String> names = new ArrayList<>();
        if (r != null) {
            for (int o = 0; o < r.outputsPerSample(); o++) {
                names.add(state.outputLabel(o));
            }
        }
        if (!names.equals(outputChoices)) {
            outputChoices.setAll(names);
        }
        if (output.get() >= names.size()) {
            output.set(0);
        }
    }

    /** A new model: nothing of the previous one stays (its Hessians in flight are ignored when they come). */
    private void forgetModel() {
        hessians = null;
        computedFor = null;
        picture.set(null);
        status.set("Compute a Jacobian first.");
    }

    private void refreshIfShown() {
        if (!shown.get()) {
            return;
        }
        JacobianResult r = state.resultProperty().get();
        ModelDerivatives derivatives = state.derivatives();
        if (r == null || derivatives == null || state.resultInputs() == null) {
            picture.set(null);
            status.set("Compute a Jacobian first.");
            return;
        }
        Model model = derivatives.model();
        if (r == computedFor && output.get() == computedOutput) {
            showSample();
            return;
        }
        if (model.info().input(r.wrt()) == null) {
            picture.set(null);
            status.set("Interactions are Hessians with respect to an input; the Jacobian is taken with respect to the parameter "
                + r.wrt() + ".");
            return;
        }
        if (r.inputsPerSample() > MAX_INPUTS) {
            picture.set(null);
            status.set("One sample has " + r.inputsPerSample() + " inputs; this tab shows Hessians of at most " + MAX_INPUTS
                + ". Use jacobi hessian --vector for Hessian-vector products.");
            return;
        }
        int element = output.get();
        computedFor = r;
        computedOutput = element;
        hessians = null;
        status.set("Computing the Hessians of " + state.outputLabel(element) + "...");
        HessianRequest request = new HessianRequest(state.resultInputs(), r.wrt(), r.of(), element, null,
            r.batched() ? BatchAxis.AUTO : BatchAxis.NONE, 0);
        workspace.executor().submit("Hessian", monitor -> derivatives.hessians().compute(request, monitor), h -> {
            if (computedFor == r && computedOutput == element) {
                hessians = h;
                showSample();
            }
        }, e -> {
            if (computedFor != r || computedOutput != element) {
                return; // another Jacobian, output or model meanwhile
            }
            computedFor = null;
            picture.set(null);
            if (e instanceof JacobiException) {
                status.set("No Hessian: " + e.getMessage());
            } else {
                state.showError(e);
            }
        });
    }

    private void showSample() {
        HessianResult h = hessians;
        if (h == null || !shown.get()) {
            return;
        }
        int sample = Math.max(0, Math.min(state.selectedSampleProperty().get(), h.samples() - 1));
        int n = h.inputsPerSample();
        float[] m = h.sampleHessian(sample);
        JacobianResult r = computedFor;
        HeatmapData data = new HeatmapData(n, n, m, 0, i -> label(r, i), j -> label(r, j));
        HessianSpectrum spectrum = HessianSpectrum.of(m, n);
        int k = Math.min(TOP_VECTORS, n);
        double[][] vectors = Arrays.copyOf(spectrum.vectors(), k);
        long[] shape = h.sampleInputShape();
        boolean image = shape.length == 3 && shape[0] >= 1 && shape[0] <= 4 && shape[1] >= 4 && shape[2] >= 4;
        int[] inertia = spectrum.inertia();
        String title = "Hessian of " + state.outputLabel(computedOutput) + ", sample " + sample + ": " + inertia[0] + " positive, "
            + inertia[1] + " negative, " + inertia[2] + " zero eigenvalues";
        picture.set(new Shown(data, spectrum.values(), vectors, image ? shape : null, title));
        status.set(title + " (" + h.backend() + ", exact)");
    }

    private String label(JacobianResult r, int i) {
        return r != null && state.resultProperty().get() == r ? state.inputLabel(i) : "input " + i;
    }

    public BooleanProperty shownProperty() {
        return shown;
    }

    /** The output element whose Hessian is shown (flat index into one sample's output). */
    public IntegerProperty outputProperty() {
        return output;
    }

    public ObservableList<String> outputChoices() {
        return outputChoices;
    }

    public ReadOnlyObjectProperty<Shown> pictureProperty() {
        return picture.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }
}
