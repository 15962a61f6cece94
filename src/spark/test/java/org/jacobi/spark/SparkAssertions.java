package org.jacobi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.analysis.JacobianStatistics;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.JsonParser;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;

/** What the Spark tests compare against: the single-process engine's statistics, and the single-process JSON. */
public final class SparkAssertions {
    /** The fixture network the Jacobian jobs differentiate: input x [N, 8], output [N, 4]. */
    public static final Path MLP = Path.of("src/test/resources/fixtures/mlp_tanh.onnx");
    /** What may differ between a study run in one process and on Spark: timing and where it ran. */
    private static final Set<String> RUN_FACTS = Set.of("seconds", "evaluations_per_second", "device", "engine");

    private SparkAssertions() {
    }

    /** The single-process answer: the ordinary ONNX engine on the same samples of {@link #MLP}, statistics in one pass. */
    static JacobianStatistics singleProcess(GeneratedSamples source, int n) {
        return singleProcess(MLP, "x", Map.of(), source, n, 8, 4);
    }

    /**
     * The ordinary ONNX engine's statistics of the Jacobians of {@code model}'s first output with respect to {@code wrt}
     * ({@code nIn} values per sample) at {@code n} samples of {@code source}, every other input fed {@code fixed}'s
     * one sample repeated for each.
     */
    static JacobianStatistics singleProcess(Path model, String wrt, Map<String, Tensor> fixed, GeneratedSamples source, int n,
                                            int nIn, int nOut) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        feed.put(wrt, Tensor.ofFloats(source.rows(0, n, nIn).rows(), n, nIn));
        fixed.forEach((name, sample) -> {
            float[] one = sample.floats();
            float[] all = new float[n * one.length];
            for (int s = 0; s < n; s++) {
                System.arraycopy(one, 0, all, s * one.length, one.length);
            }
            feed.put(name, Tensor.ofFloats(all, n, one.length));
        });
        try (OnnxModel m = OnnxModel.load(model, DevicePreference.CPU); OnnxJacobianEngine engine = new OnnxJacobianEngine(m)) {
            JacobianResult r = engine.compute(JacobianRequest.of(feed).withWrtOf(wrt, null), ProgressMonitor.NONE);
            JacobianStatistics stats = new JacobianStatistics(nOut, nIn);
            stats.add(r.jacobian().floats(), 0, n);
            return stats;
        }
    }

    /** Every entry within {@code relative} of the largest expected magnitude. */
    public static void assertClose(double[] expected, double[] actual, double relative) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * scale, "entry " + i);
        }
    }

    /** Every statistic of {@code actual} within {@code relative} of {@code expected}'s, the same sample count. */
    static void assertSameStatistics(JacobianStatistics expected, JacobianStatistics actual, double relative) {
        assertEquals(expected.count(), actual.count());
        assertClose(expected.mean(), actual.mean(), relative);
        assertClose(expected.meanAbs(), actual.meanAbs(), relative);
        assertClose(expected.meanSquare(), actual.meanSquare(), relative);
        for (int row = 0; row < 4; row++) {
            assertClose(expected.singularValueSpread()[row], actual.singularValueSpread()[row], relative);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(Path file) throws Exception {
        return (Map<String, Object>) JsonParser.parse(Files.readString(file), file.toString());
    }

    /**
     * The same keys and texts, and every number within {@code tolerance} (0: the same double), except the run facts
     * (timing, device).
     */
    public static void assertSameJson(Object expected, Object actual, double tolerance, String where) {
        if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = (Map<?, ?>) actual;
            assertEquals(e.keySet(), a.keySet(), where);
            for (Object k : e.keySet()) {
                if (!RUN_FACTS.contains(k)) {
                    assertSameJson(e.get(k), a.get(k), tolerance, where + "." + k);
                }
            }
        } else if (expected instanceof List<?> e) {
            List<?> a = (List<?>) actual;
            assertEquals(e.size(), a.size(), where);
            for (int i = 0; i < e.size(); i++) {
                assertSameJson(e.get(i), a.get(i), tolerance, where + "[" + i + "]");
            }
        } else if (expected instanceof Double e) {
            assertEquals(e, (Double) actual, tolerance, where);
        } else {
            assertEquals(expected, actual, where);
        }
    }
}
