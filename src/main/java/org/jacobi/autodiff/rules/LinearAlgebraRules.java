package org.jacobi.autodiff.rules;

import java.util.Arrays;
import org.jacobi.autodiff.Broadcasting;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * Gemm and MatMul. The direction axis K leads the tangent, so {@code [K, M, k] @ [k, N]} is one matrix
 * product with K*M rows: all directions of all samples run as a single large GEMM.
 */
public final class LinearAlgebraRules {
    private LinearAlgebraRules() {
    }

    /** Swaps the last two axes of a tangent ([K, ..., a, b] with the primal rank given). */
    private static String swapLastTangent(Emitter e, String t, int primalRank) {
        long[] perm = Emitter.range(0, primalRank + 1);
        perm[primalRank] = primalRank - 1;
        perm[primalRank - 1] = primalRank;
        return e.transpose(t, perm);
    }

    private static String swapLast(Emitter e, String v, int rank) {
        long[] perm = Emitter.range(0, rank);
        perm[rank - 1] = rank - 2;
        perm[rank - 2] = rank - 1;
        return e.transpose(v, perm);
    }

    public static final Rule GEMM = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            boolean transA = c.attrInt("transA", 0) != 0;
            boolean transB = c.attrInt("transB", 0) != 0;
            double alpha = c.attrFloat("alpha", 1);
            double beta = c.attrFloat("beta", 1);
            String sum = null;
            if (c.tangent(0) != null) {
                String ta = transA ? swapLastTangent(e, c.tangent(0), 2) : c.tangent(0);
                String b = transB ? swapLast(e, c.input(1), 2) : c.input(1);
                sum = e.op("MatMul", ta, b);
            }
            if (c.tangent(1) != null) {
                String a = transA ? swapLast(e, c.input(0), 2) : c.input(0);
                String tb = transB ? swapLastTangent(e, c.tangent(1), 2) : c.tangent(1);
                String term = e.op("MatMul", a, tb);
                sum = sum == null ? term : e.add(sum, term);
            }
            if (sum != null && alpha != 1) {
                sum = e.mul(sum, e.scalar(alpha, c.floatType()));
            }
            if (c.tangent(2) != null) {
                String tc = Broadcasting.alignRank(c, c.tangent(2), c.input(2), c.output(0));
                if (beta != 1) {
                    tc = e.mul(tc, e.scalar(beta, c.floatType()));
                }
                if (sum == null && !Arrays.equals(c.shape(c.input(2)), c.shape(c.output(0)))) {
                    tc = Broadcasting.expandTo(c, tc, c.output(0));
                }
                sum = sum == null ? tc : e.add(sum, tc);
            }
            c.setTangent(0, sum);
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            boolean transA = c.attrInt("transA", 0) != 0;
            boolean transB = c.attrInt("transB", 0) != 0;
            double alpha = c.attrFloat("alpha", 1);
            double beta = c.attrFloat("beta", 1);
            String g = c.cotangent(0);
            String ga = alpha == 1 ? g : e.mul(g, e.scalar(alpha, c.floatType()));
            if (c.needs(0)) {
                // d/dA' = g B'^T, with B'^T = B when transB
                String bt = transB ? c.input(1) : swapLast(e, c.input(1), 2);
                String ca = e.op("MatMul", ga, bt);
                c.addCotangent(0, transA ? swapLastTangent(e, ca, 2) : ca);
            }
            if (c.needs(1)) {
                String at = transA ? c.input(0) : swapLast(e, c.input(0), 2);
                String cb = e.op("MatMul", at, ga);
                c.addCotangent(1, transB ? swapLastTangent(e, cb, 2) : cb);
            }
            if (c.needs(2)) {
                String gc = beta == 1 ? g : e.mul(g, e.scalar(beta, c.floatType()));
                c.addCotangent(2, Broadcasting.unbroadcast(c, gc, c.input(2), c.output(0)));
            }
        }
    };

    public static final Rule MATMUL = new Rule() {
        private void checkRanks(NodeContext c) {
            if (c.rank(c.input(0)) < 2 || c.rank(c.input(1)) < 2) {
                throw c.fail("one-dimensional MatMul operands are not supported yet; reshape them to matrices");
            }
        }

        @Override
        public void jvp(NodeContext c) {
            checkRanks(c);
            Emitter e = c.e();
            String out = c.output(0);
            String sum = null;
            if (c.tangent(0) != null) {
                sum = e.op("MatMul", Broadcasting.alignRank(c, c.tangent(0), c.input(0), out), c.input(1));
            }
            if (c.tangent(1) != null) {
                String term = e.op("MatMul", c.input(0), Broadcasting.alignRank(c, c.tangent(1), c.input(1), out));
                sum = sum == null ? term : e.add(sum, term);
            }
            c.setTangent(0, sum);
        }

        @Override
        public void vjp(NodeContext c) {
            checkRanks(c);
            Emitter e = c.e();
            String g = c.cotangent(0);
            long[] out = c.shape(c.output(0));
            long[] a = c.shape(c.input(0));
            long[] b = c.shape(c.input(1));
            if (c.needs(0)) {
                String ga = e.op("MatMul", g, swapLast(e, c.input(1), b.length));
                long[] gaShape = out.clone();
                gaShape[out.length - 1] = a[a.length - 1];
                c.addCotangent(0, Broadcasting.unbroadcast(c, ga, a, gaShape));
            }
            if (c.needs(1)) {
                String gb = e.op("MatMul", swapLast(e, c.input(0), a.length), g);
                long[] gbShape = out.clone();
                gbShape[out.length - 2] = b[b.length - 2];
                c.addCotangent(1, Broadcasting.unbroadcast(c, gb, b, gbShape));
            }
        }
    };
}
