package org.jacobi.ui.jacobian;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.AppState;
import org.jacobi.ui.heatmap.HeatmapData;

/** The Jacobian tab: the selected sample's {@code [outputs x inputs]} matrix, its labels, and how it is coloured. */
public final class JacobianViewModel {
    private final AppState state;
    private final ReadOnlyObjectWrapper<HeatmapData> heatmapData = new ReadOnlyObjectWrapper<>(this, "heatmapData");
    private final ObjectProperty<ColorMaps> colorMap = new SimpleObjectProperty<>(this, "colorMap", ColorMaps.RDBU);
    private final BooleanProperty sharedScale = new SimpleBooleanProperty(this, "sharedScale", true);
    private final BooleanProperty symlog = new SimpleBooleanProperty(this, "symlog", false);
    private final ReadOnlyDoubleWrapper scaleLimit = new ReadOnlyDoubleWrapper(this, "scaleLimit", Double.NaN);
    private final StringBinding axesText;

    public JacobianViewModel(AppState state) {
        this.state = state;
        state.resultProperty().addListener((obs, a, b) -> refresh());
        state.selectedSampleProperty().addListener((obs, a, b) -> refresh());
        state.userOutputLabelsProperty().addListener((obs, a, b) -> refresh());
        sharedScale.addListener((obs, a, b) -> refresh());
        axesText = Bindings.createStringBinding(() -> {
            JacobianResult r = state.resultProperty().get();
            if (r == null) {
                return "";
            }
            return "rows: " + r.of() + " " + Tensor.shapeToString(r.sampleOutputShape()) + " (" + r.outputsPerSample()
                + ")   columns: " + r.wrt() + " " + Tensor.shapeToString(r.sampleInputShape()) + " (" + r.inputsPerSample()
                + ")   sample " + state.selectedSampleProperty().get();
        }, state.resultProperty(), state.selectedSampleProperty());
        refresh();
    }

    private void refresh() {
        JacobianResult r = state.resultProperty().get();
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
}
