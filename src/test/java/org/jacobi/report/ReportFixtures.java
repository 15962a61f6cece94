package org.jacobi.report;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.ModelLoader;

/**
 * Report sources made from the committed fixtures: the model's description, its inputs and its float64
 * reference Jacobian (cast to float32 as an engine returns it), so the report tests need no engine.
 */
final class ReportFixtures {
    private ReportFixtures() {
    }

    /** The fixture {@code name} with its single input {@code x}. */
    static ReportSource source(String name) {
        return source(name, "x", name + ".input.npy", name + ".jacobian.npy");
    }

    static ReportSource source(String name, String wrt, String inputFile, String jacobianFile) {
        Path modelPath = TestFiles.fixture(name + ".onnx");
        ModelInfo info;
        try (Model model = ModelLoader.load(modelPath)) {
            info = model.info();
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        if (name.equals("two_inputs")) {
            inputs.put("x1", Npy.read(TestFiles.fixture("two_inputs.input.x1.npy")));
            inputs.put("x2", Npy.read(TestFiles.fixture("two_inputs.input.x2.npy")));
        } else {
            inputs.put(wrt, Npy.read(TestFiles.fixture(inputFile)));
        }
        Tensor reference = Npy.read(TestFiles.fixture(jacobianFile));
        Tensor output = Npy.read(TestFiles.fixture(name + ".output_f32.npy"));
        long[] js = reference.shape();
        long[] in = inputs.get(wrt).shape();
        long[] sampleIn = Arrays.copyOfRange(in, 1, in.length);
        long[] sampleOut = Arrays.copyOfRange(js, 1, js.length - sampleIn.length);
        JacobianResult result = new JacobianResult(reference.asType(ElementType.FLOAT32), output, wrt, "y",
            sampleIn, sampleOut, true, JacobianMode.REVERSE, true, "reference (test)", "CPU", 1, 2_000_000L, List.of());
        return ReportSource.of(info, "CPU", inputs, result);
    }

    /** The float64 reference Jacobian as [samples][n_out][n_in]. */
    static double[][][] reference(String jacobianFile, int samples, int nOut, int nIn) {
        double[] all = Npy.read(TestFiles.fixture(jacobianFile)).toDoubleArray();
        double[][][] j = new double[samples][nOut][nIn];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < nOut; i++) {
                System.arraycopy(all, (s * nOut + i) * nIn, j[s][i], 0, nIn);
            }
        }
        return j;
    }
}
