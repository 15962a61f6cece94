package org.jacobi.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.Dim;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;
import org.jacobi.onnx.proto.Onnx;

/** An ONNX model: its parsed graph (for inspection and differentiation) and an ONNX Runtime session. */
public final class OnnxModel implements Model {
    private final Path path;
    private final byte[] bytes;
    private final Onnx.ModelProto proto;
    private final ModelInfo info;
    private final DevicePreference devicePreference;
    private final int cpuThreads;
    private final String precisionNote;
    private OrtSessions.Opened opened;
    /** Per set of intermediate values asked for: a session of the graph with them as extra outputs. */
    private final Map<Set<String>, OrtSessions.Opened> exposing = new HashMap<>();
    private List<String> intermediates;

    private OnnxModel(Path path, long fileBytes, byte[] bytes, Onnx.ModelProto proto, Onnx.ModelProto asWritten,
                      DevicePreference devicePreference, int cpuThreads, String precisionNote) {
        this.path = path;
        this.cpuThreads = Math.max(1, cpuThreads);
        this.bytes = bytes;
        this.proto = proto;
        this.devicePreference = devicePreference;
        this.precisionNote = precisionNote;
        this.info = OnnxModels.describe(path, fileBytes, asWritten);
    }

    /**
     * Reads and checks an ONNX file; the ONNX Runtime session opens on first use. A float16 or bfloat16 model is
     * upcast to float32 here ({@link HalfPrecision}): everything, its forward pass included, then runs in float32.
     * What converters write in their own way is brought to one plain form ({@link ExportQuirks}); {@link #info()}
     * describes the file as written (in the types it is computed in).
     */
    public static OnnxModel load(Path path, DevicePreference devicePreference) {
        byte[] bytes = OnnxModels.readBytes(path);
        Onnx.ModelProto written = OnnxModels.parse(path, bytes);
        String half = HalfPrecision.halfTypes(written);
        // info shows the types the model is computed in: float32 for a half-precision file
        Onnx.ModelProto computed = half == null ? written : HalfPrecision.upcast(written);
        Onnx.ModelProto plain = ExportQuirks.normalize(computed);
        return new OnnxModel(path, bytes.length, plain == written ? bytes : plain.toByteArray(), plain, computed, devicePreference,
            Runtime.getRuntime().availableProcessors(), half == null ? null : half + " model computed in float32");
    }

    /**
     * A model built in memory (a part of another model's graph, cut by the mixed-mode engine); {@code path} names it
     * in messages. The graph is taken as it is: nothing is upcast.
     */
    public static OnnxModel fromProto(Path path, Onnx.ModelProto proto, DevicePreference devicePreference) {
        return fromProto(path, proto, devicePreference, Runtime.getRuntime().availableProcessors());
    }

    /**
     * As {@link #fromProto(Path, Onnx.ModelProto, DevicePreference)}, with this model's sessions and its derivatives'
     * on {@code cpuThreads} threads: a Spark task runs on the cores its executor allots it ({@code spark.task.cpus}), not
     * on every core of a machine that runs other tasks beside it.
     */
    public static OnnxModel fromProto(Path path, Onnx.ModelProto proto, DevicePreference devicePreference, int cpuThreads) {
        byte[] bytes = proto.toByteArray();
        return new OnnxModel(path, bytes.length, bytes, proto, proto, devicePreference, cpuThreads, null);
    }

    /** Threads of ONNX Runtime's CPU sessions of this model and of its derivatives. */
    public int cpuThreads() {
        return cpuThreads;
    }

    @Override
    public String precisionNote() {
        return precisionNote;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** The parsed graph, read-only by convention: differentiation builds new graphs from it. */
    public Onnx.ModelProto proto() {
        return proto;
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Onnx.StringStringEntryProto entry : proto.getMetadataPropsList()) {
            out.put(entry.getKey(), entry.getValue());
        }
        return out;
    }

    public Path path() {
        return path;
    }

    /** Per-sample input elements (fixed dimensions after the first) from which sessions run without the CPU arena. */
    static final long CPU_ARENA_LIMIT_ELEMENTS = 1L << 20;

