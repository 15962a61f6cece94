package org.jacobi.autodiff;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.model.onnx.OrtTensors;
import org.jacobi.onnx.proto.Onnx;

/**
 * The element type and shape of every value of a graph, and the contents of its small integer values,
 * learnt by running the graph once on example inputs with every intermediate value exposed as an output.
 * Rules need ranks, static channel counts and constant axes; running the graph is simpler and more
 * faithful than re-implementing ONNX shape inference for every operator.
 */
public final class ValueShapes {
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, Integer> types = new HashMap<>();
    private final Map<String, long[]> smallInts = new HashMap<>();
    /** Small float values (Resize scales and roi, ...), which some rules need as numbers. */
    private final Map<String, double[]> smallFloats = new HashMap<>();
    private static final int SMALL_FLOATS = 16;

    /** Runs {@code model} on {@code inputs} (CPU) and records every value. */
    public static ValueShapes probe(Onnx.ModelProto model, Map<String, Tensor> inputs) {
        Onnx.GraphProto graph = model.getGraph();
        Set<String> declared = new HashSet<>();
        graph.getOutputList().forEach(v -> declared.add(v.getName()));
        Onnx.GraphProto.Builder g = graph.toBuilder();
        Set<String> wanted = new java.util.LinkedHashSet<>(declared);
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
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
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
                    v.record(in.getName(), t);
                }
                try (OrtSession.Result result = session.run(feeds, wanted)) {
                    for (Map.Entry<String, OnnxValue> e : result) {
                        if (e.getValue() instanceof OnnxTensor tensor) {
                            v.record(e.getKey(), tensor);
                        }
                    }
                }
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
     * The shapes of the graph's inputs and initializers only, without running it: for a pre-pass over a model that
     * ONNX Runtime cannot run as it stands (a recurrent layer in layout 1).
     */
    public static ValueShapes declared(Onnx.ModelProto model, Map<String, Tensor> inputs) {
        ValueShapes v = new ValueShapes();
        v.recordInitializers(model.getGraph());
        inputs.forEach(v::record);
        return v;
    }

    private Set<String> recordInitializers(Onnx.GraphProto graph) {
        Set<String> initializers = new HashSet<>();
        for (Onnx.TensorProto init : graph.getInitializerList()) {
            initializers.add(init.getName());
            long[] dims = init.getDimsList().stream().mapToLong(Long::longValue).toArray();
            shapes.put(init.getName(), dims);
            types.put(init.getName(), init.getDataType());
            if ((init.getDataType() == 7 || init.getDataType() == 6) && Tensor.elementCount(dims) <= 64) {
                smallInts.put(init.getName(), TensorProtos.toLongs(init));
            }
            if ((init.getDataType() == 1 || init.getDataType() == 11) && Tensor.elementCount(dims) <= SMALL_FLOATS) {
                smallFloats.put(init.getName(), TensorProtos.toDoubles(init));
            }
        }
        return initializers;
    }

    /** Records a value; of element types Jacobi does not read (uint8, float16...) only the shape and type. */
    private void record(String name, OnnxTensor tensor) throws OrtException {
        ai.onnxruntime.TensorInfo info = tensor.getInfo();
        switch (info.type) {
            case FLOAT, DOUBLE, INT64, INT32, BOOL -> record(name, OrtTensors.fromOrt(tensor));
            default -> {
                shapes.put(name, info.getShape());
                types.put(name, info.onnxType.value);
            }
        }
    }

    private void record(String name, Tensor t) {
        shapes.put(name, t.shape());
        types.put(name, t.type().onnxCode());
        if (!t.type().isFloatingPoint() && t.size() <= 64) {
            long[] vals = new long[t.size()];
            for (int i = 0; i < vals.length; i++) {
                vals[i] = (long) t.getDouble(i);
            }
            smallInts.put(name, vals);
        }
        if (t.type().isFloatingPoint() && t.size() <= SMALL_FLOATS) {
            smallFloats.put(name, t.toDoubleArray());
        }
    }

    /** Records a value by hand (for values the probe cannot see). */
    public void put(String name, long[] shape, int onnxType) {
        shapes.put(name, shape.clone());
        types.put(name, onnxType);
    }

    public boolean known(String name) {
        return shapes.containsKey(name);
    }

    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalStateException("no shape known for value '" + name + "'");
        }
        return s.clone();
    }

    public int rank(String name) {
        return shape(name).length;
    }

    /** The ONNX element type code of a value (1 float32, 11 float64, 7 int64...). */
    public int type(String name) {
        Integer t = types.get(name);
        if (t == null) {
            throw new IllegalStateException("no type known for value '" + name + "'");
        }
        return t;
    }

    public boolean isFloat(String name) {
        Integer t = types.get(name);
        return t != null && (t == 1 || t == 11 || t == 10 || t == 16);
    }

    /** The contents of a small integer value, or null when it is not one. */
    public long[] ints(String name) {
        long[] v = smallInts.get(name);
        return v == null ? null : v.clone();
    }

    /** The contents of a small float value (at most 16 elements), or null when it is not one. */
    public double[] floats(String name) {
        double[] v = smallFloats.get(name);
        return v == null ? null : v.clone();
    }
}
