package org.jacobi.ui.optim;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/** The Optimize tab's before / after / change images of an image-shaped input. */
final class BeforeAfterImages {
    private BeforeAfterImages() {
    }

    /** [H, W] when the sample looks like an image: [H, W], [1, H, W] or [3, H, W] with both sides at least 8. */
    static int[] imageSize(long[] shape) {
        if (shape.length == 2 && shape[0] >= 8 && shape[1] >= 8) {
            return new int[] {(int) shape[0], (int) shape[1]};
        }
        if (shape.length == 3 && (shape[0] == 1 || shape[0] == 3) && shape[1] >= 8 && shape[2] >= 8) {
            return new int[] {(int) shape[1], (int) shape[2]};
        }
        return null;
    }

    static Node captioned(String caption, Node content) {
        VBox box = new VBox(2, content, new Label(caption));
        box.setAlignment(Pos.CENTER);
        return box;
    }

    /** Grey (or RGB) image of x, scaled by the joint range of x and {@code other}. */
    static ImageView image(double[] x, double[] other, int[] hw, int channels) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] a : other == null ? new double[][] {x} : new double[][] {x, other}) {
            for (double v : a) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double range = hi > lo ? hi - lo : 1;
        int h = hw[0];
        int w = hw[1];
        WritableImage img = new WritableImage(w, h);
        PixelWriter pw = img.getPixelWriter();
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                if (channels == 3) {
                    pw.setColor(c, r, Color.color(clamp((x[r * w + c] - lo) / range), clamp((x[h * w + r * w + c] - lo) / range),
                        clamp((x[2 * h * w + r * w + c] - lo) / range)));
                } else {
                    pw.setColor(c, r, Color.gray(clamp((x[r * w + c] - lo) / range)));
                }
            }
        }
        return view(img);
    }

    /** after - before, red for increases and blue for decreases, scaled by the largest change. */
    static ImageView difference(double[] before, double[] after, int[] hw, int channels) {
        int h = hw[0];
        int w = hw[1];
        double max = 1e-30;
        for (int i = 0; i < before.length; i++) {
            max = Math.max(max, Math.abs(after[i] - before[i]));
        }
        WritableImage img = new WritableImage(w, h);
        PixelWriter pw = img.getPixelWriter();
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double d = 0;
                for (int ch = 0; ch < channels; ch++) {
                    int i = ch * h * w + r * w + c;
                    d += after[i] - before[i];
                }
                double s = clamp(Math.abs(d / channels) / max);
                pw.setColor(c, r, d >= 0 ? Color.color(1, 1 - s, 1 - s) : Color.color(1 - s, 1 - s, 1));
            }
        }
        return view(img);
    }

    private static ImageView view(WritableImage img) {
        ImageView v = new ImageView(img);
        v.setPreserveRatio(true);
        v.setSmooth(false);
        v.setFitWidth(Math.max(img.getWidth(), 140));
        return v;
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.min(1, Math.max(0, v));
    }

}
