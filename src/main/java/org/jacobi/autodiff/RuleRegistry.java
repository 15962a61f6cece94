package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.rules.ConvRules;
import org.jacobi.autodiff.rules.EinsumRule;
import org.jacobi.autodiff.rules.ElementwiseRules;
import org.jacobi.autodiff.rules.LinearAlgebraRules;
import org.jacobi.autodiff.rules.NormalizationRules;
import org.jacobi.autodiff.rules.PoolRules;
import org.jacobi.autodiff.rules.RearrangeRules;
import org.jacobi.autodiff.rules.ReduceRules;
import org.jacobi.autodiff.rules.ResizeRules;
import org.jacobi.autodiff.rules.ScatterGatherRules;
import org.jacobi.autodiff.rules.ShapeRules;
import org.jacobi.autodiff.rules.SoftmaxRules;

/**
 * Derivative rules by ONNX operator type and opset range (default domain only). The standard registry is
 * one explicit list, so the operator coverage can be read in one place and tested row by row.
 */
public final class RuleRegistry {
    private record Entry(int minOpset, int maxOpset, Rule rule) {
    }

    private final Map<String, List<Entry>> rules = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    /** Registers {@code rule} for opsets {@code minOpset..maxOpset} (inclusive). */
    public RuleRegistry add(String opType, int minOpset, int maxOpset, Rule rule) {
        rules.computeIfAbsent(opType, k -> new ArrayList<>()).add(new Entry(minOpset, maxOpset, rule));
        return this;
    }

    public RuleRegistry add(String opType, Rule rule) {
        return add(opType, 1, Integer.MAX_VALUE, rule);
    }

