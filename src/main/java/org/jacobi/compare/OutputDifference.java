package org.jacobi.compare;

import org.jacobi.core.Tensor;

/**
 * One output of both models at the same inputs and how far apart they are.
 *
 * @param nameA the output's name in model A
 * @param nameB its name in model B
 * @param valueA model A's value, batch axis included
 * @param valueB model B's value, same shape
 * @param maxAbsDifference max |A − B| over all elements (computed in double from the float values)
 * @param maxAbsA max |A|, the scale the difference is relative to
 * @param worstIndex flat index of the element with the largest |A − B| (0 when there is no difference)
 */
public record OutputDifference(String nameA, String nameB, Tensor valueA, Tensor valueB, double maxAbsDifference,
                               double maxAbsA, int worstIndex) {

    /** max |A − B| / max |A|; 0 when both are zero, infinite when only A is. */
    public double maxRelDifference() {
        return relative(maxAbsDifference, maxAbsA);
    }

    /** The element-wise difference A − B in double precision. */
    public double[] difference() {
        double[] d = new double[valueA.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = valueA.getDouble(i) - valueB.getDouble(i);
        }
        return d;
    }

    static OutputDifference of(String nameA, String nameB, Tensor a, Tensor b) {
        double maxDiff = 0;
        double maxA = 0;
        int worst = 0;
        for (int i = 0; i < a.size(); i++) {
            double va = a.getDouble(i);
            double d = Math.abs(va - b.getDouble(i));
            maxA = Math.max(maxA, Math.abs(va));
            if (d > maxDiff || Double.isNaN(d) && !Double.isNaN(maxDiff)) {
                maxDiff = d;
                worst = i;
            }
        }
        return new OutputDifference(nameA, nameB, a, b, maxDiff, maxA, worst);
    }

    static double relative(double difference, double scale) {
        if (scale > 0) {
            return difference / scale;
        }
        return difference == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
}
