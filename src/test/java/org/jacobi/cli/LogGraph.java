package org.jacobi.cli;

import org.jacobi.core.ElementType;
import org.jacobi.onnx.proto.Onnx;

/** y = log(x), x [batch, 2]: a model that is NaN for negative inputs. */
final class LogGraph {
    private LogGraph() {
    }

    static byte[] bytes() {
        Onnx.TensorShapeProto shape = Onnx.TensorShapeProto.newBuilder()
            .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(2)).build();
        Onnx.TypeProto type = Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(ElementType.FLOAT32.onnxCode()).setShape(shape)).build();
        Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("log")
            .addInput(Onnx.ValueInfoProto.newBuilder().setName("x").setType(type))
            .addOutput(Onnx.ValueInfoProto.newBuilder().setName("y").setType(type))
            .addNode(Onnx.NodeProto.newBuilder().setOpType("Log").setName("log").addInput("x").addOutput("y")).build();
        return Onnx.ModelProto.newBuilder().setIrVersion(7).addOpsetImport(Onnx.OperatorSetIdProto.newBuilder()
            .setDomain("").setVersion(13)).setGraph(graph).build().toByteArray();
    }
}
