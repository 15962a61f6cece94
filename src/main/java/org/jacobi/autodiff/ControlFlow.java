package org.jacobi.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jacobi.core.JacobiException;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/**
 * Subgraphs (the branches of If, the bodies of Loop and Scan) as the differentiator sees them. A subgraph reads
 * values of the enclosing graphs by name, without listing them as inputs of its node: those implicit inputs are
 * dependencies like any other, at any nesting depth. Value names are made unique over the whole model (SSA across
 * scopes), so one name-keyed {@link ValueShapes} describes every scope, and the probe runs both branches of every
 * If to learn the shapes of their values.
 */
public final class ControlFlow {
    private ControlFlow() {
    }

    /**
     * The rule of Loop and Scan: they are unrolled before differentiating ({@code expand.LoopUnrolling}); one that
     * reaches the rules was not, because its trip count is not known when the graph is built.
     */
    static final Rule NOT_UNROLLED = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            throw refuse(c);
        }

        @Override
        public void vjp(NodeContext c) {
            throw refuse(c);
        }

        private NotDifferentiableException refuse(NodeContext c) {
            return c.fail("only a " + c.opType() + " with a trip count known from the inputs' shapes, constants or small "
                + "integer inputs (and, for Loop, a condition that stays true) is unrolled and differentiated; this one's is "
                + "not known when the graph is built, or follows the values of a larger input");
        }
    };

    /** The graphs a node's attributes hold (an If's branches, a Loop's body). */
    public static List<Onnx.GraphProto> subgraphs(Onnx.NodeProto node) {
        List<Onnx.GraphProto> out = new ArrayList<>();
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                out.add(a.getG());
            }
            out.addAll(a.getGraphsList());
        }
        return out;
    }

    public static boolean hasSubgraphs(Onnx.NodeProto node) {
        return node.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
    }

    public static boolean hasSubgraphs(Onnx.GraphProto graph) {
        return graph.getNodeList().stream().anyMatch(ControlFlow::hasSubgraphs);
    }

    public static boolean isIf(Onnx.NodeProto node) {
        return node.getOpType().equals("If") && (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"));
    }

    /** The graph attribute {@code name} of a node (an If's {@code then_branch}), or null. */
    static Onnx.GraphProto branch(Onnx.NodeProto node, String name) {
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name) && a.hasG()) {
                return a.getG();
            }
        }
        return null;
    }

    /** Values of the enclosing graphs that the node's subgraphs read, at any depth, in the order first read. */
    public static Set<String> implicitInputs(Onnx.NodeProto node) {
        Set<String> out = new LinkedHashSet<>();
        for (Onnx.GraphProto g : subgraphs(node)) {
            free(g, Set.of(), out);
        }
        return out;
    }

    /** Every value a node reads: its (non-empty) inputs and the implicit inputs of its subgraphs. */
    public static Set<String> inputs(Onnx.NodeProto node) {
        Set<String> out = new LinkedHashSet<>();
        for (String in : node.getInputList()) {
            if (!in.isEmpty()) {
                out.add(in);
            }
        }
        if (hasSubgraphs(node)) {
            out.addAll(implicitInputs(node));
        }
        return out;
    }

    private static void free(Onnx.GraphProto g, Set<String> enclosing, Set<String> out) {
        Set<String> local = new HashSet<>(enclosing);
        g.getInputList().forEach(v -> local.add(v.getName()));
        g.getInitializerList().forEach(t -> local.add(t.getName()));
        for (Onnx.NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !local.contains(in)) {
                    out.add(in);
                }
            }
            for (Onnx.GraphProto sub : subgraphs(n)) {
                free(sub, local, out);
            }
            local.addAll(n.getOutputList());
        }
        for (Onnx.ValueInfoProto o : g.getOutputList()) {
            if (!local.contains(o.getName())) {
                out.add(o.getName());
            }
        }
    }

    // ---- renaming ----

    /** A node with its inputs, outputs and every name inside its subgraphs (definitions and uses) renamed. */
    public static Onnx.NodeProto rename(Onnx.NodeProto node, Map<String, String> names) {
        Onnx.NodeProto.Builder b = node.toBuilder();
        for (int i = 0; i < b.getInputCount(); i++) {
            b.setInput(i, names.getOrDefault(b.getInput(i), b.getInput(i)));
        }
        for (int i = 0; i < b.getOutputCount(); i++) {
            b.setOutput(i, names.getOrDefault(b.getOutput(i), b.getOutput(i)));
        }
        return withSubgraphs(b, g -> rename(g, names));
    }

    /** The node with every graph attribute replaced by {@code f} of it. */
    public static Onnx.NodeProto withSubgraphs(Onnx.NodeProto.Builder b, UnaryOperator<Onnx.GraphProto> f) {
        for (Onnx.AttributeProto.Builder a : b.getAttributeBuilderList()) {
            if (a.hasG()) {
                a.setG(f.apply(a.getG()));
            }
            for (int i = 0; i < a.getGraphsCount(); i++) {
                a.setGraphs(i, f.apply(a.getGraphs(i)));
            }
        }
        return b.build();
    }

    /** A graph with every value name renamed where {@code names} says, nested subgraphs included. */
    public static Onnx.GraphProto rename(Onnx.GraphProto graph, Map<String, String> names) {
        Onnx.GraphProto.Builder b = graph.toBuilder().clearNode();
        for (Onnx.NodeProto n : graph.getNodeList()) {
            b.addNode(rename(n, names));
        }
        for (Onnx.ValueInfoProto.Builder v : b.getInputBuilderList()) {
            v.setName(names.getOrDefault(v.getName(), v.getName()));
        }
        for (Onnx.ValueInfoProto.Builder v : b.getOutputBuilderList()) {
            v.setName(names.getOrDefault(v.getName(), v.getName()));
        }
        for (Onnx.ValueInfoProto.Builder v : b.getValueInfoBuilderList()) {
            v.setName(names.getOrDefault(v.getName(), v.getName()));
        }
        for (Onnx.TensorProto.Builder t : b.getInitializerBuilderList()) {
            t.setName(names.getOrDefault(t.getName(), t.getName()));
        }
        return b.build();
    }

    /** Every value name a model's graph defines, its subgraphs' included: names a rewrite must not take. */
    public static Set<String> names(Onnx.GraphProto graph) {
        Set<String> out = new HashSet<>();
        allDefinitions(graph, out);
        return out;
    }

    /** The names a subgraph defines at its own level: its inputs, initializers and node outputs. */
    private static List<String> definitions(Onnx.GraphProto g) {
        List<String> out = new ArrayList<>();
        g.getInputList().forEach(v -> out.add(v.getName()));
        g.getInitializerList().forEach(t -> out.add(t.getName()));
        g.getNodeList().forEach(n -> n.getOutputList().stream().filter(o -> !o.isEmpty()).forEach(out::add));
        return out;
    }

    /** Every name a subgraph defines (its inputs and initializers, its nodes' outputs), nested subgraphs included. */
    public static Set<String> definedInside(Onnx.GraphProto g) {
        Set<String> out = new LinkedHashSet<>();
        allDefinitions(g, out);
        return out;
    }

    private static void allDefinitions(Onnx.GraphProto g, Set<String> out) {
        out.addAll(definitions(g));
        g.getNodeList().forEach(n -> subgraphs(n).forEach(s -> allDefinitions(s, out)));
    }

    /**
     * The model with every value a subgraph defines renamed where another scope defines the same name (exporters
     * reuse names in sibling branches), so that a name means one value over the whole model. Unchanged without
     * subgraphs.
     */
    public static Onnx.ModelProto uniqueNames(Onnx.ModelProto model) {
        Onnx.GraphProto graph = model.getGraph();
        if (!hasSubgraphs(graph)) {
            return model;
        }
        Set<String> taken = new HashSet<>();
        graph.getInputList().forEach(v -> taken.add(v.getName()));
        graph.getInitializerList().forEach(t -> taken.add(t.getName()));
        graph.getNodeList().forEach(n -> taken.addAll(n.getOutputList()));
        Onnx.GraphProto.Builder g = graph.toBuilder().clearNode();
        for (Onnx.NodeProto n : graph.getNodeList()) {
            g.addNode(uniqueInside(n, taken));
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static Onnx.NodeProto uniqueInside(Onnx.NodeProto node, Set<String> taken) {
        if (!hasSubgraphs(node)) {
            return node;
        }
        return withSubgraphs(node.toBuilder(), g -> unique(g, taken));
    }

    private static Onnx.GraphProto unique(Onnx.GraphProto g, Set<String> taken) {
        Map<String, String> names = new HashMap<>();
        for (String d : definitions(g)) {
            String name = d;
            for (int k = 1; taken.contains(name); k++) {
                name = d + "_" + k;
            }
            taken.add(name);
            if (!name.equals(d)) {
                names.put(d, name);
            }
        }
        Onnx.GraphProto renamed = names.isEmpty() ? g : rename(g, names);
        Onnx.GraphProto.Builder b = renamed.toBuilder().clearNode();
        for (Onnx.NodeProto n : renamed.getNodeList()) {
            b.addNode(uniqueInside(n, taken));
        }
        return b.build();
    }

    // ---- probing ----

    /**
     * {@code probe} that also learns the values inside the branches of every If (nested ones too): it runs a copy of
     * the model in which both branches' nodes also stand in the enclosing graph. A branch that cannot run on these
     * inputs (it is never taken for them) makes the If impossible to differentiate soundly.
     */
    public static ValueShapes probe(Onnx.ModelProto model, Map<String, Tensor> inputs, ValueShapes.Probe probe) {
        if (!hasSubgraphs(model.getGraph())) {
            return probe.probe(model, inputs);
        }
        List<Onnx.NodeProto> flat = new ArrayList<>();
        List<Onnx.TensorProto> initializers = new ArrayList<>();
        List<String> ifs = new ArrayList<>();
        flatten(model.getGraph().getNodeList(), flat, initializers, ifs);
        if (ifs.isEmpty()) {
            return probe.probe(model, inputs);
        }
        // ONNX Runtime wants node names unique in a graph; sibling branches often share them.
        Set<String> nodeNames = new HashSet<>();
        for (int i = 0; i < flat.size(); i++) {
            String name = flat.get(i).getName();
            if (!name.isEmpty() && !nodeNames.add(name)) {
                flat.set(i, flat.get(i).toBuilder().setName("jacobi/probe/node_" + i).build());
            }
        }
        Onnx.GraphProto g = model.getGraph().toBuilder().clearNode().addAllNode(flat).addAllInitializer(initializers).build();
        try {
            return probe.probe(model.toBuilder().setGraph(g).build(), inputs);
        } catch (JacobiException e) {
            throw new NotDifferentiableException("Cannot differentiate If node '" + String.join("', '", ifs)
                + "': both branches must run on the inputs to be differentiated, and one cannot (" + e.getMessage() + ").");
        }
    }

    private static void flatten(List<Onnx.NodeProto> nodes, List<Onnx.NodeProto> flat, List<Onnx.TensorProto> inits,
                                List<String> ifs) {
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto n = nodes.get(i);
            if (!isIf(n)) {
                flat.add(n);
                continue;
            }
            ifs.add(n.getName().isEmpty() ? "If_" + i : n.getName());
            Set<String> inside = new HashSet<>();
            for (Onnx.GraphProto branch : subgraphs(n)) {
                flatten(branch.getNodeList(), flat, inits, ifs);
                inits.addAll(branch.getInitializerList());
                allDefinitions(branch, inside);
            }
            // The If itself still decides the outputs; its own copy of the branches gets names of its own, since the
            // branches' values now stand in the enclosing graph.
            Map<String, String> hidden = new HashMap<>();
            inside.forEach(v -> hidden.put(v, "jacobi/probe/" + v));
            flat.add(withSubgraphs(n.toBuilder(), g -> rename(g, hidden)));
        }
    }
}
