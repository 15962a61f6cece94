package org.jacobi.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.jacobi.autodiff.expand.GraphPasses;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.lowering.OrtShapeProbe;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule set is closed under differentiation, which second derivatives (forward over reverse) need:
 * every operator that a rule emits has a rule itself. Each operator table row is differentiated in both
 * modes and the operator types of the differentiated graph are collected; then the reverse-mode graph is
 * differentiated again in forward mode, which must succeed; for float64 rows the second derivative it
 * computes (Hessian-vector products of {@code <c, y>}) must match central differences of the reverse-mode
 * gradient.
 */
class RuleClosureTest {
    private static final RuleRegistry RULES = RuleRegistry.standard();

    @TempDir
    Path dir;

    @Test
    void everyEmittedOperatorHasARule() {
        Map<String, String> missing = new TreeMap<>();
        Map<String, String> secondOrderFailures = new TreeMap<>();
        for (OperatorTableTest.Row row : OperatorTableTest.ROWS) {
            TestGraph g = new TestGraph(row.opset(), row.floatType(), row.toString().hashCode());
            row.graph().accept(g);
            // The model as the engines differentiate it (recurrent layers expanded, functions inlined, ...).
            GraphPasses.Prepared prepared =
                GraphPasses.prepareForDifferentiation(g.build(), RULES, g.values(), OrtShapeProbe::probe);
            Onnx.ModelProto model = prepared.model();
            ValueShapes shapes = prepared.shapes();
            for (String wrt : g.values().keySet()) {
                for (String of : g.outputs) {
                    for (Differentiator.Direction d : Differentiator.Direction.values()) {
                        DifferentiatedGraph dg = Differentiator.differentiate(model, shapes, wrt, of, d, RULES);
                        for (Onnx.NodeProto node : dg.model().getGraph().getNodeList()) {
                            if (RULES.find(node.getDomain(), node.getOpType(), Differentiator.opset(model)) == null) {
                                missing.putIfAbsent(node.getOpType(), row + ", " + d.name().toLowerCase() + " mode");
                            }
                        }
                        if (d == Differentiator.Direction.REVERSE) {
                            String failure = differentiateAgain(dg, g, shapes, wrt, of, dir);
                            if (failure != null) {
                                secondOrderFailures.putIfAbsent(row + " d" + of + "/d" + wrt, failure);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "operators emitted by rules but without a rule of their own (first seen in): " + missing);
        assertTrue(secondOrderFailures.isEmpty(), () -> secondOrderFailures.size() + " cases failed forward over reverse, e.g. "
            + secondOrderFailures.entrySet().stream().limit(8).map(Object::toString).toList());
    }

    /** Forward mode over the reverse-mode graph (seed and result renamed so the second pass can use its own). */
    private static String differentiateAgain(DifferentiatedGraph first, TestGraph g, ValueShapes shapes, String wrt, String of,
                                             Path dir) {
        Map<String, String> rename = Map.of(Differentiator.SEED, "first/seed", Differentiator.RESULT, "first/result");
        Onnx.ModelProto reverse = renamed(first.model(), rename);
        Map<String, Tensor> inputs = new LinkedHashMap<>(g.values());
        long[] ofShape = shapes.shape(of);
        long[] seedShape = new long[ofShape.length + 1];
        seedShape[0] = 2;
        System.arraycopy(ofShape, 0, seedShape, 1, ofShape.length);
        Random random = new Random(3);
        double[] seed = new double[Math.toIntExact(Tensor.elementCount(seedShape))];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = random.nextGaussian();
        }
        Tensor s = Tensor.ofDoubles(seed, seedShape);
        inputs.put("first/seed", g.floatType() == OperatorTableTest.F64 ? s : s.asType(ElementType.FLOAT32));
        try {
            ValueShapes second = ControlFlow.probe(reverse, inputs, OrtShapeProbe::probe);
            DifferentiatedGraph dg = Differentiator.differentiate(reverse, second, wrt, "first/result",
                Differentiator.Direction.FORWARD, RULES);
            for (Onnx.NodeProto node : dg.model().getGraph().getNodeList()) {
                if (RULES.find(node.getDomain(), node.getOpType(), Differentiator.opset(reverse)) == null) {
                    return "emits " + node.getOpType() + ", which has no rule";
                }
            }
            return g.floatType() == OperatorTableTest.F64 ? compareWithCentralDifferences(reverse, dg, inputs, wrt, dir) : null;
        } catch (RuntimeException | IOException e) {
            return e.getMessage();
        }
    }

    /** Forward over reverse, seeded with every unit vector, against central differences of the gradient. */
    private static String compareWithCentralDifferences(Onnx.ModelProto reverse, DifferentiatedGraph second,
                                                        Map<String, Tensor> inputs, String wrt, Path dir) throws IOException {
        Path firstFile = Files.write(Files.createTempFile(dir, "reverse", ".onnx"), reverse.toByteArray());
        Path secondFile = Files.write(Files.createTempFile(dir, "second", ".onnx"), second.model().toByteArray());
        double[] x = inputs.get(wrt).toDoubleArray();
        int n = x.length;
        long[] xShape = inputs.get(wrt).shape();
        long[] seedShape = new long[xShape.length + 1];
        seedShape[0] = n;
        System.arraycopy(xShape, 0, seedShape, 1, xShape.length);
        double[] eye = new double[n * n];
        for (int i = 0; i < n; i++) {
            eye[i * n + i] = 1;
        }
        try (OnnxModel firstModel = OnnxModel.load(firstFile, DevicePreference.CPU);
             OnnxModel secondModel = OnnxModel.load(secondFile, DevicePreference.CPU)) {
            Map<String, Tensor> feed = new LinkedHashMap<>(inputs);
            feed.put(second.seedInput(), Tensor.ofDoubles(eye, seedShape));
            double[] hvp = secondModel.run(feed, Set.of(second.resultOutput())).get(second.resultOutput()).toDoubleArray();
            int per = hvp.length / n;
            double worst = 0;
            double scale = 1;
            for (int i = 0; i < n; i++) {
                double h = 1e-5 * Math.max(1, Math.abs(x[i]));
                double[] plus = gradientAt(firstModel, inputs, wrt, x, i, x[i] + h);
                double[] minus = gradientAt(firstModel, inputs, wrt, x, i, x[i] - h);
                for (int j = 0; j < per; j++) {
                    double fd = (plus[j] - minus[j]) / (2 * h);
                    scale = Math.max(scale, Math.abs(fd));
                    worst = Math.max(worst, Math.abs(fd - hvp[i * per + j]));
                }
            }
            return worst <= 1e-5 * scale ? null : "second derivative off by " + worst + " (largest entry " + scale + ")";
        }
    }

    private static double[] gradientAt(OnnxModel model, Map<String, Tensor> inputs, String wrt, double[] x, int i, double value) {
        double[] v = x.clone();
        v[i] = value;
        Map<String, Tensor> feed = new LinkedHashMap<>(inputs);
        feed.put(wrt, Tensor.ofDoubles(v, inputs.get(wrt).shape()));
        return model.run(feed, Set.of("first/result")).get("first/result").toDoubleArray();
    }

    static Onnx.ModelProto renamed(Onnx.ModelProto model, Map<String, String> rename) {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        for (Onnx.NodeProto.Builder n : g.getNodeBuilderList()) {
            n.setName(rename.getOrDefault(n.getName(), n.getName()));
            for (int i = 0; i < n.getInputCount(); i++) {
                n.setInput(i, rename.getOrDefault(n.getInput(i), n.getInput(i)));
            }
            for (int i = 0; i < n.getOutputCount(); i++) {
                n.setOutput(i, rename.getOrDefault(n.getOutput(i), n.getOutput(i)));
            }
        }
        for (Onnx.ValueInfoProto.Builder v : g.getInputBuilderList()) {
            v.setName(rename.getOrDefault(v.getName(), v.getName()));
        }
        for (Onnx.ValueInfoProto.Builder v : g.getOutputBuilderList()) {
            v.setName(rename.getOrDefault(v.getName(), v.getName()));
        }
        return model.toBuilder().setGraph(g).build();
    }
}
