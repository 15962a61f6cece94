package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Attr;
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

    /**
     * MatMul with NumPy semantics. A one-dimensional operand is lifted to a matrix ({@code [k] -> [1, k]} on
     * the left, {@code [k] -> [k, 1]} on the right) and the unit axis dropped from the result again, so the
     * core rule sees matrices only.
     */
    public static final Rule MATMUL = new Rule() {
        /** Static shapes of the lifted operands and output. */
        private long[][] lifted(NodeContext c) {
            long[] a = c.shape(c.input(0));
            long[] b = c.shape(c.input(1));
            long[] out = c.shape(c.output(0));
            long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
            long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
            long[] out2 = out;
            if (a.length == 1) {
                out2 = insert(out2, out2.length - (b.length == 1 ? 0 : 1), 1);
            }
            if (b.length == 1) {
                out2 = insert(out2, out2.length, 1);
            }
            return new long[][] {a2, b2, out2};
        }

        private long[] insert(long[] v, int at, long value) {
            long[] r = new long[v.length + 1];
            System.arraycopy(v, 0, r, 0, at);
            r[at] = value;
            System.arraycopy(v, at, r, at + 1, v.length - at);
            return r;
        }

        private String liftPrimal(Emitter e, String v, int rank, boolean left) {
            return rank != 1 ? v : e.unsqueeze(v, left ? 0 : 1);
        }

        private String liftTangent(Emitter e, String t, int rank, boolean left) {
            return rank != 1 ? t : e.unsqueeze(t, left ? 1 : 2);
        }

        private String alignTo(Emitter e, String t, int primalRank, int outRank) {
            int d = outRank - primalRank;
            return d > 0 ? e.unsqueeze(t, Emitter.range(1, 1 + d)) : t;
        }

        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            long[][] s = lifted(c);
            int ra = c.rank(c.input(0));
            int rb = c.rank(c.input(1));
            String a = liftPrimal(e, c.input(0), ra, true);
            String b = liftPrimal(e, c.input(1), rb, false);
            String sum = null;
            if (c.tangent(0) != null) {
                String ta = alignTo(e, liftTangent(e, c.tangent(0), ra, true), s[0].length, s[2].length);
                sum = e.op("MatMul", ta, b);
            }
            if (c.tangent(1) != null) {
                String tb = alignTo(e, liftTangent(e, c.tangent(1), rb, false), s[1].length, s[2].length);
                String term = e.op("MatMul", a, tb);
                sum = sum == null ? term : e.add(sum, term);
            }
            c.setTangent(0, ra == 1 || rb == 1 ? e.reshapeLike(sum, c.output(0)) : sum);
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            long[][] s = lifted(c);
            long[] a = s[0];
            long[] b = s[1];
            long[] out = s[2];
            int ra = c.rank(c.input(0));
            int rb = c.rank(c.input(1));
            String g = c.cotangent(0);
            if (ra == 1 || rb == 1) {
                g = e.op("Reshape", g, e.op("Concat", List.of(e.ints(-1), e.ints(out)), Attr.i("axis", 0)));
            }
            if (c.needs(0)) {
                String ga = e.op("MatMul", g, swapLast(e, liftPrimal(e, c.input(1), rb, false), b.length));
                long[] gaShape = out.clone();
                gaShape[out.length - 1] = a[a.length - 1];
                String r = Broadcasting.unbroadcast(c, ga, a, gaShape);
                c.addCotangent(0, ra == 1 ? e.reshapeLike(r, c.input(0)) : r);
            }
            if (c.needs(1)) {
                String gb = e.op("MatMul", swapLast(e, liftPrimal(e, c.input(0), ra, true), a.length), g);
                long[] gbShape = out.clone();
                gbShape[out.length - 2] = b[b.length - 2];
                String r = Broadcasting.unbroadcast(c, gb, b, gbShape);
                c.addCotangent(1, rb == 1 ? e.reshapeLike(r, c.input(1)) : r);
            }
        }
    };
}
