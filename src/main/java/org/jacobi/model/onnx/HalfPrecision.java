package org.jacobi.model.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.UnaryOperator;
import org.jacobi.core.ElementType;
import org.jacobi.core.HalfFloats;
import org.jacobi.onnx.proto.Onnx;

/**
 * Float16 and bfloat16 models computed in float32: every half-precision weight, constant, Cast target and declared
 * value type becomes float32. Float32 holds every half-precision value exactly, so the weights are unchanged; what
 * changes is that the arithmetic is no longer rounded to 16 bits after each operation, so the Jacobian computed
 * is the exact Jacobian of the function the weights define (and differs from float16 evaluation by float16
 * rounding). Subgraphs (If, Loop, Scan bodies) are rewritten too.
 */
public final class HalfPrecision {
    private static final int FLOAT = ElementType.FLOAT32.onnxCode();
    // ONNX codes of the half types; ElementType leaves them out because no Jacobi tensor holds them (they are
    // widened here, on load).
    private static final int FLOAT16 = 10;
    private static final int BFLOAT16 = 16;
    private static final float[] FLOAT16_VALUES = new float[1 << 16];

    static {
        for (int b = 0; b < FLOAT16_VALUES.length; b++) {
            FLOAT16_VALUES[b] = HalfFloats.float16ToFloat(b);
        }
    }

    private HalfPrecision() {
    }

    /** Whether an ONNX element type code is float16 or bfloat16. */
    static boolean isHalf(long onnxCode) {
        return onnxCode == FLOAT16 || onnxCode == BFLOAT16;
    }

    /** The half-precision types a model uses ("float16", "bfloat16" or "float16 and bfloat16"), or null. */
    public static String halfTypes(Onnx.ModelProto model) {
        boolean[] seen = new boolean[2];
        scan(model.getGraph(), seen);
        return seen[0] && seen[1] ? "float16 and bfloat16" : seen[0] ? "float16" : seen[1] ? "bfloat16" : null;
    }

    private static void note(int type, boolean[] seen) {
        if (type == FLOAT16) {
            seen[0] = true;
        } else if (type == BFLOAT16) {
            seen[1] = true;
        }
    }

    private static void scan(Onnx.GraphProto g, boolean[] seen) {
        g.getInitializerList().forEach(t -> note(t.getDataType(), seen));
        for (Onnx.ValueInfoProto v : g.getInputList()) {
            note(elemType(v), seen);
        }
        for (Onnx.ValueInfoProto v : g.getOutputList()) {
            note(elemType(v), seen);
        }
        for (Onnx.ValueInfoProto v : g.getValueInfoList()) {
            note(elemType(v), seen);
        }
        for (Onnx.NodeProto n : g.getNodeList()) {
            for (Onnx.AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) {
                    note(a.getT().getDataType(), seen);
                }
                a.getTensorsList().forEach(t -> note(t.getDataType(), seen));
                if (isTypeAttribute(a)) {
                    note((int) a.getI(), seen);
                }
                if (a.hasG()) {
                    scan(a.getG(), seen);
                }
                a.getGraphsList().forEach(sub -> scan(sub, seen));
            }
        }
    }

    private static int elemType(Onnx.ValueInfoProto v) {
        return v.getType().hasTensorType() ? v.getType().getTensorType().getElemType() : 0;
    }

    /** Attributes that name an element type: Cast's "to", the "dtype" of EyeLike, RandomNormal and others. */
    private static boolean isTypeAttribute(Onnx.AttributeProto a) {
        return a.getType() == Onnx.AttributeProto.AttributeType.INT && (a.getName().equals("to") || a.getName().equals("dtype"));
    }

    /** The model with every half-precision type replaced by float32. */
    public static Onnx.ModelProto upcast(Onnx.ModelProto model) {
        return model.toBuilder().setGraph(upcast(model.getGraph())).build();
    }

    private static Onnx.GraphProto upcast(Onnx.GraphProto g) {
        Onnx.GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < b.getInitializerCount(); i++) {
            b.setInitializer(i, upcast(b.getInitializer(i)));
        }
        mapValueInfos(b, HalfPrecision::upcast);
        for (int i = 0; i < b.getNodeCount(); i++) {
            Onnx.NodeProto.Builder n = b.getNode(i).toBuilder();
            for (int j = 0; j < n.getAttributeCount(); j++) {
                Onnx.AttributeProto.Builder a = n.getAttribute(j).toBuilder();
                if (a.hasT()) {
                    a.setT(upcast(a.getT()));
                }
                for (int k = 0; k < a.getTensorsCount(); k++) {
                    a.setTensors(k, upcast(a.getTensors(k)));
                }
                if (isTypeAttribute(a.build()) && isHalf(a.getI())) {
                    a.setI(FLOAT);
                }
                if (a.hasG()) {
                    a.setG(upcast(a.getG()));
                }
                for (int k = 0; k < a.getGraphsCount(); k++) {
                    a.setGraphs(k, upcast(a.getGraphs(k)));
                }
                n.setAttribute(j, a);
            }
            b.setNode(i, n);
        }
        return b.build();
    }

    /** Replaces each of the graph's inputs, outputs and value infos {@code v} by {@code f(v)}. */
    static void mapValueInfos(Onnx.GraphProto.Builder b, UnaryOperator<Onnx.ValueInfoProto> f) {
        for (int i = 0; i < b.getInputCount(); i++) {
            b.setInput(i, f.apply(b.getInput(i)));
        }
        for (int i = 0; i < b.getOutputCount(); i++) {
            b.setOutput(i, f.apply(b.getOutput(i)));
        }
        for (int i = 0; i < b.getValueInfoCount(); i++) {
            b.setValueInfo(i, f.apply(b.getValueInfo(i)));
        }
    }

    private static Onnx.ValueInfoProto upcast(Onnx.ValueInfoProto v) {
        int type = elemType(v);
        if (!isHalf(type)) {
            return v;
        }
        Onnx.ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setElemType(FLOAT);
        return b.build();
    }

    /** A float16 or bfloat16 tensor as float32 (other tensors unchanged). */
    static Onnx.TensorProto upcast(Onnx.TensorProto t) {
        int type = t.getDataType();
        if (!isHalf(type)) {
            return t;
        }
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
            return t; // refused when the model is read
        }
        short[] bits;
        if (t.hasRawData()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            bits = new short[raw.remaining() / 2];
            raw.asShortBuffer().get(bits);
        } else {
            bits = new short[t.getInt32DataCount()];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = (short) t.getInt32Data(i);
            }
        }
        // bulk conversion through a table of all 65536 float16 values: the 13 M weights of a large U-Net took
        // seconds one ByteBuffer call at a time
        float[] floats = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            int b = bits[i] & 0xffff;
            floats[i] = type == FLOAT16 ? FLOAT16_VALUES[b] : HalfFloats.bfloat16ToFloat(b);
        }
        ByteBuffer out = ByteBuffer.allocate(floats.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(floats);
        return t.toBuilder().setDataType(FLOAT).clearInt32Data().clearRawData()
            .setRawData(ByteString.copyFrom(out.array())).build();
    }
}
