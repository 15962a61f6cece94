import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Times one single-node ONNX graph (input "g") on ONNX Runtime as Jacobi's sessions run it (all optimisations, two
 * threads): {@code runs} runs of a {@code [chunk, channels, size, size]} input per repeat, 15 repeats after 5 warm-up
 * ones; prints the median and best repeat in milliseconds. Used by scripts/bench_kernel_bound.py.
 *
 *   java -cp target/lib/'*' scripts/KernelTime.java MODEL CHUNK CHANNELS SIZE RUNS
 */
public final class KernelTime {
    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int chunk = Integer.parseInt(args[1]);
        int channels = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            try (OrtSession session = env.createSession(args[0], options)) {
                float[] data = new float[chunk * channels * size * size];
                Random random = new Random(1);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) random.nextGaussian();
                }
                try (OnnxTensor g = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {chunk, channels, size, size})) {
                    double[] ms = new double[15];
                    for (int repeat = 0; repeat < 20; repeat++) {
                        long t0 = System.nanoTime();
                        for (int i = 0; i < runs; i++) {
                            try (OrtSession.Result ignored = session.run(Map.of("g", g))) {
                                // only the time counts
                            }
                        }
                        if (repeat >= 5) {
                            ms[repeat - 5] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                    Arrays.sort(ms);
                    System.out.printf("%.4f %.4f%n", ms[7], ms[0]);
                }
            }
        }
    }
}
