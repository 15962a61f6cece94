package org.jacobi.ui.picker;

/**
 * How one sample of an output is drawn: as an image (a mask [1, H, W], a detection map [C, H, W] or [H, W, C], a
 * matrix [H, W]) or as a list of bars (classes, and anything of another rank). Knows which flat element a pixel of
 * a channel is, and how to write a pixel or a box of one channel as a target index ({@code [c,r,x]}, {@code
 * [c,r0:r1,x0:x1]}, channels last {@code [r,x,c]}).
 *
 * @param image whether the output is drawn as an image
 * @param channels how many images (1 for a mask or a matrix)
 * @param rank the rank of one sample (2 or 3 for images)
 * @param channelsLast whether the channel axis is the last ([H, W, C], as TensorFlow-born detectors give)
 */
public record OutputLayout(boolean image, int channels, int height, int width, int rank, boolean channelsLast) {

    /** The layout of one output sample of shape {@code shape} (without the batch axis). */
    public static OutputLayout of(long[] shape) {
        if (shape.length == 2 && shape[0] > 1 && shape[1] > 1) {
            return new OutputLayout(true, 1, (int) shape[0], (int) shape[1], 2, false);
        }
        if (shape.length == 3) {
            // the channel axis is the shortest one; a shape that reads both ways (e.g. [3, 8, 3]) is channels first
            boolean last = shape[2] < shape[0] && shape[2] < shape[1];
            long c = last ? shape[2] : shape[0];
            long h = last ? shape[0] : shape[1];
            long w = last ? shape[1] : shape[2];
            if (h > 1 && w > 1) {
                return new OutputLayout(true, (int) c, (int) h, (int) w, 3, last);
            }
        }
        return new OutputLayout(false, 1, 0, 0, shape.length, false);
    }

    /** The flat element at pixel ({@code row}, {@code col}) of channel {@code channel}. */
    public int element(int channel, int row, int col) {
        if (rank == 2) {
            return row * width + col;
        }
        return channelsLast ? (row * width + col) * channels + channel : (channel * height + row) * width + col;
    }

    /** The pixel of flat element {@code flat}: {channel, row, col}. */
    public int[] pixel(int flat) {
        if (rank == 2) {
            return new int[] {0, flat / width, flat % width};
        }
        if (channelsLast) {
            int p = flat / channels;
            return new int[] {flat % channels, p / width, p % width};
        }
        int p = flat % (height * width);
        return new int[] {flat / (height * width), p / width, p % width};
    }

    /** The index text of rows {@code row0..row1-1} and columns {@code col0..col1-1} of channel {@code channel}: "0,2:5,1:4". */
    public String boxIndex(int channel, int row0, int col0, int row1, int col1) {
        String r = row1 - row0 == 1 ? Integer.toString(row0) : row0 + ":" + row1;
        String x = col1 - col0 == 1 ? Integer.toString(col0) : col0 + ":" + col1;
        if (rank == 2) {
            return r + "," + x;
        }
        return channelsLast ? r + "," + x + "," + channel : channel + "," + r + "," + x;
    }
}
