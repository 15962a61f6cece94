package org.jacobi.ui.inputs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.jacobi.analysis.ImageInputs;
import org.jacobi.analysis.InputFiles;
import org.jacobi.analysis.NumberLists;
import org.jacobi.analysis.SampleGenerator;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;

/** The Input panel: how samples are generated and images normalised, and reading input files. */
public final class InputsViewModel {
    private final Workspace workspace;
    private final AppState state;
    private final ObjectProperty<SampleGenerator.Kind> generatorKind = new SimpleObjectProperty<>(this, "generatorKind", SampleGenerator.Kind.NORMAL);
    private final LongProperty generatorSeed = new SimpleLongProperty(this, "generatorSeed", 0);
    private final IntegerProperty generatorCount = new SimpleIntegerProperty(this, "generatorCount", 4);
    private final StringProperty imageScale = new SimpleStringProperty(this, "imageScale", "1/255");
    private final StringProperty imageMean = new SimpleStringProperty(this, "imageMean", "0");
    private final StringProperty imageStd = new SimpleStringProperty(this, "imageStd", "1");

    public InputsViewModel(Workspace workspace) {
        this.workspace = workspace;
        this.state = workspace.state();
    }

    /** The generator settings now in the form. */
    public InputFiles.Generation generation() {
        return new InputFiles.Generation(generatorKind.get(), generatorSeed.get(), generatorCount.get());
    }

    /** The image normalisation now in the form; an error names the field that is no number. */
    public ImageInputs.Normalisation normalisation() {
        return NumberLists.normalisation(imageScale.get(), imageMean.get(), imageStd.get());
    }

    /** Replaces the inputs with generated samples (kind, seed and count from the form). */
    public void generateSamples() {
        if (state.model() == null) {
            state.showError(new JacobiException("Open a model first."));
            return;
        }
        try {
            InputFiles.Generation gen = generation();
            state.setInputs(InputFiles.generate(state.model().info(), gen), gen.describe());
            workspace.recomputeIfReady();
        } catch (RuntimeException e) {
            state.showError(e);
        }
    }

    /** Reads tensor files or images as the open model's input, keeping other inputs as they are. */
    public void loadInputFiles(List<Path> files) {
        if (state.model() == null) {
            state.showError(new JacobiException("Open a model first."));
            return;
        }
        Model model = state.model();
        ModelInfo info = model.info();
        Map<String, Tensor> current = state.inputsProperty().get() == null ? Map.of() : state.inputsProperty().get();
        ImageInputs.Normalisation norm;
        try {
            norm = normalisation();
        } catch (RuntimeException e) {
            state.showError(e);
            return;
        }
        String target = state.wrtProperty().get();
        workspace.executor().submit("Reading " + InputFiles.describe(files),
            monitor -> InputFiles.read(info, current, files, norm, target),
            in -> {
                if (state.model() == model) { // inputs read for a model closed meanwhile do not fit the open one
                    state.setInputs(in, InputFiles.describe(files));
                    workspace.recomputeIfReady();
                }
            }, e -> {
                if (state.model() == model) {
                    state.showError(e);
                }
            });
    }

    public ObjectProperty<SampleGenerator.Kind> generatorKindProperty() {
        return generatorKind;
    }

    public LongProperty generatorSeedProperty() {
        return generatorSeed;
    }

    public IntegerProperty generatorCountProperty() {
        return generatorCount;
    }

    public StringProperty imageScaleProperty() {
        return imageScale;
    }

    public StringProperty imageMeanProperty() {
        return imageMean;
    }

    public StringProperty imageStdProperty() {
        return imageStd;
    }
}
