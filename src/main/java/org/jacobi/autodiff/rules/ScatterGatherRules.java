package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;
import org.jacobi.onnx.proto.Onnx;

/**
 * Operators that pick or place elements by index: GatherElements, GatherND, ScatterElements, ScatterND and
 * TopK (its values). All are linear in their float operands. Forward mode runs the same operator on the
 * tangents with the indices repeated along the direction axis; reverse mode of the gathers adds the
 * cotangent back at the positions picked (found by gathering the element positions, as in
 * {@link Selection}), and of the scatters gathers the updates' cotangent from where they were placed.
 */
public final class ScatterGatherRules {
    private ScatterGatherRules() {
    }

    /** Integer indices {@code [*S]} repeated along the direction axis of {@code kRef}: {@code [K, *S]}. */
    static String indicesForK(Emitter e, String indices, String kRef) {
        return e.op("Expand", e.unsqueeze(indices, 0), e.kShape(kRef, indices));
    }

    private static long axis(NodeContext c, long fallback) {
        return NodeContext.normAxis(c.attrInt("axis", fallback), c.rank(c.input(0)));
    }

    public static final Rule GATHER_ELEMENTS = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            String t = c.tangent(0);
            c.setTangent(0, c.e().op("GatherElements", List.of(t, indicesForK(c.e(), c.input(1), t)),
                Attr.i("axis", axis(c, 0) + 1)));
        }

        @Override
        public void vjp(NodeContext c) {
            String picked = c.e().op("GatherElements", List.of(Selection.positions(c, c.input(0)), c.input(1)),
                Attr.i("axis", axis(c, 0)));
            c.addCotangent(0, Selection.scatterAdd(c, c.cotangent(0), picked, c.input(0), false));
        }
    };

    public static final Rule GATHER_ND = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            String t = c.tangent(0);
            c.setTangent(0, c.e().op("GatherND", List.of(t, indicesForK(c.e(), c.input(1), t)),
                Attr.i("batch_dims", c.attrInt("batch_dims", 0) + 1)));
        }

        @Override
        public void vjp(NodeContext c) {
            String picked = c.e().op("GatherND", List.of(Selection.positions(c, c.input(0)), c.input(1)),
                Attr.i("batch_dims", c.attrInt("batch_dims", 0)));
            c.addCotangent(0, Selection.scatterAdd(c, c.cotangent(0), picked, c.input(0), false));
        }
    };

    /** TopK: the values are the input gathered at the returned indices (output 1); the indices carry nothing. */
    public static final Rule TOP_K = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            String t = c.tangent(0);
            c.setTangent(0, c.e().op("GatherElements", List.of(t, indicesForK(c.e(), c.output(1), t)),
                Attr.i("axis", axis(c, -1) + 1)));
        }

        @Override
        public void vjp(NodeContext c) {
            if (c.cotangent(0) == null) {
                return;
            }
            String picked = c.e().op("GatherElements", List.of(Selection.positions(c, c.input(0)), c.output(1)),
                Attr.i("axis", axis(c, -1)));
            c.addCotangent(0, Selection.scatterAdd(c, c.cotangent(0), picked, c.input(0), true));
        }
    };

    /** The reduction of a scatter; only the ones linear in data and updates together are differentiated. */
    private static String reduction(NodeContext c) {
        String r = c.attrString("reduction", "none");
        if (!r.equals("none") && !r.equals("add")) {
            throw c.fail("reduction '" + r + "' is not supported (only none and add)");
        }
        return r;
    }

    private static Onnx.AttributeProto[] withReduction(String r, Onnx.AttributeProto... attrs) {
        if (r.equals("none")) {
            return attrs;
        }
        Onnx.AttributeProto[] out = Arrays.copyOf(attrs, attrs.length + 1);
        out[attrs.length] = Attr.s("reduction", r);
        return out;
    }

    /** The tangents of data (input 0) and updates (input 2), a zero tensor standing in for a missing one. */
    static String[] scatterTangents(NodeContext c) {
        String ref = c.tangent(0) != null ? c.tangent(0) : c.tangent(2);
        String td = c.tangent(0) != null ? c.tangent(0) : c.e().zerosLike(ref, c.input(0), c.floatType());
        String tu = c.tangent(2) != null ? c.tangent(2) : c.e().zerosLike(ref, c.input(2), c.floatType());
        return new String[] {ref, td, tu};
    }

    public static final Rule SCATTER_ELEMENTS = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            String r = reduction(c);
            String[] t = scatterTangents(c);
            c.setTangent(0, c.e().op("ScatterElements", List.of(t[1], indicesForK(c.e(), c.input(1), t[0]), t[2]),
                withReduction(r, Attr.i("axis", axis(c, 0) + 1))));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            String r = reduction(c);
            String g = c.cotangent(0);
            String idx = indicesForK(e, c.input(1), g);
            Onnx.AttributeProto axis = Attr.i("axis", axis(c, 0) + 1);
            if (c.needs(0)) {
                // overwritten positions get nothing back from the output (reduction none); with add, all of it
                c.addCotangent(0, r.equals("add") ? g
                    : e.op("ScatterElements", List.of(g, idx, e.zerosLike(g, c.input(2), c.floatType())), axis));
            }
            if (c.needs(2)) {
                c.addCotangent(2, e.op("GatherElements", List.of(g, idx), axis));
            }
        }
    };

    /** Moves the direction axis of a K-prefixed value of primal rank {@code rank} to the end, or back. */
    private static boolean isMul(NodeContext c) {
        return c.opType().equals("ScatterND") && c.attrString("reduction", "none").equals("mul");
    }

    static String kLast(Emitter e, String v, int rank) {
        long[] perm = new long[rank + 1];
        for (int i = 0; i < rank; i++) {
            perm[i] = i + 1;
        }
        return e.transpose(v, perm);
    }

    static String kFirst(Emitter e, String v, int rank) {
        long[] perm = new long[rank + 1];
        perm[0] = rank;
        for (int i = 0; i < rank; i++) {
            perm[i + 1] = i;
        }
        return e.transpose(v, perm);
    }

    /**
     * ScatterND: its indices address the leading axes of data, so the direction axis moves to the end
     * (where it rides along with the trailing slice axes of data and updates alike) and back.
     */
    public static final Rule SCATTER_ND = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            if (isMul(c)) {
                ScatterNdProduct.jvp(c);
                return;
            }
            String r = reduction(c);
            String[] t = scatterTangents(c);
            int rd = c.rank(c.input(0));
            String out = e.op("ScatterND", List.of(kLast(e, t[1], rd), c.input(1), kLast(e, t[2], c.rank(c.input(2)))),
                withReduction(r));
            c.setTangent(0, kFirst(e, out, rd));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            if (isMul(c)) {
                ScatterNdProduct.vjp(c);
                return;
            }
            String r = reduction(c);
            int rd = c.rank(c.input(0));
            int ru = c.rank(c.input(2));
            String g = c.cotangent(0);
            String gLast = kLast(e, g, rd);
            if (c.needs(0)) {
                if (r.equals("add")) {
                    c.addCotangent(0, g);
                } else {
                    String zeros = e.op("Expand", e.scalar(0, c.floatType()),
                        e.op("Concat", List.of(e.shape(c.input(2)), e.slice1d(e.shape(g), 0, 1)), Attr.i("axis", 0)));
                    c.addCotangent(0, kFirst(e, e.op("ScatterND", List.of(gLast, c.input(1), zeros)), rd));
                }
            }
            if (c.needs(2)) {
                c.addCotangent(2, kFirst(e, e.op("GatherND", List.of(gLast, c.input(1))), ru));
            }
        }
    };
}
