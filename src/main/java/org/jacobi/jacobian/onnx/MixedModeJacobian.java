package org.jacobi.jacobian.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;

/**
 * Mixed-mode per-sample Jacobians ({@link ModeCost}): the graph is cut at a bottleneck value v into a prefix model
 * (inputs to v) and a suffix model (v and the inputs it reads, to the output); the prefix's Jacobian comes from
 * reverse mode and the suffix's from forward mode, each with |v| directions, by their own {@link OnnxJacobianEngine}s
 * (so chunking, the memory budget and cancelling work as for any Jacobian), and ONNX Runtime multiplies them per
 * sample.
 */
final class MixedModeJacobian implements AutoCloseable {
    /** Samples per product run are capped so that one run's result stays under this many bytes. */
    private static final long PRODUCT_RUN_BYTES = 64L << 20;

    private final OnnxModel prefixModel;
    private final OnnxModel suffixModel;
    private final OnnxJacobianEngine prefix;
    private final OnnxJacobianEngine suffix;
    private final String cut;
    private OrtSessions.Opened product;

    MixedModeJacobian(OnnxModel model, Onnx.ModelProto prepared, ValueShapes shapes, String wrt, String of, String cut,
                      RuleRegistry rules) {
        this.cut = cut;
        Onnx.ValueInfoProto cutInfo = batchedInfo(cut, shapes);
        Path name = model.path() == null ? Path.of(model.info().fileName()) : model.path();
        prefixModel = OnnxModel.fromProto(name, part(prepared, Set.of(cut), null, cutInfo, List.of(cutInfo)), model.devicePreference());
        Onnx.ValueInfoProto ofInfo = outputInfo(prepared, of, shapes);
        suffixModel = OnnxModel.fromProto(name, part(prepared, Set.of(of), cut, cutInfo, List.of(ofInfo)), model.devicePreference());
        prefix = new OnnxJacobianEngine(prefixModel, rules);
        suffix = new OnnxJacobianEngine(suffixModel, rules);
    }

    String cut() {
        return cut;
    }

    JacobianResult compute(ResolvedRequest r, ProgressMonitor monitor) {
        long start = System.nanoTime();
        JacobianRequest q = r.request();
        JacobianResult inner = prefix.compute(new JacobianRequest(r.inputs(), r.wrt(), cut, q.batchAxis(), JacobianMode.REVERSE,
            q.maxMemoryBytes()), monitor);
        Map<String, Tensor> suffixInputs = new LinkedHashMap<>();
        for (var spec : suffixModel.info().inputs()) {
            suffixInputs.put(spec.name(), spec.name().equals(cut) ? inner.output() : r.inputs().get(spec.name()));
        }
        JacobianResult outer = suffix.compute(new JacobianRequest(suffixInputs, cut, r.of(), q.batchAxis(), JacobianMode.FORWARD,
            q.maxMemoryBytes()), monitor);
        int samples = r.samples();
        long nIn = r.inputsPerSample();
        long width = Tensor.elementCount(inner.sampleOutputShape());
        long nOut = Tensor.elementCount(outer.sampleOutputShape());
        float[] jac = org.jacobi.jacobian.JacobianArrays.allocate(samples * nOut * nIn); // refuses what no array holds
        // both Jacobians are float32 (the engines write float arrays): their own arrays, not copies
        multiply(outer.jacobian().floats(), inner.jacobian().floats(), jac, samples, (int) nOut, (int) width,
            (int) nIn, monitor);
        long[] shape = new long[1 + outer.sampleOutputShape().length + r.sampleInputShape().length];
        shape[0] = samples;
        System.arraycopy(outer.sampleOutputShape(), 0, shape, 1, outer.sampleOutputShape().length);
        System.arraycopy(r.sampleInputShape(), 0, shape, 1 + outer.sampleOutputShape().length, r.sampleInputShape().length);
        List<String> warnings = new ArrayList<>(inner.warnings());
        outer.warnings().stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
        JacobianResult result = new JacobianResult(Tensor.ofFloats(jac, shape), outer.output(), r.wrt(), r.of(), r.sampleInputShape(),
            outer.sampleOutputShape(), true, JacobianMode.MIXED, true,
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
                     new long[] {bc, w, nIn});
                 OrtSession.Result result = session.run(Map.of("a", a, "b", b))) {
                FloatBuffer c = ((OnnxTensor) result.get(0)).getFloatBuffer();
                c.get(jac, b0 * nOut * nIn, bc * nOut * nIn);
            } catch (OrtException e) {
                throw new JacobiException("ONNX Runtime failed to multiply the two parts of a mixed-mode Jacobian: "
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
            Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    /** A value's info with a dynamic leading (batch) axis and its measured other dims. */
    private static Onnx.ValueInfoProto batchedInfo(String name, ValueShapes shapes) {
        long[] s = shapes.shape(name);
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int i = 1; i < s.length; i++) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(s[i]));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
            Onnx.TypeProto.Tensor.newBuilder().setElemType(shapes.type(name)).setShape(shape))).build();
    }

    private static Onnx.ValueInfoProto outputInfo(Onnx.ModelProto model, String of, ValueShapes shapes) {
        for (Onnx.ValueInfoProto out : model.getGraph().getOutputList()) {
            if (out.getName().equals(of)) {
                return out;
            }
        }
        return batchedInfo(of, shapes);
    }

    /**
     * The nodes {@code targets} need, walking back from them and stopping at {@code stop} (which becomes an input,
     * described by {@code stopInfo}); the graph's inputs that those nodes read; every initializer.
     */
    private static Onnx.ModelProto part(Onnx.ModelProto model, Set<String> targets, String stop, Onnx.ValueInfoProto stopInfo,
                                        List<Onnx.ValueInfoProto> outputs) {
        Onnx.GraphProto graph = model.getGraph();
        Set<String> needed = new HashSet<>(targets);
        List<Onnx.NodeProto> nodes = graph.getNodeList();
        boolean[] keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Onnx.NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(o -> needed.contains(o) && !o.equals(stop))) {
                keep[i] = true;
                needed.addAll(org.jacobi.autodiff.ControlFlow.inputs(n)); // a subgraph's reads included
            }
        }
        Onnx.GraphProto.Builder g = graph.toBuilder().clearNode().clearInput().clearOutput();
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                g.addNode(nodes.get(i));
            }
        }
        if (stop != null) {
            g.addInput(stopInfo);
        }
        for (Onnx.ValueInfoProto in : graph.getInputList()) {
            if (needed.contains(in.getName()) && !in.getName().equals(stop)) {
                g.addInput(in);
            }
        }
        g.addAllOutput(outputs);
        return model.toBuilder().setGraph(g).build();
    }

    @Override
    public void close() {
        prefix.close();
        suffix.close();
        prefixModel.close();
        suffixModel.close();
        if (product != null) {
            product.close();
        }
    }
}
