package org.jacobi.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianResult;
import org.junit.jupiter.api.Test;

class AnalysisTest {
    /** Two samples, outputs [2], inputs [3]. */
    static JacobianResult result(float[] j, long[] in) {
        int nIn = (int) Tensor.elementCount(in);
        int samples = j.length / (2 * nIn);
        long[] shape = new long[in.length + 2];
        shape[0] = samples;
        shape[1] = 2;
        System.arraycopy(in, 0, shape, 2, in.length);
        return new JacobianResult(Tensor.ofFloats(j, shape), Tensor.ofFloats(new float[samples * 2], samples, 2), "x", "y",
            in, new long[] {2}, true, JacobianMode.REVERSE, true, "test", "CPU", 1, 1, List.of());
    }

    @Test
    void sensitivityAveragesAbsoluteDerivativesOverSamplesAndOutputs() {
        JacobianResult r = result(new float[] {1, -2, 0, 3, 0, 0, /* sample 1 */ -1, 2, 0, 1, 0, 4}, new long[] {3});
        assertArrayEquals(new double[] {1.5, 1.0, 1.0}, Sensitivity.meanAbsPerInput(r), 1e-12);
        List<Sensitivity.Entry> rank = Sensitivity.ranking(r, 2);
        assertEquals(0, rank.get(0).index());
        assertEquals("x[0]", rank.get(0).label());
        assertEquals(2, rank.size());
    }

    @Test
    void singularValuesOfADiagonalMatrixAreItsSortedAbsoluteEntries() {
        double[] s = SingularValues.of(new double[] {1, 0, 0, 0, -5, 0}, 2, 3);
        assertArrayEquals(new double[] {5, 1}, s, 1e-12);
        double[] rank1 = SingularValues.of(new double[] {1, 2, 2, 4}, 2, 2);
        assertEquals(5, rank1[0], 1e-12);
        assertEquals(0, rank1[1], 1e-12);
    }

    @Test
    void labelsShowTheMultiIndexOfHigherRankTensors() {
        assertEquals("x[0, 1, 2]", TensorLabels.label("x", new long[] {1, 3, 4}, 6));
        assertEquals("y[7]", TensorLabels.label("y", new long[] {10}, 7));
    }

    @Test
    void generatedSamplesAreReproducibleBySeedAndShaped() {
        Tensor a = SampleGenerator.generate(SampleGenerator.Kind.NORMAL, new long[] {8}, 3, 42);
        Tensor b = SampleGenerator.generate(SampleGenerator.Kind.NORMAL, new long[] {8}, 3, 42);
        Tensor c = SampleGenerator.generate(SampleGenerator.Kind.NORMAL, new long[] {8}, 3, 43);
        assertArrayEquals(new long[] {3, 8}, a.shape());
        assertArrayEquals(a.floats(), b.floats());
        assertNotEquals(a.floats()[0], c.floats()[0]);
        Tensor u = SampleGenerator.generate(SampleGenerator.Kind.UNIFORM, new long[] {1000}, 1, 1);
        for (float v : u.floats()) {
            assertTrue(v >= -1 && v < 1);
        }
        Tensor n = SampleGenerator.generate(SampleGenerator.Kind.NORMAL, new long[] {20000}, 1, 7);
        double mean = 0;
        double sq = 0;
        for (float v : n.floats()) {
            mean += v;
            sq += v * v;
        }
        mean /= 20000;
        assertEquals(0, mean, 0.05);
        assertEquals(1, sq / 20000 - mean * mean, 0.05);
        assertEquals(0f, SampleGenerator.generate(SampleGenerator.Kind.ZEROS, new long[] {2}, 1, 0).floats()[1]);
        assertThrows(JacobiException.class, () -> SampleGenerator.generate(SampleGenerator.Kind.ZEROS, new long[] {2}, 0, 0));
    }

