package org.jacobi.gsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Designs are functions of (seed, index); statistics of partitions combine to those of the whole. */
class DesignTest {
    @ParameterizedTest
    @EnumSource(DesignKind.class)
    void anyRangeOfPointsIsTheSameAsInTheWhole(DesignKind kind) {
        UnitDesign design = UnitDesign.of(kind, 5, 256, 42);
        double[] all = new double[256 * 5];
        design.points(0, 256, all);
        double[] part = new double[40 * 5];
        UnitDesign.of(kind, 5, 256, 42).points(100, 40, part);
        assertArrayEquals(Arrays.copyOfRange(all, 500, 700), part, 0.0);
        for (double u : all) {
            assertTrue(u > 0 && u < 1, "open unit interval");
        }
        double[] other = new double[256 * 5];
        UnitDesign.of(kind, 5, 256, 43).points(0, 256, other);
        assertFalse(Arrays.equals(all, other), "another seed, other points");
    }

    @Test
    void latinHypercubeUsesEachStratumOnce() {
        int n = 1000;
        LatinHypercubeDesign design = new LatinHypercubeDesign(3, n, 7);
        double[] u = new double[n * 3];
        design.points(0, n, u);
        for (int j = 0; j < 3; j++) {
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                int stratum = (int) Math.floor(u[i * 3 + j] * n);
                assertFalse(seen[stratum], "stratum " + stratum + " twice in coordinate " + j);
                seen[stratum] = true;
            }
        }
    }

    /** Each coordinate of a (scrambled) Sobol' sequence is a (0, 1)-sequence: 2^m points fill 2^m cells once. */
    @Test
    void scrambledSobolKeepsTheNetProperty() {
        int m = 10;
        int n = 1 << m;
        ScrambledSobolDesign design = new ScrambledSobolDesign(6, 11);
        double[] u = new double[n * 6];
        design.points(0, n, u);
        for (int j = 0; j < 6; j++) {
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                int cell = (int) Math.floor(u[i * 6 + j] * n);
                assertFalse(seen[cell], "cell " + cell + " twice in coordinate " + j);
                seen[cell] = true;
            }
        }
        // and pairs of coordinates are balanced on 2^5 x 2^5 squares for 2^10 points (t = 0 for the first two)
        int[] counts = new int[32 * 32];
        for (int i = 0; i < n; i++) {
            counts[(int) (u[i * 6] * 32) * 32 + (int) (u[i * 6 + 1] * 32)]++;
        }
        for (int c : counts) {
            assertEquals(1, c);
        }
        double[] plain = new double[n * 6];
        new ScrambledSobolDesign(6, 12).points(0, n, plain);
        assertNotEquals(u[0], plain[0], "the scrambling depends on the seed");
    }

    @Test
    void statisticsOfPartitionsCombineToThoseOfTheWhole() {
        List<String> labels = List.of("a", "b", "c");
        Distribution[] dists = {new Distribution.Uniform(0, 1), new Distribution.Normal(0, 2), new Distribution.Fixed(3)};
        GsaStudy study = GsaStudy.of("x", "y", List.of("uniform:0,1"), EnumSet.allOf(GsaMethod.class), 256)
            .withBootstrap(20, 64);
        StudyPlan plan = new StudyPlan(study, "x", "y", dists, labels, List.of("y0", "y1"), new double[] {0.5, 0});
        assertEquals(List.of("a", "b"), plan.inputLabels(), "fixed elements are left out");
        for (GsaMethod method : GsaMethod.values()) {
            long rows = plan.baseRows(method);
            StudyStatistics whole = plan.newStatistics(method);
            feed(plan, method, whole, 0, (int) rows);
            StudyStatistics left = plan.newStatistics(method);
            StudyStatistics right = plan.newStatistics(method);
            feed(plan, method, right, 37, (int) rows - 37);
            feed(plan, method, left, 0, 37);
            right.combine(left);
            IndexSet a = whole.finish(plan.checkpoints(method).length - 1);
            IndexSet b = right.finish(plan.checkpoints(method).length - 1);
            for (String name : a.names()) {
                for (int o = 0; o < 2; o++) {
                    assertArrayEquals(a.get(name)[o], b.get(name)[o], 1e-9, method + " " + name);
                }
            }
        }
    }

    /** A toy model of the rows: y0 = a + b^2 a, y1 = sin(b); Jacobians by hand. */
    static void feed(StudyPlan plan, GsaMethod method, StudyStatistics stats, long from, int count) {
        double[] rows = plan.inputRows(method, from, count);
        int n = rows.length / plan.elements();
        double[] y = new double[n * 2];
        double[] jac = new double[n * 2 * 2];
        for (int r = 0; r < n; r++) {
            double a = rows[r * 3];
            double b = rows[r * 3 + 1];
            assertEquals(3, rows[r * 3 + 2], 0.0, "the fixed element keeps its value");
            y[2 * r] = a + b * b * a;
            y[2 * r + 1] = Math.sin(b);
            jac[4 * r] = 1 + b * b;
            jac[4 * r + 1] = 2 * a * b;
            jac[4 * r + 3] = Math.cos(b);
        }
        stats.add(from, count, y, method == GsaMethod.DGSM ? jac : null);
    }
}
