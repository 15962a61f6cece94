package org.jacobi.ui.heatmap;

import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.util.Duration;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.ValueScale;

/**
 * A heatmap of a matrix on a Canvas with a colour bar. The cells are painted once into an image (one pixel
 * per cell, binned by largest magnitude above {@link #MAX_IMAGE_SIDE}) that is drawn scaled without smoothing,
 * so a million cells pan and zoom smoothly. Wheel zooms around the pointer, drag pans, double-click fits.
 * Hovering shows the row and column labels and the value in a tooltip and highlights the row and column.
 */
public class HeatmapView extends Region {
    /** Larger matrices are binned so the image stays a texture every renderer accepts. */
    public static final int MAX_IMAGE_SIDE = 4096;
    private static final double BAR_WIDTH = 92;
    private static final double MAX_CELL = 400;
    /** Gutter for the column labels (top); the row labels' gutter fits the longest label. */
    private static final double TOP = 20;
    private static final Font LABEL_FONT = Font.font(10.5);
    /** Rows computed on demand are fitted no lower than this, so a fitted view asks for a screenful, not all. */
    static final double ON_DEMAND_ROW_HEIGHT = 18;
    private double left = 40;
    private String placeholder = "No Jacobian yet: drop a model file here";

    private final Canvas canvas = new Canvas();
    private final Canvas bar = new Canvas();
    private final Tooltip tooltip = new Tooltip();

    private final ObjectProperty<HeatmapData> data = new SimpleObjectProperty<>(this, "data");
    private final ObjectProperty<ColorMaps> colorMap = new SimpleObjectProperty<>(this, "colorMap", ColorMaps.RDBU);
    private final BooleanProperty symlog = new SimpleBooleanProperty(this, "symlog", false);
    /** The largest magnitude the colour scale covers; NaN fits the scale to the data shown. */
    private final DoubleProperty scaleLimit = new SimpleDoubleProperty(this, "scaleLimit", Double.NaN);
    private final DoubleProperty cellWidth = new SimpleDoubleProperty(this, "cellWidth", 1);
    private final DoubleProperty cellHeight = new SimpleDoubleProperty(this, "cellHeight", 1);
    private final DoubleProperty offsetX = new SimpleDoubleProperty(this, "offsetX", 0);
    private final DoubleProperty offsetY = new SimpleDoubleProperty(this, "offsetY", 0);
    private final ReadOnlyIntegerWrapper hoverRow = new ReadOnlyIntegerWrapper(this, "hoverRow", -1);
    private final ReadOnlyIntegerWrapper hoverCol = new ReadOnlyIntegerWrapper(this, "hoverCol", -1);
    private final ReadOnlyStringWrapper hoverText = new ReadOnlyStringWrapper(this, "hoverText", "");
    private final ReadOnlyObjectWrapper<RowSpan> visibleRows =
        new ReadOnlyObjectWrapper<>(this, "visibleRows", RowSpan.NONE);
    /** The row a fitted view of rows computed on demand starts near (-1: the first); set it before the data. */
    private final IntegerProperty focusRow = new SimpleIntegerProperty(this, "focusRow", -1);
    /** False from a new matrix until it is fitted to a canvas with a size: until then no rows are on screen. */
    private boolean laidOut;

    private WritableImage image;
    private ValueScale scale = new ValueScale(-1, 1, false, 1e-3);
    private boolean fitted = true;
    private double dragX;
    private double dragY;

