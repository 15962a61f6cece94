package org.jacobi.inputs;

import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.model.Dim;
import org.jacobi.model.TensorSpec;

/**
 * Where an image goes in an input's declared shape: whether axis 0 is a batch axis, the layout, the channel count
 * (0 when the input has no channel axis, e.g. {@code [batch, 28, 28]}), and the declared height and width (-1
 * when dynamic).
 */
public record ImageShape(boolean batchAxis, ImageLayout layout, int channels, long height, long width) {
    /** Channel counts an image can fill: grey, colour, colour with alpha. */
    private static boolean isChannelAxis(Dim d) {
        return d.isFixed() && (d.size() == 1 || d.size() == 3 || d.size() == 4);
    }

    /** Reads the shape of {@code spec}; {@code layout} AUTO detects it (the axis of size 1, 3 or 4, else NCHW). */
    public static ImageShape of(TensorSpec spec, ImageLayout layout) {
        List<Dim> dims = spec.dims();
        if (dims == null) {
            throw JacobiException.usage("Input '" + spec.name() + "' declares no shape (TorchScript). Give its sample shape, "
                + "e.g. --shape " + spec.name() + "=3,224,224, so the image's layout and size are known.");
        }
        if (dims.size() == 2 || (dims.size() == 3 && layout == ImageLayout.AUTO && dims.get(0).isDynamic()
            && !isChannelAxis(dims.get(2)))) {
            boolean batch = dims.size() == 3;
            return new ImageShape(batch, ImageLayout.NCHW, 0, dims.get(batch ? 1 : 0).size(), dims.get(batch ? 2 : 1).size());
        }
        if (dims.size() != 3 && dims.size() != 4) {
            throw JacobiException.usage("Input '" + spec.name() + "' is shaped " + spec.shapeText() + ", not like an image "
                + "[batch, C, H, W] or [batch, H, W, C]. Give a tensor file (.npy) for it.");
        }
        boolean batch = dims.size() == 4;
        List<Dim> per = batch ? dims.subList(1, 4) : dims;
        ImageLayout resolved = layout;
        if (layout == ImageLayout.AUTO) {
            boolean first = isChannelAxis(per.get(0));
            boolean last = isChannelAxis(per.get(2));
            resolved = last && !first ? ImageLayout.NHWC : ImageLayout.NCHW;
        }
        Dim c = resolved == ImageLayout.NCHW ? per.get(0) : per.get(2);
        Dim h = resolved == ImageLayout.NCHW ? per.get(1) : per.get(0);
        Dim w = resolved == ImageLayout.NCHW ? per.get(2) : per.get(1);
        int channels = c.isDynamic() ? 3 : (int) c.size();
        if (!isChannelAxis(c) && c.isFixed()) {
            throw JacobiException.usage("Input '" + spec.name() + "' " + spec.shapeText() + " takes " + c.size() + " channels"
                + " per pixel (read as " + resolved.name() + "); an image gives 1 (grey), 3 (colour) or 4 (with alpha). "
                + (layout == ImageLayout.AUTO ? "If the layout is wrong, give --layout nchw or nhwc; otherwise give" : "Give")
                + " a tensor file (.npy) for it.");
        }
        return new ImageShape(batch, resolved, channels, h.size(), w.size());
    }

    /** The tensor shape of {@code count} images of {@code h x w} pixels. */
    long[] tensorShape(int count, int h, int w) {
        long[] sample = channels == 0 ? new long[] {h, w}
            : layout == ImageLayout.NCHW ? new long[] {channels, h, w} : new long[] {h, w, channels};
        if (!batchAxis) {
            return sample;
        }
        long[] full = new long[sample.length + 1];
        full[0] = count;
        System.arraycopy(sample, 0, full, 1, sample.length);
        return full;
    }

    /** "NHWC, 3 channels, 128 x 128" for messages. */
    public String describe() {
        return (channels == 0 ? "grey without a channel axis" : layout.name() + ", " + channels + " channel" + (channels == 1 ? "" : "s"))
            + ", " + (height < 0 ? "any" : Long.toString(height)) + " x " + (width < 0 ? "any" : Long.toString(width));
    }
}
