package org.jacobi.autodiff.rules;

import java.util.Arrays;
import java.util.List;
import org.jacobi.autodiff.Broadcasting;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/** Elementwise arithmetic and activations, each given by its partial derivatives. */
public final class ElementwiseRules {
    private ElementwiseRules() {
    }

    private static String x(NodeContext c) {
        return c.input(0);
    }

    private static String y(NodeContext c) {
        return c.output(0);
    }

    private static String k(NodeContext c, double v) {
        return c.e().scalar(v, c.floatType());
    }

    /** 1 where {@code mask} holds, else 0, in the node's float type. */
    private static String indicator(NodeContext c, String mask) {
        return c.e().cast(mask, c.floatType());
    }

    public static final Rule ADD = Elementwise.of((c, i) -> Elementwise.ONE);
    public static final Rule SUB = Elementwise.of((c, i) -> i == 0 ? Elementwise.ONE : Elementwise.MINUS_ONE);
    public static final Rule MUL = Elementwise.of((c, i) -> c.input(1 - i));
    public static final Rule DIV = Elementwise.of((c, i) -> i == 0 ? c.e().op("Reciprocal", c.input(1))
        : c.e().neg(c.e().div(y(c), c.input(1))));
    public static final Rule POW = Elementwise.of((c, i) -> {
        Emitter e = c.e();
        String a = c.input(0);
        String b = c.input(1);
        if (!c.shapes().isFloat(b)) {
            if (i == 1) {
                return null;
            }
            b = e.cast(b, c.floatType());
        } else if (c.type(b) != c.floatType()) {
            b = e.cast(b, c.floatType());
        }
        if (i == 0) {
            return e.mul(b, e.op("Pow", a, e.sub(b, k(c, 1))));
        }
        return e.mul(y(c), e.op("Log", a));
    });
    /**
     * Min and Max (any arity, broadcasting): the derivative goes to the input equal to the result; inputs
     * that tie share it, so that {@code Max(x, x)} has derivative one.
     */
    public static final Rule MIN_MAX = Elementwise.of((c, i) -> {
        String mine = indicator(c, c.e().op("Equal", c.input(i), y(c)));
        if (c.inputCount() == 1) {
            return mine;
        }
        String ties = null;
        for (int j = 0; j < c.inputCount(); j++) {
            String hit = indicator(c, c.e().op("Equal", c.input(j), y(c)));
            ties = ties == null ? hit : c.e().add(ties, hit);
        }
        return c.e().div(mine, ties);
    });

    /** Sum (variadic, broadcasting): every input gets the derivative one. */
    public static final Rule SUM = Elementwise.of((c, i) -> Elementwise.ONE);
    /** Mean (variadic, broadcasting): every input gets 1/n. */
    public static final Rule MEAN = Elementwise.of((c, i) -> k(c, 1.0 / c.inputCount()));
    /** PRelu: slope where x < 0, else one; with respect to the slope, x where x < 0. */
    public static final Rule PRELU = Elementwise.of((c, i) -> {
        String positive = c.e().op("Greater", x(c), k(c, 0));
        return i == 0 ? c.e().op("Where", List.of(positive, k(c, 1), c.input(1)))
            : c.e().op("Where", List.of(positive, k(c, 0), x(c)));
    });

