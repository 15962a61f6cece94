package org.jacobi.autodiff;

import org.jacobi.onnx.proto.Onnx;

/** Builds ONNX node attributes. */
public final class Attr {
    private Attr() {
    }

    public static Onnx.AttributeProto i(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    public static Onnx.AttributeProto f(String name, double v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF((float) v).build();
    }

    public static Onnx.AttributeProto s(String name, String v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
            .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    public static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    public static Onnx.AttributeProto floats(String name, double... v) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOATS);
        for (double x : v) {
            b.addFloats((float) x);
        }
        return b.build();
    }

    public static Onnx.AttributeProto t(String name, Onnx.TensorProto v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(v).build();
    }
}
