package org.jacobi.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.onnx.GraphRun;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.model.onnx.OrtTensors;
import org.jacobi.onnx.proto.Onnx;

/**
 * Measures what this machine reaches on a large float32 matrix multiply through ONNX Runtime, the same
 * runtime our Jacobian graphs run on: the yardstick for "share of what the machine could do".
 */
public final class MatmulPeak {
    private MatmulPeak() {
    }

    /** Result: floating-point operations per second of the best run, and the device it ran on. */
    public record Peak(double flopsPerSecond, String device) {
    }

    public static Peak measure(int n, DevicePreference device) {
        Onnx.TypeProto type = Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(ElementType.FLOAT32.onnxCode()).setShape(Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(n))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(n)))).build();
        Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("matmul_peak")
            .addNode(Onnx.NodeProto.newBuilder().setOpType("MatMul").addInput("a").addInput("b").addOutput("c"))
            .addInput(Onnx.ValueInfoProto.newBuilder().setName("a").setType(type))
            .addInput(Onnx.ValueInfoProto.newBuilder().setName("b").setType(type))
            .addOutput(Onnx.ValueInfoProto.newBuilder().setName("c").setType(type)).build();
        byte[] model = Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build().toByteArray();
        float[] data = new float[n * n];
        Random random = new Random(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat() - 0.5f;
        }
        Tensor a = Tensor.ofFloats(data, n, n);
        try (OrtSessions.Opened opened = OrtSessions.open(model, device, "matmul benchmark");
             OnnxTensor ta = OrtTensors.toOrt(OrtSessions.environment(), a);
             OnnxTensor tb = OrtTensors.toOrt(OrtSessions.environment(), a)) {
            OrtSession session = opened.session();
            long best = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 2_000_000_000L;
            for (int run = 0; run < 20 && (run < 4 || System.nanoTime() < deadline); run++) {
                long t0 = System.nanoTime();
                GraphRun.run(session, Map.of("a", ta, "b", tb), Set.of("c"), Map.of(), ProgressMonitor.NONE,
                    "the matrix-multiply benchmark", result -> null);
                best = Math.min(best, System.nanoTime() - t0);
            }
            return new Peak(2.0 * n * n * (double) n / (best / 1e9), opened.device());
        } catch (OrtException e) {
            throw new JacobiException("The matrix-multiply benchmark failed: " + e.getMessage(), e);
        }
    }
}
