package org.jacobi.inputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jacobi.TestFiles;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.model.Dim;
import org.jacobi.model.TensorSpec;
import org.junit.jupiter.api.Test;

/**
 * Photos and clips against float64 references that scripts/make_image_input_fixtures.py computed with NumPy and
 * Pillow (resizing by Pillow's own resampler on float planes).
 */
class MediaInputsTest {
    static Path file(String name) {
        return TestFiles.resource("images/" + name);
    }

    /** A float32 input spec; a negative size is a dynamic axis. */
    static TensorSpec spec(long... dims) {
        List<Dim> d = new ArrayList<>();
        for (long v : dims) {
            d.add(v < 0 ? Dim.symbolic("d" + d.size()) : Dim.fixed(v));
        }
        return new TensorSpec("image", ElementType.FLOAT32, d);
    }

    /** Same shape, and every element within float32 rounding of the largest reference value. */
    static void assertMatches(String reference, Tensor actual) {
        Tensor ref = Npy.read(file(reference));
        assertArrayEquals(ref.shape(), actual.shape(), reference);
        double max = 0;
        double err = 0;
        for (int i = 0; i < ref.size(); i++) {
            max = Math.max(max, Math.abs(ref.getDouble(i)));
            err = Math.max(err, Math.abs(ref.getDouble(i) - actual.getDouble(i)));
        }
        assertTrue(err <= 1e-5 * Math.max(1, max), reference + ": max error " + err + " of " + max);
    }

    static Tensor read(TensorSpec spec, InputSettings s, String... names) {
        return MediaInputs.read(spec, List.of(names).stream().map(MediaInputsTest::file).toList(), s);
    }

    @Test
    void photoIsEnlargedIntoAnNhwcInputScaledToMinusOneToOne() {
        InputSettings s = InputSettings.defaults().withNormalization(Normalization.parse("-1..1"));
        assertMatches("ref_face_nhwc_symmetric.npy", read(spec(-1, 128, 128, 3), s, "face.png"));
    }

    @Test
    void photoIsShrunkToAChosenSizeInBgrWithImagenetStatistics() {
        InputSettings s = InputSettings.defaults().withResize(Resize.parse("40x56")).withChannels(ChannelOrder.BGR)
            .withNormalization(Normalization.parse("imagenet"));
        assertMatches("ref_face_nchw_bgr_imagenet_40x56.npy", read(spec(-1, 3, -1, -1), s, "face.png"));
    }

    @Test
    void dynamicSizesAreKeptOrRoundedToAMultiple() {
        InputSettings s = InputSettings.defaults();
        assertMatches("ref_cat_keep_unit.npy", read(spec(-1, 3, -1, -1), s, "cat.png"));
        assertMatches("ref_cat_keep_unit.npy", read(spec(-1, 3, -1, -1), s.withResize(Resize.parse("keep")), "cat.png"));
        assertMatches("ref_cat_multiple16_unit.npy", read(spec(-1, 3, -1, -1), s.withResize(Resize.parse("multiple:16")), "cat.png"));
    }

    @Test
    void greyPhotosFillColourInputsAndColourPhotosFillGreyOnes() {
        assertMatches("ref_camera_grey_rgb_raw_32.npy",
            read(spec(1, 3, 32, 32), InputSettings.defaults().withNormalization(Normalization.raw()), "camera_grey.png"));
        assertMatches("ref_face_luma_48.npy", read(spec(-1, 1, 48, 48), InputSettings.defaults(), "face.png"));
    }

    @Test
    void alphaIsKeptForFourChannelInputsAndAddedOpaqueWhenMissing() {
        InputSettings raw = InputSettings.defaults().withNormalization(Normalization.raw());
        assertMatches("ref_face_rgba_nhwc_raw.npy", read(spec(-1, 96, 96, 4), raw, "face_rgba.png"));
        Tensor opaque = read(spec(-1, 96, 96, 4), raw, "face.png");
        assertEquals(255.0, opaque.getDouble(3));
        assertEquals(255.0, opaque.getDouble(opaque.size() - 1));
    }

