package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.jacobi.autodiff.Differentiator;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.lowering.ForwardBlockLayout;
import org.jacobi.jacobian.lowering.OrtShapeProbe;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

class ForwardBlockLayoutTest {
    private static Onnx.ModelProto runGraph(OnnxJacobianEngine engine, Map<String, Tensor> inputs, JacobianMode mode) {
        return engine.differentiatedGraph(JacobianRequest.of(inputs).withMode(mode));
    }

    @Test
    void aDecodersLastLayerWritesTheForwardBlockInItsOwnLayoutWithTheSameValues() throws Exception {
        Map<String, Tensor> inputs = FixtureJacobianTest.inputs("decoder_sigmoid");
        try (OnnxModel model = OnnxModel.load(FixtureJacobianTest.FIXTURES.resolve("decoder_sigmoid.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            Onnx.ModelProto graph = runGraph(engine, inputs, JacobianMode.FORWARD);
            ValueShapes shapes = OrtShapeProbe.probe(model.proto(), inputs);
            Onnx.ModelProto lowered = ForwardBlockLayout.lower(graph, Differentiator.SEED, OnnxJacobianEngine.BLOCK, shapes);
            Onnx.NodeProto last = lowered.getGraph().getNode(lowered.getGraph().getNodeCount() - 1);
            assertEquals(OnnxJacobianEngine.BLOCK, last.getOutput(0));
            assertEquals("Identity", last.getOpType(), "no Transpose of the whole block");
            assertTrue(lowered.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("FusedMatMul")));

            Tensor x = inputs.get("x");
            int batch = (int) x.dim(0);
            int in = (int) x.dim(1);
            float[] seed = new float[in * batch * in]; // [K, B, in]: direction k is e_k for every sample
            for (int k = 0; k < in; k++) {
                for (int b = 0; b < batch; b++) {
                    seed[(k * batch + b) * in + k] = 1;
                }
            }
            float[] expected = block(graph, x, seed, new long[] {in, batch, in});
            float[] actual = block(lowered, x, seed, new long[] {in, batch, in});
            assertEquals(batch * 784 * in, actual.length);
            assertArrayEquals(expected, actual, 1e-6f);
        }
    }

    @Test
    void otherBlocksStayAsTheyAre() {
        Map<String, Tensor> tanh = FixtureJacobianTest.inputs("mlp_tanh");
        try (OnnxModel model = OnnxModel.load(FixtureJacobianTest.FIXTURES.resolve("mlp_tanh.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            ValueShapes shapes = OrtShapeProbe.probe(model.proto(), tanh);
            // a last layer that narrows (8 -> 4): moving its tangent would cost more than the block's Transpose
            Onnx.ModelProto forward = runGraph(engine, tanh, JacobianMode.FORWARD);
            assertSame(forward, ForwardBlockLayout.lower(forward, Differentiator.SEED, OnnxJacobianEngine.BLOCK, shapes));
            // reverse mode lays its block out with another Transpose
            Onnx.ModelProto reverse = runGraph(engine, tanh, JacobianMode.REVERSE);
            assertSame(reverse, ForwardBlockLayout.lower(reverse, Differentiator.SEED, OnnxJacobianEngine.BLOCK, shapes));
        }
    }

    private static float[] block(Onnx.ModelProto graph, Tensor x, float[] seed, long[] seedShape) throws Exception {
        OrtEnvironment env = OrtSessions.environment();
        try (OrtSessions.Opened s = OrtSessions.open(graph.toByteArray(), DevicePreference.CPU, "test");
             OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), x.shape());
             OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(seed), seedShape);
             OrtSession.Result r = s.session().run(Map.of("x", xt, Differentiator.SEED, st))) {
            return ((OnnxTensor) r.get(OnnxJacobianEngine.BLOCK).get()).getFloatBuffer().array();
        }
    }
}
