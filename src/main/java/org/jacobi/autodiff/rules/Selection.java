package org.jacobi.autodiff.rules;

import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;

/**
 * Reverse rules of operators that pick elements (Slice, Gather, MaxPool): apply the operator to a tensor
 * of flat positions to learn which input element each output element came from, then scatter-add the
 * cotangent back to those positions.
 */
final class Selection {
    private Selection() {
    }

    /** {@code Reshape(Range(0, size(x)), shape(x))}: each element's own flat index (int64). */
    static String positions(NodeContext c, String x) {
        Emitter e = c.e();
        String size = e.op("Size", x);
        String flat = e.op("Range", List.of(e.intScalar(0), size, e.intScalar(1)));
        return e.op("Reshape", flat, e.shape(x));
    }

    /** {@code [K, *S] -> [K, prod(S)]}. */
    static String flattenAfterK(Emitter e, String t) {
        return e.op("Reshape", t, e.op("Concat", List.of(e.slice1d(e.shape(t), 0, 1), e.ints(-1)), Attr.i("axis", 0)));
    }

    /**
     * Adds the cotangent {@code g} ({@code [K, *shape(output)]}) into zeros shaped {@code [K, *shape(input)]} at
     * the flat input positions {@code picked} (shaped like the output). {@code unique}: no position repeats,
     * so a plain scatter is exact; otherwise repeats are summed (ScatterElements' reduction from opset 16,
     * a one-hot matrix product before).
     */
    static String scatterAdd(NodeContext c, String g, String picked, String input, boolean unique) {
        Emitter e = c.e();
        String gFlat = flattenAfterK(e, g);
        String idx = e.op("Reshape", picked, e.ints(-1));
        String size = e.op("Reshape", e.op("Size", input), e.ints(1));
        String result;
        if (unique || c.opset() >= 16) {
            String expanded = e.op("Expand", e.op("Reshape", idx, e.ints(1, -1)), e.shape(gFlat));
            String zeros = e.op("Expand", e.scalar(0, c.floatType()),
                e.op("Concat", List.of(e.slice1d(e.shape(gFlat), 0, 1), size), Attr.i("axis", 0)));
            result = unique
                ? e.op("ScatterElements", List.of(zeros, expanded, gFlat), Attr.i("axis", 1))
                : e.op("ScatterElements", List.of(zeros, expanded, gFlat), Attr.i("axis", 1), Attr.s("reduction", "add"));
        } else {
            String all = e.op("Range", List.of(e.intScalar(0), e.op("Size", input), e.intScalar(1)));
            String oneHot = e.cast(e.op("Equal", e.unsqueeze(idx, 1), all), c.floatType());
            result = e.op("MatMul", gFlat, oneHot);
        }
        return e.reshapeLike(result, input);
    }
}
