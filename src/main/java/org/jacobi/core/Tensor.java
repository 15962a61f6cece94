package org.jacobi.core;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dense, row-major (C order) tensor held in a Java array: {@code float[]}, {@code double[]},
 * {@code long[]}, {@code int[]} or {@code boolean[]} by element type. Tensors are treated as values: methods
 * that change shape or type return new tensors, and callers must not modify arrays they got from one.
 */
public final class Tensor {
    private final ElementType type;
    private final long[] shape;
    private final Object data;

    private Tensor(ElementType type, long[] shape, Object data) {
        this.type = type;
        this.shape = shape.clone();
        this.data = data;
        long expected = elementCount(shape);
        if (expected != Array.getLength(data)) {
            throw new IllegalArgumentException("shape " + shapeToString(shape) + " needs " + expected
                + " elements but " + Array.getLength(data) + " were given");
        }
    }

    public static Tensor ofFloats(float[] data, long... shape) {
        return new Tensor(ElementType.FLOAT32, shape, data);
    }

    public static Tensor ofDoubles(double[] data, long... shape) {
        return new Tensor(ElementType.FLOAT64, shape, data);
    }

    public static Tensor ofLongs(long[] data, long... shape) {
        return new Tensor(ElementType.INT64, shape, data);
    }

    public static Tensor ofInts(int[] data, long... shape) {
        return new Tensor(ElementType.INT32, shape, data);
    }

    public static Tensor ofBooleans(boolean[] data, long... shape) {
        return new Tensor(ElementType.BOOL, shape, data);
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(ElementType type, long... shape) {
        int n = Math.toIntExact(elementCount(shape));
        switch (type) {
            case FLOAT32: return ofFloats(new float[n], shape);
            case FLOAT64: return ofDoubles(new double[n], shape);
            case INT64: return ofLongs(new long[n], shape);
            case INT32: return ofInts(new int[n], shape);
            case BOOL: return ofBooleans(new boolean[n], shape);
            default: throw new IllegalArgumentException(type.toString());
        }
    }

    public ElementType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    /** Number of elements. */
    public int size() {
        return Array.getLength(data);
    }

    /** The backing array when the type is float32 (no copy). */
    public float[] floats() {
        requireType(ElementType.FLOAT32);
        return (float[]) data;
    }

    /** The backing array when the type is float64 (no copy). */
    public double[] doubles() {
        requireType(ElementType.FLOAT64);
        return (double[]) data;
    }

    /** The backing array when the type is int64 (no copy). */
    public long[] longs() {
        requireType(ElementType.INT64);
        return (long[]) data;
    }

    /** The backing array when the type is int32 (no copy). */
    public int[] ints() {
        requireType(ElementType.INT32);
        return (int[]) data;
    }

    /** The backing array when the type is bool (no copy). */
    public boolean[] booleans() {
        requireType(ElementType.BOOL);
        return (boolean[]) data;
    }

    /** The backing array, whatever its type. */
    public Object array() {
        return data;
    }

    private void requireType(ElementType expected) {
        if (type != expected) {
            throw new IllegalStateException("tensor is " + type + ", not " + expected);
        }
    }

    /** Element {@code i} (flat, row-major) as a double. */
    public double getDouble(int i) {
        switch (type) {
            case FLOAT32: return ((float[]) data)[i];
            case FLOAT64: return ((double[]) data)[i];
            case INT64: return ((long[]) data)[i];
            case INT32: return ((int[]) data)[i];
            case BOOL: return ((boolean[]) data)[i] ? 1 : 0;
            default: throw new IllegalStateException();
        }
    }

    /** A float32 copy of the values (a copy even when already float32). */
    public float[] toFloatArray() {
        float[] out = new float[size()];
        if (type == ElementType.FLOAT32) {
            System.arraycopy(data, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) getDouble(i);
            }
        }
        return out;
    }

