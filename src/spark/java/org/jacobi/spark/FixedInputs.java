package org.jacobi.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.TensorProtos;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;

/**
 * A model of several inputs turned into a model of one, {@code wrt}: every other input is held at one given sample
 * and becomes part of the graph. An input without a batch axis becomes an initializer; one with a dynamic batch
 * axis becomes a one-row initializer that {@code Expand} repeats to the batch size of {@code wrt}, as the
 * single-process commands repeat a fixed input for every sample. The jobs then differentiate and run the one-input
 * model unchanged, on every executor, with nothing more to ship.
 */
public final class FixedInputs {
    private static final String PREFIX = "jacobi_fixed_";

    private FixedInputs() {
    }

    /**
     * The model with only {@code wrt} as input, or {@code model} itself when it has one input and nothing is fixed.
     *
     * @param wrt the input to keep, or null for the first
     * @param fixed one sample of every other input ({@code [1, *sample]} or {@code [*sample]} for a batched input)
     */
    public static OnnxModel bake(OnnxModel model, String wrt, Map<String, Tensor> fixed) {
        List<TensorSpec> inputs = model.info().inputs();
        String keep = wrt != null ? wrt : inputs.get(0).name();
        if (model.info().input(keep) == null) {
            throw JacobiException.usage(model.info().fileName() + " has no input '" + keep + "'; its inputs are "
                + inputs.stream().map(TensorSpec::name).toList() + ".");
        }
        for (String name : fixed.keySet()) {
            if (name.equals(keep) || model.info().input(name) == null) {
                throw JacobiException.usage("--fixed " + name + ": " + (name.equals(keep) ? "that is the input the job varies"
                    : model.info().fileName() + " has no such input") + "; fix the other inputs: "
                    + inputs.stream().map(TensorSpec::name).filter(n -> !n.equals(keep)).toList() + ".");
            }
        }
        List<String> missing = inputs.stream().map(TensorSpec::name).filter(n -> !n.equals(keep) && !fixed.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw JacobiException.usage(model.info().fileName() + " has " + inputs.size() + " inputs: give one sample of "
                + "each input the job does not vary, --fixed " + missing.get(0) + "=FILE.npy" + (missing.size() > 1
                ? " (and " + missing.subList(1, missing.size()) + ")" : "") + ".");
        }
        if (fixed.isEmpty()) {
            return model;
        }
        Onnx.ModelProto proto = model.proto();
        Onnx.GraphProto.Builder graph = proto.getGraph().toBuilder();
        graph.clearInput();
        for (Onnx.ValueInfoProto input : proto.getGraph().getInputList()) {
            if (!fixed.containsKey(input.getName())) {
                graph.addInput(input);
            }
        }
        List<Onnx.TensorProto> initializers = new ArrayList<>(graph.getInitializerList());
        initializers.removeIf(t -> fixed.containsKey(t.getName()));
        graph.clearInitializer().addAllInitializer(initializers);
        List<Onnx.NodeProto> nodes = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : fixed.entrySet()) {
            TensorSpec spec = model.info().input(e.getKey());
            long[] sample = sampleShape(spec, e.getValue(), model.info().fileName());
            if (spec.hasDynamicLeadingAxis()) {
                requireOpset(proto, model.info().fileName());
                String name = e.getKey();
                long[] oneRow = concat(new long[] {1}, sample);
                graph.addInitializer(constant(PREFIX + name, spec, e.getValue(), oneRow, model.info().fileName()));
                graph.addInitializer(TensorProtos.ints(PREFIX + name + "_zero", new long[] {0}, 1));
                graph.addInitializer(TensorProtos.ints(PREFIX + name + "_one", new long[] {1}, 1));
                graph.addInitializer(TensorProtos.ints(PREFIX + name + "_sample_shape", sample, sample.length));
                nodes.add(node("Shape", PREFIX + name + "_wrt_shape", keep));
                nodes.add(node("Slice", PREFIX + name + "_batch", PREFIX + name + "_wrt_shape", PREFIX + name + "_zero",
                    PREFIX + name + "_one"));
                nodes.add(node("Concat", PREFIX + name + "_shape", PREFIX + name + "_batch", PREFIX + name + "_sample_shape")
                    .toBuilder().addAttribute(Onnx.AttributeProto.newBuilder().setName("axis").setI(0)
                        .setType(Onnx.AttributeProto.AttributeType.INT)).build());
                nodes.add(node("Expand", name, PREFIX + name, PREFIX + name + "_shape"));
            } else {
                graph.addInitializer(constant(e.getKey(), spec, e.getValue(), sample, model.info().fileName()));
            }
        }
        nodes.addAll(proto.getGraph().getNodeList());
        graph.clearNode().addAllNode(nodes);
        Onnx.ModelProto baked = proto.toBuilder().setGraph(graph).build();
        return OnnxModel.fromProto(model.path(), baked, DevicePreference.CPU);
    }

    /** The shape of one sample of {@code spec} that {@code value} holds, checked against the input's fixed axes. */
    private static long[] sampleShape(TensorSpec spec, Tensor value, String file) {
        long[] shape = value.shape();
        int axes = spec.hasShape() ? spec.dims().size() - (spec.hasDynamicLeadingAxis() ? 1 : 0) : shape.length;
        if (spec.hasDynamicLeadingAxis() && shape.length == axes + 1) {
            if (shape[0] != 1) {
                throw JacobiException.usage("--fixed " + spec.name() + " holds " + shape[0] + " samples; give one (shape "
                    + sampleText(spec) + ").");
            }
            shape = Arrays.copyOfRange(shape, 1, shape.length);
        }
        boolean fits = shape.length == axes;
        for (int i = 0; fits && spec.hasShape() && i < axes; i++) {
            long size = spec.dims().get(spec.dims().size() - axes + i).size();
            fits = size < 0 || size == shape[i];
        }
        if (!fits) {
            throw JacobiException.usage("--fixed " + spec.name() + " has shape " + Tensor.shapeToString(value.shape())
                + ", but input '" + spec.name() + "' of " + file + " takes one sample of shape " + sampleText(spec) + ".");
        }
        return shape;
    }

    private static String sampleText(TensorSpec spec) {
        return spec.hasDynamicLeadingAxis() ? "[1, " + spec.shapeText().substring(spec.shapeText().indexOf(',') + 1).trim()
            : spec.shapeText();
    }

    private static Onnx.TensorProto constant(String name, TensorSpec spec, Tensor value, long[] dims, String file) {
        ElementType type = spec.type();
        if (type == ElementType.FLOAT32 || type == ElementType.FLOAT64) {
            return TensorProtos.floats(name, type.onnxCode(), value.toDoubleArray(), dims);
        }
        if (type == ElementType.INT64) {
            return TensorProtos.ints(name, value.asType(ElementType.INT64).longs(), dims);
        }
        throw JacobiException.usage("Input '" + spec.name() + "' of " + file + " is " + spec.typeName()
            + "; --fixed takes float32, float64 and int64 inputs.");
    }

    /** Slice with its ranges as inputs and Expand need opset 10 of the default domain. */
    private static void requireOpset(Onnx.ModelProto proto, String file) {
        long opset = proto.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
            .mapToLong(Onnx.OperatorSetIdProto::getVersion).findFirst().orElse(0);
        if (opset < 10) {
            throw JacobiException.usage(file + " uses ONNX opset " + opset + "; holding an input fixed in the Spark job needs "
                + "opset 10 or later (re-export the model).");
        }
    }

    private static Onnx.NodeProto node(String op, String output, String... inputs) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(List.of(inputs)).addOutput(output).build();
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