    @Test
    void severalPhotosFormABatchWithACustomNormalisation() {
        InputSettings s = InputSettings.defaults().withNormalization(Normalization.parse("mean=0.1,0.2,0.3;std=0.5,0.6,0.7"));
        assertMatches("ref_face_cat_batch_custom_32.npy", read(spec(-1, 3, 32, 32), s, "face.png", "cat.png"));
        JacobiException sizes = assertThrows(JacobiException.class,
            () -> read(spec(-1, 3, -1, -1), InputSettings.defaults(), "face.png", "cat.png"));
        assertTrue(sizes.getMessage().contains("--resize"), sizes.getMessage());
        JacobiException one = assertThrows(JacobiException.class,
            () -> read(spec(1, 3, 32, 32), InputSettings.defaults(), "face.png", "cat.png"));
        assertTrue(one.getMessage().contains("takes 1 image per run"), one.getMessage());
    }

    @Test
    void bmpAndTiffDecodeToThePngsValuesAndJpegCloseToThem() {
        TensorSpec s = spec(-1, 3, 96, 96);
        Tensor png = read(s, InputSettings.defaults().withNormalization(Normalization.raw()), "face.png");
        assertArrayEquals(png.floats(), read(s, InputSettings.defaults().withNormalization(Normalization.raw()), "face.bmp").floats());
        assertArrayEquals(png.floats(), read(s, InputSettings.defaults().withNormalization(Normalization.raw()), "face.tif").floats());
        Tensor jpg = read(s, InputSettings.defaults().withNormalization(Normalization.raw()), "face.jpg");
        double sum = 0;
        for (int i = 0; i < png.size(); i++) {
            sum += Math.abs(png.getDouble(i) - jpg.getDouble(i));
        }
        assertTrue(sum / png.size() < 3, "JPEG quality 95 differs by " + sum / png.size() + " grey levels on average");
    }

    @Test
    void layoutIsReadFromTheDeclaredShapeUnlessOverridden() {
        assertEquals(new ImageShape(true, ImageLayout.NCHW, 3, 224, 224), ImageShape.of(spec(-1, 3, 224, 224), ImageLayout.AUTO));
        assertEquals(new ImageShape(true, ImageLayout.NHWC, 3, 128, 128), ImageShape.of(spec(-1, 128, 128, 3), ImageLayout.AUTO));
        assertEquals(new ImageShape(true, ImageLayout.NHWC, 4, -1, -1), ImageShape.of(spec(-1, -1, -1, 4), ImageLayout.AUTO));
        assertEquals(new ImageShape(true, ImageLayout.NCHW, 1, 28, 28), ImageShape.of(spec(-1, 1, 28, 28), ImageLayout.AUTO));
        assertEquals(new ImageShape(true, ImageLayout.NCHW, 0, 28, 28), ImageShape.of(spec(-1, 28, 28), ImageLayout.AUTO));
        assertEquals(new ImageShape(false, ImageLayout.NHWC, 3, 64, 64), ImageShape.of(spec(64, 64, 3), ImageLayout.AUTO));
        assertEquals(new ImageShape(true, ImageLayout.NHWC, 3, -1, -1), ImageShape.of(spec(-1, -1, -1, -1), ImageLayout.NHWC));
        JacobiException five = assertThrows(JacobiException.class, () -> ImageShape.of(spec(-1, 5, 64, 64), ImageLayout.AUTO));
        assertTrue(five.getMessage().contains("5 channels") && five.getMessage().contains("--layout"), five.getMessage());
        JacobiException flat = assertThrows(JacobiException.class, () -> ImageShape.of(spec(-1, 1, 2, 3, 4), ImageLayout.AUTO));
        assertTrue(flat.getMessage().contains("not like an image"), flat.getMessage());
    }

