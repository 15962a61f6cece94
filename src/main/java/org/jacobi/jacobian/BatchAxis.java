package org.jacobi.jacobian;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Dim;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * Which axis holds independent samples. {@code AUTO}: axis 0 when the model declares it dynamic (ONNX)
 * or always (TorchScript, which declares nothing); {@code ZERO}: axis 0; {@code NONE}: the whole tensor
 * is one sample, so operators that mix axis 0 get their true Jacobian. Any of them may also state the axis of named
 * inputs ({@code --batch-axis state=1}, or the app's model summary), over what the model's shapes say.
 */
public final class BatchAxis {
    private enum Kind { AUTO, ZERO, NONE }

    public static final BatchAxis AUTO = new BatchAxis(Kind.AUTO, Map.of());
    public static final BatchAxis ZERO = new BatchAxis(Kind.ZERO, Map.of());
    public static final BatchAxis NONE = new BatchAxis(Kind.NONE, Map.of());

    /** An input's stated axis: {@link #NO_AXIS} when it holds no samples. */
    public static final int NO_AXIS = -1;

    private final Kind kind;
    private final Map<String, Integer> stated;

    private BatchAxis(Kind kind, Map<String, Integer> stated) {
        this.kind = kind;
        this.stated = Map.copyOf(stated);
    }

    /** This rule with input {@code name}'s batch axis stated: {@code axis}, or {@link #NO_AXIS}. */
    public BatchAxis withInput(String name, int axis) {
        Map<String, Integer> m = new LinkedHashMap<>(stated);
        m.put(name, axis);
        return new BatchAxis(kind, m);
    }

    /**
     * This rule for the work that stacks the samples of the input it differentiates on axis 0 (attribution): axis 0 for
     * every input it states nothing about, as {@link #ZERO}, the stated axes kept; {@code none} stays none.
     */
    public BatchAxis onAxisZero() {
        return kind == Kind.NONE ? this : new BatchAxis(Kind.ZERO, stated);
    }

    /** The axes stated for named inputs. */
    public Map<String, Integer> stated() {
        return stated;
    }

    /** True when axis 0 is the batch for this input (the one differentiated). */
    public boolean isBatched(ModelFormat format, TensorSpec wrt) {
        Integer axis = stated.get(wrt.name());
        if (axis != null) {
            return axis == 0; // on another axis: the whole Jacobian, cut into samples after (SampleBlocks)
        }
        switch (kind) {
            case ZERO: return true;
            case NONE: return false;
            default:
                return format == ModelFormat.TORCHSCRIPT || wrt.dims() == null || wrt.hasDynamicLeadingAxis();
        }
    }

    /**
     * True when axis 0 is the batch of {@code value}, a value inside the graph: for AUTO, when some input whose axis 0
     * the model declares dynamic has as many rows.
     */
    public boolean isBatchedInside(ModelInfo info, Map<String, Tensor> inputs, Tensor value) {
        if (kind != Kind.AUTO) {
            return kind == Kind.ZERO;
        }
        return info.inputs().stream().anyMatch(spec -> (spec.dims() == null || spec.hasDynamicLeadingAxis())
            && inputs.get(spec.name()) != null && inputs.get(spec.name()).rank() > 0
            && inputs.get(spec.name()).dim(0) == value.dim(0));
    }

    /**
     * Each input's batch axis as the model's shapes say (axis 0 when dynamic; else the axis that bears the name of the
     * other inputs' batch axis, as a state [layers, batch, hidden] does), or as stated; {@link #NO_AXIS} for none. What
     * the engines slice by when the request is batched ({@link ResolvedRequest#batchAxisOf}), shown before any run.
     */
    public Map<String, Integer> axesOf(ModelInfo info) {
        String symbol = batchSymbol(info);
        Map<String, Integer> axes = new LinkedHashMap<>();
        for (TensorSpec spec : info.inputs()) {
            int axis;
            if (kind == Kind.NONE || spec.dims() != null && spec.dims().isEmpty()) {
                axis = NO_AXIS;
            } else if (kind == Kind.ZERO || spec.dims() == null || spec.hasDynamicLeadingAxis()) {
                axis = 0;
            } else {
                axis = namedAxis(spec, symbol);
            }
            axes.put(spec.name(), stated.getOrDefault(spec.name(), axis));
        }
        return axes;
    }

    /**
     * The axis of output {@code of} that holds the samples as the model's shapes say: 0 when its axis 0 is dynamic or
     * undeclared, else the axis that bears the name of the inputs' batch axis (a state [layers, batch, hidden] the model
     * returns); {@link #NO_AXIS} when none does or {@code of} is no output of the model.
     */
    public static int outputAxis(ModelInfo info, String of) {
        TensorSpec spec = info.output(of);
        if (spec == null) {
            return NO_AXIS;
        }
        return spec.dims() == null || spec.hasDynamicLeadingAxis() ? 0 : namedAxis(spec, batchSymbol(info));
    }

    /** The name the model gives its inputs' dynamic axis 0, or null. */
    private static String batchSymbol(ModelInfo info) {
        return info.inputs().stream().filter(TensorSpec::hasDynamicLeadingAxis).map(s -> s.dims().get(0).symbol())
            .filter(s -> s != null && !s.isEmpty()).findFirst().orElse(null);
    }

    private static int namedAxis(TensorSpec spec, String symbol) {
        for (int axis = 1; symbol != null && axis < spec.dims().size(); axis++) {
            Dim d = spec.dims().get(axis);
            if (d.isDynamic() && symbol.equals(d.symbol())) {
                return axis;
            }
        }
        return NO_AXIS;
    }

    /** An axis as the options write it: its number, or none. */
    public static String label(int axis) {
        return axis == NO_AXIS ? "none" : Integer.toString(axis);
    }

    public static BatchAxis parse(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "auto": return AUTO;
            case "0": case "zero": return ZERO;
            case "none": return NONE;
            default: throw JacobiException.usage("Unknown --batch-axis '" + text + "'. Use 0, none or NAME=AXIS (e.g. state=1).");
        }
    }

    /**
     * The rule the {@code --batch-axis} options give, each one of: auto, 0, none (for every input), or NAME=AXIS with
     * AXIS a number or none (for one input; the option repeats).
     */
    public static BatchAxis parse(List<String> options) {
        BatchAxis axis = AUTO;
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq < 0) {
                BatchAxis all = parse(option.strip());
                axis = new BatchAxis(all.kind, axis.stated);
                continue;
            }
            String name = option.substring(0, eq).strip();
            String value = option.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw JacobiException.usage("--batch-axis " + option + ": name the input before '=', e.g. state=1.");
            }
            try {
                int n = value.equals("none") ? NO_AXIS : Integer.parseInt(value);
                if (n < NO_AXIS) {
                    throw new NumberFormatException();
                }
                axis = axis.withInput(name, n);
            } catch (NumberFormatException e) {
                throw JacobiException.usage("--batch-axis " + option + ": the axis must be a number from 0 or none, e.g. state=1.");
            }
        }
        return axis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchAxis b && b.kind == kind && b.stated.equals(stated);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + stated.hashCode();
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + (stated.isEmpty() ? "" : " " + stated);
    }
}
