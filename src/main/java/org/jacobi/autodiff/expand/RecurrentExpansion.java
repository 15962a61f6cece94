package org.jacobi.autodiff.expand;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.ControlFlow;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.onnx.proto.Onnx;

/**
 * Expands the ONNX recurrent operators LSTM, GRU and RNN into their per-time-step primitive operations
 * (MatMul, Add, Mul, Slice, Split, Concat, the activations), following the equations of the ONNX operator
 * specification, so that the ordinary rules differentiate them in both modes. The sequence length comes from
 * the input's shape. The input projections of all steps are one MatMul; the steps are split off it with one
 * Split and joined with one Concat, whose derivatives are linear and cheap, so memory grows linearly with the
 * sequence length (the engine's memory estimate sees every step's values, since it runs on the expanded graph).
 */
public final class RecurrentExpansion implements GraphPass {
    /** The operators this pass expands. */
    public static final Set<String> OPERATORS = Set.of("LSTM", "GRU", "RNN");

    @Override
    public boolean appliesTo(Onnx.ModelProto model) {
        return anyRecurrent(model.getGraph());
    }

    private static boolean recurrent(Onnx.NodeProto n) {
        return (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")) && OPERATORS.contains(n.getOpType());
    }

    /**
     * A recurrent node in the graph or, at any depth, in an If's branches. Those of a Loop or Scan body are expanded
     * once the loop is unrolled (the probe sees no values inside a body, so their shapes are not known before).
     */
    private static boolean anyRecurrent(Onnx.GraphProto graph) {
        return graph.getNodeList().stream().anyMatch(n -> recurrent(n) || ControlFlow.isIf(n)
            && ControlFlow.subgraphs(n).stream().anyMatch(RecurrentExpansion::anyRecurrent));
    }

    @Override
    public Onnx.ModelProto apply(Onnx.ModelProto model, ValueShapes shapes) {
        Onnx.GraphProto graph = model.getGraph();
        Emitter e = new Emitter(Differentiator.opset(model), ControlFlow.names(graph));
        expandAll(graph.getNodeList(), e, shapes);
        Onnx.GraphProto.Builder g = graph.toBuilder().clearNode().addAllNode(e.nodes()).addAllInitializer(e.initializers());
        return model.toBuilder().setGraph(g).build();
    }

    /** Emits {@code nodes} with every recurrent node expanded, those in If branches too (their constants go to the main graph). */
    private static void expandAll(List<Onnx.NodeProto> nodes, Emitter e, ValueShapes shapes) {
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto node = nodes.get(i);
            if (recurrent(node)) {
                String label = node.getName().isEmpty() ? node.getOpType() + "_" + i : node.getName();
                e.prefix("expand/" + label);
                new Step(node, label, e, shapes).expand();
            } else if (ControlFlow.isIf(node) && ControlFlow.subgraphs(node).stream().anyMatch(RecurrentExpansion::anyRecurrent)) {
                e.add(ControlFlow.withSubgraphs(node.toBuilder(), branch -> {
                    Emitter inside = e.subgraph();
                    expandAll(branch.getNodeList(), inside, shapes);
                    return branch.toBuilder().clearNode().addAllNode(inside.nodes()).build();
                }));
            } else {
                e.copy(node);
            }
        }
    }

    /** The expansion of one recurrent node. */
    private static final class Step {
        private final Onnx.NodeProto node;
        private final String label;
        private final Emitter e;
        private final ValueShapes shapes;
        private final String op;
        private final int type;
        private final long hidden;
        private final int gates;
        private final boolean layout1;
        private final Activations activations;
        private final Double clip;

        Step(Onnx.NodeProto node, String label, Emitter e, ValueShapes shapes) {
            this.node = node;
            this.label = label;
            this.e = e;
            this.shapes = shapes;
            this.op = node.getOpType();
            this.type = shapes.type(node.getInput(0));
            this.gates = op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
            long h = attrInt("hidden_size", -1);
            this.hidden = h > 0 ? h : shapes.shape(node.getInput(2))[2];
            this.layout1 = attrInt("layout", 0) == 1;
            Onnx.AttributeProto c = attr("clip");
            this.clip = c == null ? null : (double) c.getF();
            this.activations = new Activations(this, op.equals("LSTM") ? List.of("Sigmoid", "Tanh", "Tanh")
                : op.equals("GRU") ? List.of("Sigmoid", "Tanh") : List.of("Tanh"));
        }

        NotDifferentiableException fail(String why) {
            return new NotDifferentiableException("Cannot differentiate " + op + " node '" + label + "': " + why + ".");
        }

