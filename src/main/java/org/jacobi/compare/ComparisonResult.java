package org.jacobi.compare;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.analysis.SingularValues;
import org.jacobi.analysis.TensorLabels;
import org.jacobi.analysis.ValueScale;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ModelInfo;

/**
 * Two models at the same inputs: their outputs, their per-sample Jacobians and the difference A − B, both
 * input rankings, and the summary numbers. Made by {@link ModelComparison#compare}.
 *
 * @param modelA model A's description
 * @param modelB model B's description
 * @param inputs the inputs both models were run at, by model A's names, batch axis included
 * @param inputPairs model A's input name to the name of the input of B that got the same values
 * @param outputs every output the two models share (paired by {@link NameMapping}), in A's order
 * @param jacobianA d(of)/d(wrt) of model A
 * @param jacobianB the same derivative of model B, same layout {@code [batch, *out, *in]}
 * @param jacobianDifference A − B, float32, the layout of {@code jacobianA}
 * @param maxAbsJacobianA max |J_A| over all samples and entries
 * @param maxAbsJacobianB max |J_B|
 * @param maxAbsJacobianDifference max |J_A − J_B|, computed in double from the float entries
 * @param ranking every input element, ordered by model A's rank
 * @param inputLabels names of one sample's wrt elements from model A's metadata, or null for indices
 * @param outputLabels names of one sample's output elements, or null
 * @param notes how names were paired where that was not by equal names (for the user to see)
 * @param warnings both engines' warnings (finite-difference fallbacks, CPU fallbacks), prefixed with A or B
 */
public record ComparisonResult(ModelInfo modelA, ModelInfo modelB, Map<String, Tensor> inputs,
                               Map<String, String> inputPairs,
                               List<OutputDifference> outputs, JacobianResult jacobianA, JacobianResult jacobianB,
                               Tensor jacobianDifference, double maxAbsJacobianA, double maxAbsJacobianB,
                               double maxAbsJacobianDifference, List<RankChange> ranking, List<String> inputLabels,
                               List<String> outputLabels, List<String> notes, List<String> warnings) {
    public ComparisonResult {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        inputPairs = Collections.unmodifiableMap(new LinkedHashMap<>(inputPairs));
        outputs = List.copyOf(outputs);
        ranking = List.copyOf(ranking);
        inputLabels = inputLabels == null ? null : List.copyOf(inputLabels);
        outputLabels = outputLabels == null ? null : List.copyOf(outputLabels);
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }

    /** max |y_A − y_B| over every shared output and element: the JSON's {@code max_abs_output_difference}. */
    public double maxAbsOutputDifference() {
        return outputs.stream().mapToDouble(OutputDifference::maxAbsDifference).max().orElse(0);
    }

    /**
     * max |J_A − J_B| / max |J_A|: the JSON's {@code max_rel_jacobian_difference}. 0 when both Jacobians are
     * zero, infinite when only A's is.
     */
    public double maxRelJacobianDifference() {
        return OutputDifference.relative(maxAbsJacobianDifference, maxAbsJacobianA);
    }

    /** The differentiated output of both models. */
    public OutputDifference differentiatedOutput() {
        return outputs.stream().filter(o -> o.nameA().equals(jacobianA.of())).findFirst().orElseThrow();
    }

    /**
     * One signed colour scale for the heatmaps of A, B and A − B, so equal colours mean equal values:
     * symmetric around zero, reaching the largest magnitude of the three.
     */
    public ValueScale sharedScale(boolean symlog) {
        double m = Math.max(maxAbsJacobianDifference, Math.max(maxAbsJacobianA, maxAbsJacobianB));
        if (!(m > 0) || !Double.isFinite(m)) {
            m = 1;
        }
        return new ValueScale(-m, m, symlog, m * 1e-3);
    }

    public int samples() {
        return jacobianA.samples();
    }

    /** One sample's A − B as an {@code [n_out, n_in]} row-major matrix. */
    public double[] differenceMatrix(int sample) {
        int n = jacobianA.outputsPerSample() * jacobianA.inputsPerSample();
        float[] d = jacobianDifference.floats();
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = d[sample * n + i];
        }
        return m;
    }

    /** Per output element of one sample: max |J_A − J_B| over samples and inputs. */
    public double[] maxAbsJacobianDifferencePerOutput() {
        return rowMaxima(jacobianDifference.floats());
    }

    /** Per output element: max |J_A| over samples and inputs (the scale of the row's difference). */
    public double[] maxAbsJacobianPerOutputA() {
        return rowMaxima(jacobianA.jacobian().floats());
    }

    private double[] rowMaxima(float[] values) {
        int nOut = jacobianA.outputsPerSample();
        int nIn = jacobianA.inputsPerSample();
        double[] max = new double[nOut];
        for (int b = 0; b < samples(); b++) {
            for (int o = 0; o < nOut; o++) {
                int base = (b * nOut + o) * nIn;
                for (int i = 0; i < nIn; i++) {
                    max[o] = Math.max(max[o], Math.abs(values[base + i]));
                }
            }
        }
        return max;
    }

    /** Whether one sample's Jacobian is small enough for {@link #singularValuesA}/{@link #singularValuesB}. */
    public boolean singularValuesFeasible() {
        return (long) jacobianA.outputsPerSample() * jacobianA.inputsPerSample() <= SingularValues.MAX_ENTRIES;
    }

    /** Singular values of model A's Jacobian at {@code sample}, largest first. */
    public double[] singularValuesA(int sample) {
        return SingularValues.of(jacobianA, sample);
    }

    /** Singular values of model B's Jacobian at {@code sample}, largest first. */
    public double[] singularValuesB(int sample) {
        return SingularValues.of(jacobianB, sample);
    }

    /** The label of one sample's input element {@code index}: "x[angle]" from model A's labels, or "x[0, 3, 4]". */
    public String inputLabel(int index) {
        return label(jacobianA.wrt(), inputLabels, jacobianA.sampleInputShape(), index);
    }

    /** The label of one sample's output element {@code index}: "y[cat]", or "y[3]". */
    public String outputLabel(int index) {
        return label(jacobianA.of(), outputLabels, jacobianA.sampleOutputShape(), index);
    }

    static String label(String tensor, List<String> labels, long[] shape, int index) {
        return labels != null ? tensor + "[" + labels.get(index) + "]" : TensorLabels.label(tensor, shape, index);
    }
}
