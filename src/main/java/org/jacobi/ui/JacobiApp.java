package org.jacobi.ui;

import java.nio.file.Path;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;

/** The desktop application. */
public final class JacobiApp extends Application {
    public static void launchApp(String[] args) {
        Application.launch(JacobiApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        Path model = DemoAssets.demoModel();
        String text;
        try (Model m = ModelLoader.load(model)) {
            text = m.info().toString();
        }
        stage.setTitle("Jacobi — " + model.getFileName());
        stage.setScene(new Scene(new BorderPane(new Label(text)), 1200, 800));
        stage.show();
    }
}
