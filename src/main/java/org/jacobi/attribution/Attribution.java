package org.jacobi.attribution;

/**
 * One method's attribution of one target.
 *
 * @param values {@code [samples, *input sample shape]}, flat, sample after sample
 * @param completenessGap per sample {@code sum(attribution) - (f(x) - f(baseline))} for methods that promise
 *     completeness (Integrated Gradients), else null
 */
public record Attribution(double[] values, double[] completenessGap) {
    public static Attribution of(double[] values) {
        return new Attribution(values, null);
    }
}
