package org.jacobi.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classifier ending in Softmax with class names: a class chosen by its name is differentiated at its logit (the
 * default), whose gradient for {@code y = softmax(x W)} is the class's column of W, exactly.
 */
class LogitTargetLabelTest {
    private static final double[] W = {0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -2.0, 1.0, 0.125, 3.0, -0.5, 0.0};

    @TempDir
    Path dir;

    @Test
    void aClassNameFindsItsLogit() throws IOException {
        TestGraph graph = new TestGraph(17, 1, 5).dynamicBatch().input("x", 2, 4).fixedValues("w", W, 4, 3)
            .node("MatMul", List.of("x", "w"), List.of("logits"))
            .node("Softmax", List.of("logits"), List.of("y"), Onnx.AttributeProto.newBuilder().setName("axis")
                .setType(Onnx.AttributeProto.AttributeType.INT).setI(-1).build())
            .output("y");
        Onnx.ModelProto proto = graph.build().toBuilder().addMetadataProps(Onnx.StringStringEntryProto.newBuilder()
            .setKey("class_names").setValue("[\"cat\", \"dog\", \"owl\"]")).build();
        Path file = dir.resolve("classifier.onnx");
        Files.write(file, proto.toByteArray());
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (String of : new String[] {"y", null}) { // the output named, or the first one by default
                TargetGradients g = TargetGradients.compute(model, engine, JacobianRequest.of(Map.of("x", graph.values().get("x"))),
                    OutputTarget.parse(of, "dog", null), false, ProgressMonitor.NONE);
                assertTrue(g.note().startsWith("the logit before the final Softmax of 'y'"), g.note());
                assertTrue(g.target().describe(0).contains("'dog'"), g.target().describe(0));
                Tensor grad = g.gradients();
                for (int s = 0; s < 2; s++) {
                    for (int i = 0; i < 4; i++) {
                        assertEquals(W[i * 3 + 1], grad.getDouble(s * 4 + i), 1e-7, "sample " + s + ", x[" + i + "]");
                    }
                }
            }
        }
    }
}
