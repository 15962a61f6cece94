package org.jacobi.autodiff.rules;

import java.util.List;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * Reductions whose derivative is a weighted sum: {@code dy = sum over the reduced axes of w * dx}, with a
 * weight {@code w} shaped like x (sign(x) for ReduceL1, x / y for ReduceL2, exp(x - y) for ReduceLogSumExp,
 * 2x for ReduceSumSquare, the product of the other elements for ReduceProd, the share of a tied minimum or
 * maximum for ReduceMin and GlobalMaxPool). Forward mode sums {@code t * w}; reverse mode broadcasts the
 * cotangent back and multiplies by {@code w}. Axes are an attribute before opset 18 and an input after.
 */
public final class ReduceRules {
    private ReduceRules() {
    }

    /** The weight {@code w} given the reduced primal axes and the output with the reduced axes kept. */
    @FunctionalInterface
    private interface Weight {
        String of(NodeContext c, long[] axes, String yKept);
    }

    private static final class WeightedReduce implements Rule {
        private final Weight weight;
        private final boolean global;

        WeightedReduce(Weight weight, boolean global) {
            this.weight = weight;
            this.global = global;
        }

        private long[] axes(NodeContext c) {
            int r = c.rank(c.input(0));
            if (global) {
                return Emitter.range(2, r);
            }
            long[] axes = c.opset() >= 18 ? (c.has(1) ? c.constInts(1) : null) : c.attrInts("axes");
            if (axes == null || axes.length == 0) {
                if (c.attrInt("noop_with_empty_axes", 0) != 0) {
                    throw c.fail("noop_with_empty_axes with no axes is not supported");
                }
                return Emitter.range(0, r);
            }
            return NodeContext.normAxes(axes, r);
        }

        private boolean keep(NodeContext c) {
            return global || c.attrInt("keepdims", 1) != 0;
        }

        private String w(NodeContext c, long[] axes) {
            String yKept = keep(c) ? c.output(0) : c.e().unsqueeze(c.output(0), axes);
            return weight.of(c, axes, yKept);
        }

        @Override
        public void jvp(NodeContext c) {
            long[] axes = axes(c);
            String t = c.e().mul(c.tangent(0), w(c, axes));
            c.setTangent(0, c.e().reduceSum(t, Emitter.shifted(axes), keep(c)));
        }

        @Override
        public void vjp(NodeContext c) {
            long[] axes = axes(c);
            String g = c.cotangent(0);
            String gk = keep(c) ? g : c.e().unsqueeze(g, Emitter.shifted(axes));
            c.addCotangent(0, c.e().mul(gk, w(c, axes)));
        }
    }

    private static String k(NodeContext c, double v) {
        return c.e().scalar(v, c.floatType());
    }

    /** Where the extreme value sits, normalised so that ties share the derivative. */
    private static String tieShare(NodeContext c, long[] axes, String yKept) {
        Emitter e = c.e();
        String mask = e.cast(e.op("Equal", c.input(0), yKept), c.floatType());
        return e.div(mask, e.reduceSum(mask, axes, true));
    }

    public static final Rule REDUCE_L1 = new WeightedReduce((c, axes, y) -> c.e().op("Sign", c.input(0)), false);
    public static final Rule REDUCE_L2 = new WeightedReduce((c, axes, y) -> c.e().div(c.input(0), y), false);
    public static final Rule REDUCE_LOG_SUM_EXP = new WeightedReduce((c, axes, y) -> c.e().op("Exp", c.e().sub(c.input(0), y)), false);
    public static final Rule REDUCE_SUM_SQUARE = new WeightedReduce((c, axes, y) -> c.e().mul(c.input(0), k(c, 2)), false);
    public static final Rule REDUCE_MIN = new WeightedReduce(ReduceRules::tieShare, false);
    /** GlobalMaxPool: ReduceMax over the spatial axes with the axes kept. */
    public static final Rule GLOBAL_MAX_POOL = new WeightedReduce(ReduceRules::tieShare, true);

    /**
     * ReduceProd: the product of the other elements, exact with zeros too. With the zeros of a group replaced
     * by one, P is the product of the non-zero elements and Z counts the zeros: a non-zero element gets P / x
     * when Z = 0 (else 0), a zero element gets P when it is the only zero (else 0).
     */
    public static final Rule REDUCE_PROD = new WeightedReduce((c, axes, y) -> {
        Emitter e = c.e();
        String x = c.input(0);
        String zero = e.op("Equal", x, k(c, 0));
        String nonZero = e.op("Where", List.of(zero, k(c, 1), x));
        String p = e.reduce("ReduceProd", nonZero, axes, true);
        String zeros = e.reduceSum(e.cast(zero, c.floatType()), axes, true);
        String onlyZero = e.mul(p, e.cast(e.op("Equal", zeros, k(c, 1)), c.floatType()));
        String noZero = e.mul(e.div(p, nonZero), e.cast(e.op("Equal", zeros, k(c, 0)), c.floatType()));
        return e.op("Where", List.of(zero, onlyZero, noZero));
    }, false);
}
