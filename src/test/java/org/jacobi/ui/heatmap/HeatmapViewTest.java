package org.jacobi.ui.heatmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.jacobi.analysis.ColorMaps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The heatmap control on its own, as a reusable control. */
@ExtendWith(ApplicationExtension.class)
class HeatmapViewTest {
    private HeatmapView view;

    @Start
    void start(Stage stage) {
        view = new HeatmapView();
        stage.setScene(new Scene(view, 800, 600));
        stage.show();
    }

    @Test
    void aMillionCellsBecomeOneImageWithOnePixelPerCell(FxRobot robot) {
        float[] values = new float[1000 * 1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i * 0.001);
        }
        robot.interact(() -> view.setData(new HeatmapData(1000, 1000, values, 0, r -> "y[" + r + "]", c -> "x[" + c + "]")));
        WritableImage img = view.cellImage();
        assertEquals(1000, (int) img.getWidth());
        assertEquals(1000, (int) img.getHeight());
        // cell (0, 0) is zero: the middle colour of RdBu
        assertEquals(ColorMaps.RDBU.argb(0.5), img.getPixelReader().getArgb(0, 0));
        int[] cell = view.cellAt(view.cellCenter(3, 7).getX(), view.cellCenter(3, 7).getY());
        assertEquals(3, cell[0]);
        assertEquals(7, cell[1]);
        assertNull(view.cellAt(1, 1), "the label gutter is no cell");
        assertTrue(view.describeCell(3, 7).contains("y[3]"));
        assertTrue(view.describeCell(3, 7).contains("x[7]"));
    }

    @Test
    void wideMatricesAreBinnedKeepingTheLargestMagnitude(FxRobot robot) {
        int cols = 3 * HeatmapView.MAX_IMAGE_SIDE;
        float[] values = new float[2 * cols];
        values[cols + 5] = -7f; // row 1, a single peak
        robot.interact(() -> view.setData(HeatmapData.of(2, cols, values)));
        WritableImage img = view.cellImage();
        assertEquals(HeatmapView.MAX_IMAGE_SIDE, (int) img.getWidth());
        assertEquals(ColorMaps.RDBU.argb(0), img.getPixelReader().getArgb(1, 1), "the peak survives binning, darkest blue");
        assertEquals(ColorMaps.RDBU.argb(0.5), img.getPixelReader().getArgb(1, 0));
    }

    @Test
    void zoomKeepsThePointUnderThePointerAndTheScaleCanBeSharedOrLog(FxRobot robot) {
        float[] values = {-1, 0, 2, 4};
        robot.interact(() -> view.setData(HeatmapData.of(2, 2, values)));
        Point2D c = view.cellCenter(1, 1);
        robot.interact(() -> view.zoom(2, c.getX(), c.getY()));
        Point2D after = view.cellCenter(1, 1);
        assertEquals(c.getX(), after.getX(), 1e-6);
        assertEquals(c.getY(), after.getY(), 1e-6);
        assertEquals(4, view.currentScale().max(), 1e-12);
        assertEquals(-4, view.currentScale().min(), 1e-12, "signed data: symmetric around zero");
        robot.interact(() -> view.scaleLimitProperty().set(10));
        assertEquals(10, view.currentScale().max(), 1e-12);
        robot.interact(() -> {
            view.colorMapProperty().set(ColorMaps.VIRIDIS);
            view.symlogProperty().set(true);
        });
        assertEquals(0, view.currentScale().min(), 1e-12, "magnitudes start at zero");
        assertTrue(view.currentScale().symlog());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void rowsComputedOnDemandFitAScreenfulNearTheFocusRowAndShowWhatIsMissing(FxRobot robot) {
        float[][] rows = new float[1000][];
        rows[500] = new float[] {2, -1, 0};
        robot.interact(() -> {
            view.setData(HeatmapData.ofRows(1000, 3, r -> rows[r], r -> "y[" + r + "]", c -> "x[" + c + "]"));
            view.showRow(500);
        });
        RowSpan visible = view.visibleRowsProperty().get();
        assertTrue(visible.from() <= 500 && 500 < visible.to(), "the focus row is on screen: " + visible);
        assertTrue(visible.count() < 50, "a screenful of rows, not all 1000: " + visible);
        assertEquals(HeatmapView.ON_DEMAND_ROW_HEIGHT, view.cellHeightProperty().get(), 1e-9);
        WritableImage img = view.cellImage();
        assertEquals(HeatmapImage.NOT_COMPUTED_ARGB, img.getPixelReader().getArgb(0, 499), "a row not computed yet");
        assertEquals(ColorMaps.RDBU.argb(1), img.getPixelReader().getArgb(0, 500), "colours scaled to the computed rows");
        assertTrue(view.describeCell(499, 0).contains("not computed yet"));
        assertEquals(2.0, view.currentScale().max(), 1e-9);

        rows[501] = new float[] {4, 0, 0};
        robot.interact(() -> view.refreshCells());
        assertEquals(visible, view.visibleRowsProperty().get(), "new rows keep the view where it is");
        assertEquals(4.0, view.currentScale().max(), 1e-9);
        robot.interact(() -> view.pan(0, -10 * HeatmapView.ON_DEMAND_ROW_HEIGHT));
        assertEquals(visible.from() + 10, view.visibleRowsProperty().get().from(), "panning moves the rows on screen");
    }
}
