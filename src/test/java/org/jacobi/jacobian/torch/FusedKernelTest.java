package org.jacobi.jacobian.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.cli.JacobiCli;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;

/** A TransformerEncoder traced under torch.no_grad() records a fused inference-only kernel that autograd cannot differentiate. */
class FusedKernelTest {
    static final Path DIR = Path.of("src/test/resources/models/rnn_resize");

    @Test
    void otherMissingDerivativesKeepLibtorchsWords() {
        assertEquals("PyTorch cannot differentiate this model: derivative for aten::foo is not implemented.",
            TorchJacobianEngine.notDifferentiable("derivative for aten::foo is not implemented"));
    }

    @Test
    void commandLineSaysItInOneLine() {
        Path out = Path.of("target", "fused-kernel-test.npy");
        StringWriter err = new StringWriter();
        int code = JacobiCli.execute(new String[] {"jacobian", DIR.resolve("transformer_encoder_nograd.pt").toString(),
            "--input", DIR.resolve("transformer_encoder.input.npy").toString(), "--out", out.toString(), "--mode", "reverse",
            "--force"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(1, code, err.toString());
        String text = err.toString().strip();
        assertFalse(text.contains("\n"), text);
        assertTrue(text.contains("fused inference-only kernel aten::_transformer_encoder_layer_fwd")
            && text.contains("outside torch.no_grad()") && text.contains("torch.onnx.export"), text);
    }

    @Test
    void fusedInferenceKernelGetsAMessageSayingWhatToDo() {
        Tensor x = Npy.read(DIR.resolve("transformer_encoder.input.npy"));
        try (Model model = ModelLoader.load(DIR.resolve("transformer_encoder_nograd.pt"));
             JacobianEngine engine = Jacobians.engineFor(model)) {
            JacobianRequest request = new JacobianRequest(Map.of(model.info().inputs().get(0).name(), x),
                model.info().inputs().get(0).name(), model.info().outputs().get(0).name(), BatchAxis.AUTO, JacobianMode.REVERSE, 0);
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                () -> engine.compute(request, ProgressMonitor.NONE));
            String expected = "PyTorch cannot differentiate this model: it contains the fused inference-only kernel "
                + "aten::_transformer_encoder_layer_fwd, which PyTorch records when a model is traced under torch.no_grad() "
                + "(or inference mode) and which has no derivative. Trace the model again outside torch.no_grad(), e.g. "
                + "torch.jit.trace(model.eval(), example), or export it to ONNX with torch.onnx.export and use the .onnx file.";
            assertEquals(expected, e.getMessage());
            JacobianResult auto = engine.compute(request.withMode(JacobianMode.AUTO), ProgressMonitor.NONE);
            assertFalse(auto.exact());
            assertEquals(List.of(expected + " Using finite differences instead: the result is approximate."), auto.warnings());
        }
    }
}