    @Test
    void saliencySumsOrSelectsChannels() {
        // one sample, outputs [2], input [2, 2, 2]: output 1 row = 1..8
        float[] j = new float[16];
        for (int i = 0; i < 8; i++) {
            j[8 + i] = i % 2 == 0 ? i + 1 : -(i + 1);
        }
        JacobianResult r = result(j, new long[] {2, 2, 2});
        Saliency.Map2D summed = Saliency.map(r, 0, 1, -1, false);
        assertArrayEquals(new double[] {1 + 5, -2 - 6, 3 + 7, -4 - 8}, summed.values(), 1e-9);
        Saliency.Map2D abs1 = Saliency.map(r, 0, 1, 1, true);
        assertArrayEquals(new double[] {5, 6, 7, 8}, abs1.values(), 1e-9);
        assertTrue(Saliency.isImageShaped(new long[] {1, 28, 28}));
        assertTrue(!Saliency.isImageShaped(new long[] {8}));
    }

    @Test
    void aChannelsLastInputGivesTheSameMapAsItsChannelsFirstTranspose() {
        long[] both = {3, 4, 3}; // reads as [C, H, W] and as [H, W, C]
        long[] hwcOnly = {5, 4, 3}; // 5 is no channel count: [H, W, C]
        assertTrue(Saliency.isChannelsLast(hwcOnly));
        assertTrue(!Saliency.isChannelsLast(both), "a shape that reads both ways stays channels first");
        assertArrayEquals(new long[] {3, 5, 4}, Saliency.channelsFirstShape(hwcOnly));
        double[] row = new double[60];
        for (int i = 0; i < row.length; i++) {
            row[i] = i % 3 == 1 ? -i : i; // channel 1 negative
        }
        double[] chw = Saliency.channelsFirst(row, hwcOnly);
        assertEquals(row[7 * 3 + 2], chw[2 * 20 + 7], 0, "pixel 7 of channel 2");
        for (int channel = -1; channel < 3; channel++) {
            for (boolean abs : new boolean[] {false, true}) {
                assertArrayEquals(Saliency.map(chw, new long[] {3, 5, 4}, channel, abs).values(),
                    Saliency.map(row, hwcOnly, channel, abs).values(), 0);
            }
        }
        assertEquals(5, Saliency.map(row, hwcOnly, -1, false).height());
    }

    @Test
    void scalesAreSymmetricForSignedDataAndSymlogIsMonotone() {
        ValueScale s = ValueScale.fit(new double[] {-1, 4}, true, false);
        assertEquals(0.5, s.normalise(0), 1e-12);
        assertEquals(1.0, s.normalise(4), 1e-12);
        assertEquals(0.375, s.normalise(-1), 1e-12);
        ValueScale log = ValueScale.fit(new double[] {-1000, 1000}, true, true);
        assertEquals(0.5, log.normalise(0), 1e-12);
        assertTrue(log.normalise(1) > 0.6, "symlog lifts small values");
        assertEquals(10.0, log.valueAt(log.normalise(10)), 1e-9);
        assertTrue(log.normalise(10) < log.normalise(100));
        assertEquals(0xff053061, ColorMaps.RDBU.argb(0));
        assertEquals(0xfff7f7f7, ColorMaps.RDBU.argb(0.5));
        assertEquals(0xfffde725, ColorMaps.VIRIDIS.argb(1));
    }

    @Test
    void pixelsStretchImagesAndEnlargeThemCrisply() {
        int[] grey = Pixels.image(new double[] {-1, 1}, 1, 1, 2);
        assertEquals(0xff000000, grey[0]);
        assertEquals(0xffffffff, grey[1]);
        int[] big = Pixels.upscale(new int[] {1, 2, 3, 4}, 2, 2, 2);
        assertArrayEquals(new int[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, big);
        int[] mag = Pixels.colour(new double[] {-2, 0}, new ValueScale(0, 2, false, 1e-3), ColorMaps.VIRIDIS);
        assertEquals(ColorMaps.VIRIDIS.argb(1), mag[0], "magnitude maps show |v|");
    }
}