    /** A float64 copy of the values. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        if (type == ElementType.FLOAT64) {
            System.arraycopy(data, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = getDouble(i);
            }
        }
        return out;
    }

    /** This tensor converted to {@code target} (this tensor itself when already of that type). */
    public Tensor asType(ElementType target) {
        if (target == type) {
            return this;
        }
        int n = size();
        switch (target) {
            case FLOAT32: return ofFloats(toFloatArray(), shape);
            case FLOAT64: return ofDoubles(toDoubleArray(), shape);
            case INT64: {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (long) getDouble(i);
                }
                return ofLongs(out, shape);
            }
            case INT32: {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (int) getDouble(i);
                }
                return ofInts(out, shape);
            }
            case BOOL: {
                boolean[] out = new boolean[n];
                for (int i = 0; i < n; i++) {
                    out[i] = getDouble(i) != 0;
                }
                return ofBooleans(out, shape);
            }
            default: throw new IllegalArgumentException(target.toString());
        }
    }

    /** The same data under another shape with the same element count (shares the array). */
    public Tensor reshape(long... newShape) {
        return new Tensor(type, newShape, data);
    }

    /** Rows {@code [from, to)} along axis 0, copied. */
    public Tensor sliceRows(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of shape " + shapeToString(shape));
        }
        int rowSize = Math.toIntExact(elementCount(shape) / Math.max(1, shape[0]));
        long[] newShape = shape.clone();
        newShape[0] = to - from;
        Object out = Array.newInstance(data.getClass().getComponentType(), (to - from) * rowSize);
        System.arraycopy(data, from * rowSize, out, 0, (to - from) * rowSize);
        return new Tensor(type, newShape, out);
    }

    /** Indices {@code [from, to)} along {@code axis}, copied (a state tensor [layers, batch, hidden] is cut on axis 1). */
    public Tensor sliceAlong(int axis, int from, int to) {
        if (axis == 0) {
            return sliceRows(from, to);
        }
        if (axis >= shape.length || from < 0 || to > shape[axis] || from > to) {
            throw new IndexOutOfBoundsException(from + ".." + to + " on axis " + axis + " of shape " + shapeToString(shape));
        }
        int outer = Math.toIntExact(elementCount(Arrays.copyOfRange(shape, 0, axis)));
        int inner = Math.toIntExact(elementCount(Arrays.copyOfRange(shape, axis + 1, shape.length)));
        int n = (int) shape[axis];
        int width = (to - from) * inner;
        Object out = Array.newInstance(data.getClass().getComponentType(), outer * width);
        for (int o = 0; o < outer; o++) {
            System.arraycopy(data, (o * n + from) * inner, out, o * width, width);
        }
        long[] newShape = shape.clone();
        newShape[axis] = to - from;
        return new Tensor(type, newShape, out);
    }

    /** Indices {@code indices} along {@code axis}, in that order and repeated as often as listed, copied. */
    public Tensor gatherAlong(int axis, int[] indices) {
        List<Tensor> parts = new ArrayList<>(indices.length);
        Map<Integer, Tensor> slices = new HashMap<>();
        for (int i : indices) {
            parts.add(slices.computeIfAbsent(i, k -> sliceAlong(axis, k, k + 1)));
        }
        return concatAlong(axis, parts);
    }

    /** Concatenates tensors of one type along {@code axis}; every other axis must agree. */
    public static Tensor concatAlong(int axis, List<Tensor> parts) {
        if (axis == 0) {
            return concatRows(parts);
        }
        Tensor first = parts.get(0);
        int outer = Math.toIntExact(elementCount(Arrays.copyOfRange(first.shape, 0, axis)));
        int inner = Math.toIntExact(elementCount(Arrays.copyOfRange(first.shape, axis + 1, first.rank())));
        long along = 0;
        for (Tensor t : parts) {
            long[] a = t.shape.clone();
            long[] b = first.shape.clone();
            a[axis] = 0;
            b[axis] = 0;
            if (t.type != first.type || !Arrays.equals(a, b)) {
                throw new IllegalArgumentException("cannot concatenate " + t.describe() + " with " + first.describe() + " on axis " + axis);
            }
            along += t.shape[axis];
        }
        Object out = Array.newInstance(first.data.getClass().getComponentType(), Math.toIntExact(outer * along * inner));
        int offset = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : parts) {
                int width = (int) t.shape[axis] * inner;
                System.arraycopy(t.data, o * width, out, offset, width);
                offset += width;
            }
        }
        long[] shape = first.shape.clone();
        shape[axis] = along;
        return new Tensor(first.type, shape, out);
    }

    /** Concatenates tensors of one type along axis 0. */
    public static Tensor concatRows(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        Tensor first = parts.get(0);
        long rows = 0;
        int total = 0;
        for (Tensor t : parts) {
            if (t.type != first.type || t.rank() != first.rank()
                || !Arrays.equals(Arrays.copyOfRange(t.shape, 1, t.rank()), Arrays.copyOfRange(first.shape, 1, first.rank()))) {
                throw new IllegalArgumentException("cannot concatenate " + t.describe() + " with " + first.describe());
            }
            rows += t.shape[0];
            total += t.size();
        }
        Object out = Array.newInstance(first.data.getClass().getComponentType(), total);
        int offset = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.data, 0, out, offset, t.size());
            offset += t.size();
        }
        long[] shape = first.shape.clone();
        shape[0] = rows;
        return new Tensor(first.type, shape, out);
    }

    /** Index of the first NaN or infinite element, or -1. */
    public int indexOfNonFinite() {
        if (type == ElementType.FLOAT32) {
            float[] a = (float[]) data;
            for (int i = 0; i < a.length; i++) {
                if (!Float.isFinite(a[i])) {
                    return i;
                }
            }
        } else if (type == ElementType.FLOAT64) {
            double[] a = (double[]) data;
            for (int i = 0; i < a.length; i++) {
                if (!Double.isFinite(a[i])) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** "float32 [4, 8]". */
    public String describe() {
        return type + " " + shapeToString(shape);
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + shapeToString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The multi-index of flat index {@code flat} in a row-major tensor of {@code shape}. */
    public static long[] unravel(long flat, long[] shape) {
        long[] index = new long[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            long d = Math.max(1, shape[axis]);
            index[axis] = flat % d;
            flat /= d;
        }
        return index;
    }

    public static String shapeToString(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor)) {
            return false;
        }
        Tensor t = (Tensor) o;
        return type == t.type && Arrays.equals(shape, t.shape) && Objects.deepEquals(new Object[] {data}, new Object[] {t.data});
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return "Tensor(" + describe() + ")";
    }
}
