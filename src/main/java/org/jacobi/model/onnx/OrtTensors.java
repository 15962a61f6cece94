package org.jacobi.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/** Copies between Jacobi tensors and ONNX Runtime tensors. */
public final class OrtTensors {
    private OrtTensors() {
    }

    /** A new ONNX Runtime tensor holding a copy of {@code t} in a direct buffer; the caller closes it. */
    public static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
        long[] shape = t.shape();
        int n = t.size();
        switch (t.type()) {
            case FLOAT32: {
                FloatBuffer b = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                b.put(t.floats()).rewind();
                return OnnxTensor.createTensor(env, b, shape);
            }
            case FLOAT64: {
                DoubleBuffer b = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
                b.put(t.doubles()).rewind();
                return OnnxTensor.createTensor(env, b, shape);
            }
            case INT64: {
                LongBuffer b = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
                b.put(t.longs()).rewind();
                return OnnxTensor.createTensor(env, b, shape);
            }
            case INT32: {
                IntBuffer b = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
                b.put(t.ints()).rewind();
                return OnnxTensor.createTensor(env, b, shape);
            }
            case BOOL: {
                ByteBuffer b = ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
                for (boolean v : t.booleans()) {
                    b.put((byte) (v ? 1 : 0));
                }
                b.rewind();
                return OnnxTensor.createTensor(env, b, shape, OnnxJavaType.BOOL);
            }
            default:
                throw new IllegalArgumentException(t.type().toString());
        }
    }

    /** Copies an ONNX Runtime tensor out into a Jacobi tensor. */
    public static Tensor fromOrt(OnnxValue value) {
        if (!(value instanceof OnnxTensor)) {
            throw new JacobiException("The model returned a " + value.getType() + ", not a tensor; Jacobi handles tensor outputs only.");
        }
        OnnxTensor t = (OnnxTensor) value;
        TensorInfo info = t.getInfo();
        long[] shape = info.getShape();
        int n = Math.toIntExact(Tensor.elementCount(shape));
        switch (info.type) {
            case FLOAT: {
                float[] a = new float[n];
                t.getFloatBuffer().get(a);
                return Tensor.ofFloats(a, shape);
            }
            case DOUBLE: {
                double[] a = new double[n];
                t.getDoubleBuffer().get(a);
                return Tensor.ofDoubles(a, shape);
            }
            case INT64: {
                long[] a = new long[n];
                t.getLongBuffer().get(a);
                return Tensor.ofLongs(a, shape);
            }
            case INT32: {
                int[] a = new int[n];
                t.getIntBuffer().get(a);
                return Tensor.ofInts(a, shape);
            }
            case BOOL: {
                ByteBuffer b = t.getByteBuffer();
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = b.get(i) != 0;
                }
                return Tensor.ofBooleans(a, shape);
            }
            default:
                throw new JacobiException("The model returned a " + info.type + " tensor; Jacobi reads float32, float64, int64, int32 and bool.");
        }
    }
}