        Onnx.AttributeProto attr(String name) {
            for (Onnx.AttributeProto a : node.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a;
                }
            }
            return null;
        }

        long attrInt(String name, long fallback) {
            Onnx.AttributeProto a = attr(name);
            return a == null ? fallback : a.getI();
        }

        boolean has(int i) {
            return i < node.getInputCount() && !node.getInput(i).isEmpty();
        }

        String in(int i) {
            return has(i) ? node.getInput(i) : null;
        }

        String out(int i) {
            return i < node.getOutputCount() && !node.getOutput(i).isEmpty() ? node.getOutput(i) : null;
        }

        void expand() {
            long[] xs = shapes.shape(in(0));
            if (xs.length != 3) {
                throw fail("its input must have rank 3, not " + xs.length);
            }
            int seq = Math.toIntExact(layout1 ? xs[1] : xs[0]);
            if (seq < 1) {
                throw fail("the sequence is empty");
            }
            checkSequenceLengths(seq);
            String direction = attr("direction") == null ? "forward" : attr("direction").getS().toStringUtf8();
            int dirs = direction.equals("bidirectional") ? 2 : 1;
            if (!direction.equals("forward") && !direction.equals("reverse") && dirs == 1) {
                throw fail("unknown direction '" + direction + "'");
            }
            String x = layout1 ? e.transpose(in(0), 1, 0, 2) : in(0);              // [seq, batch, input]
            String h0 = has(5) ? (layout1 ? e.transpose(in(5), 1, 0, 2) : in(5)) : null;   // [dirs, batch, hidden]
            String c0 = op.equals("LSTM") && has(6) ? (layout1 ? e.transpose(in(6), 1, 0, 2) : in(6)) : null;
            List<String> ys = new ArrayList<>();
            List<String> lastH = new ArrayList<>();
            List<String> lastC = new ArrayList<>();
            for (int d = 0; d < dirs; d++) {
                boolean reverse = direction.equals("reverse") || d == 1;
                String[] state = direction(d, reverse, seq, x, pick(h0, d), pick(c0, d), ys);
                lastH.add(e.unsqueeze(state[0], 0));
                if (state[1] != null) {
                    lastC.add(e.unsqueeze(state[1], 0));
                }
            }
            if (out(0) != null) {
                String y = concat(ys, 1);                                           // [seq, dirs, batch, hidden]
                finish(layout1 ? e.transpose(y, 2, 0, 1, 3) : y, out(0));
            }
            if (out(1) != null) {
                String yh = concat(lastH, 0);                                       // [dirs, batch, hidden]
                finish(layout1 ? e.transpose(yh, 1, 0, 2) : yh, out(1));
            }
            if (op.equals("LSTM") && out(2) != null) {
                String yc = concat(lastC, 0);
                finish(layout1 ? e.transpose(yc, 1, 0, 2) : yc, out(2));
            }
        }

        private void checkSequenceLengths(int seq) {
            if (!has(4)) {
                return;
            }
            shapes.shape(in(4)); // asks for the value to be learnt when it is not known yet
            long[] lengths = shapes.ints(in(4));
            if (lengths == null) {
                throw fail("its sequence_lens must be known when the graph is built; Jacobi differentiates recurrent "
                    + "layers over whole sequences only. Pad the sequences to one length and export without sequence_lens");
            }
            for (long l : lengths) {
                if (l != seq) {
                    throw fail("its sequence_lens " + Arrays.toString(lengths) + " differ from the sequence length " + seq
                        + "; Jacobi differentiates recurrent layers over whole sequences only. Pad the sequences to one "
                        + "length and export without sequence_lens");
                }
            }
        }

        private void finish(String value, String name) {
            e.add(Onnx.NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(value).addOutput(name).build());
        }

        private String concat(List<String> parts, long axis) {
            return parts.size() == 1 ? parts.get(0) : e.op("Concat", parts, Attr.i("axis", axis));
        }

        /** {@code v[d]} along axis 0 (a Slice and a Squeeze, whose derivatives are cheap), or null for null. */
        String pick(String v, long d) {
            if (v == null) {
                return null;
            }
            return e.squeeze(e.op("Slice", List.of(v, e.ints(d), e.ints(d + 1), e.ints(0))), 0);
        }

        /** Columns {@code [k*hidden, (k+1)*hidden)} of a {@code [.., gates*hidden]} value (last axis). */
        String gate(String v, int k) {
            return e.op("Slice", List.of(v, e.ints(k * hidden), e.ints((k + 1) * hidden), e.ints(-1)));
        }

