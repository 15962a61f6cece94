package org.jacobi.gsa;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TriangularDistribution;
import org.jacobi.core.JacobiException;

/**
 * The distribution of one input element in a study, used through its quantile function: every design draws points
 * in the unit cube and maps coordinate {@code u} to {@code quantile(u)}, so one design serves every distribution.
 * Construction checks the parameters and fails with a usage message naming what is wrong.
 */
public sealed interface Distribution extends Serializable {
    /** The value at probability {@code u} in (0, 1). */
    double quantile(double u);

    /**
     * The Poincaré constant C with {@code Var f(X) <= C E[f'(X)^2]}: what turns DGSM into a bound on the total Sobol'
     * index ({@code S_T <= C nu / D}); NaN when the distribution has none or none is known (lognormal, data).
     */
    double poincareConstant();

    /** The compact text form, e.g. {@code uniform:0,1}, that {@link DistributionSpec} reads back. */
    String spec();

    /** Whether the element is varied at all; a fixed element is left out of the indices. */
    default boolean varies() {
        return true;
    }

    /** Uniform on [a, b]. */
    record Uniform(double a, double b) implements Distribution {
        public Uniform {
            finite("uniform", a, b);
            if (!(a < b)) {
                throw JacobiException.usage("uniform:" + num(a) + "," + num(b) + " needs a < b.");
            }
        }

        @Override
        public double quantile(double u) {
            return a + u * (b - a);
        }

        @Override
        public double poincareConstant() {
            return (b - a) * (b - a) / (Math.PI * Math.PI);
        }

        @Override
        public String spec() {
            return "uniform:" + num(a) + "," + num(b);
        }
    }

    /** Normal with mean mu and standard deviation sigma. */
    record Normal(double mu, double sigma) implements Distribution {
        public Normal {
            finite("normal", mu, sigma);
            positive("normal:" + num(mu) + "," + num(sigma), "sigma", sigma);
        }

        @Override
        public double quantile(double u) {
            return mu + sigma * StandardNormal.quantile(u);
        }

        @Override
        public double poincareConstant() {
            return sigma * sigma;
        }

        @Override
        public String spec() {
            return "normal:" + num(mu) + "," + num(sigma);
        }
    }

    /** Normal(mu, sigma) restricted to [a, b]. */
    record TruncatedNormal(double mu, double sigma, double a, double b) implements Distribution {
        public TruncatedNormal {
            finite("truncnormal", mu, sigma, a, b);
            String text = "truncnormal:" + num(mu) + "," + num(sigma) + "," + num(a) + "," + num(b);
            positive(text, "sigma", sigma);
            if (!(a < b)) {
                throw JacobiException.usage(text + " needs a < b.");
            }
            if (StandardNormal.cdf((b - mu) / sigma) - StandardNormal.cdf((a - mu) / sigma) < 1e-12) {
                throw JacobiException.usage(text + " keeps almost no probability: [a, b] lies far in the tail.");
            }
        }

        @Override
        public double quantile(double u) {
            double lo = StandardNormal.cdf((a - mu) / sigma);
            double hi = StandardNormal.cdf((b - mu) / sigma);
            double x = mu + sigma * StandardNormal.quantile(lo + u * (hi - lo));
            return Math.min(b, Math.max(a, x));
        }

        /** Log-concave on an interval: at most sigma^2 (Bakry-Émery) and (b-a)^2/pi^2 (Payne-Weinberger). */
        @Override
        public double poincareConstant() {
            return Math.min(sigma * sigma, (b - a) * (b - a) / (Math.PI * Math.PI));
        }

        @Override
        public String spec() {
            return "truncnormal:" + num(mu) + "," + num(sigma) + "," + num(a) + "," + num(b);
        }
    }

    /** exp(Normal(mu, sigma)): mu and sigma are those of the logarithm. */
    record LogNormal(double mu, double sigma) implements Distribution {
        public LogNormal {
            finite("lognormal", mu, sigma);
            positive("lognormal:" + num(mu) + "," + num(sigma), "sigma", sigma);
        }

