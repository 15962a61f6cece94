package org.jacobi.model.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.jacobi.onnx.proto.Onnx;

/**
 * What other people's converters write and ONNX Runtime accepts, rewritten once at load time so that the rest of
 * Jacobi (graph passes, differentiation, shape probes) sees one plain form:
 * <ul>
 * <li>nodes stored out of topological order (ONNX Runtime sorts them; {@code onnx.checker} refuses them) are sorted,
 * in every subgraph too;</li>
 * <li>dimensions written as {@code dim_value -1} (TensorFlow converters) become unknown dimensions;</li>
 * <li>float weights stored as {@code Constant} nodes (Paddle2ONNX) become initializers, so that they are parameters
 * like any other weight;</li>
 * <li>opset imports of domains no node uses are dropped.</li>
 * </ul>
 * The function computed is unchanged; {@code info} still describes the file as it was written.
 */
public final class ExportQuirks {
    private ExportQuirks() {
    }

    /** The model in plain form, or the same instance when it needs nothing. */
    public static Onnx.ModelProto normalize(Onnx.ModelProto model) {
        Onnx.GraphProto graph = sorted(model.getGraph());
        graph = knownOrUnknownDims(graph);
        if (model.getIrVersion() >= 4) {
            graph = constantWeightsAsInitializers(graph);
        }
        List<Onnx.OperatorSetIdProto> opsets = usedOpsets(model);
        if (graph == model.getGraph() && opsets.size() == model.getOpsetImportCount()) {
            return model;
        }
        return model.toBuilder().setGraph(graph).clearOpsetImport().addAllOpsetImport(opsets).build();
    }

    // ---- topological order ----

    /** The graph with its nodes (and its subgraphs' nodes) in topological order; the same instance when they are. */
    static Onnx.GraphProto sorted(Onnx.GraphProto g) {
        List<Onnx.NodeProto> nodes = new ArrayList<>(g.getNodeCount());
        boolean changed = false;
        for (Onnx.NodeProto n : g.getNodeList()) {
            Onnx.NodeProto s = withSortedSubgraphs(n);
            changed |= s != n;
            nodes.add(s);
        }
        List<Onnx.NodeProto> ordered = topological(nodes);
        if (!changed && ordered == nodes) {
            return g;
        }
        return g.toBuilder().clearNode().addAllNode(ordered).build();
    }

    private static Onnx.NodeProto withSortedSubgraphs(Onnx.NodeProto n) {
        Onnx.NodeProto.Builder b = null;
        for (int i = 0; i < n.getAttributeCount(); i++) {
            Onnx.AttributeProto a = n.getAttribute(i);
            Onnx.AttributeProto.Builder ab = a.toBuilder();
            boolean changed = false;
            if (a.hasG()) {
                Onnx.GraphProto s = sorted(a.getG());
                changed = s != a.getG();
                ab.setG(s);
            }
            for (int k = 0; k < a.getGraphsCount(); k++) {
                Onnx.GraphProto s = sorted(a.getGraphs(k));
                changed |= s != a.getGraphs(k);
                ab.setGraphs(k, s);
            }
            if (changed) {
                b = b == null ? n.toBuilder() : b;
                b.setAttribute(i, ab);
            }
        }
        return b == null ? n : b.build();
    }

