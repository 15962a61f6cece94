package org.jacobi.autodiff.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Broadcasting;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;
import org.jacobi.onnx.proto.Onnx;

/**
 * Operators that move data without arithmetic, and reductions. Their tangents run the same operator with
 * axes shifted by one (the direction axis leads); reshapes of any kind reshape to {@code [K, *shape]}.
 */
public final class ShapeRules {
    private ShapeRules() {
    }

    /** A linear rule given as two functions of the context. */
    private static Rule linear(BiFunction<NodeContext, String, String> forward,
                               BiFunction<NodeContext, String, String> backward) {
        return new Rule() {
            // Only the data input carries a derivative; the others (shapes, CastLike's type template) pass none.
            @Override
            public void jvp(NodeContext c) {
                if (c.tangent(0) != null) {
                    c.setTangent(0, forward.apply(c, c.tangent(0)));
                }
            }

            @Override
            public void vjp(NodeContext c) {
                if (c.needs(0)) {
                    c.addCotangent(0, backward.apply(c, c.cotangent(0)));
                }
            }
        };
    }

    /** Reshape, Flatten, Squeeze, Unsqueeze: the data keeps its order, only the shape changes. */
    public static final Rule RESHAPE_LIKE = linear((c, t) -> c.e().reshapeLike(t, c.output(0)),
        (c, g) -> c.e().reshapeLike(g, c.input(0)));

    /** Identity and Dropout (inference: the identity). */
    public static final Rule IDENTITY = linear((c, t) -> t, (c, g) -> g);

    public static final Rule CAST = linear((c, t) -> c.e().cast(t, c.type(c.output(0))),
        (c, g) -> c.e().cast(g, c.type(c.input(0))));

    private static long[] perm(NodeContext c) {
        long[] p = c.attrInts("perm");
        if (p == null) {
            int r = c.rank(c.input(0));
            p = new long[r];
            for (int i = 0; i < r; i++) {
                p[i] = r - 1 - i;
            }
        }
        return p;
    }

    private static long[] shiftPerm(long[] p) {
        long[] out = new long[p.length + 1];
        for (int i = 0; i < p.length; i++) {
            out[i + 1] = p[i] + 1;
        }
        return out;
    }

