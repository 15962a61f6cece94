package org.jacobi.gsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.jacobi.core.CancelledException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sobol' indices, DGSM and Morris against closed forms, on test functions built as ONNX graphs. */
class KnownAnswerTest {
    static GsaResult run(Path model, GsaStudy study) {
        try (Model m = ModelLoader.load(model); JacobianEngine engine = Jacobians.engineFor(m)) {
            return GsaRunner.run(GsaSetup.prepare(study, m, engine, null, null, 0), ProgressMonitor.NONE);
        }
    }

    /** |estimate - exact| <= max(floor, 2 half-widths): the done-when criterion of issue 13. */
    static void assertWithin(double exact, double estimate, double halfWidth, double floor, String what) {
        double allowed = Math.max(floor, 2 * halfWidth);
        assertTrue(Math.abs(estimate - exact) <= allowed, String.format(Locale.ROOT,
            "%s: estimate %.4f, exact %.4f, allowed +-%.4f (half-width %.4f)", what, estimate, exact, allowed, halfWidth));
    }

    @Test
    void ishigamiSobolAndDgsm(@TempDir Path dir) throws Exception {
        GsaStudy study = GsaStudy.of(null, null, List.of("uniform:-3.141592653589793,3.141592653589793"),
            EnumSet.of(GsaMethod.SOBOL, GsaMethod.DGSM), 1 << 12).withDesign(DesignKind.SOBOL, 1);
        GsaResult r = run(GsaGraphs.ishigami(dir), study);
        assertEquals(List.of("x1", "x2", "x3"), r.inputs());
        double[][] exact = GsaGraphs.ishigamiIndices();
        assertEquals(0.3139, exact[0][0], 1e-4, "the closed form the issue quotes");
        assertEquals(0.2437, exact[1][2], 1e-4);
        IndexSet s = r.indices(GsaMethod.SOBOL);
        for (int j = 0; j < 3; j++) {
            assertWithin(exact[0][j], s.get("S1")[0][j], s.get("S1_conf")[0][j], 0.03, "S1 x" + (j + 1));
            assertWithin(exact[1][j], s.get("ST")[0][j], s.get("ST_conf")[0][j], 0.03, "ST x" + (j + 1));
            assertTrue(s.get("S1_conf")[0][j] > 0 && s.get("S1_conf")[0][j] < 0.1, "a real, narrow interval");
        }
        IndexSet g = r.indices(GsaMethod.DGSM);
        double[] nu = GsaGraphs.ishigamiDgsm();
        double variance = exact[2][0];
        for (int j = 0; j < 3; j++) {
            assertEquals(1, g.get("nu")[0][j] / nu[j], 0.05, "nu x" + (j + 1));
            double bound = nu[j] * 4 * Math.PI * Math.PI / (Math.PI * Math.PI * variance);
            assertEquals(1, g.get("sobol_total_bound")[0][j] / bound, 0.06, "bound x" + (j + 1));
            assertTrue(g.get("sobol_total_bound")[0][j] >= exact[1][j], "the bound holds");
        }
        assertEquals((long) (1 << 12) * 5, r.modelRuns());
        assertEquals(1 << 12, r.jacobianRows());
        assertEquals(9, r.convergence().get(GsaMethod.SOBOL).size(), "checkpoints 16, 32, ..., 4096");
    }

    @Test
    void gFunctionSobolAndDgsm(@TempDir Path dir) throws Exception {
        GsaStudy study = GsaStudy.of(null, null, List.of("uniform:0,1"), EnumSet.of(GsaMethod.SOBOL, GsaMethod.DGSM),
            1 << 12).withDesign(DesignKind.SOBOL, 3);
        GsaResult r = run(GsaGraphs.gFunction(dir), study);
        double[][] exact = GsaGraphs.gIndices();
        double[] nu = GsaGraphs.gDgsm();
        IndexSet s = r.indices(GsaMethod.SOBOL);
        IndexSet g = r.indices(GsaMethod.DGSM);
        for (int j = 0; j < GsaGraphs.G_A.length; j++) {
            assertWithin(exact[0][j], s.get("S1")[0][j], s.get("S1_conf")[0][j], 0.03, "S1 x" + j);
            assertWithin(exact[1][j], s.get("ST")[0][j], s.get("ST_conf")[0][j], 0.03, "ST x" + j);
            assertEquals(1, g.get("nu")[0][j] / nu[j], 0.05, "nu x" + j);
        }
    }