    /**
     * Whether this model's sessions, and its derivatives', keep ONNX Runtime's CPU arena ({@link OrtSessions#open(byte[],
     * DevicePreference, String, int, boolean)} says what it costs and saves): not for a model whose declared input holds
     * a million elements or more per sample (a 1024 x 1024 photo), where the peaks it keeps are gigabytes, nor for a
     * floating-point input of rank 3 or more with a dynamic size past the batch (a photo of any size).
     */
    public boolean cpuArena() {
        for (TensorSpec input : info.inputs()) {
            long elements = 1;
            List<Dim> dims = input.dims() == null ? List.of() : input.dims();
            boolean floating = input.type() == null || input.type().isFloatingPoint();
            for (int i = 1; i < dims.size(); i++) {
                if (!dims.get(i).isFixed() && floating && dims.size() >= 3) {
                    return false;
                }
                elements *= dims.get(i).isFixed() ? Math.max(1, dims.get(i).size()) : 1;
            }
            if (elements >= CPU_ARENA_LIMIT_ELEMENTS) {
                return false;
            }
        }
        return true;
    }

    public DevicePreference devicePreference() {
        return devicePreference;
    }

    private synchronized OrtSessions.Opened session() {
        if (opened == null) {
            opened = OrtSessions.open(bytes, devicePreference, path.getFileName().toString(), cpuThreads, cpuArena());
        }
        return opened;
    }

    /** Opens the session now, so that load errors surface at load time. */
    public OnnxModel open() {
        session();
        return this;
    }

    /** Why the session runs on the CPU although a GPU was wanted, or null. */
    public String deviceNotice() {
        return session().notice();
    }

    @Override
    public String device() {
        return session().device();
    }

    @Override
    public synchronized List<String> intermediateValues() {
        if (intermediates == null) {
            Set<String> outer = new HashSet<>();
            info.inputs().forEach(s -> outer.add(s.name()));
            info.outputs().forEach(s -> outer.add(s.name()));
            List<String> names = new ArrayList<>();
            for (Onnx.NodeProto node : proto.getGraph().getNodeList()) {
                node.getOutputList().stream().filter(o -> !o.isEmpty() && !outer.contains(o)).forEach(names::add);
            }
            intermediates = List.copyOf(names);
        }
        return intermediates;
    }

    @Override
    public FinalActivation finalActivation(String output) {
        for (Onnx.NodeProto node : proto.getGraph().getNodeList()) {
            if (node.getOutputList().contains(output)) {
                boolean activation = node.getDomain().isEmpty()
                    && (node.getOpType().equals("Sigmoid") || node.getOpType().equals("Softmax"));
                return activation && intermediateValues().contains(node.getInput(0))
                    ? new FinalActivation(node.getInput(0), node.getOpType()) : null;
            }
        }
        return null;
    }

    /** The session that returns {@code extra} (intermediate values) beside the outputs; opened once per set. */
    private synchronized OrtSessions.Opened exposingSession(Set<String> extra) {
        OrtSessions.Opened s = exposing.get(extra);
        if (s == null) {
            Onnx.GraphProto.Builder g = proto.getGraph().toBuilder();
            extra.forEach(v -> g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(v)));
            s = OrtSessions.open(proto.toBuilder().setGraph(g).build().toByteArray(), devicePreference,
                path.getFileName() + " (intermediate values)", cpuThreads, cpuArena());
            exposing.put(Set.copyOf(extra), s);
        }
        return s;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> outputs) {
        Set<String> extra = new TreeSet<>(outputs);
        info.outputs().forEach(spec -> extra.remove(spec.name()));
        if (!extra.isEmpty() && !intermediateValues().containsAll(extra)) {
            extra.removeAll(intermediateValues());
            throw JacobiException.usage(path.getFileName() + " has no value named " + extra
                + ". `jacobi info --values` lists its values.");
        }
        OrtSession session = (extra.isEmpty() ? session() : exposingSession(extra)).session();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (TensorSpec spec : info.inputs()) {
                Tensor t = inputs.get(spec.name());
                if (t == null) {
                    throw JacobiException.usage("No value given for model input '" + spec.name() + "'.");
                }
                feeds.put(spec.name(), OrtTensors.toOrt(OrtSessions.environment(), t));
            }
            Set<String> wanted = new LinkedHashSet<>();
            for (TensorSpec spec : info.outputs()) {
                if (outputs.isEmpty() || outputs.contains(spec.name())) {
                    wanted.add(spec.name());
                }
            }
            wanted.addAll(extra);
            return GraphRun.run(session, feeds, wanted, Map.of(), ProgressMonitor.NONE, String.valueOf(path.getFileName()));
        } catch (OrtException e) {
            throw new JacobiException("ONNX Runtime failed to run " + path.getFileName() + ": "
                + OrtSessions.firstLine(e.getMessage()), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public synchronized void close() {
        if (opened != null) {
            opened.close();
            opened = null;
        }
        exposing.values().forEach(OrtSessions.Opened::close);
        exposing.clear();
    }
}
