package org.jacobi.report;

/** Names of tensor elements: {@code x[0,12,5]} for flat index 341 of an input of shape [1,28,28]. */
final class IndexLabels {
    private IndexLabels() {
    }

    static String label(String name, int flat, long[] shape) {
        if (shape.length == 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('[');
        long rest = flat;
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        for (int d = 0; d < idx.length; d++) {
            if (d > 0) {
                sb.append(',');
            }
            sb.append(idx[d]);
        }
        return sb.append(']').toString();
    }

    static String shape(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(']').toString();
    }
}
