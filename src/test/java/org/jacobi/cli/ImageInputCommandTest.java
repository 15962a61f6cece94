package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jacobi.TestFiles;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Photos given to the command line: {@code jacobian MODEL --input photo.png} end to end. */
class ImageInputCommandTest {
    @TempDir
    Path dir;

    private static String image(String name) {
        return TestFiles.resource("images/" + name).toString();
    }

    @Test
    void jacobianOfAnNhwcDetectorFromAPhotoEqualsTheOneFromItsReferenceTensor() {
        Path fromPhoto = dir.resolve("photo.npy");
        CliRunner r = CliRunner.run("jacobian", image("face_detector_nhwc.onnx"), "--input", image("face.png"), "-o", fromPhoto.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.err.contains("normalize -1..1") && r.err.contains("the model's metadata"), r.err);
        Tensor j = Npy.read(fromPhoto);
        assertArrayEquals(new long[] {1, 16, 128, 128, 3}, j.shape());

        Path reference = dir.resolve("input.npy");
        Npy.write(reference, Npy.read(TestFiles.resource("images/ref_face_nhwc_symmetric.npy")).asType(ElementType.FLOAT32), false);
        Path fromTensor = dir.resolve("tensor.npy");
        CliRunner t = CliRunner.run("jacobian", image("face_detector_nhwc.onnx"), "--input", reference.toString(), "-o", fromTensor.toString());
        assertEquals(0, t.exitCode, t.toString());
        assertArrayEquals(Npy.read(fromTensor).floats(), j.floats());
        double max = 0;
        for (float v : j.floats()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0, "the scores depend on the photo");
    }

    @Test
    void severalPhotosFormABatchForNamedInputsOfADynamicSizeNet() {
        Path out = dir.resolve("j.npy");
        CliRunner r = CliRunner.run("jacobian", image("segmenter_dynamic.onnx"), "--input", "image=" + image("face.png"),
            "--input", "image=" + image("cat.png"), "--resize", "8x8", "--normalize", "imagenet", "--channels", "bgr", "-o", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertArrayEquals(new long[] {2, 1, 8, 8, 3, 8, 8}, Npy.read(out).shape());
    }

    @Test
    void settingsAreSavedAndReadBack() throws Exception {
        Path settings = dir.resolve("settings.json");
        CliRunner save = CliRunner.run("jacobian", image("segmenter_dynamic.onnx"), "--input", image("cat.png"), "--resize", "multiple:16",
            "--normalize", "raw", "--input-settings", settings.toString(), "--save-input-settings", "-o", dir.resolve("a.npy").toString());
        assertEquals(0, save.exitCode, save.toString());
        String json = Files.readString(settings);
        assertTrue(json.contains("\"multiple:16\"") && json.contains("\"raw\""), json);
        CliRunner again = CliRunner.run("jacobian", image("segmenter_dynamic.onnx"), "--input", image("cat.png"),
            "--input-settings", settings.toString(), "-o", dir.resolve("b.npy").toString());
        assertEquals(0, again.exitCode, again.toString());
        assertTrue(again.err.contains("resize multiple:16, normalize raw"), again.err);
        assertArrayEquals(new long[] {1, 1, 64, 80, 3, 64, 80}, Npy.read(dir.resolve("b.npy")).shape());
    }

    @Test
    void badPhotosAndOptionsGiveOneLine() {
        for (String[] args : new String[][] {
            {"--input", image("corrupt.png")},
            {"--input", image("tiny.png")},
            {"--input", image("face.png"), "--normalize", "bright"},
            {"--input", image("face.png"), "--layout", "nchw"},
            {"--input", "song.mp3"},
        }) {
            String[] full = new String[args.length + 4];
            full[0] = "jacobian";
            full[1] = image("face_detector_nhwc.onnx");
            System.arraycopy(args, 0, full, 2, args.length);
            full[full.length - 2] = "-o";
            full[full.length - 1] = dir.resolve("x.npy").toString();
            CliRunner r = CliRunner.run(full);
            assertTrue(r.exitCode != 0, r.toString());
            assertTrue(r.err.startsWith("jacobi: ") && r.err.strip().lines().count() == 1, r.toString());
            assertTrue(!Files.exists(dir.resolve("x.npy")), "no half-written output");
        }
    }
}
