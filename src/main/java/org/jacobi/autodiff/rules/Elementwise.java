package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.function.Function;
import org.jacobi.autodiff.Broadcasting;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * A rule for an elementwise operator given its partial derivatives: the tangent is
 * {@code sum_i t_i * d y / d x_i} and the cotangent of input i is {@code unbroadcast(c * d y / d x_i)}.
 */
public final class Elementwise implements Rule {
    /** Marks a partial derivative of exactly one (no multiplication needed). */
    public static final String ONE = "<one>";
    /** Marks a partial derivative of exactly minus one. */
    public static final String MINUS_ONE = "<minus one>";

    /** The partial derivative of the node's output 0 with respect to its input {@code i}, as an emitted value. */
    @FunctionalInterface
    public interface Partial {
        /** Returns the emitted value, {@link #ONE}, {@link #MINUS_ONE}, or null when the input is not differentiable. */
        String at(NodeContext c, int i);
    }

    private final Partial partial;

    private Elementwise(Partial partial) {
        this.partial = partial;
    }

    public static Elementwise of(Partial partial) {
        return new Elementwise(partial);
    }

    /** A unary operator given its derivative as a function of the context (input 0 is x, output 0 is y). */
    public static Elementwise unary(Function<NodeContext, String> derivative) {
        return new Elementwise((c, i) -> i == 0 ? derivative.apply(c) : null);
    }

    private String partialAt(NodeContext c, int i) {
        String p = partial.at(c, i);
        if (p == null) {
            throw c.fail("no derivative with respect to input " + i + " ('" + c.input(i) + "')");
        }
        return p;
    }

    private static String scale(Emitter e, String v, String p) {
        if (p.equals(ONE)) {
            return v;
        }
        return p.equals(MINUS_ONE) ? e.neg(v) : e.mul(v, p);
    }

    @Override
    public void jvp(NodeContext c) {
        String out = c.output(0);
        String sum = null;
        boolean full = true;
        for (int i = 0; i < c.inputCount(); i++) {
            String t = c.tangent(i);
            if (t == null) {
                continue;
            }
            String term = scale(c.e(), Broadcasting.alignRank(c, t, c.input(i), out), partialAt(c, i));
            full &= Arrays.equals(c.shape(c.input(i)), c.shape(out));
            sum = sum == null ? term : c.e().add(sum, term);
        }
        if (sum != null && !full) {
            sum = Broadcasting.expandTo(c, sum, out);
        }
        c.setTangent(0, sum);
    }

    @Override
    public void vjp(NodeContext c) {
        String g = c.cotangent(0);
        if (g == null) {
            return;
        }
        for (int i = 0; i < c.inputCount(); i++) {
            if (c.needs(i)) {
                c.addCotangent(i, Broadcasting.unbroadcast(c, scale(c.e(), g, partialAt(c, i)), c.input(i), c.output(0)));
            }
        }
    }
}
