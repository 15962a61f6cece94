package org.jacobi.ui.jacobian;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.Observable;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javax.imageio.ImageIO;
import org.jacobi.io.AtomicFiles;
import org.jacobi.ui.AppState;
import org.jacobi.ui.heatmap.HeatmapView;

/**
 * The Jacobian tab: a tool bar (fit, zoom, what the axes are) over the heatmap; for a Jacobian computed row by
 * row, a note of what is computed below it, with a button for the full Jacobian.
 */
public final class JacobianView extends BorderPane {
    private final HeatmapView heatmap = new HeatmapView();
    private final AppState state;

    public JacobianView(JacobianViewModel vm, AppState state) {
        this.state = state;
        heatmap.focusRowProperty().bind(vm.focusRowProperty()); // first: the view model sets it before the data
        heatmap.dataProperty().bind(vm.heatmapDataProperty());
        heatmap.colorMapProperty().bind(vm.colorMapProperty());
        heatmap.symlogProperty().bind(vm.symlogProperty());
        heatmap.scaleLimitProperty().bind(vm.scaleLimitProperty());
        heatmap.setId("heatmap");
        // a Jacobian computed row by row: start at the top output, report what is on screen, repaint as rows come
        heatmap.visibleRowsProperty().addListener((o, a, b) -> vm.setVisibleRows(b));
        vm.rowsComputedProperty().addListener((o, a, b) -> heatmap.refreshCells());
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
        axes.textProperty().bind(vm.axesText());
        Label hint = new Label("wheel: zoom · drag: pan · double-click: fit");
        hint.setStyle("-fx-text-fill: #777;");
        setTop(new ToolBar(fit, zin, zout, axes, hint));
        setCenter(heatmap);
        Label note = new Label();
        note.setId("rowsNote");
        note.setWrapText(true);
        note.textProperty().bind(vm.rowsNoteProperty());
        Button full = new Button("Compute full Jacobian");
        full.setId("computeFullJacobianHeatmap");
        full.setOnAction(e -> vm.computeFullJacobian());
        full.setMinWidth(Region.USE_PREF_SIZE);
        HBox bottom = new HBox(8, note, full);
        bottom.setAlignment(Pos.CENTER_LEFT);
        bottom.setPadding(new Insets(4, 8, 4, 8));
        HBox.setHgrow(note, Priority.ALWAYS);
        bottom.visibleProperty().bind(vm.rowsNoteProperty().isNotEmpty());
        bottom.managedProperty().bind(bottom.visibleProperty());
        setBottom(bottom);
        for (Observable o : List.of(state.modelProperty(), state.inputsProperty(), state.deferredProperty())) {
            o.addListener(x -> heatmap.setPlaceholder(placeholder(state)));
        }
        heatmap.setPlaceholder(placeholder(state));
    }

    /** What the empty heatmap says: the next step, or why there is no matrix. */
    static String placeholder(AppState state) {
        if (state.model() == null) {
            return "No Jacobian yet: drop a model file here";
        }
        if (state.inputsProperty().get() == null) {
            return "No input yet: drop an input file (tensor, photo) or generate samples";
        }
        return state.deferredProperty().get() != null ? "Jacobian too large to draw whole: see the note below"
            : "No Jacobian yet: press Compute";
    }

    public HeatmapView heatmap() {
        return heatmap;
    }

    /** Writes what the heatmap shows (cells and colour bar) as a PNG, atomically. */
    public void exportPng(Path file) {
        try {
            WritableImage shot = heatmap.snapshot(null, null);
            BufferedImage img = SwingFXUtils.fromFXImage(shot, null);
            AtomicFiles.write(file, true, out -> {
                if (!ImageIO.write(img, "png", out)) {
                    throw new IOException("no PNG writer");
                }
            });
            state.showInfo("Saved " + file.getFileName() + ".");
        } catch (RuntimeException e) {
            state.showError(e);
        }
    }
}
