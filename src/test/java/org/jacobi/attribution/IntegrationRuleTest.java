package org.jacobi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Gauss-Legendre nodes and weights against NumPy's {@code leggauss} and against polynomials the rule integrates exactly. */
class IntegrationRuleTest {
    @Test
    void gaussLegendreAgreesWithNumPysLeggauss() {
        // numpy.polynomial.legendre.leggauss(n), first three nodes and weights
        assertRule(1, new double[] {0.0}, new double[] {2.0});
        assertRule(2, new double[] {-0.5773502691896257, 0.5773502691896257}, new double[] {1.0, 1.0});
        assertRule(5, new double[] {-0.906179845938664, -0.5384693101056831, 0.0},
            new double[] {0.23692688505618942, 0.4786286704993662, 0.568888888888889});
        assertRule(50, new double[] {-0.998866404420071, -0.9940319694320907, -0.9853540840480058},
            new double[] {0.0029086225531578685, 0.006759799195745505, 0.01059054838365167});
    }

    @Test
    void nNodesIntegratePolynomialsOfDegreeBelow2nExactly() {
        for (int n : new int[] {3, 8, 50, 200}) {
            double[][] rule = IntegrationRule.gaussLegendre(n);
            for (int degree = 0; degree < 2 * n; degree += Math.max(1, n / 4)) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += rule[1][i] * Math.pow(rule[0][i], degree);
                }
                double exact = degree % 2 == 1 ? 0 : 2.0 / (degree + 1);
                assertEquals(exact, sum, 1e-13, "n = " + n + ", x^" + degree);
            }
        }
    }

    @Test
    void pointsAndWeightsOnTheUnitIntervalSumToOneAndAscend() {
        double[] p = IntegrationRule.GAUSS_LEGENDRE.points(50);
        double[] w = IntegrationRule.GAUSS_LEGENDRE.weights(50);
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            total += w[i];
            if (i > 0) {
                assertEquals(true, p[i] > p[i - 1], "node " + i);
            }
        }
        assertEquals(1.0, total, 1e-14);
        assertEquals(0.5 * (1 - 0.998866404420071), p[0], 1e-15);
    }

    private static void assertRule(int n, double[] nodes, double[] weights) {
        double[][] rule = IntegrationRule.gaussLegendre(n);
        for (int i = 0; i < nodes.length; i++) {
            assertEquals(nodes[i], rule[0][i], 1e-15, "n = " + n + ", node " + i);
            assertEquals(weights[i], rule[1][i], 1e-14, "n = " + n + ", weight " + i); // NumPy rescales its weights to sum 2
        }
    }
}
