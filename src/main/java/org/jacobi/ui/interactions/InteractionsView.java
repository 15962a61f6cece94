package org.jacobi.ui.interactions;

import java.util.Locale;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.ui.heatmap.HeatmapData;
import org.jacobi.ui.heatmap.HeatmapView;

/**
 * The Interactions tab: the chosen output element's Hessian for the selected sample as a heatmap (inputs x
 * inputs, labelled), beside its eigenvalues; below, the leading eigenvectors, as images for image inputs and
 * as a heatmap (eigenvectors x inputs) otherwise.
 */
public final class InteractionsView extends BorderPane {
    private static final int IMAGE_SCALE = 6;
    private final InteractionsViewModel vm;
    private final HeatmapView hessian = new HeatmapView();
    private final HeatmapView vectors = new HeatmapView();
    private final HBox vectorImages = new HBox(12);
    private final BarChart<String, Number> eigenvalues;
    private final VBox lower = new VBox(4);

    public InteractionsView(InteractionsViewModel vm, ObservableBooleanValue shown) {
        this.vm = vm;
        ComboBox<String> output = new ComboBox<>(vm.outputChoices());
        output.setId("interactionsOutput");
        output.setVisibleRowCount(16);
        output.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            if (b.intValue() >= 0) {
                vm.outputProperty().set(b.intValue());
            }
        });
        vm.outputChoices().addListener((ListChangeListener<String>) c ->
            output.getSelectionModel().select(Math.min(vm.outputProperty().get(), vm.outputChoices().size() - 1)));
        Label status = new Label();
        status.setId("interactionsStatus");
        status.textProperty().bind(vm.statusProperty());
        status.setWrapText(true);
        Label what = new Label("Hessian of output");
        what.setMinWidth(Region.USE_PREF_SIZE);
        output.setMinWidth(Region.USE_PREF_SIZE);
        HBox.setHgrow(status, Priority.ALWAYS);
        HBox top = new HBox(8, what, output, status);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(6));
        setTop(top);

        hessian.setId("hessianHeatmap");
        hessian.setPlaceholder("No Hessian yet");
        CategoryAxis index = new CategoryAxis();
        NumberAxis value = new NumberAxis();
        value.setLabel("eigenvalue");
        eigenvalues = new BarChart<>(index, value);
        eigenvalues.setTitle("Eigenvalues (largest |λ| first)");
        eigenvalues.setLegendVisible(false);
        eigenvalues.setAnimated(false);
        eigenvalues.setCategoryGap(2);
        eigenvalues.setId("eigenvalueChart");
        eigenvalues.setPrefWidth(360);
        HBox upper = new HBox(8, hessian, eigenvalues);
        HBox.setHgrow(hessian, Priority.ALWAYS);
        hessian.setMinSize(200, 200);
        vectors.setId("eigenvectorHeatmap");
        vectors.setPrefHeight(130);
        vectorImages.setId("eigenvectorImages");
        Label vectorsTitle = new Label("Leading eigenvectors: the input directions of strongest curvature");
        lower.getChildren().addAll(vectorsTitle, vectors);
        lower.setPadding(new Insets(6));
        VBox.setVgrow(upper, Priority.ALWAYS);
        VBox center = new VBox(6, upper, lower);
        center.setPadding(new Insets(0, 6, 6, 6));
        setCenter(center);
        vm.pictureProperty().addListener((o, a, b) -> show(b));
        vm.shownProperty().bind(shown);
        show(vm.pictureProperty().get());
    }

    private void show(InteractionsViewModel.Shown p) {
        eigenvalues.getData().clear();
        lower.setVisible(p != null);
        if (p == null) {
            hessian.setData(null);
            vectors.setData(null);
            return;
        }
        hessian.setData(p.hessian());
        XYChart.Series<String, Number> series = new XYChart.Series<>();
        int shown = Math.min(p.eigenvalues().length, 24);
        for (int k = 0; k < shown; k++) {
            series.getData().add(new XYChart.Data<>("λ" + (k + 1), p.eigenvalues()[k]));
        }
        eigenvalues.getData().add(series);
        int n = p.hessian().cols();
        if (p.imageShape() != null) {
            vectorImages.getChildren().clear();
            for (int k = 0; k < p.eigenvectors().length; k++) {
                vectorImages.getChildren().add(captioned(String.format(Locale.ROOT, "v%d (λ = %.3g)", k + 1, p.eigenvalues()[k]),
                    image(p.eigenvectors()[k], p.imageShape())));
            }
            lower.getChildren().set(1, vectorImages);
        } else {
            float[] v = new float[p.eigenvectors().length * n];
            for (int k = 0; k < p.eigenvectors().length; k++) {
                for (int i = 0; i < n; i++) {
                    v[k * n + i] = (float) p.eigenvectors()[k][i];
                }
            }
            double[] lambda = p.eigenvalues();
            vectors.setData(new HeatmapData(p.eigenvectors().length, n, v, 0,
                k -> String.format(Locale.ROOT, "v%d (λ = %.3g)", k + 1, lambda[k]), p.hessian().colLabel()));
            lower.getChildren().set(1, vectors);
        }
    }

    private static Node captioned(String text, Node node) {
        VBox box = new VBox(2, new Label(text), node);
        box.setAlignment(Pos.TOP_CENTER);
        return box;
    }

    /** An eigenvector of a [C, H, W] input as an image, channels side by side, diverging colours around zero. */
    private static ImageView image(double[] v, long[] shape) {
        int c = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        double max = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        int width = c * w;
        int[] argb = new int[width * h];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    argb[y * width + ch * w + x] = ColorMaps.RDBU.argbSigned(v[(ch * h + y) * w + x], max);
                }
            }
        }
        WritableImage img = new WritableImage(width, h);
        img.getPixelWriter().setPixels(0, 0, width, h, PixelFormat.getIntArgbInstance(), argb, 0, width);
        ImageView view = new ImageView(img);
        view.setSmooth(false);
        view.setFitWidth(width * (double) Math.max(1, IMAGE_SCALE * 28 / Math.max(h, w)));
        view.setPreserveRatio(true);
        return view;
    }
}
