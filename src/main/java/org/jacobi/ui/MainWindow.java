package org.jacobi.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.controlsfx.control.StatusBar;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.Pixels;
import org.jacobi.analysis.SampleGenerator;
import org.jacobi.analysis.Saliency;
import org.jacobi.analysis.Sensitivity;
import org.jacobi.analysis.SingularValues;
import org.jacobi.analysis.TensorLabels;
import org.jacobi.analysis.ValueScale;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.io.AtomicFiles;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.about.AboutDialog;
import org.jacobi.ui.heatmap.HeatmapView;
import org.jacobi.ui.optim.OptimizationPanel;

/**
 * The main window's content: menus, the side panel (model summary, input, heatmap options), the tabs
 * (Jacobian heatmap, saliency, summaries, what if, optimize) and the status bar. Everything binds to the
 * {@link MainViewModel}; this class holds no state of its own beyond controls.
 */
public final class MainWindow {
    private final MainViewModel vm;
    private final BorderPane root = new BorderPane();
    private final HeatmapView heatmap = new HeatmapView();
    private final StatusBar statusBar = new StatusBar();
    private final Label messageText = new Label();
    private final HBox messageBar = new HBox(8);
    private final Menu recentMenu = new Menu("Open _Recent");
    private final TabPane tabs = new TabPane();
    private final Tab optimizeTab = new Tab("Optimize");
    private final MenuItem exportReportItem = new MenuItem("Export _Report…");
    private final PauseTransition hideInfo = new PauseTransition(Duration.seconds(5));
    private Function<MainViewModel, Node> optimizePanelFactory;
    private List<Object> optimizeKey;
    private final Tab summariesTab = new Tab("Summaries");
    private JacobianResult summariesShown;
    private int summariesSample = -1;

    public MainWindow(MainViewModel vm) {
        this.vm = vm;
        root.setTop(new VBox(buildMenus()));
        ScrollPane side = new ScrollPane(buildSidePanel());
        side.setFitToWidth(true);
        side.setPrefWidth(330);
        side.setMinWidth(260);
        root.setLeft(side);
        VBox center = new VBox(buildMessageBar(), buildTabs());
        VBox.setVgrow(tabs, Priority.ALWAYS);
        root.setCenter(center);
        root.setBottom(buildStatusBar());
        installDragAndDrop(root);
        installOptimizePanel(MainWindow::optimizationPanel);
    }

    public BorderPane root() {
        return root;
    }

    public HeatmapView heatmap() {
        return heatmap;
    }

    public StatusBar statusBar() {
        return statusBar;
    }

    public TabPane tabs() {
        return tabs;
    }

    // ---- hooks for panels written elsewhere ------------------------------------------------------

    /**
     * Enables the Optimize tab with a panel built by {@code factory} from the view model (its model and
     * inputs); the panel is rebuilt when the model or inputs change while the tab is shown.
     */
    public void installOptimizePanel(Function<MainViewModel, Node> factory) {
        optimizePanelFactory = factory;
        optimizeTab.setDisable(false);
        optimizeTab.setTooltip(new Tooltip("Optimise the input for a target output"));
        refreshOptimizeTab();
    }


    /**
     * Builds the Optimize panel when the tab is shown and the model, sample or chosen input and output changed
     * since the panel was built (edits made through the panel itself keep it).
     */
    private void refreshOptimizeTab() {
        if (optimizePanelFactory == null || !optimizeTab.isSelected() || vm.model() == null || vm.inputsProperty().get() == null) {
            return;
        }
        List<Object> key = List.of(vm.model(), vm.selectedSampleProperty().get(), String.valueOf(vm.wrtProperty().get()),
            String.valueOf(vm.ofProperty().get()));
        if (key.equals(optimizeKey)) {
            return;
        }
        disposeOptimizePanel();
        try {
            optimizeTab.setContent(optimizePanelFactory.apply(vm));
            optimizeKey = key;
        } catch (RuntimeException e) {
            vm.showError(e);
        }
    }

    private void disposeOptimizePanel() {
        if (optimizeTab.getContent() instanceof OptimizationPanel panel) {
            panel.dispose();
        }
        optimizeKey = null;
    }

    /** The Optimize panel for the view model's model, selected sample, input and output. */
    static Node optimizationPanel(MainViewModel vm) {
        return new OptimizationPanel(vm.model(), vm.inputsProperty().get(), vm.selectedSampleProperty().get(),
            vm.wrtProperty().get(), vm.ofProperty().get(), vm::useAsSelectedSample);
    }

    // ---- drag and drop ---------------------------------------------------------------------------

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

    // ---- menus -----------------------------------------------------------------------------------

