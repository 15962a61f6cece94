package org.jacobi.autodiff.rules;

import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * BatchNormalization (inference: a per-channel affine map), InstanceNormalization and
 * LayerNormalization. For the latter two, within each normalised group the Jacobian is
 * {@code diag(scale) * (1/sigma) (I - 1 1^T / n - xhat xhat^T / n)}, and the middle factor is symmetric,
 * so forward mode applies it after the input tangent and reverse mode after scaling the cotangent.
 * Scale, bias and running statistics are held fixed.
 */
public final class NormalizationRules {
    private NormalizationRules() {
    }

    private static void onlyInput(NodeContext c) {
        for (int i = 1; i < c.inputCount(); i++) {
            if (c.differentiated(i)) {
                throw c.fail("derivatives with respect to its scale, bias or statistics are not supported");
            }
        }
    }

    /** {@code (1/sigma) (u - mean(u) - xhat * mean(u * xhat))} over the given primal axes of x. */
    private static String normalize(NodeContext c, String u, long[] axes, double eps) {
        return normalize(c, c.input(0), u, axes, eps);
    }

    /** The same for a primal value {@code x} other than the node's input (GroupNormalization's grouped view). */
    private static String normalize(NodeContext c, String x, String u, long[] axes, double eps) {
        Emitter e = c.e();
        String mu = e.reduce("ReduceMean", x, axes, true);
        String xc = e.sub(x, mu);
        String var = e.reduce("ReduceMean", e.mul(xc, xc), axes, true);
        String inv = e.op("Reciprocal", e.op("Sqrt", e.add(var, e.scalar(eps, c.floatType()))));
        String xhat = e.mul(xc, inv);
        long[] taxes = Emitter.shifted(axes);
        String meanU = e.reduce("ReduceMean", u, taxes, true);
        String meanUx = e.reduce("ReduceMean", e.mul(u, xhat), taxes, true);
        return e.mul(inv, e.sub(e.sub(u, meanU), e.mul(xhat, meanUx)));
    }

    /** A per-channel vector [C] shaped to broadcast against [N, C, spatial...]. */
    private static String perChannel(NodeContext c, String v) {
        int spatial = c.rank(c.input(0)) - 2;
        return spatial > 0 ? c.e().unsqueeze(v, Emitter.range(1, 1 + spatial)) : v;
    }

    public static final Rule BATCH_NORMALIZATION = new Rule() {
        private String factor(NodeContext c) {
            if (c.attrInt("training_mode", 0) != 0) {
                throw c.fail("training mode is not supported; export the model in eval mode");
            }
            onlyInput(c);
            Emitter e = c.e();
            String std = e.op("Sqrt", e.add(c.input(4), e.scalar(c.attrFloat("epsilon", 1e-5), c.floatType())));
            return perChannel(c, e.div(c.input(1), std));
        }

        @Override
        public void jvp(NodeContext c) {
            c.setTangent(0, c.e().mul(c.tangent(0), factor(c)));
        }

        @Override
        public void vjp(NodeContext c) {
            c.addCotangent(0, c.e().mul(c.cotangent(0), factor(c)));
        }
    };

    public static final Rule INSTANCE_NORMALIZATION = new Rule() {
        private long[] axes(NodeContext c) {
            return Emitter.range(2, c.rank(c.input(0)));
        }

        @Override
        public void jvp(NodeContext c) {
            onlyInput(c);
            String u = normalize(c, c.tangent(0), axes(c), c.attrFloat("epsilon", 1e-5));
            c.setTangent(0, c.e().mul(u, perChannel(c, c.input(1))));
        }

        @Override
        public void vjp(NodeContext c) {
            onlyInput(c);
            String u = c.e().mul(c.cotangent(0), perChannel(c, c.input(1)));
            c.addCotangent(0, normalize(c, u, axes(c), c.attrFloat("epsilon", 1e-5)));
        }
    };

    public static final Rule LAYER_NORMALIZATION = new Rule() {
        private long[] axes(NodeContext c) {
            int r = c.rank(c.input(0));
            return Emitter.range(NodeContext.normAxis(c.attrInt("axis", -1), r), r);
        }

        @Override
        public void jvp(NodeContext c) {
            onlyInput(c);
            String u = normalize(c, c.tangent(0), axes(c), c.attrFloat("epsilon", 1e-5));
            c.setTangent(0, c.e().mul(u, c.input(1)));
        }

        @Override
        public void vjp(NodeContext c) {
            onlyInput(c);
            String u = c.e().mul(c.cotangent(0), c.input(1));
            c.addCotangent(0, normalize(c, u, axes(c), c.attrFloat("epsilon", 1e-5)));
        }
    };

    // ---- GroupNormalization, LpNormalization, MeanVarianceNormalization (issue 11) ----