    /**
     * Kahn's algorithm, taking the earliest stored node among the ready ones, so that a sorted graph keeps its order.
     * A node waits for the producers of its inputs and of the values its subgraphs read from this graph. Returns
     * {@code nodes} itself when it is already in order; nodes on a cycle keep their place at the end (ONNX Runtime
     * then names the problem).
     */
    static List<Onnx.NodeProto> topological(List<Onnx.NodeProto> nodes) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).getOutputList()) {
                if (!out.isEmpty()) {
                    producer.putIfAbsent(out, i);
                }
            }
        }
        List<List<Integer>> consumers = new ArrayList<>();
        int[] waiting = new int[nodes.size()];
        boolean inOrder = true;
        for (int i = 0; i < nodes.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            Set<Integer> from = new HashSet<>();
            for (String name : reads(nodes.get(i))) {
                Integer p = producer.get(name);
                if (p != null && p != i && from.add(p)) {
                    consumers.get(p).add(i);
                    waiting[i]++;
                    inOrder &= p < i;
                }
            }
        }
        if (inOrder) {
            return nodes;
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        List<Onnx.NodeProto> out = new ArrayList<>(nodes.size());
        boolean[] placed = new boolean[nodes.size()];
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(nodes.get(i));
            placed[i] = true;
            for (int c : consumers.get(i)) {
                if (--waiting[c] == 0) {
                    ready.add(c);
                }
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (!placed[i]) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }

    /** The names a node reads: its inputs and, for If, Loop and Scan, what its subgraphs read from outside. */
    private static Set<String> reads(Onnx.NodeProto n) {
        Set<String> names = new HashSet<>(n.getInputList());
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) {
                names.addAll(outerReads(a.getG()));
            }
            a.getGraphsList().forEach(s -> names.addAll(outerReads(s)));
        }
        return names;
    }

    /** The names a subgraph reads that it does not define itself (its implicit inputs). */
    static Set<String> outerReads(Onnx.GraphProto g) {
        Set<String> defined = new HashSet<>();
        g.getInputList().forEach(v -> defined.add(v.getName()));
        g.getInitializerList().forEach(t -> defined.add(t.getName()));
        g.getNodeList().forEach(n -> defined.addAll(n.getOutputList()));
        Set<String> reads = new HashSet<>();
        for (Onnx.NodeProto n : g.getNodeList()) {
            reads.addAll(reads(n));
        }
        g.getOutputList().forEach(v -> reads.add(v.getName()));
        reads.removeAll(defined);
        reads.remove("");
        return reads;
    }

    // ---- dimensions written as -1 ----

    private static Onnx.GraphProto knownOrUnknownDims(Onnx.GraphProto g) {
        if (!hasNegativeDim(g.getInputList()) && !hasNegativeDim(g.getOutputList()) && !hasNegativeDim(g.getValueInfoList())) {
            return g;
        }
        Onnx.GraphProto.Builder b = g.toBuilder();
        HalfPrecision.mapValueInfos(b, ExportQuirks::withoutNegativeDims);
        return b.build();
    }

    private static boolean hasNegativeDim(List<Onnx.ValueInfoProto> values) {
        return values.stream().anyMatch(v -> v.getType().hasTensorType() && v.getType().getTensorType().getShape().getDimList()
            .stream().anyMatch(d -> d.hasDimValue() && d.getDimValue() < 0));
    }

    private static Onnx.ValueInfoProto withoutNegativeDims(Onnx.ValueInfoProto v) {
        if (!hasNegativeDim(List.of(v))) {
            return v;
        }
        Onnx.ValueInfoProto.Builder b = v.toBuilder();
        Onnx.TensorShapeProto.Builder shape = b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        for (int i = 0; i < shape.getDimCount(); i++) {
            if (shape.getDim(i).hasDimValue() && shape.getDim(i).getDimValue() < 0) {
                shape.setDim(i, Onnx.TensorShapeProto.Dimension.newBuilder());
            }
        }
        return b.build();
    }

    // ---- weights as Constant nodes ----

    /** A Constant node holding a float tensor of rank one or more: a weight, as converters that fold them write it. */
    static boolean isConstantWeight(Onnx.NodeProto n) {
        if (!n.getOpType().equals("Constant") || !n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")
            || n.getOutputCount() != 1) {
            return false;
        }
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
                return OnnxModels.isFloatCode(a.getT().getDataType()) && a.getT().getDimsCount() > 0 && a.getT().getDataLocation() != Onnx.TensorProto.DataLocation.EXTERNAL;
            }
        }
        return false;
    }

    static Onnx.TensorProto constantValue(Onnx.NodeProto n) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals("value")).findFirst().orElseThrow().getT();
    }

    private static Onnx.GraphProto constantWeightsAsInitializers(Onnx.GraphProto g) {
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(v -> outputs.add(v.getName()));
        Onnx.GraphProto.Builder b = null;
        List<Onnx.NodeProto> kept = new ArrayList<>();
        for (Onnx.NodeProto n : g.getNodeList()) {
            if (isConstantWeight(n) && !outputs.contains(n.getOutput(0))) {
                b = b == null ? g.toBuilder() : b;
                b.addInitializer(constantValue(n).toBuilder().setName(n.getOutput(0)));
            } else {
                kept.add(n);
            }
        }
        return b == null ? g : b.clearNode().addAllNode(kept).build();
    }

    // ---- opset imports no node uses ----

    private static List<Onnx.OperatorSetIdProto> usedOpsets(Onnx.ModelProto model) {
        Set<String> used = new HashSet<>();
        collectDomains(model.getGraph(), used);
        for (Onnx.FunctionProto f : model.getFunctionsList()) {
            used.add(f.getDomain());
            f.getNodeList().forEach(n -> used.add(n.getDomain()));
            f.getOpsetImportList().forEach(o -> used.add(o.getDomain()));
        }
        List<Onnx.OperatorSetIdProto> kept = new ArrayList<>();
        for (Onnx.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx") || used.contains(o.getDomain())) {
                kept.add(o);
            }
        }
        return kept;
    }

    private static void collectDomains(Onnx.GraphProto g, Set<String> used) {
        for (Onnx.NodeProto n : g.getNodeList()) {
            used.add(n.getDomain());
            for (Onnx.AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectDomains(a.getG(), used);
                }
                a.getGraphsList().forEach(s -> collectDomains(s, used));
            }
        }
    }
}
