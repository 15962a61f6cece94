package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jacobi.TestFiles;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --wrt PARAMETER} through jacobian, bench and report, and the {@code --wrt-params} table. */
class ParameterCommandsTest {
    @TempDir
    Path dir;

    private static String fixture(String name) {
        return TestFiles.fixture(name).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_tanh.onnx", "mlp_tanh.pt"})
    void jacobianWrtL2WeightMatchesPyTorch(String model) {
        Path out = dir.resolve("J.npy");
        CliRunner r = CliRunner.run("jacobian", fixture(model), "--input", fixture("mlp_tanh.input.npy"), "--wrt", "l2.weight",
            "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        Tensor j = Npy.read(out);
        Tensor want = Npy.read(TestFiles.resource("hessian/mlp_tanh.wrt.l2.weight.npy"));
        assertArrayEquals(want.shape(), j.shape());
        double err = 0;
        double max = 0;
        for (int i = 0; i < want.size(); i++) {
            err = Math.max(err, Math.abs(j.getDouble(i) - want.getDouble(i)));
            max = Math.max(max, Math.abs(want.getDouble(i)));
        }
        assertTrue(err < 1e-5 * max, "error " + err + " of " + max);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_tanh.onnx", "mlp_tanh.pt"})
    void wrtParamsAllWritesTheNormTable(String model) throws Exception {
        Path out = dir.resolve("norms.npy");
        CliRunner r = CliRunner.run("jacobian", fixture(model), "--input", fixture("mlp_tanh.input.npy"), "--wrt-params", "all",
            "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertArrayEquals(new long[] {4, 6}, Npy.read(out).shape());
        String meta = Files.readString(Path.of(out + ".json"));
        assertTrue(meta.contains("l2.weight") && meta.contains("l3.bias"), meta);
    }

    @Test
    void anUnknownNameListsInputsAndParameters() {
        CliRunner r = CliRunner.run("jacobian", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"), "--wrt", "w",
            "--out", dir.resolve("J.npy").toString());
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.contains("[x]") && r.err.contains("l1.weight, l1.bias"), r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
    }

    @Test
    void benchAndReportTakeAParameter() throws Exception {
        CliRunner b = CliRunner.run("bench", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"), "--wrt", "l3.weight",
            "--repeats", "1", "--warmup", "0", "--warmup-seconds", "0", "--json");
        assertEquals(0, b.exitCode, b.toString());
        Path html = dir.resolve("r.html");
        CliRunner r = CliRunner.run("report", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"), "--wrt", "l3.weight",
            "--out", html.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(Files.readString(html).contains("l3.weight"));
    }
}
