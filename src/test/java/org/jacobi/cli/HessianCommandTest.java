package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jacobi.TestFiles;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jacobi hessian}: the done-when check through the command line, metadata and bad input. */
class HessianCommandTest {
    @TempDir
    Path dir;

    private static double relativeError(Tensor h, Tensor ref) {
        assertArrayEquals(ref.shape(), h.shape());
        double err = 0;
        double max = 0;
        for (int i = 0; i < ref.size(); i++) {
            err = Math.max(err, Math.abs(h.getDouble(i) - ref.getDouble(i)));
            max = Math.max(max, Math.abs(ref.getDouble(i)));
        }
        return err / max;
    }

    @ParameterizedTest
    @CsvSource({"mlp_tanh.onnx,e0", "mlp_tanh.pt,e0", "decoder_sigmoid.onnx,sum", "decoder_sigmoid.pt,sum"})
    void fixturesMatchPyTorchFloat64(String model, String target) throws Exception {
        Path out = dir.resolve("H.npy");
        String name = model.substring(0, model.indexOf('.'));
        CliRunner r = CliRunner.run("hessian", TestFiles.fixture(model).toString(), "--input",
            TestFiles.fixture(name + ".input.npy").toString(), "--out", out.toString(),
            target.equals("sum") ? "--reduce" : "--element", target.equals("sum") ? "sum" : "0");
        assertEquals(0, r.exitCode, r.toString());
        Tensor ref = Npy.read(TestFiles.resource("hessian/" + name + ".hessian." + target + ".npy"));
        assertTrue(relativeError(Npy.read(out), ref) < 1e-4);
        String meta = Files.readString(Path.of(out + ".json"));
        assertTrue(meta.contains("\"exact\": true") && meta.contains("\"mode\": \"forward-over-reverse\""), meta);
    }

    @Test
    void hessianVectorProductsHaveTheInputsShape() {
        Path v = dir.resolve("v.npy");
        Npy.write(v, Tensor.ofFloats(new float[] {1, 0, 0, 0, 0, 0, 0, 2}, 8), false);
        Path out = dir.resolve("Hv.npy");
        CliRunner r = CliRunner.run("hessian", TestFiles.fixture("mlp_tanh.onnx").toString(), "--input",
            TestFiles.fixture("mlp_tanh.input.npy").toString(), "--vector", v.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertArrayEquals(new long[] {4, 8}, Npy.read(out).shape());
    }

    @Test
    void aHessianOverTheBudgetIsOneLineSuggestingVector() {
        Path out = dir.resolve("H.npy");
        CliRunner r = CliRunner.run("hessian", TestFiles.fixture("cnn_small.onnx").toString(), "--input",
            TestFiles.fixture("cnn_small.input.npy").toString(), "--max-memory", "4M", "--out", out.toString());
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.contains("9.4 MiB") && r.err.contains("--vector"), r.err);
        assertFalse(Files.exists(out));
    }

    @Test
    void elementAndReduceTogetherAreRefused() {
        CliRunner r = CliRunner.run("hessian", TestFiles.fixture("mlp_tanh.onnx").toString(), "--input",
            TestFiles.fixture("mlp_tanh.input.npy").toString(), "--element", "1", "--reduce", "sum", "--out",
            dir.resolve("H.npy").toString());
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.contains("either --element or --reduce"), r.err);
    }
}