    /**
     * GroupNormalization: layer normalisation of {@code [N, G, C/G * spatial]}, then a per-group (opset 18)
     * or per-channel (opset 21) scale. Scale and bias are held fixed.
     */
    public static final Rule GROUP_NORMALIZATION = new Rule() {
        private long[] groupShape(NodeContext c) {
            long[] x = c.shape(c.input(0));
            long groups = c.attrInt("num_groups", 1);
            return new long[] {x[0], groups, org.jacobi.core.Tensor.elementCount(x) / (x[0] * groups)};
        }

        private String grouped(NodeContext c, String v, boolean k) {
            long[] s = groupShape(c);
            return c.e().op("Reshape", v, k ? c.e().ints(-1, s[0], s[1], s[2]) : c.e().ints(s));
        }

        private boolean perChannelScale(NodeContext c) {
            return c.opset() >= 21;
        }

        /** The per-group scale {@code [G, 1]}, for the grouped view. */
        private String groupScale(NodeContext c) {
            return c.e().unsqueeze(c.input(1), 1);
        }

        private String apply(NodeContext c, String u) {
            return normalize(c, grouped(c, c.input(0), false), u, new long[] {2}, c.attrFloat("epsilon", 1e-5));
        }

        @Override
        public void jvp(NodeContext c) {
            onlyInput(c);
            String u = apply(c, grouped(c, c.tangent(0), true));
            if (!perChannelScale(c)) {
                u = c.e().mul(u, groupScale(c));
            }
            String t = c.e().reshapeLike(u, c.input(0));
            c.setTangent(0, perChannelScale(c) ? c.e().mul(t, perChannel(c, c.input(1))) : t);
        }

        @Override
        public void vjp(NodeContext c) {
            onlyInput(c);
            String g = c.cotangent(0);
            if (perChannelScale(c)) {
                g = c.e().mul(g, perChannel(c, c.input(1)));
            }
            String u = grouped(c, g, true);
            if (!perChannelScale(c)) {
                u = c.e().mul(u, groupScale(c));
            }
            c.addCotangent(0, c.e().reshapeLike(apply(c, u), c.input(0)));
        }
    };

    /**
     * LpNormalization {@code y = x / ||x||_p} along one axis. For p = 2 the Jacobian
     * {@code (I - y y^T) / n} is symmetric; for p = 1 it is {@code (I - y sign(x)^T) / n}, whose transpose
     * swaps the two vectors.
     */
    public static final Rule LP_NORMALIZATION = new Rule() {
        private long[] axis(NodeContext c) {
            return new long[] {NodeContext.normAxis(c.attrInt("axis", -1), c.rank(c.input(0))) + 1};
        }

        private String norm(NodeContext c) {
            Emitter e = c.e();
            long[] axes = {axis(c)[0] - 1};
            String x = c.input(0);
            return p(c) == 1 ? e.reduceSum(e.op("Abs", x), axes, true) : e.op("Sqrt", e.reduceSum(e.mul(x, x), axes, true));
        }

        private long p(NodeContext c) {
            long p = c.attrInt("p", 2);
            if (p != 1 && p != 2) {
                throw c.fail("p must be 1 or 2");
            }
            return p;
        }

        /** {@code (v - a * sum(b * v)) / n}. */
        private String apply(NodeContext c, String v, String a, String b) {
            Emitter e = c.e();
            return e.div(e.sub(v, e.mul(a, e.reduceSum(e.mul(b, v), axis(c), true))), norm(c));
        }

        @Override
        public void jvp(NodeContext c) {
            String y = c.output(0);
            c.setTangent(0, apply(c, c.tangent(0), y, p(c) == 1 ? c.e().op("Sign", c.input(0)) : y));
        }

        @Override
        public void vjp(NodeContext c) {
            String y = c.output(0);
            c.addCotangent(0, apply(c, c.cotangent(0), p(c) == 1 ? c.e().op("Sign", c.input(0)) : y, y));
        }
    };

    /**
     * MeanVarianceNormalization {@code (x - mean) / (std + 1e-9)} over {@code axes} (default 0, 2, 3), the
     * standard's definition with its epsilon on the standard deviation. The Jacobian
     * {@code (1/(s+e)) (I - 1 1^T / n) - xc xc^T / ((s+e)^2 s n)} is symmetric: one formula for both modes.
     */
    public static final Rule MEAN_VARIANCE_NORMALIZATION = new Rule() {
        private String apply(NodeContext c, String u) {
            Emitter e = c.e();
            int r = c.rank(c.input(0));
            long[] a = c.attrInts("axes");
            long[] axes = a == null ? new long[] {0, 2, 3} : NodeContext.normAxes(a, r);
            String x = c.input(0);
            String xc = e.sub(x, e.reduce("ReduceMean", x, axes, true));
            String s = e.op("Sqrt", e.reduce("ReduceMean", e.mul(xc, xc), axes, true));
            String inv = e.op("Reciprocal", e.add(s, e.scalar(1e-9, c.floatType())));
            long[] taxes = Emitter.shifted(axes);
            String centred = e.sub(u, e.reduce("ReduceMean", u, taxes, true));
            String along = e.div(e.mul(e.mul(xc, e.mul(inv, inv)), e.reduce("ReduceMean", e.mul(xc, u), taxes, true)), s);
            return e.sub(e.mul(inv, centred), along);
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