    public static final Rule NEG = Elementwise.unary(c -> Elementwise.MINUS_ONE);
    public static final Rule EXP = Elementwise.unary(ElementwiseRules::y);
    public static final Rule LOG = Elementwise.unary(c -> c.e().op("Reciprocal", x(c)));
    public static final Rule SQRT = Elementwise.unary(c -> c.e().div(k(c, 0.5), y(c)));
    public static final Rule RECIPROCAL = Elementwise.unary(c -> c.e().neg(c.e().mul(y(c), y(c))));
    public static final Rule ABS = Elementwise.unary(c -> c.e().op("Sign", x(c)));
    public static final Rule SIN = Elementwise.unary(c -> c.e().op("Cos", x(c)));
    public static final Rule COS = Elementwise.unary(c -> c.e().neg(c.e().op("Sin", x(c))));
    /**
     * {@code sigmoid'(scale x) = e / (1 + e)^2} with {@code e = exp(-scale |x|)}, accurate relative to itself. The
     * saturating activations' derivatives are formed from x, never from the operator's output: ONNX Runtime's float32
     * Sigmoid and Tanh are accurate only in absolute terms (sigmoid(-17.9) returns 8.9e-8 for 1.75e-8), and
     * {@code 1 - y} loses every digit once y rounds to one, so {@code y (1 - y)} and {@code 1 - y^2} are wrong by
     * large factors exactly where outputs saturate.
     */
    private static String logisticSlope(NodeContext c, double scale) {
        Emitter e = c.e();
        String abs = e.op("Abs", x(c));
        String exp = e.op("Exp", scale == 1 ? e.neg(abs) : e.mul(abs, k(c, -scale)));
        String denominator = e.add(k(c, 1), exp);
        return e.div(exp, e.mul(denominator, denominator));
    }

    /** {@code sigmoid(x) = 1 / (1 + exp(-x))}, accurate relative to itself also where it is tiny. */
    private static String accurateSigmoid(NodeContext c) {
        return c.e().op("Reciprocal", c.e().add(k(c, 1), c.e().op("Exp", c.e().neg(x(c)))));
    }

    /** {@code tanh'(x) = 4 sigmoid'(2x)}. */
    public static final Rule TANH = Elementwise.unary(c -> c.e().mul(k(c, 4), logisticSlope(c, 2)));
    public static final Rule SIGMOID = Elementwise.unary(c -> logisticSlope(c, 1));
    public static final Rule RELU = Elementwise.unary(c -> indicator(c, c.e().op("Greater", x(c), k(c, 0))));
    public static final Rule LEAKY_RELU = Elementwise.unary(c -> c.e().op("Where",
        List.of(c.e().op("Greater", x(c), k(c, 0)), k(c, 1), k(c, c.attrFloat("alpha", 0.01)))));
    /**
     * {@code slope} where x > 0, else {@code scale exp(x)}: from exp(x), not from {@code y + alpha}, which cancels to
     * nothing once the output saturates at {@code -alpha}.
     */
    private static String exponentialBelowZero(NodeContext c, double slope, double scale) {
        return c.e().op("Where", List.of(c.e().op("Greater", x(c), k(c, 0)), k(c, slope),
            c.e().mul(k(c, scale), c.e().op("Exp", x(c)))));
    }

