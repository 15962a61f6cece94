package org.jacobi.jacobian.torch;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ParameterJacobianEngine;
import org.jacobi.jacobian.ParameterNorms;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.torch.TorchRuntime;
import org.jacobi.model.torch.TorchScriptModel;
import org.jacobi.model.torch.TorchTensors;

/**
 * Per-sample Jacobians of a TorchScript model with respect to module parameters, with libtorch's autograd. A
 * parameter's gradient is a sum over everything in the pass, so each sample runs its own forward, and each of its
 * output elements its own seeded backward (the graph kept between them); the parameter's gradient is read and
 * cleared after each. The parameters are frozen again afterwards.
 */
public final class TorchParameterJacobianEngine implements ParameterJacobianEngine {
    private final TorchScriptModel model;

    public TorchParameterJacobianEngine(TorchScriptModel model) {
        this.model = model;
    }

    @Override
    public Map<String, long[]> parameters() {
        return model.parameterShapes();
    }

    /** Receives d y[b, o] / d parameter[j] for every o of one sample, {@code [nOut, nP]}. */
    private interface SampleSink {
        void accept(int sample, int parameter, float[] rows);
    }

    private record Shapes(long[] sampleOut, Tensor output) {
    }

    private Shapes run(ResolvedRequest r, List<String> names, ProgressMonitor monitor, SampleSink sink) {
        int outputIndex = model.outputIndex(r.of());
        int samples = r.samples();
        return TorchRuntime.call(() -> {
            model.ensureEvalMode();
            List<NDArray> params = new ArrayList<>();
            for (String n : names) {
                NDArray p = model.parameterArray(n);
                if (p == null) {
                    throw JacobiException.usage("The model has no parameter '" + n + "'.");
                }
                params.add(p);
            }
            long[] sampleOut = null;
            List<Tensor> outputs = new ArrayList<>();
            try {
                params.forEach(p -> p.setRequiresGradient(true));
                for (int b = 0; b < samples; b++) {
                    monitor.checkCancelled();
                    monitor.progress(b, samples, "sample " + (b + 1) + " of " + samples);
                    try (NDManager scope = model.newScope(); GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                        NDList feed = new NDList();
                        for (String name : model.inputNames()) {
                            Tensor t = r.inputs().get(name);
                            boolean perSample = r.batched() && t.rank() > 0 && t.dim(0) == samples;
                            feed.add(TorchTensors.toNd(scope, perSample ? t.sliceRows(b, b + 1) : t));
                        }
                        NDArray y = model.forward(feed, true).get(outputIndex);
                        long[] ys = y.getShape().getShape();
                        sampleOut = r.batched() ? Arrays.copyOfRange(ys, 1, ys.length) : ys;
                        outputs.add(TorchTensors.fromNd(y.duplicate()));
                        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
                        List<float[]> rows = new ArrayList<>();
                        for (NDArray p : params) {
                            rows.add(new float[Math.toIntExact(nOut * p.getShape().size())]);
                        }
                        for (int o = 0; o < nOut; o++) {
                            float[] seed = new float[nOut];
                            seed[o] = 1;
                            NDArray v = scope.create(seed, y.getShape()).toType(y.getDataType(), false);
                            try {
                                JniUtils.backward((PtNDArray) y, (PtNDArray) v, o < nOut - 1, false);
                            } catch (EngineException e) {
                                if (String.valueOf(e.getMessage()).contains("does not require grad")) {
                                    break; // the output does not depend on these parameters: zero
                                }
                                throw new JacobiException("PyTorch's backward pass failed: " + TorchRuntime.bestLine(e) + ".", e);
                            }
                            for (int j = 0; j < params.size(); j++) {
                                NDArray p = params.get(j);
                                NDArray g = p.getGradient();
                                float[] f = g.getDataType() == DataType.FLOAT32 ? g.toFloatArray() : g.toType(DataType.FLOAT32, true).toFloatArray();
                                System.arraycopy(f, 0, rows.get(j), o * f.length, f.length);
                                JniUtils.zeroGrad((PtNDArray) p);
                            }
                        }
                        for (int j = 0; j < params.size(); j++) {
                            sink.accept(b, j, rows.get(j));
                        }
                    }
                }
            } finally {
                params.forEach(p -> p.setRequiresGradient(false));
            }
            monitor.progress(samples, samples, "done");
            Tensor output = outputs.size() == 1 ? outputs.get(0) : Tensor.concatRows(outputs);
            return new Shapes(sampleOut, output);
        });
    }

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        model.resolveShapes(request.inputs());
        String parameter = request.wrt();
        long[] pShape = parameters().get(parameter);
        if (pShape == null) {
            throw JacobiException.usage("The model has no parameter '" + parameter + "'.");
        }
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request.withWrtOf(null, request.of()));
        int nP = Math.toIntExact(Tensor.elementCount(pShape));
        List<float[]> blocks = new ArrayList<>();
        Shapes s = run(r, List.of(parameter), monitor, (b, j, rows) -> blocks.add(rows));
        int per = blocks.isEmpty() ? 0 : blocks.get(0).length;
        float[] jac = new float[Math.toIntExact((long) per * blocks.size())];
        for (int b = 0; b < blocks.size(); b++) {
            System.arraycopy(blocks.get(b), 0, jac, b * per, per);
        }
        long[] lead = r.batched() ? new long[] {r.samples()} : new long[0];
        long[] shape = Arrays.stream(new long[][] {lead, s.sampleOut(), pShape}).flatMapToLong(Arrays::stream).toArray();
        List<String> warnings = model.deviceNotice() == null ? List.of() : List.of(model.deviceNotice());
        return new JacobianResult(Tensor.ofFloats(jac, shape), s.output(), parameter, r.of(), pShape, s.sampleOut(),
            r.batched(), JacobianMode.REVERSE, true, "PyTorch autograd (DJL), per-sample parameter gradients", model.device(),
            r.samples(), System.nanoTime() - start, warnings);
    }

    @Override
    public ParameterNorms norms(JacobianRequest request, List<String> names, ProgressMonitor monitor) {
        long start = System.nanoTime();
        model.resolveShapes(request.inputs());
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request.withWrtOf(null, request.of()));
        float[] norms = new float[r.samples() * names.size()];
        run(r, names, monitor, (b, j, rows) -> {
            double sq = 0;
            for (float v : rows) {
                sq += (double) v * v;
            }
            norms[b * names.size() + j] = (float) Math.sqrt(sq);
        });
        return new ParameterNorms(Tensor.ofFloats(norms, r.samples(), names.size()), names, r.of(), "PyTorch autograd (DJL)",
            System.nanoTime() - start);
    }

    @Override
    public void close() {
        // the model belongs to the caller
    }
}
