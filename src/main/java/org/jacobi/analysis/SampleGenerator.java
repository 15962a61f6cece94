package org.jacobi.analysis;

import java.util.SplittableRandom;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/** Generates input samples: zeros, uniform in [low, high) or normal(mean, std), reproducible by seed. */
public final class SampleGenerator {
    public enum Kind {
        ZEROS("zeros"), UNIFORM("uniform [-1, 1)"), NORMAL("normal (0, 1)");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private SampleGenerator() {
    }

    /** {@code count} samples of {@code sampleShape}, float32, shaped {@code [count, *sampleShape]}. */
    public static Tensor generate(Kind kind, long[] sampleShape, int count, long seed) {
        if (count < 1) {
            throw JacobiException.usage("The sample count must be at least 1, not " + count + ".");
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = count;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        long n = Tensor.elementCount(shape);
        if (n > 50_000_000L) {
            throw JacobiException.usage("That many samples would hold " + n + " values; choose fewer samples.");
        }
        float[] data = new float[(int) n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < data.length; i++) {
            switch (kind) {
                case ZEROS -> data[i] = 0f;
                case UNIFORM -> data[i] = (float) (random.nextDouble() * 2 - 1);
                case NORMAL -> data[i] = (float) gaussian(random);
            }
        }
        return Tensor.ofFloats(data, shape);
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
