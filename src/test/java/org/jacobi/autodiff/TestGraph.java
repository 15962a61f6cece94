package org.jacobi.autodiff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.onnx.proto.Onnx;

/**
 * Builds tiny ONNX models in tests: graph inputs with random values in a domain, fixed initializers,
 * nodes and outputs, at a chosen opset and float type (1 float32, 11 float64).
 */
public final class TestGraph {
    final int opset;
    final int floatType;
    final List<Onnx.NodeProto> nodes = new ArrayList<>();
    final List<Onnx.TensorProto> initializers = new ArrayList<>();
    final List<Onnx.ValueInfoProto> inputs = new ArrayList<>();
    final List<String> outputs = new ArrayList<>();
    final Map<String, Tensor> values = new LinkedHashMap<>();
    final Random random;
    double lo = -2;
    double hi = 2;

    private long irVersion;

    /** Writes the model with this IR version instead of the one its opset needs (old exporters wrote 3 to 7). */
    /**
     * A 256 -> 512 -> 8 -> 512 -> 256 tanh autoencoder with a dynamic batch of {@code samples}: wide at both ends, narrow
     * in the middle, so that auto picks mixed mode (issue 23).
     */
    public static TestGraph wideAutoencoder(int samples) {
        return new TestGraph(17, 1, 23).dynamicBatch().input("x", samples, 256)
            .fixed("w1", 256, 512).fixed("w2", 512, 8).fixed("w3", 8, 512).fixed("w4", 512, 256)
            .node("MatMul", List.of("x", "w1"), List.of("a")).node("Tanh", List.of("a"), List.of("ta"))
            .node("MatMul", List.of("ta", "w2"), List.of("code")).node("Tanh", List.of("code"), List.of("tcode"))
            .node("MatMul", List.of("tcode", "w3"), List.of("b")).node("Tanh", List.of("b"), List.of("tb"))
            .node("MatMul", List.of("tb", "w4"), List.of("y")).output("y");
    }

    public TestGraph irVersion(long ir) {
        irVersion = ir;
        return this;
    }

    public TestGraph(int opset, int floatType, long seed) {
        this.opset = opset;
        this.floatType = floatType;
        this.random = new Random(seed);
    }

    /** Draws later random values from [lo, hi]. */
    public TestGraph domain(double newLo, double newHi) {
        lo = newLo;
        hi = newHi;
        return this;
    }

    private double[] draw(long[] shape) {
        double[] v = new double[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * random.nextDouble();
        }
        return v;
    }

    private Tensor floats(double[] v, long[] shape) {
        Tensor t = Tensor.ofDoubles(v, shape);
        return floatType == 11 ? t : t.asType(ElementType.FLOAT32);
    }

    private boolean dynamicBatch;

    /** Declares axis 0 of the inputs that follow as dynamic ("batch"). */
    public TestGraph dynamicBatch() {
        dynamicBatch = true;
        return this;
    }

    /** A float graph input with random values. */
    public TestGraph input(String name, long... shape) {
        values.put(name, floats(draw(shape), shape));
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (int i = 0; i < shape.length; i++) {
            s.addDim(i == 0 && dynamicBatch ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i]));
        }
        inputs.add(Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
            .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(floatType).setShape(s))).build());
        return this;
    }

    /** A float graph input with the given values, rounded to the graph's float type. */
    public TestGraph input(String name, double[] v, long... shape) {
        input(name, shape);
        values.put(name, floats(v, shape));
        return this;
    }

    /** A float initializer with random values (held fixed). */
    public TestGraph fixed(String name, long... shape) {
        initializers.add(TensorProtos.floats(name, floatType, draw(shape), shape));
        return this;
    }

    /** A float initializer with given values. */
    public TestGraph fixedValues(String name, double[] v, long... shape) {
        initializers.add(TensorProtos.floats(name, floatType, v, shape));
        return this;
    }

    /** An int64 initializer. */
    public TestGraph ints(String name, long[] v, long... shape) {
        initializers.add(TensorProtos.ints(name, v, shape));
        return this;
    }

    /** A 1-D int64 initializer. */
    public TestGraph ints(String name, long... v) {
        return ints(name, v, v.length);
    }

    /** A bool initializer. */
    public TestGraph bools(String name, boolean[] v, long... shape) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name).setDataType(9);
        for (long d : shape) {
            b.addDims(d);
        }
        for (boolean x : v) {
            b.addInt32Data(x ? 1 : 0);
        }
        initializers.add(b.build());
        return this;
    }

    /** An initializer built elsewhere. */
    public TestGraph add(Onnx.TensorProto initializer) {
        initializers.add(initializer);
        return this;
    }

    public TestGraph node(String op, List<String> in, List<String> out, Onnx.AttributeProto... attrs) {
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setName(op + "_" + nodes.size())
            .addAllInput(in).addAllOutput(out);
        for (Onnx.AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        nodes.add(b.build());
        return this;
    }

    public TestGraph output(String name) {
        outputs.add(name);
        return this;
    }

    public Map<String, Tensor> values() {
        return values;
    }

    public int floatType() {
        return floatType;
    }

    public Onnx.ModelProto build() {
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("test").addAllNode(nodes)
            .addAllInitializer(initializers).addAllInput(inputs);
        for (String o : outputs) {
            g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(o).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(floatType))));
        }
        long ir = irVersion > 0 ? irVersion : opset >= 21 ? 10 : opset >= 19 ? 9 : 8;
        if (ir < 4) {
            // before IR 4, every initializer is also a graph input
            for (Onnx.TensorProto t : initializers) {
                Onnx.TypeProto.Tensor.Builder tt = Onnx.TypeProto.Tensor.newBuilder().setElemType(t.getDataType());
                Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
                t.getDimsList().forEach(d -> shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
                g.addInput(Onnx.ValueInfoProto.newBuilder().setName(t.getName())
                    .setType(Onnx.TypeProto.newBuilder().setTensorType(tt.setShape(shape))));
            }
        }
        return Onnx.ModelProto.newBuilder().setIrVersion(ir)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
            .setProducerName("jacobi-test").setGraph(g).build();
    }

    public Path write(Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".onnx");
        Files.write(file, build().toByteArray());
        return file;
    }
}
