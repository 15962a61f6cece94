package org.jacobi.jacobian.lowering;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jacobi.autodiff.ValueShapes;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.onnx.GraphRun;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.model.onnx.OrtTensors;
import org.jacobi.onnx.proto.Onnx;

/**
 * The {@link ValueShapes.Probe} that runs the graph on ONNX Runtime (CPU) once, with every intermediate value exposed
 * as an output, and records what comes out.
 */
public final class OrtShapeProbe {
    private OrtShapeProbe() {
    }

    /** Runs {@code model} on {@code inputs} (CPU) and records every value. */
    public static ValueShapes probe(Onnx.ModelProto model, Map<String, Tensor> inputs) {
        Onnx.GraphProto graph = model.getGraph();
        Set<String> declared = new HashSet<>();
        graph.getOutputList().forEach(v -> declared.add(v.getName()));
        Onnx.GraphProto.Builder g = graph.toBuilder();
        Set<String> wanted = new LinkedHashSet<>(declared);
        for (Onnx.NodeProto node : graph.getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && declared.add(out)) {
                    g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(out));
                    wanted.add(out);
                }
            }
        }
        byte[] bytes = model.toBuilder().setGraph(g).build().toByteArray();
        ValueShapes v = new ValueShapes();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Set<String> initializers = v.recordInitializers(graph);
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Graph-optimisation notices (unused initializers of differentiated graphs) are not the user's concern.
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            // One run, every value an output: graph optimisations could fuse nothing and only cost session time; all
            // cores for the run itself (two samples of a ResNet at 224 x 224 are billions of FLOPs).
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            try (OrtSession session = env.createSession(bytes, options)) {
                for (Onnx.ValueInfoProto in : graph.getInputList()) {
                    if (initializers.contains(in.getName())) {
                        continue;
                    }
                    Tensor t = inputs.get(in.getName());
                    if (t == null) {
                        throw JacobiException.usage("No value given for model input '" + in.getName() + "'.");
                    }
                    feeds.put(in.getName(), OrtTensors.toOrt(env, t));
                    v.put(in.getName(), t);
                }
                GraphRun.run(session, feeds, wanted, Map.of(), ProgressMonitor.NONE, "the model to learn its value shapes",
                    result -> {
                        for (Map.Entry<String, OnnxValue> e : result) {
                            if (e.getValue() instanceof OnnxTensor tensor) {
                                record(v, e.getKey(), tensor);
                            }
                        }
                        return null;
                    });
            }
        } catch (OrtException e) {
            throw new JacobiException("ONNX Runtime could not run the model to learn its value shapes: "
                + OrtSessions.firstLine(e.getMessage()), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
        return v;
    }

    /**
     * Records a value; of a large one, or one of a type Jacobi does not read (uint8, float16...), only the shape and
     * type: {@link ValueShapes} keeps the contents of small values only, and copying every feature map of a 1024 x 1024
     * U-Net into Java cost seconds and gigabytes.
     */
    private static void record(ValueShapes v, String name, OnnxTensor tensor) throws OrtException {
        TensorInfo info = tensor.getInfo();
        ElementType readable = switch (info.type) {
            case FLOAT -> ElementType.FLOAT32;
            case DOUBLE -> ElementType.FLOAT64;
            case INT64 -> ElementType.INT64;
            case INT32 -> ElementType.INT32;
            case BOOL -> ElementType.BOOL;
            default -> null;
        };
        if (readable != null && info.getNumElements() <= ValueShapes.SMALL_VALUES) {
            v.put(name, OrtTensors.fromOrt(tensor));
        } else {
            v.put(name, info.getShape(), readable != null ? readable.onnxCode() : info.onnxType.value);
        }
    }
}
