package org.jacobi.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jacobi.core.ElementType;
import org.jacobi.core.HalfFloats;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/**
 * NumPy's NPY format (versions 1, 2 and 3). Reads float32, float64, int64, int32 and bool in either byte
 * order and in C or Fortran order, and float16 as float32 (which holds every float16 value exactly); writes
 * version 1.0, little-endian, C order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static Tensor read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new JacobiException("File not found: " + file + ". Check the path.", e);
        } catch (IOException e) {
            throw new JacobiException("Could not read " + file + ": " + AtomicFiles.describe(e) + ".", e);
        }
    }

    /** Reads one array; {@code source} names the file in messages. */
    public static Tensor read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) {
            throw new JacobiException(source + " is not an NPY file (no NumPy header). Save arrays with numpy.save.");
        }
        int major = magic[6];
        int headerLength;
        if (major == 1) {
            byte[] len = in.readNBytes(2);
            headerLength = (len[0] & 0xff) | (len[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] len = in.readNBytes(4);
            headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new JacobiException(source + " uses NPY format version " + major + ", which Jacobi cannot read.");
        }
        byte[] headerBytes = in.readNBytes(headerLength);
        if (headerBytes.length < headerLength) {
            throw new JacobiException(source + " is truncated (its NPY header is incomplete).");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
            throw new JacobiException(source + " has a malformed NPY header.");
        }
        long[] shape = parseShape(shapeMatch.group(1));
        boolean fortranOrder = fortran.group(1).equals("True");
        String dtype = descr.group(1);
        ByteOrder order = dtype.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String kind = dtype.replaceFirst("^[<>|=]", "");
        ElementType type;
        boolean half = kind.equals("f2");
        switch (kind) {
            case "f2":
            case "f4": type = ElementType.FLOAT32; break;
            case "f8": type = ElementType.FLOAT64; break;
            case "i8": type = ElementType.INT64; break;
            case "i4": type = ElementType.INT32; break;
            case "b1": type = ElementType.BOOL; break;
            default:
                throw new JacobiException(source + " holds " + describeDtype(kind)
                    + " values; Jacobi reads float16, float32, float64, int64, int32 and bool. Convert it, e.g. x.astype('float32').");
        }
        long count = Tensor.elementCount(shape);
        long byteCount = count * (half ? 2 : type.bytes());
        if (byteCount > Integer.MAX_VALUE - 16) {
            throw new JacobiException(source + " is too large (" + byteCount + " bytes) to load at once.");
        }
        byte[] body = in.readNBytes((int) byteCount);
        if (body.length < byteCount) {
            throw new JacobiException(source + " is truncated: its header promises " + Tensor.shapeToString(shape)
                + " but the data stops early.");
        }
        ByteBuffer buf = ByteBuffer.wrap(body).order(order);
        int n = (int) count;
        Tensor t;
        if (half) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = HalfFloats.float16ToFloat(buf.getShort(2 * i) & 0xffff);
            }
            t = Tensor.ofFloats(a, shape);
        } else switch (type) {
            case FLOAT32: { float[] a = new float[n]; buf.asFloatBuffer().get(a); t = Tensor.ofFloats(a, shape); break; }
            case FLOAT64: { double[] a = new double[n]; buf.asDoubleBuffer().get(a); t = Tensor.ofDoubles(a, shape); break; }
            case INT64: { long[] a = new long[n]; buf.asLongBuffer().get(a); t = Tensor.ofLongs(a, shape); break; }
            case INT32: { int[] a = new int[n]; buf.asIntBuffer().get(a); t = Tensor.ofInts(a, shape); break; }
            default: { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) { a[i] = body[i] != 0; } t = Tensor.ofBooleans(a, shape); }
        }
        return fortranOrder && shape.length > 1 ? fromFortranOrder(t) : t;
    }

    private static String describeDtype(String kind) {
        switch (kind) {
            case "f2": return "float16";
            case "u1": return "uint8";
            case "i1": return "int8";
            case "i2": return "int16";
            case "u2": return "uint16";
            case "u4": return "uint32";
            case "u8": return "uint64";
            case "c8": return "complex64";
            case "c16": return "complex128";
            default: return "'" + kind + "'";
        }
    }

    private static long[] parseShape(String text) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                dims.add(Long.parseLong(p.replace("L", "")));
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** Reorders column-major data into row-major. */
    private static Tensor fromFortranOrder(Tensor t) {
        long[] shape = t.shape();
        int n = t.size();
        int rank = shape.length;
        int[] fStrides = new int[rank];
        int s = 1;
        for (int a = 0; a < rank; a++) {
            fStrides[a] = s;
            s *= (int) shape[a];
        }
        int[] idx = new int[rank];
        Object src = t.array();
        Object dst = Array.newInstance(src.getClass().getComponentType(), n);
        for (int c = 0; c < n; c++) {
            int f = 0;
            for (int a = 0; a < rank; a++) {
                f += idx[a] * fStrides[a];
            }
            System.arraycopy(src, f, dst, c, 1);
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < shape[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        switch (t.type()) {
            case FLOAT32: return Tensor.ofFloats((float[]) dst, shape);
            case FLOAT64: return Tensor.ofDoubles((double[]) dst, shape);
            case INT64: return Tensor.ofLongs((long[]) dst, shape);
            case INT32: return Tensor.ofInts((int[]) dst, shape);
            default: return Tensor.ofBooleans((boolean[]) dst, shape);
        }
    }

    /** Writes {@code tensor} to {@code file} atomically. */
    public static void write(Path file, Tensor tensor, boolean overwrite) {
        AtomicFiles.write(file, overwrite, out -> write(out, tensor));
    }

    public static void write(OutputStream out, Tensor tensor) throws IOException {
        String descr;
        switch (tensor.type()) {
            case FLOAT32: descr = "<f4"; break;
            case FLOAT64: descr = "<f8"; break;
            case INT64: descr = "<i8"; break;
            case INT32: descr = "<i4"; break;
            default: descr = "|b1";
        }
        long[] shape = tensor.shape();
        StringBuilder shapeText = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            shapeText.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                shapeText.append(shape.length == 1 ? "," : ", ");
            }
        }
        shapeText.append(')');
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shapeText);
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        int len = header.length();
        head.write(len & 0xff);
        head.write((len >> 8) & 0xff);
        head.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        int n = tensor.size();
        int chunk = 1 << 14;
        ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            buf.clear();
            switch (tensor.type()) {
                case FLOAT32: buf.asFloatBuffer().put(tensor.floats(), start, end - start); buf.limit((end - start) * 4); break;
                case FLOAT64: buf.asDoubleBuffer().put(tensor.doubles(), start, end - start); buf.limit((end - start) * 8); break;
                case INT64: buf.asLongBuffer().put(tensor.longs(), start, end - start); buf.limit((end - start) * 8); break;
                case INT32: buf.asIntBuffer().put(tensor.ints(), start, end - start); buf.limit((end - start) * 4); break;
                default: {
                    boolean[] b = tensor.booleans();
                    for (int i = start; i < end; i++) {
                        buf.put((byte) (b[i] ? 1 : 0));
                    }
                    buf.flip();
                }
            }
            out.write(buf.array(), 0, buf.limit());
        }
    }
}
