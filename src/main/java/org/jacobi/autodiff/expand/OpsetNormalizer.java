package org.jacobi.autodiff.expand;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.TensorProtos;
import org.jacobi.core.ElementType;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.onnx.proto.Onnx;

/**
 * Brings a model of any opset from {@value #OLDEST} on to one current form before it is differentiated, as
 * ONNX's version converter does: attributes that later became inputs (Slice, Pad, Split, Squeeze, Unsqueeze,
 * Clip, TopK, the Reduce family) become constant inputs, Upsample and Resize-10 become Resize, Dropout
 * becomes Identity, BatchNormalization loses its old attributes and unused outputs, coerced Softmax-style
 * operators become Flatten/op/Reshape. The result imports the default domain at opset {@value #TARGET} (or
 * the model's own, when newer), so derivative rules see one form and the differentiated graph may use every
 * operator of that opset (ScatterElements with reduction, for one). Other domains keep their imports.
 */
public final class OpsetNormalizer {
    private static final int FLOAT32 = ElementType.FLOAT32.onnxCode();
    private static final int FLOAT64 = ElementType.FLOAT64.onnxCode();
    /** The oldest default-domain opset read. */
    public static final int OLDEST = 7;
    /** The form every older model is brought to. */
    public static final int TARGET = 18;
    /** Opset {@value #TARGET} needs at least this IR version. */
    private static final int TARGET_IR = 8;

    private static final Set<String> REDUCE = Set.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
        "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    private static final Set<String> COERCED = Set.of("Softmax", "LogSoftmax", "Hardmax");

    private final int source;
    private final Set<String> taken = new HashSet<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> types = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private int counter;

    private OpsetNormalizer(int source) {
        this.source = source;
    }