    public HeatmapView() {
        getStyleClass().add("heatmap-view");
        getChildren().addAll(canvas, bar);
        tooltip.setShowDelay(Duration.millis(100));
        tooltip.setHideDelay(Duration.millis(100));
        tooltip.setShowDuration(Duration.INDEFINITE);
        data.addListener((obs, a, b) -> {
            laidOut = false;
            left = HeatmapImage.gutterFor(b, LABEL_FONT);
            rebuildImage();
            fit();
        });
        colorMap.addListener((obs, a, b) -> rebuildImage());
        symlog.addListener((obs, a, b) -> rebuildImage());
        scaleLimit.addListener((obs, a, b) -> rebuildImage());
        for (DoubleProperty p : new DoubleProperty[] {cellWidth, cellHeight, offsetX, offsetY}) {
            p.addListener((obs, a, b) -> draw());
        }
        hoverRow.addListener((obs, a, b) -> draw());
        hoverCol.addListener((obs, a, b) -> draw());

        canvas.setOnScroll(e -> {
            if (e.getDeltaY() != 0) {
                // one wheel notch is about 40 px on desktops but 1 on some platforms: at least one step each
                double notches = Math.signum(e.getDeltaY()) * Math.max(1, Math.abs(e.getDeltaY()) / 40.0);
                zoom(Math.pow(1.15, notches), e.getX(), e.getY());
                e.consume();
            }
        });
        canvas.setOnMousePressed(e -> {
            dragX = e.getX();
            dragY = e.getY();
        });
        canvas.setOnMouseDragged(e -> {
            if (e.getButton() == MouseButton.PRIMARY || e.getButton() == MouseButton.MIDDLE) {
                pan(e.getX() - dragX, e.getY() - dragY);
                dragX = e.getX();
                dragY = e.getY();
                updateHover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY());
            }
        });
        canvas.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                fit();
            }
        });
        canvas.setOnMouseMoved(e -> updateHover(e.getX(), e.getY(), e.getScreenX(), e.getScreenY()));
        canvas.setOnMouseExited(e -> {
            hoverRow.set(-1);
            hoverCol.set(-1);
            hoverText.set("");
            tooltip.hide();
        });
    }

    /** Shows the whole matrix in the available area. */
    public void fit() {
        fitted = true;
        HeatmapData d = data.get();
        double w = canvas.getWidth() - left;
        double h = canvas.getHeight() - TOP;
        if (d == null || d.rows() == 0 || d.cols() == 0 || w <= 0 || h <= 0) {
            draw();
            return;
        }
        double rowHeight = d.complete() ? h / d.rows() : Math.max(h / d.rows(), ON_DEMAND_ROW_HEIGHT);
        cellWidth.set(Math.min(MAX_CELL, w / d.cols()));
        cellHeight.set(Math.min(MAX_CELL, rowHeight));
        offsetX.set(0);
        int focus = focusRow.get();
        boolean scroll = !d.complete() && focus > 0 && focus < d.rows() && d.rows() * rowHeight > h;
        offsetY.set(scroll ? -Math.min(focus - 1, d.rows() - h / rowHeight) * rowHeight : 0);
        laidOut = true; // from here on the rows drawn are the rows on screen
        draw();
    }

    /** Fits the view, with row {@code row} near the top when the rows are computed on demand and do not all fit. */
    public void showRow(int row) {
        focusRow.set(row);
        fit();
    }

    /** The row that fitting a matrix computed on demand shows near the top. */
    public IntegerProperty focusRowProperty() {
        return focusRow;
    }

    /** Paints the cells again after rows of a matrix computed on demand arrived, keeping zoom and position. */
    public void refreshCells() {
        rebuildImage();
    }

    /** Zooms by {@code factor} keeping the point (x, y) of the canvas in place. */
    public void zoom(double factor, double x, double y) {
        HeatmapData d = data.get();
        if (d == null || d.cols() == 0 || d.rows() == 0) {
            return;
        }
        double minW = Math.min((canvas.getWidth() - left) / d.cols(), MAX_CELL) / 4;
        double minH = Math.min((canvas.getHeight() - TOP) / d.rows(), MAX_CELL) / 4;
        x -= left;
        y -= TOP;
        double newW = clamp(cellWidth.get() * factor, minW, Math.max(MAX_CELL, minW));
        double newH = clamp(cellHeight.get() * factor, minH, Math.max(MAX_CELL, minH));
        double col = (x - offsetX.get()) / cellWidth.get();
        double row = (y - offsetY.get()) / cellHeight.get();
        fitted = false;
        cellWidth.set(newW);
        cellHeight.set(newH);
        offsetX.set(x - col * newW);
        offsetY.set(y - row * newH);
    }

    /** Zooms around the centre (toolbar buttons). */
    public void zoom(double factor) {
        zoom(factor, left + (canvas.getWidth() - left) / 2, TOP + (canvas.getHeight() - TOP) / 2);
    }

    public void pan(double dx, double dy) {
        fitted = false;
        offsetX.set(offsetX.get() + dx);
        offsetY.set(offsetY.get() + dy);
    }

    /** The {row, column} of the cell under canvas point (x, y), or null outside the matrix. */
    public int[] cellAt(double x, double y) {
        HeatmapData d = data.get();
        if (d == null || x < left || y < TOP) {
            return null;
        }
        int col = (int) Math.floor((x - left - offsetX.get()) / cellWidth.get());
        int row = (int) Math.floor((y - TOP - offsetY.get()) / cellHeight.get());
        if (row < 0 || col < 0 || row >= d.rows() || col >= d.cols()) {
            return null;
        }
        return new int[] {row, col};
    }

    /** The centre of a cell in canvas coordinates. */
    public Point2D cellCenter(int row, int col) {
        return new Point2D(left + offsetX.get() + (col + 0.5) * cellWidth.get(),
            TOP + offsetY.get() + (row + 0.5) * cellHeight.get());
    }

    /** Hover text for a cell: its row label, column label and value. */
    public String describeCell(int row, int col) {
        HeatmapData d = data.get();
        return "output " + d.rowLabel().apply(row) + "\ninput " + d.colLabel().apply(col) + "\nvalue "
            + (d.hasRow(row) ? String.format(Locale.ROOT, "%.6g", d.value(row, col)) : "not computed yet");
    }

    private void updateHover(double x, double y, double screenX, double screenY) {
        int[] cell = cellAt(x, y);
        if (cell == null) {
            hoverRow.set(-1);
            hoverCol.set(-1);
            hoverText.set("");
            tooltip.hide();
            return;
        }
        hoverRow.set(cell[0]);
        hoverCol.set(cell[1]);
        String text = describeCell(cell[0], cell[1]);
        hoverText.set(text);
        tooltip.setText(text);
        if (getScene() != null && getScene().getWindow() != null) {
            tooltip.show(canvas, screenX + 14, screenY + 14);
        }
    }

    private void drawBar() {
        HeatmapImage.drawColorBar(bar.getGraphicsContext2D(), bar.getWidth(), bar.getHeight(), data.get() != null, colorMap.get(), scale);
    }

    private void rebuildImage() {
        HeatmapData d = data.get();
        if (d == null || d.rows() == 0 || d.cols() == 0) {
            image = null;
            draw();
            return;
        }
        boolean signed = colorMap.get().diverging();
        double limit = scaleLimit.get();
        if (!(limit > 0) || Double.isNaN(limit)) {
            limit = HeatmapImage.largestMagnitude(d);
            if (limit == 0 || !Double.isFinite(limit)) {
                limit = 1;
            }
        }
        scale = new ValueScale(signed ? -limit : 0, limit, symlog.get(), limit * 1e-3);
        WritableImage img = HeatmapImage.render(d, colorMap.get(), scale, MAX_IMAGE_SIDE);
        image = img;
        draw();
        drawBar();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(Color.web("#ececec"));
        g.fillRect(0, 0, w, h);
        HeatmapData d = data.get();
        if (image == null || d == null) {
            HeatmapImage.drawPlaceholder(g, w, h, placeholder);
            visibleRows.set(RowSpan.NONE);
            return;
        }
        double cw = cellWidth.get();
        double ch = cellHeight.get();
        HeatmapImage.drawLabels(g, d, cw, ch, left + offsetX.get(), TOP + offsetY.get(), w, h, left, TOP, LABEL_FONT);
        g.save();
        g.beginPath();
        g.rect(left, TOP, w - left, h - TOP);
        g.closePath();
        g.clip();
        double ox = left + offsetX.get();
        double oy = TOP + offsetY.get();
        g.setImageSmoothing(false);
        g.drawImage(image, 0, 0, image.getWidth(), image.getHeight(), ox, oy, d.cols() * cw, d.rows() * ch);
        if (cw >= 44 && ch >= 16) {
            HeatmapImage.drawValues(g, d, cw, ch, ox, oy, w, h, scale, colorMap.get().diverging());
        }
        HeatmapImage.drawMissingRows(g, d, ch, oy, Math.max(left, ox), w, h);
        HeatmapImage.drawHover(g, d, ox, oy, cw, ch, hoverRow.get(), hoverCol.get());
        g.restore();
        int firstRow = Math.max(0, (int) Math.floor((TOP - oy) / ch));
        int lastRow = Math.min(d.rows(), (int) Math.ceil((h - oy) / ch));
        visibleRows.set(laidOut && lastRow > firstRow ? new RowSpan(firstRow, lastRow) : RowSpan.NONE);
    }

    @Override
    protected void layoutChildren() {
        double w = Math.max(0, getWidth() - BAR_WIDTH);
        double h = getHeight();
        boolean changed = canvas.getWidth() != w || canvas.getHeight() != h;
        canvas.setWidth(w);
        canvas.setHeight(h);
        canvas.relocate(0, 0);
        bar.setWidth(BAR_WIDTH);
        bar.setHeight(h);
        bar.relocate(w, 0);
        if (changed) {
            if (fitted) {
                fit();
            } else {
                draw();
            }
            drawBar();
        }
    }

    @Override
    protected double computePrefWidth(double height) {
        return 600;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 400;
    }

    @Override
    protected double computeMinWidth(double height) {
        return BAR_WIDTH + 50;
    }

    @Override
    protected double computeMinHeight(double width) {
        return 60;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    // ---- properties ------------------------------------------------------------------------------

    public ObjectProperty<HeatmapData> dataProperty() {
        return data;
    }

    public HeatmapData getData() {
        return data.get();
    }

    public void setData(HeatmapData d) {
        data.set(d);
    }

    public ObjectProperty<ColorMaps> colorMapProperty() {
        return colorMap;
    }

    public BooleanProperty symlogProperty() {
        return symlog;
    }

    public DoubleProperty scaleLimitProperty() {
        return scaleLimit;
    }

    public DoubleProperty cellWidthProperty() {
        return cellWidth;
    }

    public DoubleProperty cellHeightProperty() {
        return cellHeight;
    }

    public DoubleProperty offsetXProperty() {
        return offsetX;
    }

    public DoubleProperty offsetYProperty() {
        return offsetY;
    }

    public ReadOnlyIntegerProperty hoverRowProperty() {
        return hoverRow.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty hoverColProperty() {
        return hoverCol.getReadOnlyProperty();
    }

    /** The rows on screen now (none while there is no matrix or the view is not laid out). */
    public ReadOnlyObjectProperty<RowSpan> visibleRowsProperty() {
        return visibleRows.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty hoverTextProperty() {
        return hoverText.getReadOnlyProperty();
    }

    public Tooltip tooltip() {
        return tooltip;
    }

    /** The scale of the colours now shown (for tests and the colour bar). */
    public ValueScale currentScale() {
        return scale;
    }

    /** The image of the cells (one pixel per cell, or per bin of cells). */
    WritableImage cellImage() {
        return image;
    }

    /** The text shown while there is no matrix. */
    public void setPlaceholder(String text) {
        if (text.equals(placeholder)) {
            return;
        }
        placeholder = text;
        if (getData() == null) { // with a matrix shown the text is not drawn; its labels may be mid-change
            draw();
        }
    }

    /** The canvas holding the cells (for snapshots and tests). */
    public Canvas canvas() {
        return canvas;
    }
}
