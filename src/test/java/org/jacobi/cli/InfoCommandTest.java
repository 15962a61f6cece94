package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jacobi.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InfoCommandTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "mlp_tanh; x  float32 [batch, 8]; y  float32 [batch, 4]; Gemm ×3, Tanh ×2; 1,476",
        "mlp_relu_softmax; x  float32 [batch, 64]; y  float32 [batch, 10]; Gemm ×2, Relu ×1, Softmax ×1; 9,610",
        "cnn_small; x  float32 [batch, 1, 28, 28]; y  float32 [batch, 10]; MaxPool ×1; 9,098",
        "decoder_sigmoid; x  float32 [batch, 16]; y  float32 [batch, 784]; Gemm ×2, Relu ×1, Sigmoid ×1; 103,312",
        "two_inputs; x2  float32 [batch, 3]; y  float32 [batch, 5]; MatMul ×2; 65",
    })
    void describesEveryOnnxFixture(String model, String input, String output, String ops, String params) {
        CliRunner r = CliRunner.run("info", TestFiles.fixture(model + ".onnx").toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains(input), r.out);
        assertTrue(r.out.contains(output), r.out);
        assertTrue(r.out.contains(ops), r.out);
        assertTrue(r.out.contains("Parameters  " + params), r.out);
        assertTrue(r.out.contains("IR version  7; opsets ai.onnx 13"), r.out);
    }

    @ParameterizedTest
    @CsvSource({"mlp_tanh,5,1476", "cnn_small,10,9098", "two_inputs,7,65"})
    void jsonIsMachineReadable(String model, int nodes, long params) {
        CliRunner r = CliRunner.run("info", "--json", TestFiles.fixture(model + ".onnx").toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("\"node_count\": " + nodes), r.out);
        assertTrue(r.out.contains("\"parameters\": " + params), r.out);
        assertTrue(r.out.contains("\"shape\":[\"batch\","), r.out);
        assertTrue(r.out.strip().startsWith("{") && r.out.strip().endsWith("}"), r.out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "mlp_tanh; x=8; x        float32 [batch, 8]; 1,476",
        "mlp_relu_softmax; x=64; x        float32 [batch, 64]; 9,610",
        "cnn_small; x=1,28,28; x        float32 [batch, 1, 28, 28]; 9,098",
        "decoder_sigmoid; x=16; x        float32 [batch, 16]; 103,312",
    })
    void describesTorchScriptFixturesWithShape(String model, String shape, String input, String params) {
        CliRunner r = CliRunner.run("info", TestFiles.fixture(model + ".pt").toString(), "--shape", shape);
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("TorchScript"), r.out);
        assertTrue(r.out.replaceAll(" +", " ").contains(input.replaceAll(" +", " ")), r.out);
        assertTrue(r.out.contains("from --shape"), r.out);
        assertTrue(r.out.contains("Parameters  " + params), r.out);
    }

    @Test
    void twoInputTorchScriptWithShapes() {
        CliRunner r = CliRunner.run("info", TestFiles.fixture("two_inputs.pt").toString(), "--shape", "x1=6", "--shape", "x2=3");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("x1  float32 [batch, 6]"), r.out);
        assertTrue(r.out.contains("x2  float32 [batch, 3]"), r.out);
        assertTrue(r.out.contains("[batch, 5]"), r.out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "subgraph_nodes; 18 nodes (16 inside If/Loop/Scan subgraphs): Constant ×1, If ×2, MatMul ×6, Add ×6, Tanh ×3",
        "constant_weights; 9 nodes: Constant ×4, MatMul ×2, Add ×2, Tanh ×1",
        "minus_one_dims; 5 nodes: MatMul ×2, Add ×2, Tanh ×1",
    })
    void countsWhatConvertersWrite(String model, String operators) {
        CliRunner r = CliRunner.run("info", TestFiles.resource("real_files/" + model + ".onnx").toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("Operators   " + operators), r.out);
        assertTrue(r.out.contains("Parameters  51"), r.out);
    }

    @Test
    void torchScriptWithoutShapeSaysHowToGiveOne() {
        CliRunner r = CliRunner.run("info", TestFiles.fixture("mlp_tanh.pt").toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("TorchScript files declare no shapes. Give --shape"), r.out);
    }
}
