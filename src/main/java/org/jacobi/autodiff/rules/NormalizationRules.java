package org.jacobi.autodiff.rules;

import org.jacobi.autodiff.Broadcasting;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;
import org.jacobi.core.Tensor;

/**
 * BatchNormalization (inference: a per-channel affine map), InstanceNormalization and
 * LayerNormalization. For the latter two, within each normalised group the Jacobian is
 * {@code diag(scale) * (1/sigma) (I - 1 1^T / n - xhat xhat^T / n)}, and the middle factor is symmetric,
 * so forward mode applies it after the input tangent and reverse mode after scaling the cotangent.
 * Their scale and bias, and BatchNormalization's running statistics, are differentiated too (a model whose
 * parameters are inputs, such as the ONNX backend tests'): {@code y = xhat * scale + bias}.
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

    /** {@code (x - mean) / sqrt(var + eps)} over the given primal axes of x. */
    private static String xhat(NodeContext c, long[] axes, double eps) {
        Emitter e = c.e();
        String x = c.input(0);
        String xc = e.sub(x, e.reduce("ReduceMean", x, axes, true));
        String var = e.reduce("ReduceMean", e.mul(xc, xc), axes, true);
        return e.div(xc, e.op("Sqrt", e.add(var, e.scalar(eps, c.floatType()))));
    }

    /** A per-channel tangent [K, C] shaped to broadcast against [K, N, C, spatial...]. */
    private static String perChannelTangent(NodeContext c, String t) {
        int spatial = c.rank(c.input(0)) - 2;
        long[] axes = new long[1 + Math.max(0, spatial)];
        axes[0] = 1;
        for (int i = 0; i < spatial; i++) {
            axes[1 + i] = 3 + i;
        }
        return c.e().unsqueeze(t, axes);
    }

    /** A cotangent [K, N, C, spatial...] summed to per-channel [K, C]. */
    private static String perChannelCotangent(NodeContext c, String g) {
        int rank = c.rank(c.input(0));
        long[] axes = new long[rank - 1];
        axes[0] = 1;
        for (int i = 2; i < rank; i++) {
            axes[i - 1] = i + 1;
        }
        return c.e().reduceSum(g, axes, false);
    }

    /** Adds a term to a tangent sum that may still be null. */
    private static String plus(NodeContext c, String sum, String term) {
        return sum == null ? term : c.e().add(sum, term);
    }

    /** A per-channel vector [C] shaped to broadcast against [N, C, spatial...]. */
    private static String perChannel(NodeContext c, String v) {
        int spatial = c.rank(c.input(0)) - 2;
        return spatial > 0 ? c.e().unsqueeze(v, Emitter.range(1, 1 + spatial)) : v;
    }

    public static final Rule BATCH_NORMALIZATION = new Rule() {
        private String std(NodeContext c) {
            if (c.attrInt("training_mode", 0) != 0) {
                throw c.fail("training mode is not supported; export the model in eval mode");
            }
            Emitter e = c.e();
            return e.op("Sqrt", e.add(c.input(4), e.scalar(c.attrFloat("epsilon", 1e-5), c.floatType())));
        }

        /**
         * The per-channel factors of y = (x - mean) * scale / std + bias: dy/dx, and for the parameters (inputs 1 to 4)
         * dy/dscale = (x - mean) / std, dy/dbias = 1, dy/dmean = -scale / std, dy/dvar = -(x - mean) scale / (2 std^3).
         */
        private String factor(NodeContext c, int input, String std) {
            Emitter e = c.e();
            String xc = input == 1 || input == 4 ? e.sub(c.input(0), perChannel(c, c.input(3))) : null;
            return switch (input) {
                case 0 -> perChannel(c, e.div(c.input(1), std));
                case 1 -> e.div(xc, perChannel(c, std));
                case 3 -> perChannel(c, e.neg(e.div(c.input(1), std)));
                case 4 -> e.mul(xc, perChannel(c, e.div(e.neg(c.input(1)),
                    e.mul(e.scalar(2, c.floatType()), e.mul(std, e.mul(std, std))))));
                default -> null;
            };
        }

        @Override
        public void jvp(NodeContext c) {
            String std = std(c);
            String sum = c.tangent(0) == null ? null : c.e().mul(c.tangent(0), factor(c, 0, std));
            for (int i = 1; i <= 4; i++) {
                if (c.tangent(i) == null) {
                    continue;
                }
                String t = perChannelTangent(c, c.tangent(i));
                // bias and mean act per channel alone: their terms are spread over the whole output
                String term = i == 2 ? Broadcasting.expandTo(c, t, c.output(0))
                    : i == 3 ? Broadcasting.expandTo(c, c.e().mul(t, factor(c, i, std)), c.output(0))
                    : c.e().mul(t, factor(c, i, std));
                sum = plus(c, sum, term);
            }
            c.setTangent(0, sum);
        }

        @Override
        public void vjp(NodeContext c) {
            String std = std(c);
            String g = c.cotangent(0);
            if (c.needs(0)) {
                c.addCotangent(0, c.e().mul(g, factor(c, 0, std)));
            }
            for (int i = 1; i <= 4; i++) {
                if (c.needs(i)) {
                    c.addCotangent(i, perChannelCotangent(c, i == 2 ? g : c.e().mul(g, factor(c, i, std))));
                }
            }
        }
    };

    public static final Rule INSTANCE_NORMALIZATION = new Rule() {
        private long[] axes(NodeContext c) {
            return Emitter.range(2, c.rank(c.input(0)));
        }

        @Override
        public void jvp(NodeContext c) {
            double eps = c.attrFloat("epsilon", 1e-5);
            String sum = c.tangent(0) == null ? null
                : c.e().mul(normalize(c, c.tangent(0), axes(c), eps), perChannel(c, c.input(1)));
            if (c.tangent(1) != null) {
                sum = plus(c, sum, c.e().mul(perChannelTangent(c, c.tangent(1)), xhat(c, axes(c), eps)));
            }
            if (c.tangent(2) != null) {
                sum = plus(c, sum, Broadcasting.expandTo(c, perChannelTangent(c, c.tangent(2)), c.output(0)));
            }
            c.setTangent(0, sum);
        }

        @Override
        public void vjp(NodeContext c) {
            double eps = c.attrFloat("epsilon", 1e-5);
            String g = c.cotangent(0);
            if (c.needs(0)) {
                String u = c.e().mul(g, perChannel(c, c.input(1)));
                c.addCotangent(0, normalize(c, u, axes(c), eps));
            }
            if (c.needs(1)) {
                c.addCotangent(1, perChannelCotangent(c, c.e().mul(g, xhat(c, axes(c), eps))));
            }
            if (c.needs(2)) {
                c.addCotangent(2, perChannelCotangent(c, g));
            }
        }
    };

    public static final Rule LAYER_NORMALIZATION = new Rule() {
        private long[] axes(NodeContext c) {
            int r = c.rank(c.input(0));
            return Emitter.range(NodeContext.normAxis(c.attrInt("axis", -1), r), r);
        }

        @Override
        public void jvp(NodeContext c) {
            double eps = c.attrFloat("epsilon", 1e-5);
            String sum = c.tangent(0) == null ? null : c.e().mul(normalize(c, c.tangent(0), axes(c), eps), c.input(1));
            if (c.tangent(1) != null) {
                String t = Broadcasting.alignRank(c, c.tangent(1), c.input(1), c.output(0));
                sum = plus(c, sum, c.e().mul(t, xhat(c, axes(c), eps)));
            }
            if (c.tangent(2) != null) {
                sum = plus(c, sum, Broadcasting.expandTo(c, Broadcasting.alignRank(c, c.tangent(2), c.input(2), c.output(0)),
                    c.output(0)));
            }
            c.setTangent(0, sum);
        }

        @Override
        public void vjp(NodeContext c) {
            double eps = c.attrFloat("epsilon", 1e-5);
            String g = c.cotangent(0);
            if (c.needs(0)) {
                String u = c.e().mul(g, c.input(1));
                c.addCotangent(0, normalize(c, u, axes(c), eps));
            }
            if (c.needs(1)) {
                c.addCotangent(1, Broadcasting.unbroadcast(c, c.e().mul(g, xhat(c, axes(c), eps)), c.input(1), c.output(0)));
            }
            if (c.needs(2)) {
                c.addCotangent(2, Broadcasting.unbroadcast(c, g, c.input(2), c.output(0)));
            }
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
            return new long[] {x[0], groups, Tensor.elementCount(x) / (x[0] * groups)};
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
