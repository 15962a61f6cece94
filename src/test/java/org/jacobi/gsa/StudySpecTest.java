package org.jacobi.gsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compact text form of distributions, their quantiles, and study files. */
class StudySpecTest {
    private static final List<String> LABELS = List.of("speed", "angle", "drag", "mass");

    @Test
    void specsApplyInOrderByNameIndexAndRange() {
        Distribution[] d = DistributionSpec.resolve(List.of("uniform:0,1", "3=normal:0,0.1", "angle=fixed:2",
            "0-1=triangular:0,1,3"), LABELS, null, null);
        assertEquals(new Distribution.Triangular(0, 1, 3), d[0]);
        assertEquals(new Distribution.Triangular(0, 1, 3), d[1], "the range overrides the name");
        assertEquals(new Distribution.Uniform(0, 1), d[2]);
        assertEquals(new Distribution.Normal(0, 0.1), d[3]);
        Distribution[] around = DistributionSpec.resolve(List.of("around:10", "drag+mass=fixed"), LABELS,
            new double[] {10, -2, 3, 4}, null);
        assertEquals(new Distribution.Uniform(9, 11), around[0]);
        assertEquals(new Distribution.Uniform(-2.2, -1.8), around[1]);
        assertEquals(new Distribution.Fixed(3), around[2]);
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertEquals("normal:0,0 needs sigma > 0.", message("normal:0,0"));
        assertEquals("uniform:1,1 needs a < b.", message("uniform:1,1"));
        assertTrue(message("wind=uniform:0,1").startsWith("'wind=uniform:0,1': the input has no element 'wind'."),
            message("wind=uniform:0,1"));
        assertTrue(message("7=uniform:0,1").contains("no element 7 (it has elements 0 to 3)"));
        assertTrue(message("beta:1,2").contains("unknown distribution 'beta'"));
        assertTrue(message("uniform:0").contains("must look like uniform:a,b"));
        assertTrue(message("around:5").contains("needs a reference sample"));
        JacobiException e = assertThrows(JacobiException.class,
            () -> DistributionSpec.resolve(List.of("0=uniform:0,1"), LABELS, null, null));
        assertTrue(e.getMessage().startsWith("Element 1 (angle) has no distribution"), e.getMessage());
        assertThrows(JacobiException.class, () -> GsaStudy.of(null, null, List.of("uniform:0,1"),
            EnumSet.of(GsaMethod.SOBOL), 0));
    }

    private static String message(String spec) {
        return assertThrows(JacobiException.class, () -> DistributionSpec.resolve(List.of(spec), LABELS, null, null))
            .getMessage();
    }

    @Test
    void quantilesMatchTheDistributions() {
        assertEquals(0, new Distribution.Normal(0, 1).quantile(0.5), 1e-12);
        assertEquals(1.959963984540054, new Distribution.Normal(0, 1).quantile(0.975), 1e-9);
        Distribution.TruncatedNormal t = new Distribution.TruncatedNormal(0, 1, 0, 10);
        assertEquals(0.6744897501960817, t.quantile(0.5), 1e-9, "the half-normal's median");
        assertEquals(Math.exp(1), new Distribution.LogNormal(1, 0.5).quantile(0.5), 1e-9);
        assertEquals(1, new Distribution.Triangular(0, 1, 2).quantile(0.5), 1e-9);
        assertEquals(4, new Distribution.Uniform(2, 6).poincareConstant() * Math.PI * Math.PI / 4, 1e-12);
        assertTrue(Double.isNaN(new Distribution.LogNormal(0, 1).poincareConstant()));
    }

    @Test
    void dataColumnsAreEmpiricalDistributions(@TempDir Path dir) {
        Npy.write(dir.resolve("rows.npy"), Tensor.ofFloats(new float[] {1, 10, 2, 20, 3, 30, 4, 40}, 4, 2), false);
        Distribution[] d = DistributionSpec.resolve(List.of("data:rows.npy"), List.of("a", "b"), null, dir);
        Distribution.Empirical b = assertInstanceOf(Distribution.Empirical.class, d[1]);
        assertEquals(10, b.quantile(0.1));
        assertEquals(40, b.quantile(0.99));
        assertTrue(assertThrows(JacobiException.class, () -> DistributionSpec.resolve(List.of("data:rows.npy"),
            List.of("a", "b", "c"), null, dir)).getMessage().contains("not rows of 3 elements"));
    }

    @Test
    void studiesSaveAndLoad(@TempDir Path dir) throws Exception {
        GsaStudy study = GsaStudy.of("launch", "height", List.of("uniform:0,1", "3=normal:0,0.1"),
            EnumSet.of(GsaMethod.SOBOL, GsaMethod.MORRIS), 1024).withDesign(DesignKind.LHS, 99)
            .withReference("x.npy", 2).withBootstrap(50, 30);
        Path file = dir.resolve("study.json");
        study.save(file);
        assertEquals(study, GsaStudy.load(file));
        Files.writeString(file, "{\"format\": \"jacobi-gsa-study\", \"samples\": 12.5, \"methods\": [\"sobol\"]}");
        assertTrue(assertThrows(JacobiException.class, () -> GsaStudy.load(file)).getMessage()
            .contains("\"samples\" must be a whole number"));
        Files.writeString(file, "{\"format\": ");
        assertTrue(assertThrows(JacobiException.class, () -> GsaStudy.load(file)).getMessage().contains("not valid JSON"));
    }
}
