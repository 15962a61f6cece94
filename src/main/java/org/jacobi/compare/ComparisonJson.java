package org.jacobi.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ModelInfo;

/**
 * A comparison as a JSON tree ({@link org.jacobi.io.Json} writes it): the three summary numbers at the top,
 * then per-output details, per-output-element Jacobian differences, both rankings and singular values.
 * Infinite ratios (A's Jacobian all zero but B's not) become {@code null}.
 */
public final class ComparisonJson {
    /** Samples whose singular values are listed, at most. */
    public static final int MAX_SPECTRA = 16;

    private ComparisonJson() {
    }

    public static Map<String, Object> of(ComparisonResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_abs_output_difference", r.maxAbsOutputDifference());
        m.put("max_abs_jacobian_difference", r.maxAbsJacobianDifference());
        m.put("max_rel_jacobian_difference", r.maxRelJacobianDifference());
        m.put("max_abs_jacobian_a", r.maxAbsJacobianA());
        m.put("max_abs_jacobian_b", r.maxAbsJacobianB());
        m.put("model_a", model(r.modelA(), r.jacobianA()));
        m.put("model_b", model(r.modelB(), r.jacobianB()));
        m.put("inputs", r.inputPairs());
        m.put("wrt", ordered("a", r.jacobianA().wrt(), "b", r.jacobianB().wrt()));
        m.put("of", ordered("a", r.jacobianA().of(), "b", r.jacobianB().of()));
        m.put("samples", r.samples());
        m.put("jacobian_shape", r.jacobianA().jacobian().shape());
        List<Object> outputs = new ArrayList<>();
        for (OutputDifference o : r.outputs()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name_a", o.nameA());
            e.put("name_b", o.nameB());
            e.put("shape", o.valueA().shape());
            e.put("max_abs_difference", o.maxAbsDifference());
            e.put("max_rel_difference", o.maxRelDifference());
            e.put("max_abs_a", o.maxAbsA());
            e.put("largest_difference_at", Tensor.unravel(o.worstIndex(), o.valueA().shape()));
            outputs.add(e);
        }
        m.put("outputs", outputs);
        double[] diffPerOutput = r.maxAbsJacobianDifferencePerOutput();
        double[] aPerOutput = r.maxAbsJacobianPerOutputA();
        List<Object> rows = new ArrayList<>();
        for (int o = 0; o < diffPerOutput.length; o++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("output", r.outputLabel(o));
            e.put("max_abs_jacobian_difference", diffPerOutput[o]);
            e.put("max_abs_jacobian_a", aPerOutput[o]);
            e.put("max_rel_jacobian_difference", OutputDifference.relative(diffPerOutput[o], aPerOutput[o]));
            rows.add(e);
        }
        m.put("jacobian_per_output", rows);
        List<Object> ranking = new ArrayList<>();
        for (RankChange c : r.ranking()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("input", c.label());
            e.put("index", c.index());
            e.put("rank_a", c.rankA());
            e.put("rank_b", c.rankB());
            e.put("rank_change", c.change());
            e.put("mean_abs_jacobian_a", c.meanAbsA());
            e.put("mean_abs_jacobian_b", c.meanAbsB());
            ranking.add(e);
        }
        m.put("ranking", ranking);
        if (r.singularValuesFeasible()) {
            List<Object> spectra = new ArrayList<>();
            for (int s = 0; s < Math.min(MAX_SPECTRA, r.samples()); s++) {
                if (finite(r.jacobianA(), s) && finite(r.jacobianB(), s)) {
                    Map<String, Object> e = ordered("sample", s, "a", r.singularValuesA(s));
                    e.put("b", r.singularValuesB(s));
                    spectra.add(e);
                }
            }
            m.put("singular_values", spectra);
        }
        m.put("notes", r.notes());
        m.put("warnings", r.warnings());
        return m;
    }

    private static Map<String, Object> model(ModelInfo info, JacobianResult j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", info.fileName());
        m.put("path", info.path().toAbsolutePath().toString());
        m.put("format", info.format().displayName());
        m.put("backend", j.backend());
        m.put("device", j.device());
        m.put("mode", j.mode().label());
        m.put("exact", j.exact());
        return m;
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    static boolean finite(JacobianResult j, int sample) {
        for (double v : j.sampleMatrix(sample)) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
