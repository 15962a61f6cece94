package org.jacobi.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.TestFiles;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models with the traits of files that converters write (scripts/make_real_file_traits.py), each computing
 * {@code y = tanh(x W1 + b1) W2 + b2}: every one loads, {@code info} describes it as written, and its per-sample
 * Jacobians agree with the float64 reference to float32 rounding of each sample's largest entry.
 */
class RealFileTraitsTest {
    private static final long PARAMETERS = 4 * 6 + 6 + 6 * 3 + 3;

    static OnnxModel load(String name) {
        return OnnxModel.load(TestFiles.resource("real_files/" + name), DevicePreference.CPU);
    }

    static Map<String, Tensor> inputs() {
        return Map.of("x", Npy.read(TestFiles.resource("real_files/traits.input.npy")));
    }

    /** Forward, reverse and automatic mode, per sample within 1e-5 of the sample's largest reference entry. */
    static void assertExact(OnnxModel model, String wrt, String reference) {
        double[] expected = Npy.read(TestFiles.resource("real_files/" + reference)).toDoubleArray();
        try (JacobianEngine engine = Jacobians.engineFor(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE, JacobianMode.AUTO}) {
                JacobianRequest request = new JacobianRequest(inputs(), wrt, "y", BatchAxis.AUTO, mode, 0);
                JacobianResult result = engine.compute(request, ProgressMonitor.NONE);
                assertTrue(result.exact() && result.batched(), model.info().fileName() + " " + mode + ": " + result.methodLabel());
                int perSample = expected.length / 3;
                assertEquals(3, result.samples());
                for (int s = 0; s < 3; s++) {
                    double[] actual = result.sampleMatrix(s);
                    double largest = 0;
                    double worst = 0;
                    for (int i = 0; i < perSample; i++) {
                        largest = Math.max(largest, Math.abs(expected[s * perSample + i]));
                        worst = Math.max(worst, Math.abs(actual[i] - expected[s * perSample + i]));
                    }
                    assertTrue(worst <= 1e-5 * largest, model.info().fileName() + " d y/d " + wrt + " " + mode + " sample " + s
                        + ": error " + worst + " of largest entry " + largest);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "unused_domains.onnx, batch, batch",
        "unsorted_nodes.onnx, batch, batch",
        "minus_one_dims.onnx, ?, ?",
        "converter_dims.onnx, unk__123, p2o.DynamicDimension.0",
    })
    void loadsDescribesAndDifferentiates(String file, String inputBatch, String outputBatch) {
        try (OnnxModel model = load(file)) {
            ModelInfo info = model.info();
            assertEquals("[" + inputBatch + ", 4]", info.input("x").shapeText());
            assertEquals("[" + outputBatch + ", 3]", info.output("y").shapeText());
            assertTrue(info.input("x").hasDynamicLeadingAxis());
            assertEquals(Map.of("MatMul", 2, "Add", 2, "Tanh", 1), info.operatorCounts());
            assertEquals(PARAMETERS, info.parameterCount());
            assertExact(model, "x", "traits.jacobian.npy");
        }
    }

    @Test
    void unusedDomainsAreListedButNotPassedOn() {
        try (OnnxModel model = load("unused_domains.onnx")) {
            assertEquals(Map.of("ai.onnx", 13L, "ai.onnx.ml", 3L, "com.microsoft", 1L, "org.converter.custom", 2L),
                model.info().opsets());
            assertEquals(1, model.proto().getOpsetImportCount());
        }
    }

    @Test
    void unsortedNodesAreSortedAsOnnxRuntimeDoes() {
        try (OnnxModel model = load("unsorted_nodes.onnx")) {
            assertEquals(List.of("matmul1", "add1", "tanh", "matmul2", "add2"),
                model.proto().getGraph().getNodeList().stream().map(n -> n.getName()).toList());
        }
    }

    @Test
    void float16WeightsBehindCastsAreExactForTheRoundedWeights() {
        try (OnnxModel model = load("float16_weights.onnx")) {
            assertEquals(Map.of("Cast", 4, "MatMul", 2, "Add", 2, "Tanh", 1), model.info().operatorCounts());
            assertEquals(PARAMETERS, model.info().parameterCount());
            assertEquals("float16 model computed in float32", model.precisionNote());
            assertExact(model, "x", "float16_weights.jacobian.npy");
        }
    }

    @Test
    void constantNodeWeightsAreParameters() {
        try (OnnxModel model = load("constant_weights.onnx")) {
            assertEquals(Map.of("Constant", 4, "MatMul", 2, "Add", 2, "Tanh", 1), model.info().operatorCounts());
            assertEquals(PARAMETERS, model.info().parameterCount());
            assertExact(model, "x", "traits.jacobian.npy");
            assertExact(model, "W2", "traits.w2_jacobian.npy");
        }
    }

    @Test
    void subgraphNodesAreCounted() {
        try (OnnxModel model = load("subgraph_nodes.onnx")) {
            ModelInfo info = model.info();
            assertEquals(Map.of("Constant", 1, "If", 2, "MatMul", 6, "Add", 6, "Tanh", 3), info.operatorCounts());
            assertEquals(18, info.nodeCount());
            assertEquals(16, info.subgraphNodeCount());
            assertEquals(PARAMETERS, info.parameterCount());
            TensorSpec x = info.input("x");
            assertEquals("[batch, 4]", x.shapeText());
            // the condition holds: the outputs are the network's
            Map<String, Tensor> plain;
            try (OnnxModel reference = load("unsorted_nodes.onnx")) {
                plain = reference.run(inputs(), Set.of("y"));
            }
            assertTrue(Arrays.equals(plain.get("y").toDoubleArray(), model.run(inputs(), Set.of("y")).get("y")
                .toDoubleArray()));
        }
    }
}