        @Override
        public double quantile(double u) {
            return new LogNormalDistribution(null, mu, sigma).inverseCumulativeProbability(u);
        }

        /** The lognormal satisfies no Poincaré inequality (its tail is heavier than exponential). */
        @Override
        public double poincareConstant() {
            return Double.NaN;
        }

        @Override
        public String spec() {
            return "lognormal:" + num(mu) + "," + num(sigma);
        }
    }

    /** Triangular on [a, b] with its peak at c. */
    record Triangular(double a, double c, double b) implements Distribution {
        public Triangular {
            finite("triangular", a, c, b);
            if (!(a < b) || c < a || c > b) {
                throw JacobiException.usage("triangular:" + num(a) + "," + num(c) + "," + num(b)
                    + " needs a < b and a <= mode <= b.");
            }
        }

        @Override
        public double quantile(double u) {
            return new TriangularDistribution(null, a, c, b).inverseCumulativeProbability(u);
        }

        /** Log-concave on [a, b]: Payne-Weinberger gives (b-a)^2/pi^2. */
        @Override
        public double poincareConstant() {
            return (b - a) * (b - a) / (Math.PI * Math.PI);
        }

        @Override
        public String spec() {
            return "triangular:" + num(a) + "," + num(c) + "," + num(b);
        }
    }

    /**
     * The empirical distribution of one column of a data file (its values drawn independently of the other elements,
     * as Sobol' indices assume independent inputs).
     *
     * @param source the file name, kept for the study's text form
     */
    record Empirical(String source, double[] sorted) implements Distribution {
        public Empirical {
            if (sorted.length == 0) {
                throw JacobiException.usage("data:" + source + " holds no rows.");
            }
            sorted = sorted.clone();
            Arrays.sort(sorted);
            if (!Double.isFinite(sorted[0]) || !Double.isFinite(sorted[sorted.length - 1])) {
                throw JacobiException.usage("data:" + source + " holds values that are not finite numbers.");
            }
        }

        @Override
        public double quantile(double u) {
            int i = (int) Math.floor(u * sorted.length);
            return sorted[Math.min(sorted.length - 1, Math.max(0, i))];
        }

        @Override
        public double poincareConstant() {
            return Double.NaN;
        }

        @Override
        public String spec() {
            return "data:" + source;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Empirical e && e.source.equals(source) && Arrays.equals(e.sorted, sorted);
        }

        @Override
        public int hashCode() {
            return source.hashCode() * 31 + Arrays.hashCode(sorted);
        }

        @Override
        public String toString() {
            return spec();
        }
    }

    /** Held at one value: not varied, not in the indices. */
    record Fixed(double value) implements Distribution {
        @Override
        public double quantile(double u) {
            return value;
        }

        @Override
        public double poincareConstant() {
            return 0;
        }

        @Override
        public String spec() {
            return "fixed:" + num(value);
        }

        @Override
        public boolean varies() {
            return false;
        }
    }

    /** The standard normal through Commons Math (its inverse CDF is accurate to about 1e-15 in the tails). */
    final class StandardNormal {
        private static final NormalDistribution N01 = new NormalDistribution(null, 0, 1);

        private StandardNormal() {
        }

        static double quantile(double u) {
            return N01.inverseCumulativeProbability(u);
        }

        static double cdf(double x) {
            return N01.cumulativeProbability(x);
        }
    }

    private static void finite(String kind, double... values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw JacobiException.usage(kind + " parameters must be finite numbers.");
            }
        }
    }

    private static void positive(String text, String name, double v) {
        if (!(v > 0)) {
            throw JacobiException.usage(text + " needs " + name + " > 0.");
        }
    }

    /** Shortest round-tripping text of a number: 0.1, not 0.1000000000000000055511. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }
}
