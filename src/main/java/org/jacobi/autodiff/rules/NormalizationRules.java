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
        Emitter e = c.e();
        String x = c.input(0);
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
}
