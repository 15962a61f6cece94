package org.jacobi.core;

import java.util.Locale;

/** Element types that Jacobi moves between files and models. Codes follow ONNX's TensorProto.DataType. */
public enum ElementType {
    FLOAT32("float32", 4, 1, true),
    FLOAT64("float64", 8, 11, true),
    INT64("int64", 8, 7, false),
    INT32("int32", 4, 6, false),
    BOOL("bool", 1, 9, false);

    private final String displayName;
    private final int bytes;
    private final int onnxCode;
    private final boolean floatingPoint;

    ElementType(String displayName, int bytes, int onnxCode, boolean floatingPoint) {
        this.displayName = displayName;
        this.bytes = bytes;
        this.onnxCode = onnxCode;
        this.floatingPoint = floatingPoint;
    }

    public String displayName() {
        return displayName;
    }

    public int bytes() {
        return bytes;
    }

    public int onnxCode() {
        return onnxCode;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The type for an ONNX data type code, or null when Jacobi cannot handle it. */
    public static ElementType fromOnnxCode(int code) {
        for (ElementType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        return null;
    }

    /** ONNX's codes of the half-precision types, which Jacobi reads only as float32 (models loaded at full precision). */
    public static final int ONNX_FLOAT16 = 10;
    public static final int ONNX_BFLOAT16 = 16;

    /** Whether an ONNX data type code is a floating-point type, half precisions included. */
    public static boolean isFloatingPointCode(int code) {
        ElementType t = fromOnnxCode(code);
        return t != null ? t.isFloatingPoint() : code == ONNX_FLOAT16 || code == ONNX_BFLOAT16;
    }

    /** The bytes of an element of a floating-point ONNX type as Jacobi runs it: 8 for float64, else 4 (float32). */
    public static int runBytesOfCode(int code) {
        return code == FLOAT64.onnxCode ? 8 : 4;
    }

    /** A readable name for any ONNX data type code, including those Jacobi does not support. */
    public static String onnxTypeName(int code) {
        String[] names = {"undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64",
            "string", "bool", "float16", "float64", "uint32", "uint64", "complex64", "complex128",
            "bfloat16", "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4",
            "float4e2m1"};
        return code >= 0 && code < names.length ? names[code] : "type " + code;
    }

    @Override
    public String toString() {
        return displayName.toLowerCase(Locale.ROOT);
    }
}
