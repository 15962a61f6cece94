package org.jacobi.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.jacobi.compare.NameMapping;
import org.jacobi.ui.compare.CompareView;
import org.jacobi.ui.compare.CompareViewModel;
import org.jacobi.ui.heatmap.HeatmapView;
import org.jacobi.ui.inputs.InputsView;
import org.jacobi.ui.jacobian.HeatmapOptionsView;
import org.jacobi.ui.jacobian.JacobianView;
import org.jacobi.ui.jacobian.JacobianViewModel;
import org.jacobi.ui.modelinfo.ModelSummaryView;
import org.jacobi.ui.modelinfo.ModelSummaryViewModel;
import org.jacobi.ui.picker.TargetPickerModel;

/**
 * The main window: menus, the side bar (Model, Input, Heatmap), the message bar, the tabs (Jacobian, then those
 * of {@link TabRegistry}) and the status bar. Each panel is a view bound to its own view model; they share the
 * {@link AppState} of the {@link MainViewModel}. This class only lays them out.
 */
public final class MainWindow {
    private final MainViewModel vm;
    private final BorderPane root = new BorderPane();
    private final JacobianViewModel jacobianModel;
    private final JacobianView jacobian;
    private final StatusBarView statusBar;
    private final TabPane tabs = new TabPane();
    /** What the Saliency and Attribution tabs explain, and what File > Export Report reports on when one is picked. */
    private final TargetPickerModel target;

    public MainWindow(MainViewModel vm) {
        this.vm = vm;
        target = new TargetPickerModel(vm.state());
        jacobianModel = new JacobianViewModel(vm);
        jacobian = new JacobianView(jacobianModel, vm.state());
        statusBar = new StatusBarView(vm, jacobian.heatmap());
        MainMenus menus = new MainMenus(vm, this, jacobian);
        root.setTop(new VBox(menus.build()));
        VBox sideBox = new VBox(6, titled("Model", new ModelSummaryView(new ModelSummaryViewModel(vm.state()), vm.state())),
            titled("Input", new InputsView(vm, vm.inputs(), menus::chooseInput)),
            titled("Heatmap", new HeatmapOptionsView(jacobianModel)));
        sideBox.setPadding(new Insets(6));
        ScrollPane side = new ScrollPane(sideBox);
        side.setFitToWidth(true);
        side.setPrefWidth(330);
        side.setMinWidth(260);
        root.setLeft(side);
        buildTabs();
        VBox center = new VBox(new MessageBar(vm.state().messageProperty()), tabs);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        root.setCenter(center);
        root.setBottom(statusBar);
        installDragAndDrop(root);
    }

    private void buildTabs() {
        Tab jacobianTab = new Tab("Jacobian", jacobian);
        jacobianModel.shownProperty().bind(jacobianTab.selectedProperty());
        tabs.getTabs().add(jacobianTab);
        for (TabRegistry.Entry entry : TabRegistry.tabs()) {
            Tab tab = new Tab(entry.title());
            if (entry.tooltip() != null) {
                tab.setTooltip(new Tooltip(entry.tooltip()));
            }
            tab.setContent(entry.view().apply(new TabRegistry.Context(vm, tab.selectedProperty(), target)));
            tabs.getTabs().add(tab);
        }
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    }

    private static TitledPane titled(String title, Node content) {
        TitledPane t = new TitledPane(title, content);
        t.setCollapsible(true);
        return t;
    }

    public BorderPane root() {
        return root;
    }

    public HeatmapView heatmap() {
        return jacobian.heatmap();
    }

    public JacobianViewModel jacobianViewModel() {
        return jacobianModel;
    }

    public StatusBar statusBar() {
        return statusBar;
    }

    public TabPane tabs() {
        return tabs;
    }

    /** The target picker the tabs share. */
    public TargetPickerModel target() {
        return target;
    }

    /** Writes what the heatmap shows (cells and colour bar) as a PNG, atomically. */
    public void exportHeatmapPng(Path file) {
        jacobian.exportPng(file);
    }

    private void installDragAndDrop(Node target) {
        target.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        target.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles();
            if (ok) {
                handleDroppedFiles(e.getDragboard().getFiles());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    /** What a drop does: the same as File > Open with these files. */
    public void handleDroppedFiles(List<File> files) {
        vm.openFiles(files.stream().map(File::toPath).toList());
    }

    /** File > Compare with…: chooses a second model and opens the comparison window. */
    void compareWith() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Compare the open model with…");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Models", "*.onnx", "*.pt", "*.pth"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
        File f = fc.showOpenDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (f != null) {
            openComparison(f.toPath());
        }
    }

    /** Opens the comparison window for model B at {@code path} and starts comparing. */
    public CompareView openComparison(Path path) {
        CompareViewModel model = new CompareViewModel(vm, path);
        CompareView view = new CompareView(model);
        Stage stage = new Stage();
        stage.setTitle(model.titleText());
        stage.setScene(new Scene(view, 1200, 760));
        if (root.getScene() != null) {
            stage.initOwner(root.getScene().getWindow());
        }
        stage.show();
        model.run(NameMapping.identity());
        return view;
    }

    /** A scene for this window. */
    public Scene createScene(double width, double height) {
        return new Scene(root, width, height);
    }
}
