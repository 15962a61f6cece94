package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jacobi.TestFiles;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The acceptance check: every fixture through {@code jacobi jacobian} matches its reference. */
class JacobianCommandTest {
    @TempDir
    Path dir;

    private static String fixture(String name) {
        return TestFiles.fixture(name).toString();
    }

    /** max|J - Jref| / max(1, max|Jref|). */
    private static double relativeError(Tensor j, Tensor ref) {
        assertArrayEquals(ref.shape(), j.shape());
        double err = 0;
        double max = 1;
        for (int i = 0; i < ref.size(); i++) {
            err = Math.max(err, Math.abs(j.getDouble(i) - ref.getDouble(i)));
            max = Math.max(max, Math.abs(ref.getDouble(i)));
        }
        return err / max;
    }

    /** Runs the command with {@code extra} options; {@code tag} names the output file. */
    private Tensor run(String model, String tag, String... extra) {
        Path out = dir.resolve(model.replace('.', '_') + "_" + tag + ".npy");
        List<String> args = new ArrayList<>(List.of("jacobian", fixture(model), "--out", out.toString()));
        args.addAll(List.of(extra));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode, r.toString());
        return Npy.read(out);
    }

    @ParameterizedTest
    @CsvSource({"mlp_tanh,forward", "mlp_tanh,reverse", "mlp_relu_softmax,forward", "mlp_relu_softmax,reverse",
        "cnn_small,forward", "cnn_small,reverse", "decoder_sigmoid,forward", "decoder_sigmoid,reverse"})
    void onnxFixturesMatchTheirReferences(String model, String mode) {
        Tensor j = run(model + ".onnx", mode, "--mode", mode, "--input", fixture(model + ".input.npy"));
        assertTrue(relativeError(j, Npy.read(TestFiles.fixture(model + ".jacobian.npy"))) <= 1e-4);
    }

    @ParameterizedTest
    @CsvSource({"two_inputs.onnx,x1,forward", "two_inputs.onnx,x2,forward", "two_inputs.onnx,x1,reverse",
        "two_inputs.onnx,x2,reverse", "two_inputs.pt,x1,reverse", "two_inputs.pt,x2,auto"})
    void bothInputsOfTheTwoInputModel(String model, String wrt, String mode) {
        Tensor j = run(model, mode + "_" + wrt, "--mode", mode, "--wrt", wrt,
            "--input", "x1=" + fixture("two_inputs.input.x1.npy"), "--input", "x2=" + fixture("two_inputs.input.x2.npy"));
        assertTrue(relativeError(j, Npy.read(TestFiles.fixture("two_inputs.jacobian." + wrt + ".npy"))) <= 1e-4);
    }

    @ParameterizedTest
    @CsvSource({"mlp_tanh", "mlp_relu_softmax", "cnn_small", "decoder_sigmoid"})
    void torchScriptFixturesMatchTheirReferences(String model) {
        Tensor j = run(model + ".pt", "auto", "--mode", "auto", "--input", fixture(model + ".input.npy"));
        assertTrue(relativeError(j, Npy.read(TestFiles.fixture(model + ".jacobian.npy"))) <= 1e-4);
    }

    @Test
    void metadataSaysExactOrApproximate() throws Exception {
        Path exact = dir.resolve("exact.npy");
        assertEquals(0, CliRunner.run("jacobian", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"),
            "--out", exact.toString()).exitCode);
        assertTrue(Files.readString(Path.of(exact + ".json")).contains("\"exact\": true"));
        Path approx = dir.resolve("approx.npy");
        CliRunner r = CliRunner.run("jacobian", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"),
            "--out", approx.toString(), "--mode", "fd");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("approximate"), r.out);
        assertTrue(Files.readString(Path.of(approx + ".json")).contains("\"accuracy\": \"approximate (finite differences)\""));
    }

    @Test
    void anOutputThatDoesNotDependOnTheInputIsSaidSo() throws Exception {
        String cf = "src/test/resources/models/control_flow/";
        Path out = dir.resolve("independent.npy");
        CliRunner r = CliRunner.run("jacobian", cf + "independent.onnx", "--input", "x=" + cf + "independent.x.npy",
            "--input", "z=" + cf + "independent.z.npy", "--wrt", "x", "--of", "y", "--mode", "reverse", "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("'y' does not depend on 'x'"), r.out);
        String json = Files.readString(Path.of(out + ".json"));
        assertTrue(json.contains("\"depends_on_input\": false") && json.contains("does not depend on"), json);
    }

    @Test
    void existingOutputIsKeptWithoutForce() throws Exception {
        Path out = dir.resolve("j.npy");
        Files.writeString(out, "keep me");
        CliRunner r = CliRunner.run("jacobian", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"),
            "--out", out.toString());
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.contains("--force"), r.err);
        assertEquals("keep me", Files.readString(out));
    }

    @Test
    void savedGraphIsAnOnnxModelWithTheJacobianOutput() throws Exception {
        Path graph = dir.resolve("d.onnx");
        CliRunner r = CliRunner.run("jacobian", fixture("mlp_tanh.onnx"), "--input", fixture("mlp_tanh.input.npy"),
            "--out", dir.resolve("j.npy").toString(), "--mode", "reverse", "--save-graph", graph.toString());
        assertEquals(0, r.exitCode, r.toString());
        Onnx.ModelProto saved = Onnx.ModelProto.parseFrom(Files.readAllBytes(graph));
        assertTrue(saved.getGraph().getNodeCount() > 5, "the differentiated graph has more nodes than the model");
        assertTrue(saved.getGraph().getOutputCount() >= 2);
    }

    @Test
    void torchScriptRefusesForwardMode() {
        CliRunner r = CliRunner.run("jacobian", fixture("mlp_tanh.pt"), "--input", fixture("mlp_tanh.input.npy"),
            "--out", dir.resolve("j.npy").toString(), "--mode", "forward");
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.toLowerCase().contains("forward"), r.err);
    }

    @Test
    void float16ModelsSayTheyAreComputedInFloat32() throws Exception {
        Path models = Path.of("src/test/resources/models/rnn_resize");
        Path out = dir.resolve("fp16.npy");
        CliRunner r = CliRunner.run("jacobian", models.resolve("conv_fp16.onnx").toString(), "--input",
            models.resolve("conv.input.float16.npy").toString(), "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("(float16 model computed in float32)"), r.out);
        String meta = Files.readString(Path.of(out + ".json"));
        assertTrue(meta.contains("\"precision\": \"float16 model computed in float32\""), meta);
        assertEquals(ElementType.FLOAT32, Npy.read(out).type());
        CliRunner info = CliRunner.run("info", models.resolve("conv_fp16.onnx").toString());
        assertTrue(info.out.contains("Precision   float16 model computed in float32"), info.out);
    }
}
