package org.jacobi.autodiff.expand;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.core.JacobiException;
import org.jacobi.onnx.proto.Onnx;

/**
 * A graph pre-pass that replaces calls of functions by their bodies, so that the differentiator only sees
 * operators with rules: calls of the model's own functions ({@code ModelProto.functions}, which
 * {@code torch.onnx.export} writes for custom modules), and standard operators that ONNX defines as
 * functions and that have no rule of their own ({@link StandardFunctions}). Attribute references in the
 * body are resolved against the call (or the function's defaults), and every value and node inside gets a
 * unique name under the calling node's, e.g. {@code MyBlock_3/Tanh_0}. Nested calls are expanded too.
 */
public final class FunctionInliner {
    /** Deeper nesting than this is taken for recursion. */
    private static final int MAX_DEPTH = 64;

    private final Map<String, Onnx.FunctionProto> local = new HashMap<>();
    private final RuleRegistry rules;
    private final int opset;
    private final Set<String> names = new HashSet<>();
    private int expanded;

    private FunctionInliner(Onnx.ModelProto model, RuleRegistry rules) {
        for (Onnx.FunctionProto f : model.getFunctionsList()) {
            local.put(key(f.getDomain(), f.getName()), f);
        }
        this.rules = rules;
        this.opset = Differentiator.opset(model);
        Onnx.GraphProto g = model.getGraph();
        g.getInputList().forEach(v -> names.add(v.getName()));
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        for (Onnx.NodeProto n : g.getNodeList()) {
            names.addAll(n.getOutputList());
            names.add(n.getName());
        }
    }

    /** The model with every function call expanded; the model itself when there is none. */
    public static Onnx.ModelProto inline(Onnx.ModelProto model, RuleRegistry rules) {
        FunctionInliner inliner = new FunctionInliner(model, rules);
        List<Onnx.NodeProto> nodes = new ArrayList<>();
        for (Onnx.NodeProto n : model.getGraph().getNodeList()) {
            inliner.expand(n, nodes, 0);
        }
        if (inliner.expanded == 0) {
            return model;
        }
        return model.toBuilder().setGraph(model.getGraph().toBuilder().clearNode().addAllNode(nodes)).build();
    }

    private static String key(String domain, String name) {
        return (domain.equals("ai.onnx") ? "" : domain) + "::" + name;
    }

    /** The body to expand {@code node} into, or null to keep the node as it is. */
    private Onnx.FunctionProto bodyOf(Onnx.NodeProto node) {
        Onnx.FunctionProto f = local.get(key(node.getDomain(), node.getOpType()));
        if (f != null) {
            return f;
        }
        boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
        if (standard && rules.find("", node.getOpType(), opset) == null) {
            return StandardFunctions.body(node.getOpType(), opset);
        }
        return null;
    }

    private void expand(Onnx.NodeProto node, List<Onnx.NodeProto> out, int depth) {
        Onnx.FunctionProto f = bodyOf(node);
        if (f == null) {
            out.add(node);
            return;
        }
        if (depth > MAX_DEPTH) {
            throw new JacobiException("Function " + f.getName() + " calls itself (more than " + MAX_DEPTH
                + " levels deep); Jacobi cannot expand recursive functions.");
        }
        expanded++;
        String scope = (node.getName().isEmpty() ? node.getOpType() : node.getName()) + "/";
        Map<String, String> rename = new HashMap<>();
        for (int i = 0; i < f.getInputCount(); i++) {
            rename.put(f.getInput(i), i < node.getInputCount() ? node.getInput(i) : "");
        }
        for (int i = 0; i < f.getOutputCount(); i++) {
            // an output the call does not use still needs a name of its own
            String actual = i < node.getOutputCount() ? node.getOutput(i) : "";
            rename.put(f.getOutput(i), actual.isEmpty() ? unique(scope + f.getOutput(i)) : actual);
        }
        Map<String, Onnx.AttributeProto> given = new HashMap<>();
        for (Onnx.AttributeProto a : f.getAttributeProtoList()) {
            given.put(a.getName(), a);
        }
        for (Onnx.AttributeProto a : node.getAttributeList()) {
            given.put(a.getName(), a);
        }
        for (int k = 0; k < f.getNodeCount(); k++) {
            Onnx.NodeProto inner = f.getNode(k);
            Onnx.NodeProto.Builder b = inner.toBuilder().clearInput().clearOutput().clearAttribute();
            for (String in : inner.getInputList()) {
                b.addInput(in.isEmpty() ? "" : rename.computeIfAbsent(in, n -> unique(scope + n)));
            }
            for (String o : inner.getOutputList()) {
                b.addOutput(o.isEmpty() ? "" : rename.computeIfAbsent(o, n -> unique(scope + n)));
            }
            for (Onnx.AttributeProto a : inner.getAttributeList()) {
                Onnx.AttributeProto resolved = resolve(a, given);
                if (resolved != null) {
                    b.addAttribute(resolved);
                }
            }
            String label = inner.getName().isEmpty() ? inner.getOpType() + "_" + k : inner.getName();
            b.setName(unique(scope + label));
            expand(b.build(), out, depth + 1);
        }
    }

    /** An attribute of a body node with its reference to the caller's attributes resolved; null when unset. */
    private static Onnx.AttributeProto resolve(Onnx.AttributeProto a, Map<String, Onnx.AttributeProto> given) {
        if (a.getRefAttrName().isEmpty()) {
            return a;
        }
        Onnx.AttributeProto value = given.get(a.getRefAttrName());
        return value == null ? null : value.toBuilder().setName(a.getName()).clearRefAttrName().build();
    }

    private String unique(String base) {
        String name = base;
        for (int i = 1; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