    public static final Rule TRANSPOSE = linear((c, t) -> c.e().transpose(t, shiftPerm(perm(c))), (c, g) -> {
        long[] p = perm(c);
        long[] inv = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            inv[(int) p[i]] = i;
        }
        return c.e().transpose(g, shiftPerm(inv));
    });

    public static final Rule CONCAT = new Rule() {
        private long axis(NodeContext c) {
            return NodeContext.normAxis(c.attrInt("axis", 0), c.rank(c.output(0)));
        }

        @Override
        public void jvp(NodeContext c) {
            String ref = null;
            for (int i = 0; i < c.inputCount() && ref == null; i++) {
                ref = c.tangent(i);
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < c.inputCount(); i++) {
                String t = c.tangent(i);
                parts.add(t != null ? t : c.e().zerosLike(ref, c.input(i), c.floatType()));
            }
            c.setTangent(0, c.e().op("Concat", parts, Attr.i("axis", axis(c) + 1)));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            long axis = axis(c);
            String g = c.cotangent(0);
            String offset = e.ints(0);
            for (int i = 0; i < c.inputCount(); i++) {
                String size = e.slice1d(e.shape(c.input(i)), axis, axis + 1);
                String end = e.add(offset, size);
                if (c.needs(i)) {
                    c.addCotangent(i, e.op("Slice", List.of(g, offset, end, e.ints(axis + 1))));
                }
                offset = end;
            }
        }
    };

    public static final Rule SPLIT = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            long axis = NodeContext.normAxis(c.attrInt("axis", 0), c.rank(c.input(0)));
            List<String> outs = new ArrayList<>();
            for (int i = 0; i < c.outputCount(); i++) {
                outs.add(e.fresh("split"));
            }
            Onnx.NodeProto.Builder b = c.node().toBuilder().setName(outs.get(0)).setInput(0, c.tangent(0))
                .clearOutput().addAllOutput(outs).clearAttribute();
            for (Onnx.AttributeProto a : c.node().getAttributeList()) {
                b.addAttribute(a.getName().equals("axis") ? Attr.i("axis", axis + 1) : a);
            }
            if (c.attr("axis") == null) {
                b.addAttribute(Attr.i("axis", axis + 1));
            }
            e.add(b.build());
            for (int i = 0; i < outs.size(); i++) {
                c.setTangent(i, outs.get(i));
            }
        }

        @Override
        public void vjp(NodeContext c) {
            long axis = NodeContext.normAxis(c.attrInt("axis", 0), c.rank(c.input(0)));
            String ref = null;
            for (int i = 0; i < c.outputCount() && ref == null; i++) {
                ref = c.cotangent(i);
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < c.outputCount(); i++) {
                String g = c.cotangent(i);
                parts.add(g != null ? g : c.e().zerosLike(ref, c.output(i), c.floatType()));
            }
            c.addCotangent(0, c.e().op("Concat", parts, Attr.i("axis", axis + 1)));
        }
    };

    public static final Rule SLICE = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            int r = c.rank(c.input(0));
            String axes;
            if (c.has(3)) {
                String a = e.cast(c.input(3), 7);
                String rank = e.ints(r);
                // (axis + r) mod r + 1: the tangent axis of a possibly negative primal axis
                axes = e.add(e.op("Mod", e.add(a, rank), rank), e.ints(1));
            } else {
                axes = e.ints(Emitter.range(1, 1 + c.shape(c.input(1))[0]));
            }
            List<String> ins = new ArrayList<>(List.of(c.tangent(0), c.input(1), c.input(2), axes));
            if (c.has(4)) {
                ins.add(c.input(4));
            }
            c.setTangent(0, e.op("Slice", ins));
        }

        @Override
        public void vjp(NodeContext c) {
            List<String> ins = new ArrayList<>(c.node().getInputList());
            ins.set(0, Selection.positions(c, c.input(0)));
            String picked = c.e().op("Slice", ins);
            c.addCotangent(0, Selection.scatterAdd(c, c.cotangent(0), picked, c.input(0), true));
        }
    };

    public static final Rule GATHER = new Rule() {
        private long axis(NodeContext c) {
            return NodeContext.normAxis(c.attrInt("axis", 0), c.rank(c.input(0)));
        }

        @Override
        public void jvp(NodeContext c) {
            c.setTangent(0, c.e().op("Gather", List.of(c.tangent(0), c.input(1)), Attr.i("axis", axis(c) + 1)));
        }

        @Override
        public void vjp(NodeContext c) {
            String picked = c.e().op("Gather", List.of(Selection.positions(c, c.input(0)), c.input(1)),
                Attr.i("axis", axis(c)));
            c.addCotangent(0, Selection.scatterAdd(c, c.cotangent(0), picked, c.input(0), false));
        }
    };

    public static final Rule EXPAND = linear(
        (c, t) -> Broadcasting.expandTo(c, Broadcasting.alignRank(c, t, c.input(0), c.output(0)), c.output(0)),
        (c, g) -> Broadcasting.unbroadcast(c, g, c.input(0), c.output(0)));

    public static final Rule TILE = linear((c, t) -> c.e().op("Tile", t,
        c.e().op("Concat", List.of(c.e().ints(1), c.e().cast(c.input(1), 7)), Attr.i("axis", 0))), (c, g) -> {
            Emitter e = c.e();
            long[] reps = c.constInts(1);
            String xs = e.shape(c.input(0));
            List<String> dims = new ArrayList<>();
            dims.add(e.ints(-1));
            long[] repAxes = new long[reps.length];
            for (int i = 0; i < reps.length; i++) {
                dims.add(e.ints(reps[i]));
                dims.add(e.slice1d(xs, i, i + 1));
                repAxes[i] = 1 + 2L * i;
            }
            String split = e.op("Reshape", g, e.op("Concat", dims, Attr.i("axis", 0)));
            return e.reduceSum(split, repAxes, false);
        });

    private static boolean hasNegative(long[] v) {
        for (long x : v) {
            if (x < 0) {
                return true;
            }
        }
        return false;
    }

    public static final Rule PAD = new Rule() {
        /** Primal axes the pads refer to. */
        private long[] axes(NodeContext c) {
            int r = c.rank(c.input(0));
            return c.has(3) ? NodeContext.normAxes(c.constInts(3), r) : Emitter.range(0, r);
        }

        /** 1 where the output is padding, 0 where it is the input (constant mode): d y / d constant_value. */
        private String paddingMask(NodeContext c) {
            Emitter e = c.e();
            String zeros = e.op("Expand", e.scalar(0, c.floatType()), e.shape(c.input(0)));
            List<String> ins = new ArrayList<>(List.of(zeros, c.input(1), e.scalar(1, c.floatType())));
            if (c.has(3)) {
                ins.add(c.input(3));
            }
            return e.op("Pad", ins);
        }

        @Override
        public void jvp(NodeContext c) {
            String valueTangent = c.tangent(2);
            String dataTangent = c.tangent(0) == null ? null : dataJvp(c);
            if (valueTangent != null) {
                Emitter e = c.e();
                long[] ones = new long[c.rank(c.output(0))];
                Arrays.fill(ones, 1);
                String spread = e.op("Reshape", valueTangent, e.op("Concat", List.of(e.ints(-1), e.ints(ones)), Attr.i("axis", 0)));
                String term = e.mul(spread, paddingMask(c));
                dataTangent = dataTangent == null ? term : e.add(dataTangent, term);
            }
            c.setTangent(0, dataTangent);
        }

        private String dataJvp(NodeContext c) {
            Emitter e = c.e();
            String mode = c.attrString("mode", "constant");
            String pads = c.input(1);
            List<String> ins = new ArrayList<>();
            ins.add(c.tangent(0));
            if (c.has(3)) {
                ins.add(pads);
                ins.add("");
                ins.add(e.ints(Emitter.shifted(axes(c))));
            } else {
                int r = c.rank(c.input(0));
                ins.add(e.op("Concat", List.of(e.ints(0), e.slice1d(pads, 0, r), e.ints(0), e.slice1d(pads, r, 2L * r)),
                    Attr.i("axis", 0)));
            }
            return e.op("Pad", ins, Attr.s("mode", mode));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            if (c.needs(2)) {
                String summed = e.reduceSum(e.mul(c.cotangent(0), paddingMask(c)), Emitter.range(1, 1 + c.rank(c.output(0))), false);
                c.addCotangent(2, e.reshapeLike(summed, c.input(2)));
            }
            if (!c.needs(0)) {
                return;
            }
            if (!c.attrString("mode", "constant").equals("constant")) {
                // reflect, edge, wrap: pad the element positions the same way and add back where they came from
                List<String> ins = new ArrayList<>(c.node().getInputList());
                ins.set(0, Selection.positions(c, c.input(0)));
                if (ins.size() > 2) {
                    ins.set(2, "");
                }
                String picked = e.op("Pad", ins, Attr.s("mode", c.attrString("mode", "constant")));
                c.addCotangent(0, Selection.scatterAdd(c, c.cotangent(0), picked, c.input(0), false));
                return;
            }
            long[] pads = c.constInts(1);
            if (hasNegative(pads)) {
                throw c.fail("negative pads (cropping) are not supported in reverse mode");
            }
            long[] axes = axes(c);
            int n = axes.length;
            long[] starts = new long[n];
            long[] ends = new long[n];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                starts[i] = pads[i];
                ends[i] = pads[n + i] > 0 ? -pads[n + i] : Long.MAX_VALUE;
                any |= pads[i] != 0 || pads[n + i] != 0;
            }
            String g = c.cotangent(0);
            c.addCotangent(0, any ? e.op("Slice", List.of(g, e.ints(starts), e.ints(ends), e.ints(Emitter.shifted(axes)))) : g);
        }
    };

    /** ReduceSum, ReduceMean and ReduceMax, axes as attribute or (newer opsets) as input. */
    private static final class Reduce implements Rule {
        private final String type;
        private final int axesInputFrom;

        Reduce(String type, int axesInputFrom) {
            this.type = type;
            this.axesInputFrom = axesInputFrom;
        }

        /** The reduced primal axes, or null when the node reduces nothing (noop_with_empty_axes). */
        private long[] axes(NodeContext c) {
            int r = c.rank(c.input(0));
            long[] axes = c.opset() >= axesInputFrom ? (c.has(1) ? c.constInts(1) : null) : c.attrInts("axes");
            if (axes == null || axes.length == 0) {
                return c.attrInt("noop_with_empty_axes", 0) != 0 ? null : Emitter.range(0, r);
            }
            return NodeContext.normAxes(axes, r);
        }

        private boolean keep(NodeContext c) {
            return c.attrInt("keepdims", 1) != 0;
        }

        /** For ReduceMax: where the maximum sits, normalised so that ties share. */
        private String maxMask(NodeContext c, long[] axes) {
            Emitter e = c.e();
            String y = keep(c) ? c.output(0) : e.unsqueeze(c.output(0), axes);
            String mask = e.cast(e.op("Equal", c.input(0), y), c.floatType());
            return e.div(mask, e.reduceSum(mask, axes, true));
        }

        @Override
        public void jvp(NodeContext c) {
            long[] axes = axes(c);
            String t = c.tangent(0);
            if (axes == null) {
                c.setTangent(0, t);
                return;
            }
            if (type.equals("ReduceMax")) {
                t = c.e().mul(t, maxMask(c, axes));
            }
            c.setTangent(0, c.e().reduce(type.equals("ReduceMax") ? "ReduceSum" : type, t, Emitter.shifted(axes), keep(c)));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            long[] axes = axes(c);
            String g = c.cotangent(0);
            if (axes == null) {
                c.addCotangent(0, g);
                return;
            }
            String gk = keep(c) ? g : e.unsqueeze(g, Emitter.shifted(axes));
            String out;
            if (type.equals("ReduceMax")) {
                out = e.mul(gk, maxMask(c, axes));
            } else {
                out = e.op("Expand", gk, e.kShape(g, c.input(0)));
                if (type.equals("ReduceMean")) {
                    String count = e.cast(e.div(e.op("Size", c.input(0)), e.op("Size", c.output(0))), c.floatType());
                    out = e.div(out, count);
                }
            }
            c.addCotangent(0, out);
        }
    }

    public static final Rule REDUCE_SUM = new Reduce("ReduceSum", 13);
    public static final Rule REDUCE_MEAN = new Reduce("ReduceMean", 18);
    public static final Rule REDUCE_MAX = new Reduce("ReduceMax", 18);
}
