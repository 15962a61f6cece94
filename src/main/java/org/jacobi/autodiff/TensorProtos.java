package org.jacobi.autodiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jacobi.core.ElementType;
import org.jacobi.onnx.proto.Onnx;

/** Small helpers to make and read ONNX TensorProtos. */
public final class TensorProtos {
    private TensorProtos() {
    }

    public static Onnx.TensorProto ints(String name, long[] values, long... dims) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name).setDataType(ElementType.INT64.onnxCode());
        for (long d : dims) {
            b.addDims(d);
        }
        for (long v : values) {
            b.addInt64Data(v);
        }
        return b.build();
    }

    /** A float tensor of ONNX type {@code type} (float32 or float64, {@link ElementType#onnxCode()}). */
    public static Onnx.TensorProto floats(String name, int type, double[] values, long... dims) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name).setDataType(type);
        for (long d : dims) {
            b.addDims(d);
        }
        if (type == ElementType.FLOAT64.onnxCode()) {
            for (double v : values) {
                b.addDoubleData(v);
            }
        } else if (type == ElementType.FLOAT32.onnxCode()) {
            for (double v : values) {
                b.addFloatData((float) v);
            }
        } else {
            throw new IllegalArgumentException("float type code " + type);
        }
        return b.build();
    }

    /** The values of an integer tensor (int64 or int32), from raw or typed data. */
    public static long[] toLongs(Onnx.TensorProto t) {
        int type = t.getDataType();
        if (t.hasRawData()) {
            ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int width = type == ElementType.INT64.onnxCode() ? 8 : 4;
            long[] out = new long[buf.remaining() / width];
            for (int i = 0; i < out.length; i++) {
                out[i] = width == 8 ? buf.getLong() : buf.getInt();
            }
            return out;
        }
        if (type == ElementType.INT64.onnxCode()) {
            return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }
        return t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray();
    }

    /** The values of a float32 or float64 tensor, from raw or typed data. */
    public static double[] toDoubles(Onnx.TensorProto t) {
        boolean wide = t.getDataType() == ElementType.FLOAT64.onnxCode();
        if (t.hasRawData()) {
            ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            double[] out = new double[buf.remaining() / (wide ? 8 : 4)];
            for (int i = 0; i < out.length; i++) {
                out[i] = wide ? buf.getDouble() : buf.getFloat();
            }
            return out;
        }
        return wide ? t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray()
            : t.getFloatDataList().stream().mapToDouble(Float::doubleValue).toArray();
    }
}