    private MenuBar buildMenus() {
        MenuItem open = new MenuItem("_Open Model or Input…");
        open.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        open.setOnAction(e -> chooseAndOpen());
        MenuItem openInput = new MenuItem("Open _Input…");
        openInput.setOnAction(e -> chooseInput());
        rebuildRecent();
        vm.recentFiles().addListener((ListChangeListener<Path>) c -> rebuildRecent());
        MenuItem png = new MenuItem("Export Heatmap as _PNG…");
        png.setOnAction(e -> save("heatmap.png", "PNG image", "*.png", this::exportHeatmapPng));
        MenuItem npy = new MenuItem("Export Jacobian as _NPY…");
        npy.setOnAction(e -> save("jacobian.npy", "NumPy array", "*.npy", vm::exportJacobianNpy));
        MenuItem csv = new MenuItem("Export Jacobian as _CSV…");
        csv.setOnAction(e -> save("jacobian.csv", "CSV table", "*.csv", vm::exportJacobianCsv));
        for (MenuItem m : List.of(png, npy, csv)) {
            m.disableProperty().bind(vm.resultProperty().isNull());
        }
        exportReportItem.disableProperty().bind(vm.resultProperty().isNull());
        exportReportItem.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Export a sensitivity report");
            fc.setInitialFileName("report.html");
            fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("HTML report", "*.html"),
                new FileChooser.ExtensionFilter("PDF report", "*.pdf"));
            File f = fc.showSaveDialog(root.getScene().getWindow());
            if (f != null) {
                vm.exportReport(f.toPath());
            }
        });
        MenuItem quit = new MenuItem("_Quit");
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> {
            Window w = root.getScene() == null ? null : root.getScene().getWindow();
            if (w != null) {
                w.fireEvent(new javafx.stage.WindowEvent(w, javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST));
                if (w.isShowing()) {
                    w.hide();
                }
            }
        });
        Menu file = new Menu("_File", null, open, openInput, recentMenu, new SeparatorMenuItem(), png, npy, csv,
            exportReportItem, new SeparatorMenuItem(), quit);

        MenuItem fit = new MenuItem("_Fit Heatmap to Window");
        fit.setAccelerator(new KeyCodeCombination(KeyCode.DIGIT0, KeyCombination.SHORTCUT_DOWN));
        fit.setOnAction(e -> heatmap.fit());
        MenuItem zoomIn = new MenuItem("Zoom _In");
        zoomIn.setAccelerator(new KeyCodeCombination(KeyCode.EQUALS, KeyCombination.SHORTCUT_DOWN));
        zoomIn.setOnAction(e -> heatmap.zoom(1.5));
        MenuItem zoomOut = new MenuItem("Zoom _Out");
        zoomOut.setAccelerator(new KeyCodeCombination(KeyCode.MINUS, KeyCombination.SHORTCUT_DOWN));
        zoomOut.setOnAction(e -> heatmap.zoom(1 / 1.5));
        Menu view = new Menu("_View", null, fit, zoomIn, zoomOut);

        MenuItem compute = new MenuItem("_Compute Jacobian");
        compute.setAccelerator(new KeyCodeCombination(KeyCode.F5));
        compute.setOnAction(e -> vm.compute());
        MenuItem cancel = new MenuItem("C_ancel");
        cancel.setAccelerator(new KeyCodeCombination(KeyCode.ESCAPE));
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.executor().runningProperty().not());
        Menu run = new Menu("_Compute", null, compute, cancel);

        MenuItem about = new MenuItem("_About Jacobi");
        about.setOnAction(e -> AboutDialog.show(root.getScene().getWindow(),
            vm.model() == null ? null : vm.model().device()));
        Menu help = new Menu("_Help", null, about);
        return new MenuBar(file, view, run, help);
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
        List<File> files = fc.showOpenMultipleDialog(root.getScene().getWindow());
        if (files != null && !files.isEmpty()) {
            handleDroppedFiles(files);
        }
    }

    private void chooseInput() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open an input for the model");
        fc.getExtensionFilters().addAll(
            new FileChooser.ExtensionFilter("Inputs", "*.npy", "*.npz", "*.csv", "*.png", "*.jpg", "*.jpeg"),
            new FileChooser.ExtensionFilter("All files", "*.*"));
        List<File> files = fc.showOpenMultipleDialog(root.getScene().getWindow());
        if (files != null && !files.isEmpty()) {
            vm.loadInputFiles(files.stream().map(File::toPath).toList());
        }
    }

    private void save(String name, String description, String pattern, Consumer<Path> writer) {
        FileChooser fc = new FileChooser();
        fc.setInitialFileName(name);
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(description, pattern));
        File f = fc.showSaveDialog(root.getScene().getWindow());
        if (f != null) {
            writer.accept(f.toPath());
        }
    }

    /** Writes what the heatmap shows (cells and colour bar) as a PNG, atomically. */
    public void exportHeatmapPng(Path file) {
        try {
            WritableImage shot = heatmap.snapshot(null, null);
            java.awt.image.BufferedImage img = SwingFXUtils.fromFXImage(shot, null);
            AtomicFiles.write(file, true, out -> {
                if (!javax.imageio.ImageIO.write(img, "png", out)) {
                    throw new java.io.IOException("no PNG writer");
                }
            });
            vm.messageProperty().set(UserMessage.info("Saved " + file.getFileName() + "."));
        } catch (RuntimeException e) {
            vm.showError(e);
        }
    }

    // ---- side panel ------------------------------------------------------------------------------

    private Node buildSidePanel() {
        VBox box = new VBox(6);
        box.setPadding(new Insets(6));
        box.getChildren().addAll(titled("Model", buildModelSummary()), titled("Input", buildInputPanel()),
            titled("Heatmap", buildHeatmapOptions()));
        return box;
    }

    private static TitledPane titled(String title, Node content) {
        TitledPane t = new TitledPane(title, content);
        t.setCollapsible(true);
        return t;
    }

    private Node buildModelSummary() {
        Label summary = new Label("Drop an .onnx or .pt file anywhere on this window, or use File > Open.");
        summary.setId("modelSummary");
        summary.setWrapText(true);
        summary.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
        summary.setPadding(new Insets(2, 4, 2, 4));
        Runnable update = () -> summary.setText(describe(vm.modelInfoProperty().get(), vm.modelDeviceProperty().get(), vm.resultProperty().get()));
        vm.modelInfoProperty().addListener((o, a, b) -> update.run());
        vm.resultProperty().addListener((o, a, b) -> update.run());
        return summary;
    }

    static String describe(ModelInfo info, String device, JacobianResult r) {
        if (info == null) {
            return "No model open.";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(info.fileName()).append('\n');
        sb.append("Format      ").append(info.format()).append(String.format(Locale.ROOT, ", %.1f KB%n", info.fileBytes() / 1024.0));
        sb.append("Inputs\n");
        for (TensorSpec s : info.inputs()) {
            sb.append("  ").append(s).append('\n');
        }
        sb.append("Outputs\n");
        for (TensorSpec s : info.outputs()) {
            sb.append("  ").append(s).append('\n');
        }
        if (!info.operatorCounts().isEmpty()) {
            sb.append("Operators   ").append(info.nodeCount()).append(" nodes\n");
            for (Map.Entry<String, Integer> e : info.operatorCounts().entrySet()) {
                sb.append("  ").append(e.getKey()).append(" ×").append(e.getValue()).append('\n');
            }
        }
        sb.append("Parameters  ").append(info.parameterCount() < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", info.parameterCount())).append('\n');
        sb.append("Device      ").append(device == null || device.isEmpty() ? "?" : device).append('\n');
        sb.append("Backend     ").append(r == null ? "(after the first computation)" : r.backend() + " on " + r.device());
        return sb.toString();
    }

    private Node buildInputPanel() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(5);
        int row = 0;
        Label source = new Label();
        source.setId("inputSource");
        source.setWrapText(true);
        source.textProperty().bind(vm.inputSourceProperty());
        g.add(source, 0, row++, 2, 1);

        Spinner<Integer> sample = new Spinner<>();
        sample.setId("sampleSpinner");
        SpinnerValueFactory.IntegerSpinnerValueFactory f = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0);
        f.maxProperty().bind(Bindings.max(0, vm.sampleCountProperty().subtract(1)));
        f.valueProperty().addListener((o, a, b) -> {
            if (b != null && b != vm.selectedSampleProperty().get()) {
                vm.selectedSampleProperty().set(b);
            }
        });
        vm.selectedSampleProperty().addListener((o, a, b) -> f.setValue(b.intValue()));
        sample.setValueFactory(f);
        sample.setEditable(true);
        sample.setPrefWidth(90);
        Label of = new Label();
        of.textProperty().bind(Bindings.format("of %d", vm.sampleCountProperty()));
        g.addRow(row++, new Label("Sample"), new HBox(6, sample, of));

        ComboBox<String> wrt = new ComboBox<>(vm.wrtChoices());
        wrt.valueProperty().bindBidirectional(vm.wrtProperty());
        wrt.setId("wrtChoice");
        g.addRow(row++, new Label("d/d input"), wrt);
        ComboBox<String> ofBox = new ComboBox<>(vm.ofChoices());
        ofBox.valueProperty().bindBidirectional(vm.ofProperty());
        g.addRow(row++, new Label("of output"), ofBox);
        ComboBox<JacobianMode> mode = new ComboBox<>();
        mode.getItems().setAll(JacobianMode.values());
        mode.valueProperty().bindBidirectional(vm.modeProperty());
        mode.setId("modeChoice");
        mode.setTooltip(new Tooltip("AUTO picks forward or reverse mode, with finite differences as a labelled fallback"));
        g.addRow(row++, new Label("Mode"), mode);
        ComboBox<DevicePreference> device = new ComboBox<>();
        device.getItems().setAll(DevicePreference.values());
        device.valueProperty().bindBidirectional(vm.deviceProperty());
        device.setTooltip(new Tooltip("Where the model runs; changing it opens the model again on that device"));
        g.addRow(row++, new Label("Device"), device);

        Button openInput = new Button("Open Input…");
        openInput.setOnAction(e -> chooseInput());
        Button compute = new Button("Compute");
        compute.setId("computeButton");
        compute.setOnAction(e -> vm.compute());
        compute.disableProperty().bind(vm.inputsProperty().isNull());
        g.add(new HBox(6, openInput, compute), 0, row++, 2, 1);

        Label genTitle = new Label("Generate samples");
        genTitle.setStyle("-fx-font-weight: bold;");
        g.add(genTitle, 0, row++, 2, 1);
        ComboBox<SampleGenerator.Kind> kind = new ComboBox<>();
        kind.getItems().setAll(SampleGenerator.Kind.values());
        kind.valueProperty().bindBidirectional(vm.generatorKindProperty());
        g.addRow(row++, new Label("Kind"), kind);
        TextField seed = numberField(Long.toString(vm.generatorSeedProperty().get()), t -> vm.generatorSeedProperty().set(Long.parseLong(t)));
        g.addRow(row++, new Label("Seed"), seed);
        TextField count = numberField(Integer.toString(vm.generatorCountProperty().get()), t -> vm.generatorCountProperty().set(Integer.parseInt(t)));
        count.setId("generateCount");
        g.addRow(row++, new Label("Count"), count);
        Button generate = new Button("Generate");
        generate.setId("generateButton");
        generate.setOnAction(e -> {
            commit(seed);
            commit(count);
            vm.generateSamples();
        });
        g.add(generate, 1, row++);

        Label imgTitle = new Label("Images (PNG, JPEG)");
        imgTitle.setStyle("-fx-font-weight: bold;");
        g.add(imgTitle, 0, row++, 2, 1);
        TextField scale = new TextField();
        scale.textProperty().bindBidirectional(vm.imageScaleProperty());
        scale.setTooltip(new Tooltip("Pixel values 0..255 are multiplied by this first"));
        g.addRow(row++, new Label("Scale"), scale);
        TextField mean = new TextField();
        mean.textProperty().bindBidirectional(vm.imageMeanProperty());
        mean.setTooltip(new Tooltip("Subtracted per channel, e.g. 0.485, 0.456, 0.406"));
        g.addRow(row++, new Label("Mean"), mean);
        TextField std = new TextField();
        std.textProperty().bindBidirectional(vm.imageStdProperty());
        std.setTooltip(new Tooltip("Divided by per channel, e.g. 0.229, 0.224, 0.225"));
        g.addRow(row++, new Label("Std"), std);
        return g;
    }

    private TextField numberField(String initial, Consumer<String> setter) {
        TextField t = new TextField(initial);
        t.setPrefColumnCount(8);
        t.setUserData(setter);
        t.setOnAction(e -> commit(t));
        t.focusedProperty().addListener((o, a, b) -> {
            if (!b) {
                commit(t);
            }
        });
        return t;
    }

    @SuppressWarnings("unchecked")
    private void commit(TextField t) {
        try {
            ((Consumer<String>) t.getUserData()).accept(t.getText().trim());
            t.setStyle("");
        } catch (NumberFormatException e) {
            t.setStyle("-fx-border-color: #c0392b;");
            vm.showError(JacobiException.usage("'" + t.getText() + "' is not a whole number."));
        }
    }

    private Node buildHeatmapOptions() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(5);
        ComboBox<ColorMaps> map = new ComboBox<>();
        map.getItems().setAll(ColorMaps.values());
        map.valueProperty().bindBidirectional(vm.colorMapProperty());
        map.setId("colorMapChoice");
        g.addRow(0, new Label("Colours"), map);
        CheckBox shared = new CheckBox("Same scale for all samples");
        shared.selectedProperty().bindBidirectional(vm.sharedScaleProperty());
        shared.setId("sharedScale");
        g.add(shared, 0, 1, 2, 1);
        CheckBox symlog = new CheckBox("Symmetric log scale");
        symlog.selectedProperty().bindBidirectional(vm.symlogProperty());
        symlog.setId("symlog");
        g.add(symlog, 0, 2, 2, 1);
        return g;
    }

    // ---- tabs ------------------------------------------------------------------------------------

    private Node buildTabs() {
        heatmap.dataProperty().bind(vm.heatmapDataProperty());
        heatmap.colorMapProperty().bind(vm.colorMapProperty());
        heatmap.symlogProperty().bind(vm.symlogProperty());
        heatmap.scaleLimitProperty().bind(vm.scaleLimitProperty());
        heatmap.setId("heatmap");
        ToolBar bar = new ToolBar();
        Button fit = new Button("Fit");
        fit.setId("fitButton");
        fit.setOnAction(e -> heatmap.fit());
        Button zin = new Button("+");
        zin.setTooltip(new Tooltip("Zoom in (or use the mouse wheel)"));
        zin.setOnAction(e -> heatmap.zoom(1.5));
        Button zout = new Button("−");
        zout.setTooltip(new Tooltip("Zoom out"));
        zout.setOnAction(e -> heatmap.zoom(1 / 1.5));
        Label axes = new Label();
        axes.textProperty().bind(Bindings.createStringBinding(() -> {
            JacobianResult r = vm.resultProperty().get();
            if (r == null) {
                return "";
            }
            return "rows: " + r.of() + " " + org.jacobi.core.Tensor.shapeToString(r.sampleOutputShape()) + " (" + r.outputsPerSample()
                + ")   columns: " + r.wrt() + " " + org.jacobi.core.Tensor.shapeToString(r.sampleInputShape()) + " (" + r.inputsPerSample()
                + ")   sample " + vm.selectedSampleProperty().get();
        }, vm.resultProperty(), vm.selectedSampleProperty()));
        Label hint = new Label("wheel: zoom · drag: pan · double-click: fit");
        hint.setStyle("-fx-text-fill: #777;");
        bar.getItems().addAll(fit, zin, zout, axes, hint);
        BorderPane jac = new BorderPane(heatmap);
        jac.setTop(bar);
        Tab jacTab = new Tab("Jacobian", jac);
        Tab salTab = new Tab("Saliency", buildSaliency());
        Tab sumTab = summariesTab;
        sumTab.setContent(buildSummaries());
        Tab whatTab = new Tab("What if", buildWhatIf());
        optimizeTab.setContent(new Label("Open a model to optimise its input."));
        optimizeTab.setDisable(true);
        optimizeTab.setTooltip(new Tooltip("not available in this build"));
        optimizeTab.selectedProperty().addListener((o, a, b) -> refreshOptimizeTab());
        vm.modelInfoProperty().addListener((o, a, b) -> refreshOptimizeTab());
        vm.selectedSampleProperty().addListener((o, a, b) -> refreshOptimizeTab());
        vm.wrtProperty().addListener((o, a, b) -> refreshOptimizeTab());
        vm.ofProperty().addListener((o, a, b) -> refreshOptimizeTab());
        tabs.getTabs().addAll(jacTab, salTab, sumTab, whatTab, optimizeTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    private Node buildSaliency() {
        Label note = new Label("Saliency maps need an image-shaped input [C, H, W], e.g. cnn_small.onnx with an image.");
        ImageView input = pixelView();
        ImageView saliency = pixelView();
        ImageView overlayBase = pixelView();
        ImageView overlayTop = pixelView();
        overlayTop.opacityProperty().bind(vm.overlayOpacityProperty());
        StackPane overlay = new StackPane(overlayBase, overlayTop);
        Spinner<Integer> output = new Spinner<>(0, 0, 0);
        output.setEditable(true);
        output.setPrefWidth(80);
        output.valueProperty().addListener((o, a, b) -> vm.saliencyOutputProperty().set(b == null ? 0 : b));
        CheckBox abs = new CheckBox("absolute |dy/dx|");
        abs.selectedProperty().bindBidirectional(vm.saliencyAbsoluteProperty());
        ComboBox<String> channel = new ComboBox<>();
        channel.valueProperty().addListener((o, a, b) -> vm.saliencyChannelProperty().set(
            b == null || b.startsWith("sum") ? -1 : Integer.parseInt(b.substring("channel ".length()))));
        Slider opacity = new Slider(0, 1, 0.5);
        opacity.valueProperty().bindBidirectional(vm.overlayOpacityProperty());
        HBox controls = new HBox(8, new Label("Output"), output, abs, new Label("Channels"), channel, new Label("Overlay opacity"), opacity);
        controls.setAlignment(Pos.CENTER_LEFT);
        controls.setPadding(new Insets(6));
        HBox images = new HBox(12, captioned("Input", input), captioned("Saliency", saliency), captioned("Overlay", overlay));
        Label scaleNote = new Label();
        scaleNote.setId("saliencyScale");
        images.setPadding(new Insets(6));
        VBox box = new VBox(6, note, controls, images, scaleNote);
        box.setPadding(new Insets(6));
        Runnable update = () -> {
            JacobianResult r = vm.resultProperty().get();
            double[] x = vm.selectedInputSample();
            boolean ok = r != null && x != null && Saliency.isImageShaped(r.sampleInputShape()) && x.length == r.inputsPerSample();
            controls.setDisable(!ok);
            images.setVisible(ok);
            scaleNote.setVisible(ok);
            note.setVisible(!ok);
            note.setManaged(!ok);
            if (!ok) {
                return;
            }
            long[] s = r.sampleInputShape();
            int c = (int) s[0];
            int h = (int) s[1];
            int w = (int) s[2];
            if (((SpinnerValueFactory.IntegerSpinnerValueFactory) output.getValueFactory()).getMax() != r.outputsPerSample() - 1) {
                ((SpinnerValueFactory.IntegerSpinnerValueFactory) output.getValueFactory()).setMax(r.outputsPerSample() - 1);
            }
            if (channel.getItems().size() != c + 1) {
                List<String> items = new java.util.ArrayList<>();
                items.add("sum over channels");
                for (int i = 0; i < c; i++) {
                    items.add("channel " + i);
                }
                channel.getItems().setAll(items);
                channel.getSelectionModel().select(0);
            }
            int out = Math.min(vm.saliencyOutputProperty().get(), r.outputsPerSample() - 1);
            Saliency.Map2D map = Saliency.map(r, Math.min(vm.selectedSampleProperty().get(), r.samples() - 1), out,
                Math.min(vm.saliencyChannelProperty().get(), c - 1), vm.saliencyAbsoluteProperty().get());
            ColorMaps cmap = vm.saliencyAbsoluteProperty().get() ? ColorMaps.VIRIDIS : ColorMaps.RDBU;
            ValueScale scale = ValueScale.fit(map.values(), !vm.saliencyAbsoluteProperty().get(), false);
            WritableImage inImg = image(Pixels.image(x, c, h, w), w, h);
            WritableImage salImg = image(Pixels.colour(map.values(), scale, cmap), w, h);
            input.setImage(inImg);
            saliency.setImage(salImg);
            overlayBase.setImage(inImg);
            overlayTop.setImage(salImg);
            Tooltip.install(saliency, new Tooltip("d " + TensorLabels.label(r.of(), r.sampleOutputShape(), out) + " / d " + r.wrt()));
            scaleNote.setText((vm.saliencyAbsoluteProperty().get()
                ? String.format(Locale.ROOT, "viridis: 0 (dark) to %.3g (yellow)", scale.max())
                : String.format(Locale.ROOT, "blue negative, white zero, red positive; ±%.3g", scale.max()))
                + " · d " + TensorLabels.label(r.of(), r.sampleOutputShape(), out) + " / d " + r.wrt());
        };
        vm.resultProperty().addListener((o, a, b) -> update.run());
        vm.selectedSampleProperty().addListener((o, a, b) -> update.run());
        vm.saliencyOutputProperty().addListener((o, a, b) -> update.run());
        vm.saliencyAbsoluteProperty().addListener((o, a, b) -> update.run());
        vm.saliencyChannelProperty().addListener((o, a, b) -> update.run());
        update.run();
        return new ScrollPane(box);
    }

    private static ImageView pixelView() {
        ImageView v = new ImageView();
        v.setFitWidth(280);
        v.setFitHeight(280);
        v.setPreserveRatio(true);
        v.setSmooth(false);
        return v;
    }

    private static Node captioned(String caption, Node content) {
        VBox b = new VBox(4, new Label(caption), content);
        b.setAlignment(Pos.TOP_CENTER);
        return b;
    }

    /** The pixels as an image, enlarged by whole pixels to about 280 px (ImageView smoothing is not always honoured). */
    private static WritableImage image(int[] argb, int w, int h) {
        int factor = Math.max(1, 280 / Math.max(w, h));
        int[] big = factor == 1 ? argb : Pixels.upscale(argb, w, h, factor);
        WritableImage img = new WritableImage(w * factor, h * factor);
        img.getPixelWriter().setPixels(0, 0, w * factor, h * factor, PixelFormat.getIntArgbInstance(), big, 0, w * factor);
        return img;
    }

    private Node buildSummaries() {
        CategoryAxis names = new CategoryAxis();
        NumberAxis values = new NumberAxis();
        values.setLabel("mean |dy/dx| over samples and outputs");
        BarChart<String, Number> ranking = new BarChart<>(names, values);
        ranking.setTitle("Most sensitive inputs");
        ranking.setLegendVisible(false);
        ranking.setAnimated(false);
        ranking.setCategoryGap(3);
        ranking.setBarGap(0);
        ranking.setId("sensitivityChart");
        NumberAxis index = new NumberAxis();
        index.setLabel("index");
        NumberAxis logS = new NumberAxis();
        logS.setLabel("singular value (log scale)");
        logS.setForceZeroInRange(false);
        logS.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return String.format(Locale.ROOT, "%.3g", Math.pow(10, n.doubleValue()));
            }

            @Override
            public Number fromString(String s) {
                return 0;
            }
        });
        LineChart<Number, Number> sv = new LineChart<>(index, logS);
        sv.setTitle("Singular values of the selected sample's Jacobian");
        sv.setLegendVisible(false);
        sv.setAnimated(false);
        sv.setId("singularValueChart");
        Runnable update = () -> {
            JacobianResult r = vm.resultProperty().get();
            ranking.getData().clear();
            sv.getData().clear();
            if (r == null) {
                return;
            }
            XYChart.Series<String, Number> bars = new XYChart.Series<>();
            org.jacobi.ui.heatmap.HeatmapData labels = vm.heatmapDataProperty().get();
            for (Sensitivity.Entry e : Sensitivity.ranking(r, 24)) {
                // the heatmap's column labels carry the element names a model declares
                String label = labels != null && labels.cols() == r.inputsPerSample() ? labels.colLabel().apply(e.index()) : e.label();
                bars.getData().add(new XYChart.Data<>(label, e.meanAbs()));
            }
            ranking.getData().add(bars);
            int sample = Math.min(vm.selectedSampleProperty().get(), r.samples() - 1);
            vm.executor().submit("Singular values", monitor -> SingularValues.of(r, sample), s -> {
                if (vm.resultProperty().get() != r) {
                    return;
                }
                XYChart.Series<Number, Number> series = new XYChart.Series<>();
                double floor = s.length == 0 ? 1e-12 : Math.max(1e-300, s[0] * 1e-12);
                for (int i = 0; i < s.length; i++) {
                    series.getData().add(new XYChart.Data<>(i + 1, Math.log10(Math.max(floor, s[i]))));
                }
                index.setAutoRanging(false);
                index.setLowerBound(0);
                index.setUpperBound(s.length + 1);
                index.setTickUnit(Math.max(1, Math.ceil(s.length / 10.0)));
                index.setMinorTickVisible(false);
                sv.getData().setAll(List.of(series));
                sv.setTitle("Singular values of the selected sample's Jacobian");
            }, e -> {
                if (e instanceof JacobiException) {
                    sv.setTitle("No singular values: " + e.getMessage()); // e.g. too large; not worth an alarm
                } else {
                    vm.showError(e);
                }
            });
        };
        // Only while the tab is shown: what-if edits recompute often, and the SVD of a large Jacobian takes a while.
        Runnable whenShown = () -> {
            if (summariesTab.isSelected()) {
                update.run();
                summariesShown = vm.resultProperty().get();
                summariesSample = vm.selectedSampleProperty().get();
            }
        };
        vm.resultProperty().addListener((o, a, b) -> whenShown.run());
        vm.selectedSampleProperty().addListener((o, a, b) -> whenShown.run());
        summariesTab.selectedProperty().addListener((o, a, b) -> {
            if (b && (summariesShown != vm.resultProperty().get() || summariesSample != vm.selectedSampleProperty().get())) {
                whenShown.run();
            }
        });
        HBox box = new HBox(8, ranking, sv);
        HBox.setHgrow(ranking, Priority.ALWAYS);
        HBox.setHgrow(sv, Priority.ALWAYS);
        box.setPadding(new Insets(6));
        return box;
    }

    private Node buildWhatIf() {
        Label note = new Label("Edit the selected sample: drag a slider or type a value, and the outputs and the Jacobian "
            + "update. Available for inputs of up to " + MainViewModel.WHAT_IF_MAX_ELEMENTS + " elements per sample.");
        note.setWrapText(true);
        GridPane table = new GridPane();
        table.setHgap(8);
        table.setVgap(3);
        table.setId("whatIfTable");
        ListView<String> outputs = new ListView<>(vm.whatIfOutputs());
        outputs.setPrefWidth(260);
        outputs.setId("whatIfOutputs");
        Runnable rebuild = () -> {
            table.getChildren().clear();
            int row = 0;
            if (vm.whatIfRows().isEmpty()) {
                double[] x = vm.selectedInputSample();
                table.add(new Label(x == null ? "No input yet."
                    : "Input '" + vm.wrtProperty().get() + "' has " + x.length + " elements per sample: too many for the table (at most "
                    + MainViewModel.WHAT_IF_MAX_ELEMENTS + ")."), 0, 0);
                return;
            }
            table.addRow(row++, bold("input"), bold("value"), bold(""));
            for (WhatIfRow r : vm.whatIfRows()) {
                Slider slider = new Slider(r.min(), r.max(), r.valueProperty().get());
                slider.setPrefWidth(260);
                slider.valueProperty().bindBidirectional(r.valueProperty());
                TextField field = new TextField(format(r.valueProperty().get()));
                field.setPrefColumnCount(9);
                r.valueProperty().addListener((o, a, b) -> {
                    if (!field.isFocused()) {
                        field.setText(format(b.doubleValue()));
                    }
                });
                field.setOnAction(e -> {
                    try {
                        r.valueProperty().set(Double.parseDouble(field.getText().trim()));
                    } catch (NumberFormatException ex) {
                        vm.showError(JacobiException.usage("'" + field.getText() + "' is not a number."));
                    }
                });
                table.addRow(row++, new Label(r.label()), field, slider);
            }
        };
        vm.whatIfRows().addListener((ListChangeListener<WhatIfRow>) c -> rebuild.run());
        vm.sampleCountProperty().addListener((o, a, b) -> rebuild.run());
        vm.wrtProperty().addListener((o, a, b) -> rebuild.run());
        ScrollPane tableScroll = new ScrollPane(table);
        tableScroll.setFitToWidth(true);
        VBox right = new VBox(4, bold("outputs of the selected sample"), outputs);
        VBox.setVgrow(outputs, Priority.ALWAYS);
        HBox body = new HBox(10, tableScroll, right);
        HBox.setHgrow(tableScroll, Priority.ALWAYS);
        VBox box = new VBox(6, note, body);
        VBox.setVgrow(body, Priority.ALWAYS);
        box.setPadding(new Insets(6));
        rebuild.run();
        return box;
    }

    private static Label bold(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.5g", v);
    }

    // ---- message bar and status bar --------------------------------------------------------------

    private Node buildMessageBar() {
        messageBar.setId("messageBar");
        messageBar.setAlignment(Pos.CENTER_LEFT);
        messageBar.setPadding(new Insets(6, 10, 6, 10));
        messageText.setId("messageText");
        messageText.setWrapText(true);
        messageText.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(messageText, Priority.ALWAYS);
        Button details = new Button("Details…");
        details.setId("messageDetails");
        Button close = new Button("✕");
        close.setOnAction(e -> vm.messageProperty().set(null));
        messageBar.getChildren().addAll(messageText, details, close);
        hideInfo.setOnFinished(e -> {
            UserMessage m = vm.messageProperty().get();
            if (m != null && !m.error()) {
                vm.messageProperty().set(null);
            }
        });
        Runnable update = () -> {
            UserMessage m = vm.messageProperty().get();
            messageBar.setVisible(m != null);
            messageBar.setManaged(m != null);
            if (m == null) {
                return;
            }
            messageText.setText(m.text());
            messageBar.setStyle(m.error() ? "-fx-background-color: #fdecea; -fx-border-color: #e6a19a; -fx-border-width: 0 0 1 0;"
                : "-fx-background-color: #e8f1fb; -fx-border-color: #a9c6e8; -fx-border-width: 0 0 1 0;");
            details.setVisible(m.details() != null);
            details.setManaged(m.details() != null);
            details.setOnAction(e -> showDetails(m));
            if (!m.error()) {
                hideInfo.playFromStart();
            }
        };
        vm.messageProperty().addListener((o, a, b) -> update.run());
        update.run();
        return messageBar;
    }

    private void showDetails(UserMessage m) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.setTitle("Jacobi");
        a.setHeaderText(m.text());
        a.setContentText("The technical details below help when reporting a problem.");
        TextArea area = new TextArea(m.details());
        area.setEditable(false);
        area.setWrapText(false);
        area.setPrefRowCount(18);
        a.getDialogPane().setExpandableContent(area);
        if (root.getScene() != null) {
            a.initOwner(root.getScene().getWindow());
        }
        a.show();
    }

    private Node buildStatusBar() {
        statusBar.setId("statusBar");
        statusBar.textProperty().bind(Bindings.createStringBinding(() -> {
            if (vm.executor().runningProperty().get()) {
                return vm.executor().messageProperty().get();
            }
            int row = heatmap.hoverRowProperty().get();
            int col = heatmap.hoverColProperty().get();
            if (row < 0 || col < 0 || heatmap.getData() == null) {
                return "Ready";
            }
            return "d " + heatmap.getData().rowLabel().apply(row) + " / d " + heatmap.getData().colLabel().apply(col) + " = "
                + String.format(Locale.ROOT, "%.6g", heatmap.getData().value(row, col));
        }, vm.executor().runningProperty(), vm.executor().messageProperty(), heatmap.hoverTextProperty(),
            heatmap.hoverRowProperty(), heatmap.hoverColProperty(), heatmap.dataProperty()));
        statusBar.progressProperty().bind(Bindings.when(vm.executor().runningProperty())
            .then(vm.executor().progressProperty()).otherwise(0.0));
        Button cancel = new Button("Cancel");
        cancel.setId("cancelButton");
        cancel.disableProperty().bind(vm.executor().runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        Label method = new Label();
        method.setId("methodLabel");
        method.textProperty().bind(Bindings.when(vm.approximateProperty())
            .then(Bindings.concat("⚠ ", vm.methodTextProperty())).otherwise(vm.methodTextProperty()));
        method.styleProperty().bind(Bindings.when(vm.approximateProperty())
            .then("-fx-text-fill: #b35900; -fx-font-weight: bold;").otherwise("-fx-font-weight: bold;"));
        Label warnings = new Label();
        warnings.setId("warningsLabel");
        warnings.textProperty().bind(Bindings.createStringBinding(() -> vm.warningsTextProperty().get().isEmpty() ? ""
            : "⚠ " + vm.warningsTextProperty().get().lines().findFirst().orElse(""), vm.warningsTextProperty()));
        warnings.setStyle("-fx-text-fill: #b35900;");
        warnings.setMaxWidth(420);
        warnings.setPadding(new Insets(0, 14, 0, 0));
        method.setPadding(new Insets(0, 8, 0, 0));
        Tooltip wt = new Tooltip();
        wt.textProperty().bind(vm.warningsTextProperty());
        warnings.setTooltip(wt);
        statusBar.getRightItems().addAll(warnings, method, cancel);
        return statusBar;
    }

    /** A scene for this window. */
    public Scene createScene(double width, double height) {
        return new Scene(root, width, height);
    }
}
