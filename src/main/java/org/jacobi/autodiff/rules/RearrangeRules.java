package org.jacobi.autodiff.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;
import org.jacobi.onnx.proto.Onnx;

/**
 * Linear operators that rearrange or mask elements: CumSum, Trilu, DepthToSpace and SpaceToDepth. Forward
 * mode runs the operator on the tangent; reverse mode runs its transpose (a reversed cumulative sum, the
 * same triangle mask, the inverse block permutation).
 */
public final class RearrangeRules {
    private RearrangeRules() {
    }

    /**
     * CumSum along a constant axis: the transpose of an inclusive (exclusive) running sum is the inclusive
     * (exclusive) running sum in the other direction.
     */
    public static final Rule CUM_SUM = new Rule() {
        private String run(NodeContext c, String v, boolean flip) {
            long axis = NodeContext.normAxis(c.constInts(1)[0], c.rank(c.input(0)));
            boolean reverse = c.attrInt("reverse", 0) != 0;
            return c.e().op("CumSum", List.of(v, c.e().intScalar(axis + 1)),
                Attr.i("exclusive", c.attrInt("exclusive", 0)), Attr.i("reverse", reverse != flip ? 1 : 0));
        }

        @Override
        public void jvp(NodeContext c) {
            c.setTangent(0, run(c, c.tangent(0), false));
        }

        @Override
        public void vjp(NodeContext c) {
            c.addCotangent(0, run(c, c.cotangent(0), true));
        }
    };

    /** Trilu keeps a triangle of the last two axes: a mask, its own transpose. */
    public static final Rule TRILU = new Rule() {
        private String run(NodeContext c, String v) {
            List<String> ins = new ArrayList<>(List.of(v));
            if (c.has(1)) {
                ins.add(c.input(1));
            }
            return c.e().op("Trilu", ins, Attr.i("upper", c.attrInt("upper", 1)));
        }

        @Override
        public void jvp(NodeContext c) {
            c.setTangent(0, run(c, c.tangent(0)));
        }

        @Override
        public void vjp(NodeContext c) {
            c.addCotangent(0, run(c, c.cotangent(0)));
        }
    };

    /** Runs the node's own operator on a K-prefixed tensor by folding K into the batch axis. */
    private static String applyFolded(NodeContext c, String v) {
        Emitter e = c.e();
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(c.opType()).addInput(e.foldK(v));
        String out = e.fresh(c.opType().toLowerCase(Locale.ROOT));
        b.setName(out).addOutput(out).addAllAttribute(c.node().getAttributeList());
        e.add(b.build());
        return e.reshapeLike(out, c.output(0));
    }

    private static String blockOp(NodeContext c, String type, String v, String mode) {
        List<Onnx.AttributeProto> attrs = new ArrayList<>(List.of(Attr.i("blocksize", c.attrInt("blocksize", 1))));
        if (mode != null) {
            attrs.add(Attr.s("mode", mode));
        }
        return c.e().op(type, List.of(v), attrs.toArray(new Onnx.AttributeProto[0]));
    }

    /**
     * DepthToSpace and SpaceToDepth permute elements, so the reverse rule applies the inverse permutation:
     * SpaceToDepth undoes DepthToSpace in DCR mode and the other way round; CRD mode is undone by its own
     * reshape and transpose ({@code [M, C, H*b, W*b] -> [M, C, H, b, W, b] -> [M, C, b, b, H, W]}).
     */
    public static final Rule DEPTH_TO_SPACE = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            c.setTangent(0, applyFolded(c, c.tangent(0)));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            long b = c.attrInt("blocksize", 1);
            String g = e.foldK(c.cotangent(0));
            String back;
            if (c.attrString("mode", "DCR").equals("CRD")) {
                long[] y = c.shape(c.output(0));
                String split = e.op("Reshape", g, e.ints(-1, y[1], y[2] / b, b, y[3] / b, b));
                String moved = e.transpose(split, 0, 1, 3, 5, 2, 4);
                back = e.op("Reshape", moved, e.ints(-1, y[1] * b * b, y[2] / b, y[3] / b));
            } else {
                back = blockOp(c, "SpaceToDepth", g, null);
            }
            c.addCotangent(0, e.reshapeLike(back, c.input(0)));
        }
    };

    public static final Rule SPACE_TO_DEPTH = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            c.setTangent(0, applyFolded(c, c.tangent(0)));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            String back = blockOp(c, "DepthToSpace", e.foldK(c.cotangent(0)), "DCR");
            c.addCotangent(0, e.reshapeLike(back, c.input(0)));
        }
    };
}
