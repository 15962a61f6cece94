package org.jacobi.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.onnx.GraphRun;
import org.jacobi.model.onnx.NodeFlops;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.model.onnx.OrtTensors;
import org.jacobi.onnx.proto.Onnx;

/**
 * Counts the floating-point operations of one forward pass of an ONNX model. Intermediate shapes come from
 * running the model once with every node output exposed, so no shape inference of our own is needed.
 * Matrix products and convolutions count 2 per multiply-add; other nodes one per output element.
 */
public final class ForwardFlops {
    private ForwardFlops() {
    }

    /** FLOPs of one forward pass over {@code inputs} (divide by the batch size for one sample). */
    public static double count(OnnxModel model, Map<String, Tensor> inputs) {
        Onnx.ModelProto proto = model.proto();
        Onnx.GraphProto.Builder graph = proto.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (Onnx.NodeProto node : proto.getGraph().getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && outputs.add(out)) {
                    graph.addOutput(Onnx.ValueInfoProto.newBuilder().setName(out));
                }
            }
        }
        byte[] bytes = proto.toBuilder().setGraph(graph).build().toByteArray();
        Map<String, long[]> shapes = new HashMap<>();
        inputs.forEach((k, v) -> shapes.put(k, v.shape()));
        proto.getGraph().getInitializerList().forEach(t -> shapes.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray()));
        try (OrtSessions.Opened opened = OrtSessions.open(bytes, DevicePreference.CPU, "FLOP counter")) {
            Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                    feeds.put(e.getKey(), OrtTensors.toOrt(OrtSessions.environment(), e.getValue()));
                }
                GraphRun.run(opened.session(), feeds, outputs, Map.of(), ProgressMonitor.NONE, "the FLOP counter", result -> {
                    for (Map.Entry<String, OnnxValue> e : result) {
                        if (e.getValue() instanceof OnnxTensor t) {
                            shapes.put(e.getKey(), t.getInfo().getShape());
                        }
                    }
                    return null;
                });
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        } catch (OrtException | RuntimeException e) {
            return Double.NaN; // a model whose intermediates cannot be exposed: no FLOP figure
        }
        double flops = 0;
        for (Onnx.NodeProto node : proto.getGraph().getNodeList()) {
            flops += NodeFlops.of(node, shapes::get);
        }
        return flops;
    }
}