    /** The default-domain opset a model imports (1 when it imports none). */
    public static int defaultOpset(Onnx.ModelProto model) {
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return (int) o.getVersion();
            }
        }
        return -1;
    }

    /** The model in the current form; the model itself when it already is. Never modifies {@code model}. */
    public static Onnx.ModelProto normalize(Onnx.ModelProto model) {
        int source = defaultOpset(model);
        if (source >= TARGET) {
            return model;
        }
        if (source < 0) {
            // No default-domain import: no default-domain node either; the derivative's own nodes need one.
            return model.toBuilder().addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(TARGET))
                .setIrVersion(Math.max(model.getIrVersion(), TARGET_IR)).build();
        }
        if (source < OLDEST) {
            throw new NotDifferentiableException("The model uses ONNX opset " + source + "; Jacobi differentiates opsets "
                + OLDEST + " and newer. Export the model again with a newer opset.");
        }
        OpsetNormalizer n = new OpsetNormalizer(source);
        n.collect(model.getGraph());
        Onnx.GraphProto graph = n.graph(model.getGraph());
        Onnx.ModelProto.Builder out = model.toBuilder().setGraph(graph).clearOpsetImport()
            .setIrVersion(Math.max(model.getIrVersion(), TARGET_IR));
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            boolean isDefault = o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
            out.addOpsetImport(isDefault ? o.toBuilder().setVersion(TARGET).build() : o);
        }
        return out.build();
    }

    /** Every name in use and every value consumed, in the graph and its subgraphs; declared types and ranks. */
    private void collect(Onnx.GraphProto g) {
        List<Onnx.ValueInfoProto> declared = new ArrayList<>(g.getInputList());
        declared.addAll(g.getOutputList());
        declared.addAll(g.getValueInfoList());
        for (Onnx.ValueInfoProto v : declared) {
            taken.add(v.getName());
            if (v.getType().hasTensorType()) {
                Onnx.TypeProto.Tensor t = v.getType().getTensorType();
                if (t.getElemType() != 0) {
                    types.put(v.getName(), t.getElemType());
                }
                if (t.hasShape()) {
                    ranks.put(v.getName(), t.getShape().getDimCount());
                }
            }
        }
        g.getOutputList().forEach(v -> used.add(v.getName()));
        for (Onnx.TensorProto t : g.getInitializerList()) {
            taken.add(t.getName());
            types.put(t.getName(), t.getDataType());
            ranks.put(t.getName(), t.getDimsCount());
        }
        for (Onnx.NodeProto node : g.getNodeList()) {
            taken.addAll(node.getOutputList());
            used.addAll(node.getInputList());
            for (Onnx.AttributeProto a : node.getAttributeList()) {
                if (a.hasG()) {
                    collect(a.getG());
                }
                a.getGraphsList().forEach(this::collect);
            }
        }
    }

    private Onnx.GraphProto graph(Onnx.GraphProto g) {
        List<Onnx.NodeProto> nodes = new ArrayList<>();
        List<Onnx.TensorProto> inits = new ArrayList<>();
        for (Onnx.NodeProto node : g.getNodeList()) {
            Onnx.NodeProto withSubgraphs = subgraphs(node);
            boolean isDefault = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
            List<Onnx.NodeProto> converted = isDefault ? convert(withSubgraphs, inits) : List.of(withSubgraphs);
            for (Onnx.NodeProto c : converted) {
                inferType(c);
            }
            nodes.addAll(converted);
        }
        return g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(inits).build();
    }

    private Onnx.NodeProto subgraphs(Onnx.NodeProto node) {
        boolean any = node.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        if (!any) {
            return node;
        }
        Onnx.NodeProto.Builder b = node.toBuilder().clearAttribute();
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            Onnx.AttributeProto.Builder ab = a.toBuilder();
            if (a.hasG()) {
                ab.setG(graph(a.getG()));
            }
            if (a.getGraphsCount() > 0) {
                ab.clearGraphs();
                a.getGraphsList().forEach(sub -> ab.addGraphs(graph(sub)));
            }
            b.addAttribute(ab);
        }
        return b.build();
    }

    // ---- conversions ----

    /** The node in the target form: itself, or the nodes that replace it (constants go to {@code inits}). */
    private List<Onnx.NodeProto> convert(Onnx.NodeProto node, List<Onnx.TensorProto> inits) {
        String op = node.getOpType();
        Context c = new Context(node, inits);
        switch (op) {
            case "Slice":
                return source < 10 ? List.of(c.attrsToInputs(List.of("starts", "ends", "axes"))) : List.of(node);
            case "Squeeze":
            case "Unsqueeze":
                return source < 13 ? List.of(c.attrsToInputs(List.of("axes"))) : List.of(node);
            case "ReduceSum":
                return source < 13 ? List.of(c.attrsToInputs(List.of("axes"))) : List.of(node);
            case "TopK":
                return source < 10 ? List.of(c.topK()) : List.of(node);
            case "Split":
                return List.of(c.split());
            case "Pad":
                return source < 11 ? c.pad() : List.of(node);
            case "Clip":
                return source < 11 ? c.clip() : List.of(node);
            case "Dropout":
                return c.dropout();
            case "BatchNormalization":
                return List.of(c.batchNormalization());
            case "Upsample":
                return List.of(c.resize(source >= 9 ? node.getInput(1) : c.floatsConst("scales", c.floats("scales"))));
            case "Resize":
                return source == 10 ? List.of(c.resize(node.getInput(1))) : List.of(node);
            case "Scatter":
                return List.of(node.toBuilder().setOpType("ScatterElements").build());
            default:
                if (REDUCE.contains(op)) {
                    return List.of(c.attrsToInputs(List.of("axes")));
                }
                if (COERCED.contains(op) && source < 13) {
                    return c.coerced();
                }
                return List.of(node);
        }
    }

    /** A fresh value name that collides with nothing in the model. */
    private String fresh(String label, String tag) {
        String base = "jacobi/opset/" + label + "/" + tag;
        String name = base;
        while (!taken.add(name)) {
            name = base + "_" + (++counter);
        }
        return name;
    }

    /** Element types along the graph, so that constants made from attributes get their input's type. */
    private void inferType(Onnx.NodeProto node) {
        if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) {
            return;
        }
        String out = node.getOutput(0);
        switch (node.getOpType()) {
            case "Cast":
                node.getAttributeList().stream().filter(a -> a.getName().equals("to")).findFirst()
                    .ifPresent(a -> types.put(out, (int) a.getI()));
                return;
            case "Constant":
                node.getAttributeList().stream().filter(a -> a.getName().equals("value") && a.hasT()).findFirst()
                    .ifPresent(a -> types.put(out, a.getT().getDataType()));
                return;
            case "Shape", "Size", "ArgMax", "ArgMin", "NonZero":
                types.put(out, 7);
                return;
            case "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf":
                types.put(out, 9);
                return;
            default:
                for (String in : node.getInputList()) {
                    Integer t = types.get(in);
                    if (t != null) {
                        types.putIfAbsent(out, t);
                        return;
                    }
                }
        }
    }

    /** One node being converted: its attributes and the constants it gains. */
    private final class Context {
        private final Onnx.NodeProto node;
        private final List<Onnx.TensorProto> inits;
        private final String label;

        Context(Onnx.NodeProto node, List<Onnx.TensorProto> inits) {
            this.node = node;
            this.inits = inits;
            this.label = node.getName().isEmpty() ? node.getOpType() + "_" + node.getOutput(0) : node.getName();
        }

        Onnx.AttributeProto attr(String name) {
            for (Onnx.AttributeProto a : node.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a;
                }
            }
            return null;
        }

        long[] ints(String name) {
            Onnx.AttributeProto a = attr(name);
            return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }

        double[] floats(String name) {
            Onnx.AttributeProto a = attr(name);
            if (a == null) {
                return null;
            }
            double[] v = new double[a.getFloatsCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.getFloats(i);
            }
            return v;
        }

        String intsConst(String tag, long[] v) {
            String name = fresh(label, tag);
            inits.add(TensorProtos.ints(name, v, v.length));
            types.put(name, 7);
            return name;
        }

        String floatsConst(String tag, double[] v) {
            String name = fresh(label, tag);
            inits.add(TensorProtos.floats(name, FLOAT32, v, v.length));
            types.put(name, FLOAT32);
            return name;
        }

        /**
         * A scalar constant of {@code like}'s element type: float32 and float64 directly, other types through a
         * Cast node appended to {@code extra}.
         */
        String scalarLike(String tag, double v, String like, List<Onnx.NodeProto> extra) {
            int type = types.getOrDefault(like, FLOAT32);
            String name = fresh(label, tag);
            if (type == FLOAT32 || type == FLOAT64) {
                inits.add(TensorProtos.floats(name, type, new double[] {v}));
                types.put(name, type);
                return name;
            }
            inits.add(TensorProtos.floats(name, FLOAT32, new double[] {v}));
            String cast = fresh(label, tag + "_cast");
            extra.add(Onnx.NodeProto.newBuilder().setOpType("Cast").setName(cast).addInput(name).addOutput(cast)
                .addAttribute(Attr.i("to", type)).build());
            types.put(cast, type);
            return cast;
        }

        Onnx.NodeProto.Builder without(String... names) {
            Set<String> drop = Set.of(names);
            Onnx.NodeProto.Builder b = node.toBuilder().clearAttribute();
            node.getAttributeList().stream().filter(a -> !drop.contains(a.getName())).forEach(b::addAttribute);
            return b;
        }

        /** INTS attributes {@code names} become int64 inputs after the existing ones, in order; absent ones are skipped at the end. */
        Onnx.NodeProto attrsToInputs(List<String> names) {
            Onnx.NodeProto.Builder b = without(names.toArray(new String[0]));
            List<String> added = new ArrayList<>();
            for (String n : names) {
                long[] v = ints(n);
                added.add(v == null ? "" : intsConst(n, v));
            }
            while (!added.isEmpty() && added.get(added.size() - 1).isEmpty()) {
                added.remove(added.size() - 1);
            }
            b.addAllInput(added);
            return b.build();
        }

        Onnx.NodeProto topK() {
            Onnx.AttributeProto k = attr("k");
            return without("k").addInput(intsConst("k", new long[] {k == null ? 1 : k.getI()})).build();
        }

        Onnx.NodeProto split() {
            if (source < 13 && attr("split") != null) {
                return without("split").addInput(intsConst("split", ints("split"))).build();
            }
            boolean hasSplitInput = node.getInputCount() > 1 && !node.getInput(1).isEmpty();
            if (!hasSplitInput && attr("num_outputs") == null) {
                return without("split").addAttribute(Attr.i("num_outputs", node.getOutputCount())).build();
            }
            return node;
        }

        List<Onnx.NodeProto> pad() {
            long[] pads = ints("pads") != null ? ints("pads") : ints("paddings");
            Onnx.AttributeProto value = attr("value");
            Onnx.AttributeProto mode = attr("mode");
            List<Onnx.NodeProto> out = new ArrayList<>();
            Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType("Pad").setName(node.getName())
                .addInput(node.getInput(0)).addInput(intsConst("pads", pads == null ? new long[0] : pads))
                .addAllOutput(node.getOutputList());
            if (value != null && value.getF() != 0) {
                b.addInput(scalarLike("value", value.getF(), node.getInput(0), out));
            }
            if (mode != null) {
                b.addAttribute(mode);
            }
            out.add(b.build());
            return out;
        }

        List<Onnx.NodeProto> clip() {
            List<Onnx.NodeProto> out = new ArrayList<>();
            Onnx.AttributeProto min = attr("min");
            Onnx.AttributeProto max = attr("max");
            Onnx.NodeProto.Builder b = without("min", "max");
            if (min != null || max != null) {
                b.addInput(min == null ? "" : scalarLike("min", min.getF(), node.getInput(0), out));
            }
            if (max != null) {
                b.addInput(scalarLike("max", max.getF(), node.getInput(0), out));
            }
            out.add(b.build());
            return out;
        }

        /** Inference: the identity; a consumed mask is all ones (float before opset 10, bool after). */
        List<Onnx.NodeProto> dropout() {
            List<Onnx.NodeProto> out = new ArrayList<>();
            out.add(Onnx.NodeProto.newBuilder().setOpType("Identity").setName(node.getName()).addInput(node.getInput(0))
                .addOutput(node.getOutput(0)).build());
            if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty() && used.contains(node.getOutput(1))) {
                String shape = fresh(label, "shape");
                out.add(Onnx.NodeProto.newBuilder().setOpType("Shape").setName(shape).addInput(node.getInput(0)).addOutput(shape).build());
                Onnx.TensorProto one = source < 10
                    ? TensorProtos.floats("one", types.getOrDefault(node.getInput(0), FLOAT32) == FLOAT64 ? FLOAT64 : FLOAT32, new double[] {1}, 1)
                    : Onnx.TensorProto.newBuilder().setName("one").setDataType(ElementType.BOOL.onnxCode()).addDims(1).addInt32Data(1).build();
                out.add(Onnx.NodeProto.newBuilder().setOpType("ConstantOfShape").setName(node.getOutput(1)).addInput(shape)
                    .addOutput(node.getOutput(1)).addAttribute(Attr.t("value", one)).build());
            }
            return out;
        }

        Onnx.NodeProto batchNormalization() {
            Onnx.AttributeProto spatial = attr("spatial");
            if (spatial != null && spatial.getI() == 0) {
                throw new NotDifferentiableException("BatchNormalization node '" + label + "' uses spatial=0 (opset " + source
                    + "), which later opsets dropped; Jacobi reads only spatial=1. Export the model again with a newer opset.");
            }
            Onnx.NodeProto.Builder b = without("spatial", "is_test", "consumed_inputs");
            for (int i = 1; i < node.getOutputCount(); i++) {
                String o = node.getOutput(i);
                if (!o.isEmpty() && used.contains(o)) {
                    throw new NotDifferentiableException("BatchNormalization node '" + label + "' has its training statistics ('"
                        + o + "') consumed; Jacobi differentiates inference graphs. Export the model in eval mode.");
                }
            }
            if (source < 14 && node.getOutputCount() > 1) {
                b.clearOutput().addOutput(node.getOutput(0));
            }
            return b.build();
        }

        /** Upsample (opsets 7-9) and Resize-10 as Resize: asymmetric coordinates, floor rounding, as they computed. */
        Onnx.NodeProto resize(String scales) {
            Onnx.AttributeProto mode = attr("mode");
            String m = mode == null ? "nearest" : mode.getS().toStringUtf8();
            Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType("Resize").setName(node.getName())
                .addInput(node.getInput(0)).addInput("").addInput(scales).addAllOutput(node.getOutputList())
                .addAttribute(Attr.s("mode", m.equals("bilinear") ? "linear" : m))
                .addAttribute(Attr.s("coordinate_transformation_mode", "asymmetric"));
            if (m.equals("nearest")) {
                b.addAttribute(Attr.s("nearest_mode", "floor"));
            }
            return b.build();
        }

        /**
         * Softmax, LogSoftmax and Hardmax before opset 13 act on the input flattened to 2-D at {@code axis}. On the
         * last axis that is the opset-13 operator on that axis; otherwise Flatten, the operator on axis 1, Reshape back.
         */
        List<Onnx.NodeProto> coerced() {
            Onnx.AttributeProto a = attr("axis");
            long axis = a == null ? 1 : a.getI();
            Integer rank = ranks.get(node.getInput(0));
            if (axis == -1 || rank != null && (axis == rank - 1 || axis + rank == rank - 1)) {
                return List.of(without("axis").addAttribute(Attr.i("axis", -1)).build());
            }
            String x = node.getInput(0);
            String shape = fresh(label, "shape");
            String flat = fresh(label, "flat");
            String inner = fresh(label, "2d");
            return List.of(
                Onnx.NodeProto.newBuilder().setOpType("Shape").setName(shape).addInput(x).addOutput(shape).build(),
                Onnx.NodeProto.newBuilder().setOpType("Flatten").setName(flat).addInput(x).addOutput(flat)
                    .addAttribute(Attr.i("axis", axis)).build(),
                without("axis").setName(inner).clearInput().addInput(flat).clearOutput().addOutput(inner)
                    .addAttribute(Attr.i("axis", 1)).build(),
                Onnx.NodeProto.newBuilder().setOpType("Reshape").setName(node.getName()).addInput(inner).addInput(shape)
                    .addOutput(node.getOutput(0)).build());
        }
    }
}