    public static final Rule ELU = Elementwise.unary(c -> exponentialBelowZero(c, 1, c.attrFloat("alpha", 1.0)));
    public static final Rule SELU = Elementwise.unary(c -> {
        double alpha = c.attrFloat("alpha", 1.67326319217681884765625);
        double gamma = c.attrFloat("gamma", 1.05070102214813232421875);
        return exponentialBelowZero(c, gamma, alpha * gamma);
    });
    public static final Rule SOFTPLUS = Elementwise.unary(ElementwiseRules::accurateSigmoid);
    public static final Rule ERF = Elementwise.unary(c -> c.e().mul(k(c, 2 / Math.sqrt(Math.PI)),
        c.e().op("Exp", c.e().neg(c.e().mul(x(c), x(c))))));
    public static final Rule GELU = Elementwise.unary(c -> {
        Emitter e = c.e();
        String x = x(c);
        if (c.attrString("approximate", "none").equals("tanh")) {
            double s = Math.sqrt(2 / Math.PI);
            String x2 = e.mul(x, x);
            String u = e.mul(k(c, s), e.add(x, e.mul(k(c, 0.044715), e.mul(x2, x))));
            String th = e.op("Tanh", u);
            String du = e.mul(k(c, s), e.add(k(c, 1), e.mul(k(c, 3 * 0.044715), x2)));
            String left = e.mul(k(c, 0.5), e.add(k(c, 1), th));
            String right = e.mul(e.mul(k(c, 0.5), x), e.mul(e.sub(k(c, 1), e.mul(th, th)), du));
            return e.add(left, right);
        }
        String cdf = e.mul(k(c, 0.5), e.add(k(c, 1), e.op("Erf", e.mul(x, k(c, 1 / Math.sqrt(2))))));
        String pdf = e.mul(k(c, 1 / Math.sqrt(2 * Math.PI)), e.op("Exp", e.mul(k(c, -0.5), e.mul(x, x))));
        return e.add(cdf, e.mul(x, pdf));
    });
    public static final Rule HARD_SIGMOID = Elementwise.unary(c -> {
        Emitter e = c.e();
        double alpha = c.attrFloat("alpha", 0.2);
        String v = e.add(e.mul(x(c), k(c, alpha)), k(c, c.attrFloat("beta", 0.5)));
        String inside = e.op("And", e.op("Greater", v, k(c, 0)), e.op("Less", v, k(c, 1)));
        return e.mul(indicator(c, inside), k(c, alpha));
    });
    public static final Rule HARD_SWISH = Elementwise.unary(c -> {
        Emitter e = c.e();
        String x = x(c);
        String middle = e.add(e.mul(x, k(c, 1.0 / 3)), k(c, 0.5));
        return e.op("Where", List.of(e.op("Less", x, k(c, -3)), k(c, 0),
            e.op("Where", List.of(e.op("Greater", x, k(c, 3)), k(c, 1), middle))));
    });
    /** Clip: 1 inside [min, max], 0 outside; the bounds (inputs 1 and 2 from opset 11) are held fixed. */
    /**
     * Clip: y = min(max(x, lo), hi). The derivative passes to x inside [lo, hi], to lo where x is below it (and lo
     * does not exceed hi), and to hi where max(x, lo) is above it.
     */
    public static final Rule CLIP = Elementwise.of((c, i) -> {
        Emitter e = c.e();
        String x = x(c);
        boolean lo = c.has(1);
        boolean hi = c.has(2);
        if (i == 0) {
            String mask = lo ? e.op("Not", e.op("Less", x, c.input(1))) : null;
            if (hi) {
                String upper = e.op("Not", e.op("Greater", x, c.input(2)));
                mask = mask == null ? upper : e.op("And", mask, upper);
            }
            return mask == null ? Elementwise.ONE : indicator(c, mask);
        }
        if (i == 1) {
            String below = e.op("Less", x, c.input(1));
            return indicator(c, hi ? e.op("And", below, e.op("Not", e.op("Greater", c.input(1), c.input(2)))) : below);
        }
        if (i == 2) {
            String raised = lo ? e.op("Max", x, c.input(1)) : x;
            return indicator(c, e.op("Greater", raised, c.input(2)));
        }
        return null;
    });