    @Test
    void badPhotosGiveOneLineSayingWhatToDo() {
        TensorSpec s = spec(-1, 128, 128, 3);
        String damaged = assertThrows(JacobiException.class, () -> read(s, InputSettings.defaults(), "corrupt.png")).getMessage();
        assertTrue(damaged.startsWith("corrupt.png could not be decoded") && damaged.contains("another image"), damaged);
        String webp = assertThrows(JacobiException.class, () -> read(s, InputSettings.defaults(), "notes.webp")).getMessage();
        assertTrue(webp.contains("Convert it to PNG"), webp);
        String tiny = assertThrows(JacobiException.class, () -> read(s, InputSettings.defaults(), "tiny.png")).getMessage();
        assertTrue(tiny.contains("4 x 4") && tiny.contains("at least 16 x 16"), tiny);
        String keep = assertThrows(JacobiException.class,
            () -> read(s, InputSettings.defaults().withResize(Resize.parse("keep")), "face.png")).getMessage();
        assertTrue(keep.contains("leave out --resize keep"), keep);
        String fixed = assertThrows(JacobiException.class,
            () -> read(s, InputSettings.defaults().withResize(Resize.parse("64x64")), "face.png")).getMessage();
        assertTrue(fixed.contains("does not fit"), fixed);
        for (String m : List.of(damaged, webp, tiny, keep, fixed)) {
            assertTrue(!m.contains("\n") && !m.contains("Exception"), m);
        }
    }

    @Test
    void wavClipsAreDecodedMixedToMonoAndResampled() {
        TensorSpec audio = new TensorSpec("audio", ElementType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.symbolic("samples")));
        assertMatches("ref_tone_u8.npy", read(audio, InputSettings.defaults(), "tone_u8_8000.wav"));
        assertMatches("ref_tone_s24.npy", read(audio, InputSettings.defaults(), "tone_s24_8000.wav"));
        assertMatches("ref_tone_f32.npy", read(audio, InputSettings.defaults(), "tone_f32_8000.wav"));
        assertMatches("ref_chirp_mono_16000.npy", read(audio, InputSettings.defaults().withSampleRate(16000), "chirp_stereo16_22050.wav"));
        TensorSpec channel = new TensorSpec("audio", ElementType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(1), Dim.fixed(400)));
        Tensor t = read(channel, InputSettings.defaults(), "tone_u8_8000.wav", "tone_s24_8000.wav");
        assertArrayEquals(new long[] {2, 1, 400}, t.shape());
        TensorSpec tooShort = new TensorSpec("audio", ElementType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(512)));
        String m = assertThrows(JacobiException.class, () -> read(tooShort, InputSettings.defaults(), "tone_u8_8000.wav")).getMessage();
        assertTrue(m.contains("400 samples") && m.contains("takes 512"), m);
    }

    @Test
    void normalisationPresetsAndCustomValuesParse() {
        assertEquals(1.0, Normalization.parse("0..1").apply(255, 0), 1e-12);
        assertEquals(-1.0, Normalization.parse("-1..1").apply(0, 2), 1e-12);
        assertEquals((1 - 0.406) / 0.225, Normalization.parse("imagenet").apply(255, 2), 1e-12);
        assertEquals(200.0, Normalization.parse("raw").apply(200, 1), 0);
        Normalization custom = Normalization.parse("mean=123.675,116.28,103.53;std=58.395,57.12,57.375;scale=1");
        assertEquals((100 - 116.28) / 57.12, custom.apply(100, 1), 1e-12);
        assertEquals((0.5 - 0.2) / 0.6, Normalization.parse("mean=0.1,0.2,0.3;std=0.5,0.6,0.7").apply(127.5, 1), 1e-12);
        for (String bad : List.of("nonsense", "mean=1,2", "mean=a;std=1", "mean=0;std=0")) {
            assertEquals(2, assertThrows(JacobiException.class, () -> Normalization.parse(bad)).exitCode(), bad);
        }
        assertEquals(Resize.Kind.MULTIPLE, Resize.parse("multiple:32").kind());
        assertEquals(64, Resize.parse("multiple:32").resolve(-1, 70, 0));
        assertEquals(32, Resize.parse("multiple:32").resolve(-1, 10, 0));
        assertThrows(JacobiException.class, () -> Resize.parse("big"));
    }
}
