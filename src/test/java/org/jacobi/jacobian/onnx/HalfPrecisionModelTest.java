package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Half-precision models (made by scripts/make_rnn_resize_models.py from one small conv net): upcast to float32,
 * their Jacobians are exact for the half-precision weights (checked against PyTorch float64 with the weights rounded
 * the same way) and agree with the float32 twin to float16 rounding.
 */
class HalfPrecisionModelTest {
    static final Path DIR = PyTorchExportsTest.DIR;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"conv_fp16,conv.input.float16.npy,conv_fp16,float16",
        "conv_fp16_io32,conv.input.npy,conv_fp16_io32,float16",
        "conv_bf16_io32,conv.input.npy,conv_bf16,bfloat16"})
    void halfPrecisionModelsAreExactInFloat32(String model, String input, String reference, String half) {
        Tensor x = Npy.read(DIR.resolve(input));
        assertEquals(ElementType.FLOAT32, x.type(), "float16 NPY is read as float32");
        try (OnnxModel m = OnnxModel.load(DIR.resolve(model + ".onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(m)) {
            assertEquals(half + " model computed in float32", m.precisionNote());
            assertEquals(ElementType.FLOAT32, m.info().input("x").type());
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianResult r = engine.compute(new JacobianRequest(Map.of("x", x), "x", "y", BatchAxis.AUTO, mode, 0),
                    ProgressMonitor.NONE);
                assertTrue(r.backend().contains(half + " model computed in float32"), r.backend());
                assertEquals(ElementType.FLOAT32, r.jacobian().type());
                PyTorchExportsTest.assertClose(model + " " + mode, r.jacobian().toDoubleArray(),
                    Npy.read(DIR.resolve(reference + ".jacobian.npy")).toDoubleArray());
                // the float32 twin differs only by the rounding of the weights
                double[] twin = Npy.read(DIR.resolve("conv_fp32.jacobian.npy")).toDoubleArray();
                double[] j = r.jacobian().toDoubleArray();
                double worst = 0;
                double scale = 0;
                for (int i = 0; i < j.length; i++) {
                    worst = Math.max(worst, Math.abs(j[i] - twin[i]));
                    scale = Math.max(scale, Math.abs(twin[i]));
                }
                double rounding = half.equals("float16") ? 0x1p-11 : 0x1p-8;
                assertTrue(worst <= 8 * rounding * scale, model + " vs float32 twin: " + worst / scale);
            }
        }
    }

    @Test
    void float32ModelsAreNotUpcast() {
        try (OnnxModel m = OnnxModel.load(DIR.resolve("conv_fp32.onnx"), DevicePreference.CPU)) {
            assertNull(m.precisionNote());
        }
    }
}
