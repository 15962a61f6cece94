package org.jacobi.ui.attribution;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.attribution.LayerChoice;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;
import org.jacobi.ui.task.TaskHandle;

/**
 * The layer of Grad-CAM and layer gradient × activation: the feature maps of the ONNX graph (values shaped like the
 * input, {@code [batch, channels, *spatial]}) with their shapes, found by one forward run in the background when a
 * layer method is first chosen for these inputs; the last convolution's output is chosen first.
 */
public final class LayerChooser {
    private final Workspace workspace;
    private final ObservableList<String> names = FXCollections.observableArrayList();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final StringProperty layer = new SimpleStringProperty(this, "layer");
    private final BooleanProperty relu = new SimpleBooleanProperty(this, "relu", false);
    private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper(this, "note", "");
    /** The inputs the list was found for (the same map object until the model or its inputs change). */
    private Map<String, Tensor> foundFor;
    private TaskHandle task;

    LayerChooser(Workspace workspace) {
        this.workspace = workspace;
    }

    private record Found(Map<String, long[]> maps, String lastConvolution) {
    }

    /** Finds the feature maps of the current model and inputs, unless they were found for them already. */
    void refresh() {
        AppState state = workspace.state();
        ModelDerivatives derivatives = state.derivatives();
        Map<String, Tensor> inputs = state.inputsProperty().get();
        Tensor x = inputs == null || state.wrtProperty().get() == null ? null : inputs.get(state.wrtProperty().get());
        if (derivatives == null || x == null || x.rank() < 2 || inputs == foundFor) {
            return;
        }
        clear();
        foundFor = inputs;
        Model model = derivatives.model();
        if (model.intermediateValues().isEmpty()) {
            note.set("layers of ONNX graphs only: export the model to ONNX");
            return;
        }
        long[] sampleShape = Arrays.copyOfRange(x.shape(), 1, x.rank());
        note.set("finding the feature maps…");
        task = workspace.executor().submit("Feature maps", monitor -> {
            Map<String, long[]> maps = LayerChoice.featureMaps(model, inputs, sampleShape);
            String last;
            try {
                last = LayerChoice.lastConvolution(model);
            } catch (JacobiException noConvolution) {
                last = null;
            }
            return new Found(maps, last);
        }, found -> {
            if (foundFor != inputs) {
                return; // the model or its inputs changed meanwhile
            }
            task = null;
            shapes.putAll(found.maps());
            names.setAll(found.maps().keySet());
            layer.set(found.lastConvolution() != null && shapes.containsKey(found.lastConvolution()) ? found.lastConvolution()
                : names.isEmpty() ? null : names.get(names.size() - 1));
            note.set(names.isEmpty() ? "no feature map [channels, *spatial] in this graph" : "");
        }, e -> {
            if (foundFor == inputs) {
                task = null;
                note.set(e instanceof CancelledException ? "" : e.getMessage());
            }
        });
    }

    /** Forgets the list (another model, inputs or input attributed). */
    void clear() {
        if (task != null) {
            task.cancel();
            task = null;
        }
        foundFor = null;
        shapes.clear();
        names.clear();
        layer.set(null);
        note.set("");
    }

    /** The feature maps' value names, in graph order. */
    public ObservableList<String> names() {
        return names;
    }

    /** A name with its per-sample shape, for the chooser. */
    public String label(String name) {
        long[] shape = name == null ? null : shapes.get(name);
        return name == null ? "" : shape == null ? name : name + "  " + Tensor.shapeToString(shape);
    }

    /** The chosen value; null for the last convolution's output. */
    public StringProperty layerProperty() {
        return layer;
    }

    /** Grad-CAM keeps only the positive part (Captum's relu_attributions). */
    public BooleanProperty reluProperty() {
        return relu;
    }

    /** Why there is no list, or that it is being found; empty otherwise. */
    public ReadOnlyStringProperty noteProperty() {
        return note.getReadOnlyProperty();
    }
}