        String k(double v) {
            return e.scalar(v, type);
        }

        String clipped(String v) {
            return clip == null ? v : e.op("Clip", List.of(v, k(-clip), k(clip)));
        }

        /** {@code a + b} where either may be null (a zero state). */
        String plus(String a, String b) {
            return a == null ? b : b == null ? a : e.add(a, b);
        }

        /**
         * One direction over the whole sequence; adds its outputs {@code [seq, 1, batch, hidden]} to {@code ys} and
         * returns its last hidden state and (LSTM) cell state, each {@code [batch, hidden]}.
         */
        private String[] direction(int d, boolean reverse, int seq, String x, String h, String c, List<String> ys) {
            String wt = e.transpose(pick(in(1), d), 1, 0);                          // [input, gates*hidden]
            String rt = e.transpose(pick(in(2), d), 1, 0);                          // [hidden, gates*hidden]
            String xw = e.op("MatMul", x, wt);                                      // [seq, batch, gates*hidden]
            String wb = null;
            String rb = null;
            if (has(3)) {
                String b = pick(in(3), d);                                          // [2*gates*hidden]
                wb = e.op("Slice", List.of(b, e.ints(0), e.ints(gates * hidden), e.ints(0)));
                rb = e.op("Slice", List.of(b, e.ints(gates * hidden), e.ints(2L * gates * hidden), e.ints(0)));
                // GRU keeps the recurrent bias apart: with linear_before_reset it sits inside the reset product.
                xw = e.add(xw, op.equals("GRU") ? wb : e.add(wb, rb));
            }
            String[] peep = new String[3];
            if (op.equals("LSTM") && has(7)) {
                String p = pick(in(7), d);                                          // [3*hidden]: i, o, f
                for (int j = 0; j < 3; j++) {
                    peep[j] = gate(p, j);
                }
            }
            long[] ones = new long[seq];
            Arrays.fill(ones, 1);
            List<String> steps = seq == 1 ? List.of(xw) : e.opset() >= 13
                ? e.opN("Split", List.of(xw, e.ints(ones)), seq, Attr.i("axis", 0))
                : e.opN("Split", List.of(xw), seq, Attr.i("axis", 0), Attr.ints("split", ones));
            String[] outputs = new String[seq];
            for (int s = 0; s < seq; s++) {
                int t = reverse ? seq - 1 - s : s;
                String xt = e.squeeze(steps.get(t), 0);                             // [batch, gates*hidden]
                String[] next = switch (op) {
                    case "LSTM" -> lstm(d, xt, h, c, rt, peep);
                    case "GRU" -> gru(d, xt, h, rt, rb);
                    default -> new String[] {activations.apply(d, 0, clipped(plus(xt, h == null ? null : e.op("MatMul", h, rt)))), null};
                };
                h = next[0];
                c = next[1];
                outputs[t] = e.unsqueeze(h, 0, 1);                                 // [1, 1, batch, hidden]
            }
            ys.add(e.op("Concat", Arrays.asList(outputs), Attr.i("axis", 0)));
            return new String[] {h, c};
        }

        /** One LSTM step (gates i, o, f, c; peepholes i, o, f; activations f, g, h). */
        private String[] lstm(int d, String xt, String h, String c, String rt, String[] peep) {
            String pre = plus(xt, h == null ? null : e.op("MatMul", h, rt));
            String i = activations.apply(d, 0, clipped(plus(gate(pre, 0), peephole(peep[0], c))));
            String f = attrInt("input_forget", 0) != 0 ? e.sub(k(1), i)
                : activations.apply(d, 0, clipped(plus(gate(pre, 2), peephole(peep[2], c))));
            String candidate = activations.apply(d, 1, clipped(gate(pre, 3)));
            String cell = plus(c == null ? null : e.mul(f, c), e.mul(i, candidate));
            String o = activations.apply(d, 0, clipped(plus(gate(pre, 1), peephole(peep[1], cell))));
            return new String[] {e.mul(o, activations.apply(d, 2, cell)), cell};
        }

        private String peephole(String p, String c) {
            return p == null || c == null ? null : e.mul(p, c);
        }

