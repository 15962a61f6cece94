package org.jacobi.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;

class SaliencyRowsTest {
    @Test
    void theOneHotCotangentPicksOneElementOfOneSample() {
        Tensor c = SaliencyRows.oneHot(new long[] {3, 2, 5}, 1, 7);
        assertArrayEquals(new long[] {3, 2, 5}, c.shape());
        double[] v = c.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            assertEquals(i == 10 + 7 ? 1.0 : 0.0, v[i], "element " + i);
        }
        assertThrows(JacobiException.class, () -> SaliencyRows.oneHot(new long[] {3, 10}, 0, 10));
        assertThrows(JacobiException.class, () -> SaliencyRows.oneHot(new long[] {3, 10}, 3, 0));
    }

    @Test
    void oneReversePassGivesTheJacobiansRow() {
        try (Model m = ModelLoader.load(Path.of("assets/models/digits.onnx"), ModelLoader.Options.defaults());
             JacobianEngine engine = Jacobians.exactEngineFor(m)) {
            Tensor x = Npy.read(Path.of("assets/samples/digits.input.npy"));
            String in = m.info().inputs().get(0).name();
            String out = m.info().outputs().get(0).name();
            JacobianRequest request = JacobianRequest.of(Map.of(in, x)).withWrtOf(in, out);
            JacobianResult full = engine.compute(request, ProgressMonitor.NONE);
            long[] outShape = m.run(Map.of(in, x)).get(out).shape();
            int nIn = full.inputsPerSample();
            float[] j = full.jacobian().floats();
            double max = 0;
            for (float f : j) {
                max = Math.max(max, Math.abs(f));
            }
            for (int[] so : new int[][] {{0, 0}, {4, 7}, {9, 9}}) {
                double[] row = SaliencyRows.row(engine, request, outShape, so[0], so[1], ProgressMonitor.NONE);
                assertEquals(nIn, row.length);
                int base = (so[0] * full.outputsPerSample() + so[1]) * nIn;
                for (int i = 0; i < nIn; i++) {
                    assertEquals(j[base + i], row[i], 1e-5 * max, "sample " + so[0] + " output " + so[1] + " input " + i);
                }
            }
        }
    }

    @Test
    void aBatchOfCopiesGivesSeveralRowsInOnePassAndAgreesWithTheFullJacobian() {
        try (Model m = ModelLoader.load(Path.of("assets/models/digits.onnx"), ModelLoader.Options.defaults());
             JacobianEngine engine = Jacobians.exactEngineFor(m)) {
            Tensor x = Npy.read(Path.of("assets/samples/digits.input.npy"));
            String in = m.info().inputs().get(0).name();
            String out = m.info().outputs().get(0).name();
            JacobianRequest request = JacobianRequest.of(Map.of(in, x)).withWrtOf(in, out);
            JacobianResult full = engine.compute(request, ProgressMonitor.NONE);
            long[] outShape = m.run(Map.of(in, x)).get(out).shape();
            int nIn = full.inputsPerSample();
            float[] j = full.jacobian().floats();
            double max = 0;
            for (float f : j) {
                max = Math.max(max, Math.abs(f));
            }
            int[] outputs = {9, 0, 4};
            int[] passes = new int[1];
            JacobianEngine counting = new JacobianEngine() {
                @Override
                public JacobianResult compute(JacobianRequest r, ProgressMonitor monitor) {
                    throw new AssertionError("rows need no full Jacobian");
                }

                @Override
                public Tensor vectorJacobianProduct(JacobianRequest r, Tensor cotangent, ProgressMonitor monitor) {
                    passes[0]++;
                    return engine.vectorJacobianProduct(r, cotangent, monitor);
                }

                @Override
                public String name() {
                    return "counting";
                }

                @Override
                public void close() {
                }
            };
            for (boolean resizable : new boolean[] {true, false}) {
                passes[0] = 0;
                float[][] rows = SaliencyRows.rows(counting, request, outShape, 6, outputs, resizable, ProgressMonitor.NONE);
                assertEquals(resizable ? 1 : outputs.length, passes[0], "reverse passes, resizable batch " + resizable);
                for (int k = 0; k < outputs.length; k++) {
                    int base = (6 * full.outputsPerSample() + outputs[k]) * nIn;
                    assertEquals(nIn, rows[k].length);
                    for (int i = 0; i < nIn; i++) {
                        assertEquals(j[base + i], rows[k][i], 1e-5 * max, "output " + outputs[k] + " input " + i);
                    }
                }
            }
        }
    }
}
