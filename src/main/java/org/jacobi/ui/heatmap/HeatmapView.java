package org.jacobi.ui.heatmap;

import java.util.Locale;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
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
    private double left = 40;

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
            left = gutterFor(b);
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

    /** Room for the widest row label (sampled on large matrices), within sensible bounds. */
    private static double gutterFor(HeatmapData d) {
        if (d == null || d.rows() == 0) {
            return 40;
        }
        javafx.scene.text.Text probe = new javafx.scene.text.Text();
        probe.setFont(LABEL_FONT);
        double widest = 0;
        int step = Math.max(1, d.rows() / 200);
        for (int r = 0; r < d.rows(); r += step) {
            probe.setText(d.rowLabel().apply(r));
            widest = Math.max(widest, probe.getLayoutBounds().getWidth());
        }
        return Math.max(40, Math.min(220, Math.ceil(widest) + 10));
    }

    // ---- view changes ----------------------------------------------------------------------------

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
        cellWidth.set(Math.min(MAX_CELL, w / d.cols()));
        cellHeight.set(Math.min(MAX_CELL, h / d.rows()));
        offsetX.set(0);
        offsetY.set(0);
        draw();
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
        if (d == null) {
            return null;
        }
        if (x < left || y < TOP) {
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
    public javafx.geometry.Point2D cellCenter(int row, int col) {
        return new javafx.geometry.Point2D(left + offsetX.get() + (col + 0.5) * cellWidth.get(),
            TOP + offsetY.get() + (row + 0.5) * cellHeight.get());
    }

    /** Hover text for a cell: its row label, column label and value. */
    public String describeCell(int row, int col) {
        HeatmapData d = data.get();
        return "output " + d.rowLabel().apply(row) + "\ninput " + d.colLabel().apply(col) + "\nvalue "
            + String.format(Locale.ROOT, "%.6g", d.value(row, col));
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

    // ---- painting --------------------------------------------------------------------------------

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
            limit = 0;
            for (int i = 0; i < d.rows() * d.cols(); i++) {
                limit = Math.max(limit, Math.abs(d.values()[d.offset() + i]));
            }
            if (limit == 0 || !Double.isFinite(limit)) {
                limit = 1;
            }
        }
        scale = new ValueScale(signed ? -limit : 0, limit, symlog.get(), limit * 1e-3);
        int w = Math.min(d.cols(), MAX_IMAGE_SIDE);
        int h = Math.min(d.rows(), MAX_IMAGE_SIDE);
        int[] pixels = new int[w * h];
        ColorMaps map = colorMap.get();
        for (int py = 0; py < h; py++) {
            int r0 = (int) ((long) py * d.rows() / h);
            int r1 = Math.max(r0 + 1, (int) ((long) (py + 1) * d.rows() / h));
            for (int px = 0; px < w; px++) {
                int c0 = (int) ((long) px * d.cols() / w);
                int c1 = Math.max(c0 + 1, (int) ((long) (px + 1) * d.cols() / w));
                double v = binned(d, r0, r1, c0, c1);
                pixels[py * w + px] = map.argb(scale.normalise(signed ? v : Math.abs(v)));
            }
        }
        WritableImage img = new WritableImage(w, h);
        img.getPixelWriter().setPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), pixels, 0, w);
        image = img;
        draw();
        drawBar();
    }

    /** The value of largest magnitude in a block of cells, so binning never hides a peak. */
    private static double binned(HeatmapData d, int r0, int r1, int c0, int c1) {
        if (r1 - r0 == 1 && c1 - c0 == 1) {
            return d.value(r0, c0);
        }
        double best = 0;
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                double v = d.value(r, c);
                if (Math.abs(v) > Math.abs(best)) {
                    best = v;
                }
            }
        }
        return best;
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(Color.web("#ececec"));
        g.fillRect(0, 0, w, h);
        HeatmapData d = data.get();
        if (image == null || d == null) {
            g.setFill(Color.GRAY);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("No Jacobian yet: drop a model file here", w / 2, h / 2);
            return;
        }
        double cw = cellWidth.get();
        double ch = cellHeight.get();
        drawLabels(g, d, cw, ch, left + offsetX.get(), TOP + offsetY.get(), w, h);
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
            drawValues(g, d, cw, ch, ox, oy, w, h);
        }
        int hr = hoverRow.get();
        int hc = hoverCol.get();
        if (hr >= 0 && hc >= 0 && hr < d.rows() && hc < d.cols()) {
            g.setFill(Color.rgb(255, 255, 255, 0.22));
            g.fillRect(ox, oy + hr * ch, d.cols() * cw, ch);
            g.fillRect(ox + hc * cw, oy, cw, d.rows() * ch);
            g.setStroke(Color.BLACK);
            g.setLineWidth(1.5);
            g.strokeRect(ox, oy + hr * ch, d.cols() * cw, ch);
            g.strokeRect(ox + hc * cw, oy, cw, d.rows() * ch);
        }
        g.restore();
    }

    /** Row labels in the left gutter and column labels on top, thinned out so they never overlap. */
    private void drawLabels(GraphicsContext g, HeatmapData d, double cw, double ch, double ox, double oy, double w, double h) {
        g.setFill(Color.rgb(60, 60, 60));
        g.setFont(LABEL_FONT);
        g.setTextBaseline(VPos.CENTER);
        g.setTextAlign(TextAlignment.RIGHT);
        int rowStep = (int) Math.max(1, Math.ceil(14 / ch));
        int r0 = Math.max(0, (int) Math.floor((TOP - oy) / ch));
        int r1 = Math.min(d.rows(), (int) Math.ceil((h - oy) / ch));
        for (int r = r0 - r0 % rowStep; r < r1; r += rowStep) {
            double y = oy + (r + 0.5) * ch;
            if (y >= TOP) {
                g.fillText(d.rowLabel().apply(r), left - 4, y, left - 6);
            }
        }
        g.setTextAlign(TextAlignment.CENTER);
        int colStep = (int) Math.max(1, Math.ceil(76 / cw));
        int c0 = Math.max(0, (int) Math.floor((left - ox) / cw));
        int c1 = Math.min(d.cols(), (int) Math.ceil((w - ox) / cw));
        for (int c = c0 - c0 % colStep; c < c1; c += colStep) {
            double x = ox + (c + 0.5) * cw;
            if (x >= left && (colStep == 1 || x + 38 <= w)) {
                g.fillText(d.colLabel().apply(c), x, TOP / 2, Math.max(cw * colStep - 4, 20));
            }
        }
    }

    private void drawValues(GraphicsContext g, HeatmapData d, double cw, double ch, double ox, double oy, double w, double h) {
        int c0 = Math.max(0, (int) Math.floor(-ox / cw));
        int c1 = Math.min(d.cols(), (int) Math.ceil((w - ox) / cw));
        int r0 = Math.max(0, (int) Math.floor(-oy / ch));
        int r1 = Math.min(d.rows(), (int) Math.ceil((h - oy) / ch));
        if ((long) (c1 - c0) * (r1 - r0) > 4000) {
            return;
        }
        g.setFont(Font.font(Math.min(13, ch * 0.45)));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        boolean signed = colorMap.get().diverging();
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                double v = d.value(r, c);
                double t = scale.normalise(signed ? v : Math.abs(v));
                boolean dark = signed ? Math.abs(t - 0.5) > 0.3 : t < 0.55;
                g.setFill(dark ? Color.WHITE : Color.BLACK);
                g.fillText(String.format(Locale.ROOT, "%.3g", v), ox + (c + 0.5) * cw, oy + (r + 0.5) * ch, cw - 4);
            }
        }
    }

    private void drawBar() {
        GraphicsContext g = bar.getGraphicsContext2D();
        double w = bar.getWidth();
        double h = bar.getHeight();
        g.clearRect(0, 0, w, h);
        if (data.get() == null || h < 40) {
            return;
        }
        double top = 12;
        double bottom = h - 12;
        double x0 = 10;
        double stripW = 18;
        ColorMaps map = colorMap.get();
        for (double y = top; y < bottom; y++) {
            double t = 1 - (y - top) / (bottom - top);
            int argb = map.argb(t);
            g.setFill(Color.rgb((argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff));
            g.fillRect(x0, y, stripW, 1.5);
        }
        g.setStroke(Color.GRAY);
        g.setLineWidth(1);
        g.strokeRect(x0, top, stripW, bottom - top);
        g.setFill(Color.BLACK);
        g.setFont(Font.font(11));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        int ticks = 6;
        for (int i = 0; i <= ticks; i++) {
            double t = (double) i / ticks;
            double y = bottom - t * (bottom - top);
            g.strokeLine(x0 + stripW, y, x0 + stripW + 4, y);
            double v = scale.valueAt(t);
            if (Math.abs(v) < scale.max() * 1e-12) {
                v = 0;
            }
            g.fillText(String.format(Locale.ROOT, "%.3g", v), x0 + stripW + 7, y);
        }
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

    /** The canvas holding the cells (for snapshots and tests). */
    public Canvas canvas() {
        return canvas;
    }
}