    @Test
    void linearModelWithNormalInputsTwoOutputs(@TempDir Path dir) throws Exception {
        double[][] w = {{1, -2}, {2, 0.5}, {-0.5, 1}, {3, 0}};
        double[] sigma = {1, 0.5, 2, 0.2};
        List<String> dists = List.of("0=normal:1,1", "1=normal:-2,0.5", "2=normal:0,2", "3=normal:5,0.2");
        GsaStudy study = GsaStudy.of(null, null, dists, EnumSet.of(GsaMethod.SOBOL, GsaMethod.DGSM), 1 << 11)
            .withDesign(DesignKind.LHS, 5);
        GsaResult r = run(GsaGraphs.linear(dir, w), study);
        IndexSet s = r.indices(GsaMethod.SOBOL);
        IndexSet g = r.indices(GsaMethod.DGSM);
        for (int o = 0; o < 2; o++) {
            double total = 0;
            for (int j = 0; j < 4; j++) {
                total += w[j][o] * w[j][o] * sigma[j] * sigma[j];
            }
            for (int j = 0; j < 4; j++) {
                double exact = w[j][o] * w[j][o] * sigma[j] * sigma[j] / total;
                assertWithin(exact, s.get("S1")[o][j], s.get("S1_conf")[o][j], 0.03, "S1 o" + o + " x" + j);
                assertWithin(exact, s.get("ST")[o][j], s.get("ST_conf")[o][j], 0.03, "ST o" + o + " x" + j);
                assertEquals(w[j][o] * w[j][o], g.get("nu")[o][j], 1e-4 + 1e-5 * Math.abs(w[j][o]), "nu is W^2 exactly");
                assertEquals(exact, g.get("sobol_total_bound")[o][j], 0.05 * exact + 1e-6,
                    "for a linear model the bound is tight: S_T = nu sigma^2 / D");
            }
        }
    }

    @Test
    void morrisOnALinearModelIsExact(@TempDir Path dir) throws Exception {
        double[][] w = {{1}, {-2}, {0.5}};
        List<String> dists = List.of("0=uniform:0,1", "1=uniform:-1,1", "2=uniform:0,4");
        double[] width = {1, 2, 4};
        GsaStudy study = GsaStudy.of(null, null, dists, EnumSet.of(GsaMethod.MORRIS), 20);
        GsaResult r = run(GsaGraphs.linear(dir, w), study);
        IndexSet m = r.indices(GsaMethod.MORRIS);
        for (int j = 0; j < 3; j++) {
            assertEquals(Math.abs(w[j][0]) * width[j], m.get("mu_star")[0][j], 1e-5, "mu* = |w| (b - a)");
            assertEquals(w[j][0] * width[j], m.get("mu")[0][j], 1e-5);
            assertEquals(0, m.get("sigma")[0][j], 1e-5, "no interaction, no spread");
        }
        assertEquals(20 * 4, r.modelRuns(), "r (d + 1) runs");
    }

    @Test
    void morrisRanksIshigami(@TempDir Path dir) throws Exception {
        GsaStudy study = GsaStudy.of(null, null, List.of("uniform:-3.141592653589793,3.141592653589793"),
            EnumSet.of(GsaMethod.MORRIS), 200);
        IndexSet m = run(GsaGraphs.ishigami(dir), study).indices(GsaMethod.MORRIS);
        double[] muStar = m.get("mu_star")[0];
        // x3 acts only through b x3^4 sin x1: its effects change sign with sin x1, so they average out (mu near 0)
        // while their magnitude (mu*) and spread (sigma) are large.
        assertTrue(Math.abs(m.get("mu")[0][2]) < 0.3 * muStar[2], "mu " + m.get("mu")[0][2] + " mu* " + muStar[2]);
        assertTrue(m.get("sigma")[0][2] > 0.5 * muStar[2], "the interaction shows as spread");
        assertTrue(muStar[2] > 1, "x3 matters");
        assertTrue(muStar[1] > 5, "x2 matters too (a grid with jumps of pi in x2 would hide it: sin^2 has period pi)");
    }

    @Test
    void cancelStopsBetweenBatches(@TempDir Path dir) throws Exception {
        GsaStudy study = GsaStudy.of(null, null, List.of("uniform:0,1"), EnumSet.of(GsaMethod.SOBOL), 4096);
        AtomicLong reported = new AtomicLong();
        ProgressMonitor cancelAfterFirstBatch = new ProgressMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                reported.set(done);
            }

            @Override
            public boolean isCancelled() {
                return reported.get() > 0;
            }
        };
        try (Model m = ModelLoader.load(GsaGraphs.gFunction(dir)); JacobianEngine engine = Jacobians.engineFor(m)) {
            GsaSetup.Prepared p = GsaSetup.prepare(study, m, engine, null, null, 1 << 20);
            assertThrows(CancelledException.class,
                () -> GsaRunner.run(p, cancelAfterFirstBatch));
            assertTrue(reported.get() > 0 && reported.get() < 4096L * 10, "stopped after " + reported.get() + " runs");
        }
    }
}
