package org.jacobi.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.TensorFiles;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.InputSources;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

/** The bundled digits demo: both exports classify their samples and agree with each other. */
class DigitsDemoTest {
    @Test
    void bothExportsClassifyTheBundledDigitsAndHaveTheSameJacobians() {
        try (Model onnx = ModelLoader.load(TestFiles.resource("assets/models/digits.onnx"));
             Model torch = ModelLoader.load(TestFiles.resource("assets/models/digits.pt"))) {
            Map<String, Tensor> x = InputSources.bind(onnx.info(),
                List.of(new TensorFiles.InputArgument(null, TestFiles.resource("assets/samples/digits.input.npy"))), InputSettings.defaults());
            ComparisonResult r = ModelComparison.compare(onnx, torch, ComparisonRequest.of(x), ProgressMonitor.NONE);
            Tensor logits = r.differentiatedOutput().valueA();
            for (int digit = 0; digit < 10; digit++) {
                int best = 0;
                for (int k = 1; k < 10; k++) {
                    best = logits.getDouble(digit * 10 + k) > logits.getDouble(digit * 10 + best) ? k : best;
                }
                assertEquals(digit, best, "sample " + digit + " is the digit " + digit);
            }
            assertTrue(r.maxRelJacobianDifference() < 1e-5, "rel " + r.maxRelJacobianDifference());
            assertTrue(r.maxAbsOutputDifference() < 1e-5 * r.differentiatedOutput().maxAbsA());
            String labels = ((OnnxModel) onnx).proto().getMetadataPropsList().stream()
                .filter(p -> p.getKey().equals("labels")).map(Onnx.StringStringEntryProto::getValue).findFirst().orElse("");
            assertEquals("[\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]", labels);
        }
    }
}
