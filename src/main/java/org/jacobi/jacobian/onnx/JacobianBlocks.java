package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.model.onnx.OrtSessions;

/**
 * The native buffers of {@link OnnxJacobianEngine}'s runs: unit seeds (K directions, each the unit vector of one
 * per-sample element in every sample at once), their cache, and the copy of a run's Jacobian block into the
 * Jacobian array.
 */
final class JacobianBlocks {
    private JacobianBlocks() {
    }

    /**
     * Unit seeds kept on the native side between computes: a seed depends only on the chunk's shape and first
     * direction, so repeated Jacobians of the same shape (benchmarks, optimization loops) reuse them. Seeds are
     * only read by ONNX Runtime, so concurrent runs may share them.
     */
    static final class SeedCache {
        static final long MAX_BYTES = 64L << 20;
        private final Map<String, OnnxTensor> tensors = new HashMap<>();
        private long bytes;

        /** The cached seed, or null when it is not cached (the caller then builds and closes its own). */
        synchronized OnnxTensor get(ElementType type, int kc, int bc, int perSample, int k0, long[] shape) throws OrtException {
            String key = type + ":" + kc + ":" + bc + ":" + perSample + ":" + k0 + ":" + Arrays.toString(shape);
            OnnxTensor t = tensors.get(key);
            if (t != null) {
                return t;
            }
            long size = (long) kc * bc * perSample * type.bytes();
            if (bytes + size > MAX_BYTES) {
                return null;
            }
            t = seedTensor(unitSeed(type, kc, bc, perSample, k0), type, shape);
            tensors.put(key, t);
            bytes += size;
            return t;
        }

        synchronized void close() {
            tensors.values().forEach(OnnxTensor::close);
            tensors.clear();
            bytes = 0;
        }
    }

    static OnnxTensor seedTensor(ByteBuffer seed, ElementType type, long[] shape) throws OrtException {
        OrtEnvironment env = OrtSessions.environment();
        return type == ElementType.FLOAT64
            ? OnnxTensor.createTensor(env, seed.asDoubleBuffer(), shape)
            : OnnxTensor.createTensor(env, seed.asFloatBuffer(), shape);
    }

    static ByteBuffer allocate(ElementType type, long elements) {
        long bytes = elements * type.bytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new JacobiException("A chunk needs more than 2 GiB for its seed; lower --max-memory.");
        }
        return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    }

    static void putValue(ByteBuffer b, ElementType type, int index, double v) {
        if (type == ElementType.FLOAT64) {
            b.putDouble(index * 8, v);
        } else {
            b.putFloat(index * 4, (float) v);
        }
    }

    /** Seeds {@code [kc, bc, perSample]}: direction k is the unit vector of element k0+k in every sample. */
    static ByteBuffer unitSeed(ElementType type, int kc, int bc, int perSample, int k0) {
        ByteBuffer b = allocate(type, (long) kc * bc * perSample);
        for (int k = 0; k < kc; k++) {
            for (int s = 0; s < bc; s++) {
                putValue(b, type, (k * bc + s) * perSample + k0 + k, 1.0);
            }
        }
        return b;
    }

    /** Copies a block ({@code [bc, nOut, kc]} forward, {@code [bc, kc, nIn]} reverse) into the Jacobian {@code [B, nOut, nIn]}. */
    static void copyBlock(ByteBuffer block, ElementType type, float[] jac, boolean forward, int kc, int bc, int k0,
                                  int b0, int nIn, int nOut) {
        int rows = forward ? bc * nOut : bc;
        int rowLength = forward ? kc : kc * nIn;
        if (type == ElementType.FLOAT32) {
            FloatBuffer f = block.asFloatBuffer();
            if (forward && kc == nIn || !forward && kc == nOut) {
                f.get(0, jac, b0 * nOut * nIn, rows * rowLength);
                return;
            }
            for (int row = 0; row < rows; row++) {
                f.get(row * rowLength, jac, destination(forward, row, k0, b0, nIn, nOut), rowLength);
            }
        } else {
            DoubleBuffer d = block.asDoubleBuffer();
            for (int row = 0; row < rows; row++) {
                int dst = destination(forward, row, k0, b0, nIn, nOut);
                for (int i = 0; i < rowLength; i++) {
                    jac[dst + i] = (float) d.get(row * rowLength + i);
                }
            }
        }
    }

    /** Where block row {@code row} starts in the Jacobian. */
    static int destination(boolean forward, int row, int k0, int b0, int nIn, int nOut) {
        // forward: row = b*nOut + o holds J[b0+b, o, k0..]; reverse: row = b holds J[b0+b, k0.., :]
        return forward ? (b0 * nOut + row) * nIn + k0 : ((b0 + row) * nOut + k0) * nIn;
    }

    static float[] readFloats(ByteBuffer b, int n) {
        float[] out = new float[n];
        b.asFloatBuffer().get(0, out, 0, n);
        return out;
    }

    static double[] readDoubles(ByteBuffer b, int n) {
        double[] out = new double[n];
        b.asDoubleBuffer().get(0, out, 0, n);
        return out;
    }
}