    /** Where(cond, a, b): the tangent and cotangent pass through the selected branch. */
    public static final Rule WHERE = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            String out = c.output(0);
            String zero = k(c, 0);
            String ta = c.tangent(1) == null ? zero : Broadcasting.alignRank(c, c.tangent(1), c.input(1), out);
            String tb = c.tangent(2) == null ? zero : Broadcasting.alignRank(c, c.tangent(2), c.input(2), out);
            String t = e.op("Where", List.of(c.input(0), ta, tb));
            boolean full = (c.tangent(1) != null && Arrays.equals(c.shape(c.input(1)), c.shape(out)))
                || (c.tangent(2) != null && Arrays.equals(c.shape(c.input(2)), c.shape(out)));
            c.setTangent(0, full ? t : Broadcasting.expandTo(c, t, out));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            String g = c.cotangent(0);
            String zero = k(c, 0);
            if (c.needs(1)) {
                c.addCotangent(1, Broadcasting.unbroadcast(c, e.op("Where", List.of(c.input(0), g, zero)), c.input(1), c.output(0)));
            }
            if (c.needs(2)) {
                c.addCotangent(2, Broadcasting.unbroadcast(c, e.op("Where", List.of(c.input(0), zero, g)), c.input(2), c.output(0)));
            }
        }
    };


    // ---- trigonometric and hyperbolic functions, and more activations (issue 11) ----

    /** {@code 1 / sqrt(v)}. */
    private static String rsqrt(NodeContext c, String v) {
        return c.e().op("Reciprocal", c.e().op("Sqrt", v));
    }

    private static String square(NodeContext c, String v) {
        return c.e().mul(v, v);
    }

    public static final Rule TAN = Elementwise.unary(c -> c.e().add(k(c, 1), square(c, y(c))));
    public static final Rule ATAN = Elementwise.unary(c -> c.e().op("Reciprocal", c.e().add(k(c, 1), square(c, x(c)))));
    public static final Rule ASIN = Elementwise.unary(c -> rsqrt(c, c.e().sub(k(c, 1), square(c, x(c)))));
    public static final Rule ACOS = Elementwise.unary(c -> c.e().neg(rsqrt(c, c.e().sub(k(c, 1), square(c, x(c))))));
    public static final Rule SINH = Elementwise.unary(c -> c.e().op("Cosh", x(c)));
    public static final Rule COSH = Elementwise.unary(c -> c.e().op("Sinh", x(c)));
    public static final Rule ASINH = Elementwise.unary(c -> rsqrt(c, c.e().add(square(c, x(c)), k(c, 1))));
    public static final Rule ACOSH = Elementwise.unary(c -> rsqrt(c, c.e().sub(square(c, x(c)), k(c, 1))));
    public static final Rule ATANH = Elementwise.unary(c -> c.e().op("Reciprocal", c.e().sub(k(c, 1), square(c, x(c)))));
    /** Softsign {@code x / (1 + |x|)}: {@code 1 / (1 + |x|)^2}. */
    public static final Rule SOFTSIGN = Elementwise.unary(c -> c.e().op("Reciprocal",
        square(c, c.e().add(k(c, 1), c.e().op("Abs", x(c))))));
    /** Celu: one where x > 0, else {@code exp(x / alpha)}. */
    public static final Rule CELU = Elementwise.unary(c -> c.e().op("Where", List.of(c.e().op("Greater", x(c), k(c, 0)),
        k(c, 1), c.e().op("Exp", c.e().div(x(c), k(c, c.attrFloat("alpha", 1.0)))))));
    /**
     * Mish {@code x tanh(softplus(x))}: {@code tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x)}, with the sigmoid formed
     * accurately (both terms are about {@code e^x} where x is very negative). {@code 1 - tanh(sp)^2} cancels only
     * where x is large, and there the term it belongs to is negligible next to one.
     */
    public static final Rule MISH = Elementwise.unary(c -> {
        Emitter e = c.e();
        String th = e.op("Tanh", e.op("Softplus", x(c)));
        return e.add(th, e.mul(e.mul(x(c), e.sub(k(c, 1), square(c, th))), accurateSigmoid(c)));
    });
    public static final Rule THRESHOLDED_RELU = Elementwise.unary(c -> indicator(c,
        c.e().op("Greater", x(c), k(c, c.attrFloat("alpha", 1.0)))));
    /** Shrink: one where |x| > lambd (the two shifted branches), zero in the dead zone. */
    public static final Rule SHRINK = Elementwise.unary(c -> indicator(c,
        c.e().op("Greater", c.e().op("Abs", x(c)), k(c, c.attrFloat("lambd", 0.5)))));
    /**
     * Mod of floats ({@code fmod = 1}, the only mode the standard allows for them): {@code a - b trunc(a / b)},
     * so one with respect to a and {@code -trunc(a / b) = (y - a) / b} with respect to b. Integer Mod never
     * carries a derivative (its values are not float).
     */
    public static final Rule MOD = Elementwise.of((c, i) -> i == 0 ? Elementwise.ONE
        : c.e().div(c.e().sub(y(c), c.input(0)), c.input(1)));
}
