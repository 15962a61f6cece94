package org.jacobi.autodiff.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the operator table cannot check because ONNX Runtime refuses it: layout 1 (batch first), which ONNX Runtime
 * does not run, against the same layer in layout 0 between Transposes; and the message for unequal sequence lengths.
 */
class RecurrentExpansionTest {
    @TempDir
    Path dir;

    static final int BATCH = 2;
    static final int SEQ = 3;
    static final int INPUT = 3;
    static final int HIDDEN = 2;

    private static int gates(String op) {
        return op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
    }

    /** A bidirectional layer with bias and initial states; layout 1 takes x [batch, seq, input] directly. */
    private static TestGraph layer(String op, boolean layout1) {
        int g = gates(op);
        TestGraph t = new TestGraph(14, 1, 42);
        t.input("x", layout1 ? new long[] {BATCH, SEQ, INPUT} : new long[] {BATCH, SEQ, INPUT});
        t.input("h0", BATCH, 2, HIDDEN);
        t.fixed("w", 2, g * HIDDEN, INPUT).fixed("r", 2, g * HIDDEN, HIDDEN).fixed("b", 2, 2L * g * HIDDEN);
        List<String> outs = op.equals("LSTM") ? List.of("y", "yh", "yc") : List.of("y", "yh");
        if (layout1) {
            List<String> in = op.equals("LSTM") ? List.of("x", "w", "r", "b", "", "h0", "h0") : List.of("x", "w", "r", "b", "", "h0");
            t.node(op, in, outs, Attr.i("hidden_size", HIDDEN), Attr.i("layout", 1), Attr.s("direction", "bidirectional"));
            t.output("y").output("yh");
            return t;
        }
        t.node("Transpose", List.of("x"), List.of("xt"), Attr.ints("perm", 1, 0, 2));
        t.node("Transpose", List.of("h0"), List.of("h0t"), Attr.ints("perm", 1, 0, 2));
        List<String> in = op.equals("LSTM") ? List.of("xt", "w", "r", "b", "", "h0t", "h0t") : List.of("xt", "w", "r", "b", "", "h0t");
        t.node(op, in, List.of("y0", "yh0"), Attr.i("hidden_size", HIDDEN), Attr.s("direction", "bidirectional"));
        t.node("Transpose", List.of("y0"), List.of("y"), Attr.ints("perm", 2, 0, 1, 3));
        t.node("Transpose", List.of("yh0"), List.of("yh"), Attr.ints("perm", 1, 0, 2));
        t.output("y").output("yh");
        return t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"LSTM", "GRU", "RNN"})
    void layoutOneMatchesLayoutZeroBetweenTransposes(String op) throws Exception {
        TestGraph one = layer(op, true);
        TestGraph zero = layer(op, false);
        ValueShapes shapes = new ValueShapes();
        shapes.put("x", new long[] {BATCH, SEQ, INPUT}, 1);
        shapes.put("r", new long[] {2, (long) gates(op) * HIDDEN, HIDDEN}, 1);
        RecurrentExpansion expansion = new RecurrentExpansion();
        Onnx.ModelProto source = one.build();
        assertTrue(expansion.appliesTo(source));
        Onnx.ModelProto expanded = expansion.apply(source, shapes);
        assertFalse(expansion.appliesTo(expanded), "no recurrent node is left");
        Path expandedFile = dir.resolve("expanded.onnx");
        Files.write(expandedFile, expanded.toByteArray());
        Path zeroFile = zero.write(dir, "zero");
        Map<String, Tensor> inputs = one.values();
        try (OnnxModel a = OnnxModel.load(expandedFile, DevicePreference.CPU);
             OnnxModel b = OnnxModel.load(zeroFile, DevicePreference.CPU);
             OnnxJacobianEngine ea = new OnnxJacobianEngine(a);
             OnnxJacobianEngine eb = new OnnxJacobianEngine(b)) {
            for (String out : List.of("y", "yh")) {
                assertClose(op + " " + out, a.run(inputs).get(out).toDoubleArray(), b.run(inputs).get(out).toDoubleArray(), 1e-6);
                for (String wrt : List.of("x", "h0")) {
                    for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                        JacobianRequest request = new JacobianRequest(inputs, wrt, out, BatchAxis.NONE, mode, 0);
                        assertClose(op + " d" + out + "/d" + wrt + " " + mode,
                            ea.compute(request, ProgressMonitor.NONE).jacobian().toDoubleArray(),
                            eb.compute(request, ProgressMonitor.NONE).jacobian().toDoubleArray(), 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void unequalSequenceLengthsAreRefusedWithAClearMessage() throws Exception {
        TestGraph g = new TestGraph(14, 1, 3);
        g.input("x", SEQ, BATCH, INPUT).fixed("w", 1, 4 * HIDDEN, INPUT).fixed("r", 1, 4 * HIDDEN, HIDDEN)
            .add(Onnx.TensorProto.newBuilder().setName("lens").setDataType(6).addDims(2).addInt32Data(3).addInt32Data(2).build())
            .node("LSTM", List.of("x", "w", "r", "", "lens"), List.of("y"), Attr.i("hidden_size", HIDDEN)).output("y");
        Path file = g.write(dir, "lens");
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(g.values(), "x", "y", BatchAxis.NONE, JacobianMode.REVERSE, 0);
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                () -> engine.compute(request, ProgressMonitor.NONE));
            assertEquals("Cannot differentiate LSTM node 'LSTM_0': its sequence_lens [3, 2] differ from the sequence length 3; "
                + "Jacobi differentiates recurrent layers over whole sequences only. Pad the sequences to one length and export "
                + "without sequence_lens.", e.getMessage());
        }
    }

    private static void assertClose(String what, double[] a, double[] b, double tol) {
        assertEquals(a.length, b.length, what);
        double scale = 1e-30;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(b[i]));
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertTrue(worst <= tol * Math.max(1, scale), what + ": max difference " + worst);
    }
}
