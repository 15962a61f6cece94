package org.jacobi.gsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exact sums round to the correctly rounded total whatever the order; study statistics do not depend on batching. */
class ExactSumsTest {
    @Test
    void anyOrderAndGroupingGivesTheCorrectlyRoundedSum() {
        Random random = new Random(7);
        List<Double> terms = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            double magnitude = Math.scalb(1.0, random.nextInt(120) - 60);
            terms.add((random.nextBoolean() ? 1 : -1) * magnitude * random.nextDouble());
        }
        terms.add(1e300);
        terms.add(-1e300);
        terms.add(Double.MIN_VALUE);
        terms.add(3 * Double.MIN_NORMAL);
        BigDecimal exact = BigDecimal.ZERO;
        for (double t : terms) {
            exact = exact.add(new BigDecimal(t));
        }
        double expected = exact.doubleValue();
        for (int round = 0; round < 4; round++) {
            Collections.shuffle(terms, random);
            int cut = random.nextInt(terms.size());
            ExactSums left = new ExactSums(2);
            ExactSums right = new ExactSums(2);
            for (int i = 0; i < terms.size(); i++) {
                (i < cut ? left : right).add(1, terms.get(i));
            }
            right.addAll(left);
            assertEquals(expected, right.get(1), 0.0, "shuffle " + round);
            assertEquals(0.0, right.get(0), 0.0, "an untouched sum");
        }
    }

    @Test
    void cancellationAndInfinitiesAreExact() {
        ExactSums s = new ExactSums(2);
        s.add(0, 1e308);
        s.add(0, 1e308);
        s.add(0, 1.0);
        s.add(0, -1e308);
        s.add(0, -1e308);
        assertEquals(1.0, s.get(0), 0.0, "no overflow in between");
        s.add(1, Double.POSITIVE_INFINITY);
        s.add(1, 5);
        assertEquals(Double.POSITIVE_INFINITY, s.get(1));
    }

    @Test
    void statisticsDoNotDependOnBatchesOrTheOrderOfWholeBlocks() {
        List<String> labels = List.of("a", "b", "c");
        Distribution[] dists = {new Distribution.Uniform(0, 1), new Distribution.Normal(0, 2), new Distribution.Fixed(3)};
        int n = 2 * StudyStatistics.SUM_BLOCK + 300;
        GsaStudy study = GsaStudy.of("x", "y", List.of("uniform:0,1"), EnumSet.allOf(GsaMethod.class), n)
            .withBootstrap(20, n);
        StudyPlan plan = new StudyPlan(study, "x", "y", dists, labels, List.of("y0", "y1"), new double[] {0.5, 0});
        for (GsaMethod method : GsaMethod.values()) {
            long rows = plan.baseRows(method);
            StudyStatistics batched = plan.newStatistics(method);
            for (long from = 0; from < rows; from += 97) {
                DesignTest.feed(plan, method, batched, from, (int) Math.min(97, rows - from));
            }
            List<StudyStatistics> blocks = new ArrayList<>();
            for (long from = 0; from < rows; from += StudyStatistics.SUM_BLOCK) {
                StudyStatistics block = plan.newStatistics(method);
                DesignTest.feed(plan, method, block, from, (int) Math.min(StudyStatistics.SUM_BLOCK, rows - from));
                blocks.add(block);
            }
            StudyStatistics merged = blocks.get(2);
            merged.combine(blocks.get(0));
            merged.combine(blocks.get(1));
            for (int k = 0; k < plan.checkpoints(method).length; k++) {
                IndexSet a = batched.finish(k);
                IndexSet b = merged.finish(k);
                for (String name : a.names()) {
                    for (int o = 0; o < 2; o++) {
                        assertArrayEquals(a.get(name)[o], b.get(name)[o], 0.0, method + " " + name + " at checkpoint " + k);
                    }
                }
            }
        }
    }
}