        /** One GRU step (gates z, r, h; activations f, g). */
        private String[] gru(int d, String xt, String h, String rt, String rb) {
            String hr = h == null ? null : e.op("MatMul", h, rt);                 // [batch, 3*hidden]
            String recurrent = plus(hr, rb);
            String z = activations.apply(d, 0, clipped(plus(gate(xt, 0), recurrent == null ? null : gate(recurrent, 0))));
            String r = activations.apply(d, 0, clipped(plus(gate(xt, 1), recurrent == null ? null : gate(recurrent, 1))));
            String candidatePre;
            if (attrInt("linear_before_reset", 0) != 0) {
                candidatePre = plus(gate(xt, 2), recurrent == null ? null : e.mul(r, gate(recurrent, 2)));
            } else {
                String reset = h == null ? null : e.op("MatMul", e.mul(r, h), gate(rt, 2));
                candidatePre = plus(plus(gate(xt, 2), reset), rb == null ? null : gate(rb, 2));
            }
            String candidate = activations.apply(d, 1, clipped(candidatePre));
            String kept = e.mul(e.sub(k(1), z), candidate);
            return new String[] {h == null ? kept : e.add(kept, e.mul(z, h)), null};
        }
    }

    /** The activation functions of a recurrent node, per direction, with their alpha and beta. */
    private static final class Activations {
        private final Step step;
        private final List<String> names = new ArrayList<>();
        private final List<Double> alphas = new ArrayList<>();
        private final List<Double> betas = new ArrayList<>();
        private final int perDirection;

        Activations(Step step, List<String> defaults) {
            this.step = step;
            this.perDirection = defaults.size();
            Onnx.AttributeProto given = step.attr("activations");
            List<String> list = new ArrayList<>();
            if (given != null) {
                given.getStringsList().forEach(s -> list.add(s.toStringUtf8()));
            }
            if (list.isEmpty()) {
                list.addAll(defaults);
                list.addAll(defaults);
            } else if (list.size() == perDirection) {
                list.addAll(new ArrayList<>(list));
            }
            Onnx.AttributeProto a = step.attr("activation_alpha");
            Onnx.AttributeProto b = step.attr("activation_beta");
            List<Float> alpha = a == null ? List.of() : a.getFloatsList();
            List<Float> beta = b == null ? List.of() : b.getFloatsList();
            int ai = 0;
            int bi = 0;
            // Like ONNX Runtime: alphas and betas are taken in order by the activations that use them.
            for (String name : list) {
                String n = name.toLowerCase(Locale.ROOT);
                double[] def = defaults(n);
                names.add(n);
                alphas.add(def.length > 0 ? (ai < alpha.size() ? alpha.get(ai++) : def[0]) : 0.0);
                betas.add(def.length > 1 ? (bi < beta.size() ? beta.get(bi++) : def[1]) : 0.0);
            }
        }

        /** Default alpha (and beta) of the activations that take them; empty for the others. */
        private static double[] defaults(String n) {
            return switch (n) {
                case "affine", "scaledtanh" -> new double[] {1, 0};
                case "hardsigmoid" -> new double[] {0.2, 0.5};
                case "leakyrelu" -> new double[] {0.01};
                case "thresholdedrelu", "elu" -> new double[] {1};
                default -> new double[0];
            };
        }

        /** Activation {@code which} (f, g or h) of direction {@code d} applied to {@code v}. */
        String apply(int d, int which, String v) {
            int i = d * perDirection + which;
            if (i >= names.size()) {
                throw step.fail("it lists " + names.size() + " activations, fewer than its directions need");
            }
            Emitter e = step.e;
            double alpha = alphas.get(i);
            double beta = betas.get(i);
            return switch (names.get(i)) {
                case "sigmoid" -> e.op("Sigmoid", v);
                case "tanh" -> e.op("Tanh", v);
                case "relu" -> e.op("Relu", v);
                case "softplus" -> e.op("Softplus", v);
                case "softsign" -> e.div(v, e.add(step.k(1), e.op("Abs", v)));
                case "leakyrelu" -> e.op("LeakyRelu", v, Attr.f("alpha", alpha));
                case "elu" -> e.op("Elu", v, Attr.f("alpha", alpha));
                case "hardsigmoid" -> e.op("HardSigmoid", v, Attr.f("alpha", alpha), Attr.f("beta", beta));
                case "affine" -> e.add(e.mul(v, step.k(alpha)), step.k(beta));
                case "scaledtanh" -> e.mul(step.k(alpha), e.op("Tanh", e.mul(v, step.k(beta))));
                case "thresholdedrelu" -> e.mul(v, e.cast(e.op("Greater", v, step.k(alpha)), step.type));
                default -> throw step.fail("its activation '" + names.get(i) + "' is not supported");
            };
        }
    }
}
