package org.jacobi.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.stage.WindowEvent;
import org.jacobi.ui.about.AboutDialog;
import org.jacobi.ui.heatmap.HeatmapView;
import org.jacobi.ui.jacobian.JacobianView;

/** The main window's menu bar (File, View, Compute, Help) and the file choosers behind it. */
final class MainMenus {
    private final MainViewModel vm;
    private final MainWindow window;
    private final JacobianView jacobian;
    private final Menu recentMenu = new Menu("Open _Recent");

    MainMenus(MainViewModel vm, MainWindow window, JacobianView jacobian) {
        this.vm = vm;
        this.window = window;
        this.jacobian = jacobian;
    }

    private Window owner() {
        return window.root().getScene() == null ? null : window.root().getScene().getWindow();
    }

    MenuBar build() {
        return new MenuBar(fileMenu(), viewMenu(), computeMenu(), helpMenu());
    }

    private Menu fileMenu() {
        MenuItem open = new MenuItem("_Open Model or Input…");
        open.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        open.setOnAction(e -> chooseAndOpen());
        MenuItem openInput = new MenuItem("Open _Input…");
        openInput.setOnAction(e -> chooseInput());
        Menu demos = new Menu("Open _Demo");
        for (DemoAssets.Demo d : DemoAssets.Demo.values()) {
            MenuItem item = new MenuItem(d.title());
            item.setMnemonicParsing(false);
            item.setOnAction(e -> vm.openDemo(d));
            demos.getItems().add(item);
        }
        MenuItem labels = new MenuItem("Open _Labels…");
        labels.setOnAction(e -> chooseLabels());
        MenuItem compare = new MenuItem("Compare _with…");
        compare.setId("compareWith");
        compare.setOnAction(e -> window.compareWith());
        compare.disableProperty().bind(vm.state().inputsProperty().isNull());
        rebuildRecent();
        vm.recentFiles().addListener((ListChangeListener<Path>) c -> rebuildRecent());
        AppState state = vm.state();
        MenuItem png = new MenuItem("Export Heatmap as _PNG…");
        png.setOnAction(e -> save("heatmap.png", "PNG image", "*.png", jacobian::exportPng));
        MenuItem npy = new MenuItem("Export Jacobian as _NPY…");
        npy.setOnAction(e -> save("jacobian.npy", "NumPy array", "*.npy", vm.exports()::exportJacobianNpy));
        MenuItem csv = new MenuItem("Export Jacobian as _CSV…");
        csv.setOnAction(e -> save("jacobian.csv", "CSV table", "*.csv", vm.exports()::exportJacobianCsv));
        MenuItem report = new MenuItem("Export _Report…");
        report.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Export a sensitivity report");
            fc.setInitialFileName("report.html");
            fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("HTML report", "*.html"),
                new FileChooser.ExtensionFilter("PDF report", "*.pdf"));
            File f = fc.showSaveDialog(owner());
            if (f != null) {
                vm.exports().exportReport(f.toPath(), window.target().textProperty().get(),
                    window.target().probabilityProperty().get());
            }
        });
        // png, npy, csv and report stay enabled without a Jacobian: choosing one says why there is nothing to export
        MenuItem quit = new MenuItem("_Quit");
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> {
            Window w = owner();
            if (w != null) {
                w.fireEvent(new WindowEvent(w, WindowEvent.WINDOW_CLOSE_REQUEST));
                if (w.isShowing()) {
                    w.hide();
                }
            }
        });
        return new Menu("_File", null, open, openInput, demos, recentMenu, labels, new SeparatorMenuItem(), compare,
            new SeparatorMenuItem(), png, npy, csv,
            report, new SeparatorMenuItem(), quit);
    }

    private Menu viewMenu() {
        HeatmapView heatmap = jacobian.heatmap();
        MenuItem fit = new MenuItem("_Fit Heatmap to Window");
        fit.setAccelerator(new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN));
        fit.setOnAction(e -> heatmap.fit());
        MenuItem zoomIn = new MenuItem("Zoom _In");
        zoomIn.setAccelerator(new KeyCodeCombination(KeyCode.EQUALS, KeyCombination.SHORTCUT_DOWN));
        zoomIn.setOnAction(e -> heatmap.zoom(1.5));
        MenuItem zoomOut = new MenuItem("Zoom _Out");
        zoomOut.setAccelerator(new KeyCodeCombination(KeyCode.MINUS, KeyCombination.SHORTCUT_DOWN));
        zoomOut.setOnAction(e -> heatmap.zoom(1 / 1.5));
        return new Menu("_View", null, fit, zoomIn, zoomOut);
    }

    private Menu computeMenu() {
        MenuItem compute = new MenuItem("_Compute Jacobian");
        compute.setAccelerator(new KeyCodeCombination(KeyCode.F5));
        compute.setOnAction(e -> vm.computeFullJacobian());
        MenuItem cancel = new MenuItem("C_ancel");
        cancel.setAccelerator(new KeyCodeCombination(KeyCode.ESCAPE));
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.executor().runningProperty().not());
        return new Menu("_Compute", null, compute, cancel);
    }

    private Menu helpMenu() {
        MenuItem about = new MenuItem("_About Jacobi");
        about.setOnAction(e -> AboutDialog.show(owner(), vm.state().model() == null ? null : vm.state().model().device()));
        return new Menu("_Help", null, about);
    }

    private void rebuildRecent() {
        recentMenu.getItems().clear();
        for (Path p : vm.recentFiles()) {
            MenuItem item = new MenuItem(p.getFileName() + "  —  " + (p.getParent() == null ? "" : p.getParent()));
            item.setMnemonicParsing(false);
            item.setOnAction(e -> vm.openFiles(List.of(p)));
            recentMenu.getItems().add(item);
        }
        recentMenu.setDisable(vm.recentFiles().isEmpty());
    }

    private void chooseAndOpen() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open a model, or an input for the open model");
        fc.getExtensionFilters().addAll(
            new FileChooser.ExtensionFilter("Models and inputs", "*.onnx", "*.pt", "*.pth", "*.npy", "*.npz", "*.csv", "*.png", "*.jpg", "*.jpeg"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
        List<File> files = fc.showOpenMultipleDialog(owner());
        if (files != null && !files.isEmpty()) {
            window.handleDroppedFiles(files);
        }
    }

    /** File > Open Input and the Input panel's button. */
    void chooseInput() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open an input for the model");
        fc.getExtensionFilters().addAll(
            new FileChooser.ExtensionFilter("Inputs", "*.npy", "*.npz", "*.csv", "*.png", "*.jpg", "*.jpeg"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
        List<File> files = fc.showOpenMultipleDialog(owner());
        if (files != null && !files.isEmpty()) {
            vm.inputs().loadInputFiles(files.stream().map(File::toPath).toList());
        }
    }

    private void chooseLabels() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open names for the output's elements (one per line)");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Labels", "*.txt", "*.json", "*.csv"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
        File f = fc.showOpenDialog(owner());
        if (f != null) {
            vm.openLabels(f.toPath());
        }
    }

    private void save(String name, String description, String pattern, Consumer<Path> writer) {
        FileChooser fc = new FileChooser();
        fc.setInitialFileName(name);
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(description, pattern));
        File f = fc.showSaveDialog(owner());
        if (f != null) {
            writer.accept(f.toPath());
        }
    }
}
