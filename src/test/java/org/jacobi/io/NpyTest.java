package org.jacobi.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryWrittenType() {
        Tensor[] tensors = {
            Tensor.ofFloats(new float[] {1.5f, -2f, Float.MIN_VALUE, 3e38f, 0f, 7f}, 2, 3),
            Tensor.ofDoubles(new double[] {Math.PI, -1e-300}, 2),
            Tensor.ofLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3, 1),
            Tensor.ofInts(new int[] {-5, 5}, 1, 2),
            Tensor.ofBooleans(new boolean[] {true, false, true, true}, 2, 2),
            Tensor.ofFloats(new float[] {42f}),
        };
        for (int i = 0; i < tensors.length; i++) {
            Path file = dir.resolve("t" + i + ".npy");
            Npy.write(file, tensors[i], false);
            assertEquals(tensors[i], Npy.read(file), "type " + tensors[i].type());
        }
    }

    @Test
    void readsFortranOrderAsRowMajor() {
        Tensor t = Npy.read(TestFiles.resource("io/f64_fortran.npy"));
        assertArrayEquals(new long[] {2, 3, 4}, t.shape());
        for (int i = 0; i < 24; i++) {
            assertEquals(i / 8.0, t.doubles()[i], 0.0);
        }
    }

    @Test
    void readsBigEndian() {
        Tensor f = Npy.read(TestFiles.resource("io/f32_bigendian.npy"));
        assertEquals(ElementType.FLOAT32, f.type());
        assertEquals(23 / 8.0, f.floats()[23], 0.0);
        Tensor l = Npy.read(TestFiles.resource("io/i64_bigendian.npy"));
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, l.longs());
    }

    @Test
    void readsInt32AndBool() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Npy.read(TestFiles.resource("io/i32.npy")).ints());
        assertArrayEquals(new boolean[] {true, false, true}, Npy.read(TestFiles.resource("io/bool.npy")).booleans());
    }

    @Test
    void readsFloat16AsExactFloat32() {
        // numpy: [[0, -0, 1.5, -2.25], [65504 (the largest), 6e-08 (subnormal), -0.000123, 0.333]] as float16
        float[] expected = {0f, -0f, 1.5f, -2.25f, 65504f, 5.9604645e-08f, -1.2302399e-04f, 0.33300781f};
        for (String file : new String[] {"io/f16_values.npy", "io/f16_bigendian.npy"}) {
            Tensor t = Npy.read(TestFiles.resource(file));
            assertEquals(ElementType.FLOAT32, t.type());
            assertArrayEquals(new long[] {2, 4}, t.shape());
            assertArrayEquals(expected, t.floats(), 0f, file);
            assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(t.floats()[1]), "negative zero keeps its sign");
        }
        assertArrayEquals(new float[] {1, 1, 1}, Npy.read(TestFiles.resource("io/f16.npy")).floats(), 0f);
    }

    @Test
    void refusesUnsupportedTypesByName() {
        JacobiException e = assertThrows(JacobiException.class, () -> Npy.read(TestFiles.resource("io/u8.npy")));
        assertTrue(e.getMessage().contains("uint8"), e.getMessage());
    }

    @Test
    void refusesTruncatedAndForeignFiles() throws Exception {
        Path good = dir.resolve("good.npy");
        Npy.write(good, Tensor.ofFloats(new float[100], 10, 10), false);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.npy");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertTrue(assertThrows(JacobiException.class, () -> Npy.read(truncated)).getMessage().contains("truncated"));
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "hello world, not numpy");
        assertTrue(assertThrows(JacobiException.class, () -> Npy.read(text)).getMessage().contains("not an NPY file"));
        assertTrue(assertThrows(JacobiException.class, () -> Npy.read(dir.resolve("missing.npy"))).getMessage().contains("not found"));
    }

    @Test
    void atomicWriteRefusesToOverwriteAndLeavesNoPartialFile() throws Exception {
        Path file = dir.resolve("x.npy");
        Npy.write(file, Tensor.ofFloats(new float[] {1}, 1), false);
        assertThrows(JacobiException.class, () -> Npy.write(file, Tensor.ofFloats(new float[] {2}, 1), false));
        assertEquals(1f, Npy.read(file).floats()[0]);
        // A writer that fails half way must leave the old file and no temporary file behind.
        assertThrows(JacobiException.class, () -> AtomicFiles.write(file, true, out -> {
            out.write(new byte[] {1, 2, 3});
            throw new IOException("disk full");
        }));
        assertEquals(1f, Npy.read(file).floats()[0]);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void npzRoundTripAndNumpyArchives() {
        Map<String, Tensor> two = Npz.read(TestFiles.resource("io/two_inputs.npz"));
        assertEquals(List.of("x1", "x2"), List.copyOf(two.keySet()));
        assertEquals(0.5f, two.get("x2").floats()[0]);
        Map<String, Tensor> plain = Npz.read(TestFiles.resource("io/plain.npz"));
        assertArrayEquals(new long[] {0, 1, 2}, plain.get("b").longs());
        Path file = dir.resolve("out.npz");
        Npz.write(file, plain, false);
        assertEquals(plain, Npz.read(file));
    }

    @Test
    void csvWithAndWithoutHeader() throws Exception {
        Tensor t = CsvTensors.read(TestFiles.resource("io/mlp_header.csv"));
        assertArrayEquals(new long[] {2, 8}, t.shape());
        assertEquals(-1f, t.floats()[0], 1e-6);
        Path plain = dir.resolve("plain.csv");
        Files.writeString(plain, "1,2,3\n4,5,6\n");
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, CsvTensors.read(plain).floats());
        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "1,2,3\n4,5\n");
        assertTrue(assertThrows(JacobiException.class, () -> CsvTensors.read(ragged)).getMessage().contains("line 2"));
        Path out = dir.resolve("written.csv");
        CsvTensors.write(out, t, null, false);
        assertEquals(t, CsvTensors.read(out));
    }
}
