package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jacobi.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets one clear line on stderr, the right exit code and no stack trace. */
class BadInputTest {
    @TempDir
    Path dir;

    private static String model(String name) {
        return TestFiles.fixture(name).toString();
    }

    private static String io(String name) {
        return TestFiles.resource("io/" + name).toString();
    }

    private static void assertOneLineError(CliRunner r, int code, String... fragments) {
        assertEquals(code, r.exitCode, r.toString());
        String firstLine = r.err.strip().split("\\R")[0];
        assertTrue(firstLine.startsWith("jacobi: "), r.toString());
        for (String f : fragments) {
            assertTrue(firstLine.contains(f), "expected '" + f + "' in: " + firstLine);
        }
        assertFalse(r.err.contains("Exception"), r.toString());
        assertFalse(r.err.contains("\tat "), r.toString());
    }

    @Test
    void missingModelFile() {
        assertOneLineError(CliRunner.run("info", dir.resolve("nope.onnx").toString()), 1, "File not found", "nope.onnx");
    }

    @Test
    void fileThatIsNotAModel() {
        assertOneLineError(CliRunner.run("info", io("mlp_header.csv")), 1, "not a model", "mlp_header.csv");
        assertOneLineError(CliRunner.run("info", io("not_a_model.onnx")), 1, "not a valid ONNX model", "Export the model again");
    }

    @Test
    void truncatedOnnxFile() {
        assertOneLineError(CliRunner.run("info", io("truncated.onnx")), 1, "truncated.onnx", "corrupt or truncated");
    }

    @Test
    void unsupportedElementTypeInInputFile() {
        assertOneLineError(CliRunner.run("jacobian", model("mlp_tanh.onnx"), "--input", io("u8.npy"), "--out",
            dir.resolve("j.npy").toString()), 1, "uint8", "u8.npy");
    }

    @Test
    void inputOfWrongShape() {
        assertOneLineError(CliRunner.run("jacobian", model("mlp_tanh.onnx"), "--input", io("mlp_wrong_shape.npy"), "--out",
            dir.resolve("j.npy").toString()), 1, "shape [3, 7]", "expects [batch, 8]");
    }

    @Test
    void inputOfWrongType() {
        assertOneLineError(CliRunner.run("jacobian", model("mlp_tanh.onnx"), "--input", io("mlp_int.npy"), "--out",
            dir.resolve("j.npy").toString()), 1, "int64", "float32");
    }

    @Test
    void nanAndInfAreRefusedWithTheirPosition() {
        assertOneLineError(CliRunner.run("jacobian", model("mlp_tanh.onnx"), "--input", io("mlp_nan.npy"), "--out",
            dir.resolve("j.npy").toString()), 1, "NaN", "sample 1, position [5]");
        assertOneLineError(CliRunner.run("jacobian", model("mlp_tanh.onnx"), "--input", io("mlp_inf.npy"), "--out",
            dir.resolve("j.npy").toString()), 1, "+Inf", "sample 2, position [0]");
        assertFalse(dir.resolve("j.npy").toFile().exists());
    }

    @Test
    void unknownSubcommandAndOption() {
        assertOneLineError(CliRunner.run("frobnicate"), 2, "frobnicate");
        assertOneLineError(CliRunner.run("info", "--colour", model("mlp_tanh.onnx")), 2, "--colour");
        assertOneLineError(CliRunner.run("jacobian", model("mlp_tanh.onnx"), "--input", io("i32.npy"), "--out",
            dir.resolve("j.npy").toString(), "--mode", "sideways"), 2, "sideways");
    }

    @Test
    void unknownInputName() {
        assertOneLineError(CliRunner.run("jacobian", model("two_inputs.onnx"), "--input", "x9=" + io("i32.npy"), "--out",
            dir.resolve("j.npy").toString()), 2, "no input 'x9'", "[x1, x2]");
    }

    @Test
    void verboseShowsTheCause() {
        CliRunner r = CliRunner.run("--verbose", "info", io("truncated.onnx"));
        assertEquals(1, r.exitCode);
        assertTrue(r.err.contains("InvalidProtocolBufferException"), r.err);
    }
}