    /** The rule for an operator at an opset, or null. */
    public Rule find(String domain, String opType, int opset) {
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            return null;
        }
        for (Entry e : rules.getOrDefault(opType, List.of())) {
            if (opset >= e.minOpset && opset <= e.maxOpset) {
                return e.rule;
            }
        }
        return null;
    }

    /** Records what a user should know about an operator's rules (their limits), for the generated docs. */
    public RuleRegistry note(String opType, String text) {
        notes.put(opType, text);
        return this;
    }

    /** The note on an operator, or "". */
    public String note(String opType) {
        return notes.getOrDefault(opType, "");
    }

    /** One opset range of an operator's rules, and whether a derivative flows through it. */
    public record Coverage(int minOpset, int maxOpset, boolean differentiable) {
    }

    /** The opset ranges an operator has rules for, in registration order (for the generated docs). */
    public List<Coverage> coverage(String opType) {
        return rules.getOrDefault(opType, List.of()).stream()
            .map(e -> new Coverage(e.minOpset, e.maxOpset, e.rule.differentiable())).toList();
    }

    /** Every operator type with a rule. */
    public Set<String> operators() {
        return rules.keySet();
    }

    private static final RuleRegistry STANDARD = buildStandard();

    public static RuleRegistry standard() {
        return STANDARD;
    }

    private static RuleRegistry buildStandard() {
        RuleRegistry r = new RuleRegistry();
        // Linear algebra
        r.add("Gemm", LinearAlgebraRules.GEMM);
        r.add("MatMul", LinearAlgebraRules.MATMUL);
        // Elementwise arithmetic
        r.add("Add", ElementwiseRules.ADD);
        r.add("Sub", ElementwiseRules.SUB);
        r.add("Mul", ElementwiseRules.MUL);
        r.add("Div", ElementwiseRules.DIV);
        r.add("Pow", ElementwiseRules.POW);
        r.add("Min", ElementwiseRules.MIN_MAX);
        r.add("Max", ElementwiseRules.MIN_MAX);
        r.add("Sum", ElementwiseRules.SUM);
        r.add("Mean", ElementwiseRules.MEAN);
        r.add("Where", ElementwiseRules.WHERE);
        r.add("Neg", ElementwiseRules.NEG);
        r.add("Sqrt", ElementwiseRules.SQRT);
        r.add("Reciprocal", ElementwiseRules.RECIPROCAL);
        r.add("Exp", ElementwiseRules.EXP);
        r.add("Log", ElementwiseRules.LOG);
        r.add("Abs", ElementwiseRules.ABS);
        r.add("Sin", ElementwiseRules.SIN);
        r.add("Cos", ElementwiseRules.COS);
        // Activations
        r.add("Tanh", ElementwiseRules.TANH);
        r.add("Sigmoid", ElementwiseRules.SIGMOID);
        r.add("Relu", ElementwiseRules.RELU);
        r.add("LeakyRelu", ElementwiseRules.LEAKY_RELU);
        r.add("PRelu", ElementwiseRules.PRELU);
        r.add("Elu", ElementwiseRules.ELU);
        r.add("Selu", ElementwiseRules.SELU);
        r.add("Softplus", ElementwiseRules.SOFTPLUS);
        r.add("Erf", ElementwiseRules.ERF);
        r.add("Gelu", ElementwiseRules.GELU);
        r.add("HardSigmoid", ElementwiseRules.HARD_SIGMOID);
        r.add("HardSwish", ElementwiseRules.HARD_SWISH);
        r.add("Clip", ElementwiseRules.CLIP);
        r.add("Softmax", 1, 12, SoftmaxRules.SOFTMAX_COERCED);
        r.add("Softmax", 13, Integer.MAX_VALUE, SoftmaxRules.SOFTMAX);
        r.add("LogSoftmax", 1, 12, SoftmaxRules.LOG_SOFTMAX_COERCED);
        r.add("LogSoftmax", 13, Integer.MAX_VALUE, SoftmaxRules.LOG_SOFTMAX);
        // Convolution, pooling, normalisation
        r.add("Conv", ConvRules.CONV);
        r.add("ConvTranspose", ConvRules.CONV_TRANSPOSE);
        r.add("MaxPool", PoolRules.MAX_POOL);
        r.add("AveragePool", PoolRules.AVERAGE_POOL);
        r.add("GlobalAveragePool", PoolRules.GLOBAL_AVERAGE_POOL);
        r.add("Resize", 11, Integer.MAX_VALUE, ResizeRules.RESIZE);
        r.add("BatchNormalization", NormalizationRules.BATCH_NORMALIZATION);
        r.add("InstanceNormalization", NormalizationRules.INSTANCE_NORMALIZATION);
        r.add("LayerNormalization", NormalizationRules.LAYER_NORMALIZATION);
        // Shapes and data movement
        r.add("Reshape", ShapeRules.RESHAPE_LIKE);
        r.add("Flatten", ShapeRules.RESHAPE_LIKE);
        r.add("Squeeze", ShapeRules.RESHAPE_LIKE);
        r.add("Unsqueeze", ShapeRules.RESHAPE_LIKE);
        r.add("Identity", ShapeRules.IDENTITY);
        r.add("Dropout", ShapeRules.IDENTITY);
        r.add("Cast", ShapeRules.CAST);
        r.add("Transpose", ShapeRules.TRANSPOSE);
        r.add("Concat", ShapeRules.CONCAT);
        r.add("Split", ShapeRules.SPLIT);
        r.add("Slice", ShapeRules.SLICE);
        r.add("Gather", ShapeRules.GATHER);
        r.add("Expand", ShapeRules.EXPAND);
        r.add("Tile", ShapeRules.TILE);
        r.add("Pad", ShapeRules.PAD);
        r.add("ReduceSum", ShapeRules.REDUCE_SUM);
        r.add("ReduceMean", ShapeRules.REDUCE_MEAN);
        r.add("ReduceMax", ShapeRules.REDUCE_MAX);
        // Operators of real exports (issue 11)
        r.add("Einsum", EinsumRule.EINSUM);
        r.add("ReduceL1", ReduceRules.REDUCE_L1);
        r.add("ReduceL2", ReduceRules.REDUCE_L2);
        r.add("ReduceLogSumExp", ReduceRules.REDUCE_LOG_SUM_EXP);
        r.add("ReduceLogSum", ReduceRules.REDUCE_LOG_SUM);
        r.add("ReduceSumSquare", ReduceRules.REDUCE_SUM_SQUARE);
        r.add("ReduceProd", ReduceRules.REDUCE_PROD);
        r.add("ReduceMin", ReduceRules.REDUCE_MIN);
        r.add("GlobalMaxPool", ReduceRules.GLOBAL_MAX_POOL);
        r.add("CumSum", RearrangeRules.CUM_SUM);
        r.add("Trilu", RearrangeRules.TRILU);
        r.add("DepthToSpace", RearrangeRules.DEPTH_TO_SPACE);
        r.add("SpaceToDepth", RearrangeRules.SPACE_TO_DEPTH);
        r.add("GatherElements", ScatterGatherRules.GATHER_ELEMENTS);
        r.add("GatherND", ScatterGatherRules.GATHER_ND);
        r.add("ScatterElements", ScatterGatherRules.SCATTER_ELEMENTS);
        r.add("ScatterND", ScatterGatherRules.SCATTER_ND);
        r.add("TopK", 10, Integer.MAX_VALUE, ScatterGatherRules.TOP_K);
        r.add("Tan", ElementwiseRules.TAN);
        r.add("Atan", ElementwiseRules.ATAN);
        r.add("Asin", ElementwiseRules.ASIN);
        r.add("Acos", ElementwiseRules.ACOS);
        r.add("Sinh", ElementwiseRules.SINH);
        r.add("Cosh", ElementwiseRules.COSH);
        r.add("Asinh", ElementwiseRules.ASINH);
        r.add("Acosh", ElementwiseRules.ACOSH);
        r.add("Atanh", ElementwiseRules.ATANH);
        r.add("Softsign", ElementwiseRules.SOFTSIGN);
        r.add("Celu", ElementwiseRules.CELU);
        r.add("Mish", ElementwiseRules.MISH);
        r.add("ThresholdedRelu", ElementwiseRules.THRESHOLDED_RELU);
        r.add("Shrink", ElementwiseRules.SHRINK);
        r.add("Mod", ElementwiseRules.MOD);
        r.add("CastLike", ShapeRules.CAST);
        r.add("GroupNormalization", 18, Integer.MAX_VALUE, NormalizationRules.GROUP_NORMALIZATION);
        r.add("LpNormalization", NormalizationRules.LP_NORMALIZATION);
        r.add("MeanVarianceNormalization", NormalizationRules.MEAN_VARIANCE_NORMALIZATION);
        r.note("Einsum", "ellipsis dimensions must not broadcast (size 1 against a larger size)");
        r.note("ScatterElements", "with respect to data and updates; reduction none or add");
        r.note("ScatterND", "with respect to data and updates; reduction none or add, or mul with distinct constant indices");
        r.note("TopK", "the values; the indices carry no derivative");
        r.note("Mod", "floats (fmod 1); integer Mod carries no derivative");
        r.note("LpNormalization", "p 1 or 2");
        r.note("GroupNormalization", "with respect to the input; scale and bias held fixed");
        r.note("CastLike", "like Cast; the type template carries no derivative");
        r.note("Resize", "with respect to X; roi and scales set the sampling grid and are not differentiated");
        r.note("BatchNormalization", "inference mode; also with respect to scale, bias, mean and var");
        r.note("ConvTranspose", "weights differentiated for one group");
        for (String op : List.of("Min", "Max", "ReduceMin", "ReduceMax", "GlobalMaxPool")) {
            r.note(op, "tied elements share the derivative");
        }
        // Control flow: If here; Loop and Scan are unrolled before (expand.LoopUnrolling) and reach a rule only when not
        r.add("If", IfRule.IF);
        r.add("Loop", ControlFlow.NOT_UNROLLED);
        r.add("Scan", ControlFlow.NOT_UNROLLED);
        r.note("If", "both branches differentiated, the derivative an If on the same condition; values of enclosing "
            + "graphs read inside a branch are dependencies at any depth; both branches must run on the probe's inputs; "
            + "LSTM, GRU and RNN inside a branch are expanded, and Loop and Scan unrolled, as in the main graph");
        r.note("Loop", "unrolled, in the main graph and in If branches at any depth, when the trip count is a known "
            + "constant and the loop condition stays true, then the recurrent layers and loops of its body in turn; "
            + "refused otherwise");
        r.note("Scan", "unrolled, in the main graph and in If branches at any depth (the trip count is the scanned "
            + "length, known from the input shapes), then the recurrent layers and loops of its body in turn");
        // Integer, boolean and random operators: their outputs carry no derivative
        for (String op : List.of("BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot", "NonZero", "EyeLike",
            "Hardmax", "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli", "HannWindow",
            "HammingWindow", "BlackmanWindow")) {
            r.add(op, Rule.NON_DIFFERENTIABLE);
        }
        // No derivative flows through these
        for (String op : List.of("Constant", "Shape", "Size", "ConstantOfShape", "Range", "Equal", "Less", "LessOrEqual",
            "Greater", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf", "Sign", "Floor", "Ceil", "Round",
            "ArgMax", "ArgMin")) {
            r.add(op, Rule.NON_DIFFERENTIABLE);
        }
        return r;
    }
}
