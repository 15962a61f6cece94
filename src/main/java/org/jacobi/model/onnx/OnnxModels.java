package org.jacobi.model.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.model.Dim;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;
import org.jacobi.onnx.proto.Onnx;

/** Reads ONNX files into protobuf messages and describes them from the graph itself. */
public final class OnnxModels {
    private OnnxModels() {
    }

    /** Parses an ONNX file, with a clear message for missing, truncated or foreign files. */
    public static Onnx.ModelProto parse(Path file, byte[] bytes) {
        Onnx.ModelProto model;
        try {
            model = Onnx.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new JacobiException(file + " is not a valid ONNX model (the file is corrupt or truncated: "
                + OrtSessions.firstLine(e.getMessage()) + "). Export the model again.", e);
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getGraph().getOutputCount() == 0) {
            throw new JacobiException(file + " is not a valid ONNX model (no graph or IR version). Export the model again.");
        }
        for (Onnx.TensorProto init : model.getGraph().getInitializerList()) {
            if (init.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
                throw new JacobiException(file + " keeps its weights in external data files, which Jacobi does not load yet. "
                    + "Save it with all weights inside (onnx.save_model(m, path, save_as_external_data=False)).");
            }
        }
        return model;
    }

    public static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new JacobiException("File not found: " + file + ". Check the path.", e);
        } catch (IOException e) {
            throw new JacobiException("Could not read " + file + ": " + e.getMessage() + ".", e);
        }
    }

    /**
     * The summary of a parsed model. Operators, nodes and parameters are counted in the subgraphs of If, Loop and Scan
     * too (whole networks live in branches), and float weights stored as Constant nodes count as parameters.
     */
    public static ModelInfo describe(Path file, long fileBytes, Onnx.ModelProto model) {
        Onnx.GraphProto graph = model.getGraph();
        Set<String> initializerNames = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializerNames.add(t.getName()));
        List<TensorSpec> inputs = new ArrayList<>();
        for (Onnx.ValueInfoProto v : graph.getInputList()) {
            if (!initializerNames.contains(v.getName())) {
                inputs.add(spec(v));
            }
        }
        List<TensorSpec> outputs = new ArrayList<>();
        for (Onnx.ValueInfoProto v : graph.getOutputList()) {
            outputs.add(spec(v));
        }
        Map<String, Integer> ops = new LinkedHashMap<>();
        long parameters = count(graph, ops);
        int subgraphNodes = ops.values().stream().mapToInt(Integer::intValue).sum() - graph.getNodeCount();
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (Onnx.OperatorSetIdProto opset : model.getOpsetImportList()) {
            opsets.put(opset.getDomain().isEmpty() ? "ai.onnx" : opset.getDomain(), opset.getVersion());
        }
        String producer = (model.getProducerName() + " " + model.getProducerVersion()).strip();
        return new ModelInfo(file, ModelFormat.ONNX, fileBytes, inputs, outputs, "model", ops, opsets,
            model.getIrVersion(), parameters, producer, subgraphNodes);
    }

    /** Adds the graph's operators (its subgraphs' included) to {@code ops}; returns its float weight values. */
    private static long count(Onnx.GraphProto graph, Map<String, Integer> ops) {
        long parameters = 0;
        for (Onnx.TensorProto init : graph.getInitializerList()) {
            parameters += floatElements(init);
        }
        for (Onnx.NodeProto node : graph.getNodeList()) {
            String key = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx")
                ? node.getOpType() : node.getDomain() + "." + node.getOpType();
            ops.merge(key, 1, Integer::sum);
            if (ExportQuirks.isConstantWeight(node)) {
                parameters += floatElements(ExportQuirks.constantValue(node));
            }
            for (Onnx.AttributeProto a : node.getAttributeList()) {
                if (a.hasG()) {
                    parameters += count(a.getG(), ops);
                }
                for (Onnx.GraphProto sub : a.getGraphsList()) {
                    parameters += count(sub, ops);
                }
            }
        }
        return parameters;
    }

    /** Whether an ONNX element type code is a floating-point type: float32, float64, float16 (10) or bfloat16 (16). */
    static boolean isFloatCode(int code) {
        ElementType type = ElementType.fromOnnxCode(code);
        return type != null && type.isFloatingPoint() || code == 10 || code == 16;
    }

    private static long floatElements(Onnx.TensorProto t) {
        if (!isFloatCode(t.getDataType())) {
            return 0;
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    private static TensorSpec spec(Onnx.ValueInfoProto v) {
        Onnx.TypeProto type = v.getType();
        if (!type.hasTensorType()) {
            String kind = type.hasSequenceType() ? "sequence" : type.hasMapType() ? "map"
                : type.hasOptionalType() ? "optional" : type.hasSparseTensorType() ? "sparse tensor" : "unknown";
            return new TensorSpec(v.getName(), null, kind, null);
        }
        Onnx.TypeProto.Tensor tensor = type.getTensorType();
        List<Dim> dims = null;
        if (tensor.hasShape()) {
            dims = new ArrayList<>();
            for (Onnx.TensorShapeProto.Dimension d : tensor.getShape().getDimList()) {
                if (d.hasDimValue() && d.getDimValue() >= 0) {
                    dims.add(Dim.fixed(d.getDimValue()));
                } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                    dims.add(Dim.symbolic(d.getDimParam()));
                } else {
                    dims.add(Dim.unknown());
                }
            }
        }
        int code = tensor.getElemType();
        return new TensorSpec(v.getName(), ElementType.fromOnnxCode(code), ElementType.onnxTypeName(code), dims);
    }
}
