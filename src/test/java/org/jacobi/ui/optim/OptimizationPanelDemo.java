package org.jacobi.ui.optim;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.ui.SampleTabModel;
import org.jacobi.ui.task.FxTaskExecutor;

/**
 * Shows the Optimize panel alone, for looking at it as a user does (and for docs/images/optimize.png):
 * {@code java -cp ... 'org.jacobi.ui.optim.OptimizationPanelDemo$Main' [fixture-name [class|values] [autorun]]}.
 */
public final class OptimizationPanelDemo extends Application {
    /** Starts JavaFX from the plain class path (a main in the Application subclass would not). */
    public static final class Main {
        public static void main(String[] args) {
            Application.launch(OptimizationPanelDemo.class, args);
        }
    }

    @Override
    public void start(Stage stage) {
        var args = getParameters().getRaw();
        String name = args.isEmpty() ? "cnn_small" : args.get(0);
        Path dir = Path.of("src/test/resources/fixtures");
        Model model = ModelLoader.load(dir.resolve(name + ".onnx"));
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put(model.info().inputs().get(0).name(), Npy.read(dir.resolve(name + ".input.npy")));
        ModelDerivatives derivatives = new ModelDerivatives(model);
        OptimizationPanel panel = new OptimizationPanel(OptimizationViewModel.forSample(new SampleTabModel.Sample(derivatives,
            inputs, 0, null, null), t -> System.out.println("use as sample: " + t.describe()), new FxTaskExecutor()));
        if (args.size() > 1 && args.get(1).equals("class")) {
            panel.viewModel().targetModeProperty().set(OptimizationViewModel.TargetMode.CLASS);
            panel.viewModel().targetClassProperty().set(3);
        } else if (args.size() > 1) {
            // The output of sample 1: a target some input reaches.
            Tensor y1 = model.run(Map.of(model.info().inputs().get(0).name(), Npy.read(dir.resolve(name + ".input.npy")).sliceRows(1, 2))).values().iterator().next();
            panel.viewModel().targetValuesProperty().set(OptimizationViewModel.format(y1.toDoubleArray()));
        }
        stage.setTitle("Jacobi — Optimize (" + name + ")");
        stage.setScene(new Scene(panel, 1380, 880));
        stage.setOnCloseRequest(e -> {
            panel.viewModel().close();
            derivatives.close();
            model.close();
            Platform.exit();
        });
        stage.show();
        if (args.size() > 2 && args.get(2).equals("autorun")) {
            Platform.runLater(panel.viewModel()::run);
        }
    }
}
