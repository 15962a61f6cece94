package org.jacobi.autodiff.rules;

import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * Softmax and LogSoftmax. From opset 13 they normalise along one axis (default -1); before, the input is
 * coerced to 2-D at {@code axis} (default 1) and normalised over all trailing axes. The Jacobian of
 * softmax is symmetric, so the forward and the reverse rule share one formula: {@code y * (t - sum(t * y))}.
 */
public final class SoftmaxRules {
    private SoftmaxRules() {
    }

    /** The tangent axes the operator normalises over. */
    private static long[] axes(NodeContext c, boolean coerced) {
        int r = c.rank(c.input(0));
        long axis = NodeContext.normAxis(c.attrInt("axis", coerced ? 1 : -1), r);
        return coerced ? Emitter.range(axis + 1, r + 1) : new long[] {axis + 1};
    }

    private static Rule softmax(boolean coerced) {
        return new Rule() {
            private String apply(NodeContext c, String t) {
                Emitter e = c.e();
                String y = c.output(0);
                String s = e.reduceSum(e.mul(t, y), axes(c, coerced), true);
                return e.mul(y, e.sub(t, s));
            }

            @Override
            public void jvp(NodeContext c) {
                c.setTangent(0, apply(c, c.tangent(0)));
            }

            @Override
            public void vjp(NodeContext c) {
                c.addCotangent(0, apply(c, c.cotangent(0)));
            }
        };
    }

    private static Rule logSoftmax(boolean coerced) {
        return new Rule() {
            @Override
            public void jvp(NodeContext c) {
                Emitter e = c.e();
                String p = e.op("Exp", c.output(0));
                String t = c.tangent(0);
                c.setTangent(0, e.sub(t, e.reduceSum(e.mul(t, p), axes(c, coerced), true)));
            }

            @Override
            public void vjp(NodeContext c) {
                Emitter e = c.e();
                String p = e.op("Exp", c.output(0));
                String g = c.cotangent(0);
                c.addCotangent(0, e.sub(g, e.mul(p, e.reduceSum(g, axes(c, coerced), true))));
            }
        };
    }

    public static final Rule SOFTMAX = softmax(false);
    public static final Rule SOFTMAX_COERCED = softmax(true);
    public static final Rule LOG_SOFTMAX = logSoftmax(false);
    public static final Rule LOG_SOFTMAX_COERCED = logSoftmax(true);
}
