package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.expand.GraphPasses;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianArrays;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.onnx.GraphRun;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;

/**
 * Mixed-mode per-sample Jacobians ({@link ModeCost}): the graph is cut at a bottleneck value v ({@link GraphSplit});
 * the prefix's Jacobian comes from reverse mode and the suffix's from forward mode, each with |v| directions, and
 * ONNX Runtime multiplies them per sample. The splits of a model are kept per (request signature, cut).
 */
final class MixedModeJacobian implements AutoCloseable {
    /** Samples per product run are capped so that one run's result stays under this many bytes. */
    private static final long PRODUCT_RUN_BYTES = 64L << 20;

    private final Map<String, GraphSplit> splits = new HashMap<>();
    private OrtSessions.Opened product;

    private synchronized GraphSplit split(OnnxGraphPreparer graphs, ResolvedRequest r, String cut) {
        String key = r.wrt() + "|" + r.of() + "|" + cut + "|" + graphs.signature(r);
        GraphSplit s = splits.get(key);
        if (s == null) {
            GraphPasses.Prepared p = graphs.probed(r);
            s = GraphSplit.of(graphs.model(), p.model(), p.shapes(), r.of(), cut, graphs.rules());
            splits.put(key, s);
        }
        return s;
    }

    /** One part's Jacobian, resolved against that part's own model. */
    private static JacobianResult part(InputJacobians part, JacobianRequest request, ProgressMonitor monitor) {
        ResolvedRequest r = ResolvedRequest.resolve(part.graphs().model().info(), request);
        return part.compute(r, request.mode(), monitor);
    }

    /** The Jacobian of {@code r} through the model of {@code graphs} cut at {@code cut}. */
    JacobianResult compute(OnnxGraphPreparer graphs, ResolvedRequest r, String cut, ProgressMonitor monitor) {
        long start = System.nanoTime();
        GraphSplit split = split(graphs, r, cut);
        OnnxModel suffixModel = split.suffixModel();
        JacobianRequest q = r.request();
        JacobianResult inner = part(split.prefix(), new JacobianRequest(r.inputs(), r.wrt(), cut, q.batchAxis(),
            JacobianMode.REVERSE, q.maxMemoryBytes()), monitor);
        Map<String, Tensor> suffixInputs = new LinkedHashMap<>();
        for (var spec : suffixModel.info().inputs()) {
            suffixInputs.put(spec.name(), spec.name().equals(cut) ? inner.output() : r.inputs().get(spec.name()));
        }
        JacobianResult outer = part(split.suffix(), new JacobianRequest(suffixInputs, cut, r.of(), q.batchAxis(),
            JacobianMode.FORWARD, q.maxMemoryBytes()), monitor);
        int samples = r.samples();
        long nIn = r.inputsPerSample();
        long width = Tensor.elementCount(inner.sampleOutputShape());
        long nOut = Tensor.elementCount(outer.sampleOutputShape());
        float[] jac = JacobianArrays.allocate(samples * nOut * nIn); // refuses what no array holds
        // both Jacobians are float32 (the engines write float arrays): their own arrays, not copies
        multiply(outer.jacobian().floats(), inner.jacobian().floats(), jac, samples, (int) nOut, (int) width,
            (int) nIn, monitor);
        long[] shape = new long[1 + outer.sampleOutputShape().length + r.sampleInputShape().length];
        shape[0] = samples;
        System.arraycopy(outer.sampleOutputShape(), 0, shape, 1, outer.sampleOutputShape().length);
        System.arraycopy(r.sampleInputShape(), 0, shape, 1 + outer.sampleOutputShape().length, r.sampleInputShape().length);
        List<String> warnings = new ArrayList<>(inner.warnings());
        outer.warnings().stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
        JacobianResult result = new JacobianResult(Tensor.ofFloats(jac, shape), outer.output(), r.wrt(), r.of(),
            r.sampleInputShape(), outer.sampleOutputShape(), true, JacobianMode.MIXED, true,
            "ONNX autodiff on ONNX Runtime (mixed: reverse mode to '" + cut + "', " + width + " values a sample, forward mode from it)",
            inner.device(), inner.chunks() + outer.chunks(), System.nanoTime() - start, warnings);
        return inner.dependsOnInput() && outer.dependsOnInput() ? result : result.independent(); // control flow
    }

    /** jac[b] = outer[b] [nOut x w] . inner[b] [w x nIn], in runs of whole samples on ONNX Runtime. */
    private void multiply(float[] outer, float[] inner, float[] jac, int samples, int nOut, int w, int nIn, ProgressMonitor monitor) {
        int perRun = (int) Math.max(1, Math.min(samples, PRODUCT_RUN_BYTES / Math.max(1, 4L * nOut * nIn)));
        OrtSession session = productSession();
        var env = OrtSessions.environment();
        for (int b0 = 0; b0 < samples; b0 += perRun) {
            monitor.checkCancelled();
            int bc = Math.min(perRun, samples - b0);
            try (OnnxTensor a = OnnxTensor.createTensor(env, FloatBuffer.wrap(outer, b0 * nOut * w, bc * nOut * w).slice(),
                     new long[] {bc, nOut, w});
                 OnnxTensor b = OnnxTensor.createTensor(env, FloatBuffer.wrap(inner, b0 * w * nIn, bc * w * nIn).slice(),
                     new long[] {bc, w, nIn})) {
                int at = b0 * nOut * nIn;
                GraphRun.run(session, Map.of("a", a, "b", b), Set.of("c"), Map.of(), monitor,
                    "the product of the two parts of a mixed-mode Jacobian", result -> {
                        ((OnnxTensor) result.get(0)).getFloatBuffer().get(jac, at, bc * nOut * nIn);
                        return null;
                    });
            } catch (OrtException e) {
                throw new JacobiException("ONNX Runtime cannot hold the parts of a mixed-mode Jacobian: "
                    + OrtSessions.firstLine(e.getMessage()), e);
            }
        }
    }

    private synchronized OrtSession productSession() {
        if (product == null) {
            Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("per-sample product")
                .addNode(Onnx.NodeProto.newBuilder().setOpType("MatMul").addInput("a").addInput("b").addOutput("c"))
                .addInput(dynamic("a")).addInput(dynamic("b")).addOutput(dynamic("c"));
            Onnx.ModelProto m = Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("jacobi")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
            product = OrtSessions.open(m.toByteArray(), DevicePreference.CPU, "mixed-mode product");
        }
        return product.session();
    }

    private static Onnx.ValueInfoProto dynamic(String name) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (String d : new String[] {"b", "m", "n"}) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(name + "_" + d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
            Onnx.TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT32.onnxCode()).setShape(shape))).build();
    }

    @Override
    public synchronized void close() {
        splits.values().forEach(GraphSplit::close);
        splits.clear();
        if (product != null) {
            product.close();
            product = null;
        }
    }
}
