package org.jacobi.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Application;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.ui.about.AboutDialog;
import org.jacobi.ui.task.FxTaskExecutor;

/**
 * The desktop application. Arguments: {@code [MODEL] [INPUT | --input INPUT]... [--compare MODEL_B]}; without a model it opens the
 * bundled demo model with its sample input, so a newcomer sees a heatmap at once.
 */
public final class JacobiApp extends Application {
    private MainViewModel viewModel;
    private FxTaskExecutor executor;
    private UiSettings settings;

    public static void launchApp(String[] args) {
        Application.launch(JacobiApp.class, args);
    }

    /** The model and input files named on the command line. */
    record StartFiles(Path model, List<Path> inputs, Path compareWith) {
        static StartFiles parse(List<String> args) {
            Path model = null;
            Path compare = null;
            List<Path> inputs = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--compare") && i + 1 < args.size()) {
                    compare = Path.of(args.get(++i));
                } else if ((a.equals("--input") || a.equals("-i")) && i + 1 < args.size()) {
                    inputs.add(Path.of(args.get(++i)));
                } else if (a.startsWith("--input=")) {
                    inputs.add(Path.of(a.substring("--input=".length())));
                } else if (!a.startsWith("-") && model == null) {
                    model = Path.of(a);
                } else if (!a.startsWith("-")) {
                    inputs.add(Path.of(a)); // files after the model are its inputs, as when dropped on the window
                }
            }
            return new StartFiles(model, inputs, compare);
        }
    }

    @Override
    public void start(Stage stage) {
        settings = UiSettings.load(UiSettings.defaultDirectory());
        executor = new FxTaskExecutor();
        viewModel = new MainViewModel(executor);
        viewModel.recentFiles().setAll(settings.recentFiles());
        MainWindow window = new MainWindow(viewModel);
        Scene scene = window.createScene(settings.windowWidth(), settings.windowHeight());
        stage.setScene(scene);
        stage.titleProperty().bind(viewModel.titleProperty());
        stage.getIcons().setAll(AboutDialog.applicationIcons());
        stage.setOnCloseRequest(e -> saveSettings(stage));
        stage.show();

        StartFiles files = StartFiles.parse(getParameters().getRaw());
        if (files.model() != null) {
            viewModel.openModel(files.model(), files.inputs());
            if (files.compareWith() != null) {
                // compare once the model has its first Jacobian (its inputs are ready then)
                viewModel.state().resultProperty().addListener(new ChangeListener<>() {
                    @Override
                    public void changed(ObservableValue<? extends JacobianResult> o,
                                        JacobianResult a, JacobianResult b) {
                        if (b != null) {
                            o.removeListener(this);
                            window.openComparison(files.compareWith());
                        }
                    }
                });
            }
        } else {
            try {
                viewModel.openModel(DemoAssets.demoModel(), List.of(DemoAssets.demoInput()));
            } catch (RuntimeException e) {
                viewModel.state().showError(e);
            }
        }
    }

    private void saveSettings(Stage stage) {
        settings.setWindowSize(stage.getWidth(), stage.getHeight());
        settings.setRecentFiles(viewModel.recentFiles());
        settings.save();
    }

    @Override
    public void stop() {
        if (viewModel != null) {
            viewModel.dispose();
        }
        if (executor != null) {
            executor.shutdown();
        }
    }
}
