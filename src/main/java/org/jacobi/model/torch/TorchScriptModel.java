package org.jacobi.model.torch;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Dim;
import org.jacobi.model.Model;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * A TorchScript model run by DJL's PyTorch engine. TorchScript files declare input names (read from the
 * forward method's source) but no shapes: shapes come from {@code --shape} (one sample's shape; the batch
 * axis is added in front) or from sample inputs ({@link #resolveShapes}); with them one forward pass on
 * a single sample tells the outputs' shapes and element types.
 *
 * <p>Every native call runs on {@link TorchRuntime}'s thread. Forward passes go through
 * {@link IValueUtils#forward} rather than the block's own forward, which flips the module into train
 * mode when called with {@code training=true} after an inference call (dropout and batch norm would
 * then change the function): the module stays in eval mode for its whole life.
 */
public final class TorchScriptModel implements Model {
    private static final String BATCH = "batch";

    private final Path path;
    private final long fileBytes;
    private final TorchScriptArchive.Signature signature;
    private final List<String> inputNames;
    private final ZooModel<NDList, NDList> zoo;
    private final PtSymbolBlock block;
    private final TorchRuntime.DeviceChoice device;
    private final long parameterCount;
    private volatile ModelInfo info;
    private volatile boolean closed;
    private volatile Map<String, String> extraFiles;

    private TorchScriptModel(Path path, long fileBytes, TorchScriptArchive.Signature signature, List<String> inputNames,
                             ZooModel<NDList, NDList> zoo, TorchRuntime.DeviceChoice device) {
        this.path = path;
        this.fileBytes = fileBytes;
        this.signature = signature;
        this.inputNames = List.copyOf(inputNames);
        this.zoo = zoo;
        this.block = (PtSymbolBlock) zoo.getBlock();
        this.device = device;
        // Parameters are loaded with autograd support (trainParam) but need no gradients of their own:
        // only the inputs are differentiated.
        block.freezeParameters(true);
        JniUtils.enableInferenceMode(block);
        this.parameterCount = countParameters(block);
    }

    /**
     * Opens a TorchScript file. With a per-sample shape for every input in {@code options}, runs one
     * forward pass to learn the outputs; otherwise shapes stay unknown until {@link #resolveShapes}.
     */
    public static TorchScriptModel load(Path path, DevicePreference devicePreference, Map<String, long[]> sampleShapes) {
        TorchScriptArchive.Signature signature = TorchScriptArchive.inspect(path);
        List<String> names = inputNames(signature, sampleShapes);
        for (String given : new TreeSet<>(sampleShapes.keySet())) {
            if (!names.contains(given)) {
                throw JacobiException.usage("--shape names input '" + given + "', but " + path.getFileName()
                    + " has input" + (names.size() == 1 ? " " : "s ") + names + ".");
            }
        }
        long bytes;
        try {
            bytes = Files.size(path);
        } catch (IOException e) {
            throw new JacobiException("Could not read " + path + ": " + e.getMessage() + ".", e);
        }
        TorchScriptModel model = TorchRuntime.call(() -> open(path, bytes, signature, names, devicePreference));
        try {
            model.describe(sampleShapes, "--shape", null);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static List<String> inputNames(TorchScriptArchive.Signature signature, Map<String, long[]> shapes) {
        if (signature.inputNames() != null) {
            return signature.inputNames();
        }
        if (!shapes.isEmpty()) {
            return new ArrayList<>(new TreeSet<>(shapes.keySet()));
        }
        return List.of("input0");
    }

    private static TorchScriptModel open(Path path, long bytes, TorchScriptArchive.Signature signature,
                                         List<String> names, DevicePreference devicePreference) {
        TorchRuntime.engine();
        TorchRuntime.DeviceChoice device = TorchRuntime.chooseDevice(devicePreference);
        Criteria<NDList, NDList> criteria = Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(path)
            .optEngine("PyTorch")
            .optDevice(device.device())
            // Without trainParam libtorch loads the weights as inference tensors and every backward fails.
            .optOption("trainParam", "true")
            .optOption("mapLocation", "true")
            .build();
        ZooModel<NDList, NDList> zoo;
        try {
            zoo = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new JacobiException("PyTorch cannot load " + path.getFileName() + ": " + TorchRuntime.bestLine(e)
                + ". The file may be corrupt or saved by an incompatible PyTorch; export it again with torch.jit.save.", e);
        }
        try {
            return new TorchScriptModel(path, bytes, signature, names, zoo, device);
        } catch (RuntimeException e) {
            zoo.close();
            throw new JacobiException("PyTorch cannot use " + path.getFileName() + ": " + TorchRuntime.bestLine(e) + ".", e);
        }
    }

    private static long countParameters(PtSymbolBlock block) {
        try {
            long n = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                n += p.getValue().getArray().getShape().size();
            }
            return n;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> m = extraFiles;
        if (m == null) {
            m = TorchScriptArchive.extraFiles(path);
            extraFiles = m;
        }
        return m;
    }

    /** The module's parameters by name (e.g. {@code l2.weight}) with their shapes, in the module's order. */
    public Map<String, long[]> parameterShapes() {
        return TorchRuntime.call(() -> {
            checkOpen();
            Map<String, long[]> out = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                out.put(p.getKey(), p.getValue().getArray().getShape().getShape());
            }
            return out;
        });
    }

    /** The native array of parameter {@code name}, or null. Torch thread only. */
    public NDArray parameterArray(String name) {
        TorchRuntime.requireTorchThread();
        checkOpen();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue().getArray();
            }
        }
        return null;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** True when every input has a known shape (from --shape or sample inputs). */
    public boolean shapesKnown() {
        return info.inputs().stream().allMatch(TensorSpec::hasShape);
    }

    /**
     * Completes the description from sample inputs when no --shape gave the shapes: axis 0 of each tensor
     * is taken as the batch and the rest as one sample's shape (shape source "sample input"). Returns the
     * (possibly unchanged) description.
     */
    public synchronized ModelInfo resolveShapes(Map<String, Tensor> sampleInputs) {
        if (shapesKnown()) {
            return info;
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : inputNames) {
            Tensor t = sampleInputs.get(name);
            if (t == null) {
                throw JacobiException.usage("No value given for model input '" + name + "'. The model's inputs are "
                    + inputNames + ".");
            }
            if (t.rank() == 0) {
                throw JacobiException.usage("Input '" + name + "' is a scalar; TorchScript inputs need a batch axis.");
            }
            long[] shape = t.shape();
            shapes.put(name, Arrays.copyOfRange(shape, 1, shape.length));
        }
        describe(shapes, "sample input", sampleInputs);
        return info;
    }

    /** Builds the description; with every shape known, runs one sample forward to learn the outputs. */
    private synchronized void describe(Map<String, long[]> shapes, String source, Map<String, Tensor> samples) {
        boolean known = inputNames.stream().allMatch(shapes::containsKey);
        if (!known) {
            List<TensorSpec> inputs = inputNames.stream()
                .map(n -> new TensorSpec(n, ElementType.FLOAT32, null)).toList();
            int count = Math.max(1, signature.outputCount());
            List<TensorSpec> outputs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                outputs.add(new TensorSpec("output" + i, null, null));
            }
            info = newInfo(inputs, outputs, "unknown");
            return;
        }
        ElementType type = ElementType.FLOAT32;
        List<Tensor> probe = new ArrayList<>();
        for (String name : inputNames) {
            probe.add(samples != null ? samples.get(name).sliceRows(0, 1) : Tensor.zeros(type, withBatch(1, shapes.get(name))));
        }
        List<Tensor> outputs;
        long probeRows = 1;
        try {
            outputs = TorchRuntime.call(() -> forwardValues(probe));
        } catch (JacobiException first) {
            if (samples != null) {
                // an input that holds its samples on another axis than 0 (a state [layers, batch, hidden], --batch-axis
                // h0=1) cannot be cut to one sample on axis 0: the inputs as given
                List<Tensor> given = inputNames.stream().map(samples::get).toList();
                try {
                    outputs = TorchRuntime.call(() -> forwardValues(given));
                    probeRows = given.get(0).dim(0);
                } catch (JacobiException second) {
                    throw describeFailure(shapes, source, first);
                }
            } else {
                // A float64 model refuses float32 zeros: try again before reporting the first error.
                List<Tensor> doubles = probe.stream().map(t -> t.asType(ElementType.FLOAT64)).toList();
                try {
                    outputs = TorchRuntime.call(() -> forwardValues(doubles));
                    type = ElementType.FLOAT64;
                } catch (JacobiException second) {
                    throw describeFailure(shapes, source, first);
                }
            }
        }
        List<TensorSpec> inputSpecs = new ArrayList<>();
        for (int i = 0; i < inputNames.size(); i++) {
            ElementType t = samples != null ? probe.get(i).type() : type;
            inputSpecs.add(new TensorSpec(inputNames.get(i), t, batchedDims(shapes.get(inputNames.get(i)))));
        }
        List<TensorSpec> outputSpecs = new ArrayList<>();
        List<String> names = outputNames(outputs.size(), lastOutputNames);
        for (int i = 0; i < outputs.size(); i++) {
            Tensor y = outputs.get(i);
            List<Dim> dims = new ArrayList<>();
            long[] shape = y.shape();
            for (int axis = 0; axis < shape.length; axis++) {
                dims.add(axis == 0 && shape[0] == probeRows ? Dim.symbolic(BATCH) : Dim.fixed(shape[axis]));
            }
            outputSpecs.add(new TensorSpec(names.get(i), y.type(), dims));
        }
        info = newInfo(inputSpecs, outputSpecs, source);
    }

    private JacobiException describeFailure(Map<String, long[]> shapes, String source, JacobiException e) {
        String given = inputNames.stream()
            .map(n -> n + " " + Tensor.shapeToString(withBatch(1, shapes.get(n))))
            .collect(Collectors.joining(", "));
        String what = "--shape".equals(source) ? "Check --shape (one sample's shape, without the batch axis)."
            : "Check the input files' shapes.";
        return new JacobiException(path.getFileName() + " does not run on one sample shaped " + given + " (from "
            + source + "): " + TorchRuntime.bestLine(e.getCause() != null ? e.getCause() : e) + ". " + what, e);
    }

    private ModelInfo newInfo(List<TensorSpec> inputs, List<TensorSpec> outputs, String source) {
        String producer = signature.moduleClass() == null ? "" : "TorchScript module " + signature.moduleClass();
        return new ModelInfo(path, ModelFormat.TORCHSCRIPT, fileBytes, inputs, outputs, source, Map.of(), Map.of(), 0,
            parameterCount, producer);
    }

    private static List<Dim> batchedDims(long[] sample) {
        List<Dim> dims = new ArrayList<>();
        dims.add(Dim.symbolic(BATCH));
        for (long d : sample) {
            dims.add(Dim.fixed(d));
        }
        return dims;
    }

    private static long[] withBatch(long batch, long[] sample) {
        long[] full = new long[sample.length + 1];
        full[0] = batch;
        System.arraycopy(sample, 0, full, 1, sample.length);
        return full;
    }

    /** Names the forward's outputs carried (a returned dict), or null; learned on the last forward. */
    private volatile List<String> lastOutputNames;

    private static List<String> outputNames(int count, List<String> carried) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = carried != null && i < carried.size() ? carried.get(i) : null;
            names.add(name != null ? name : "output" + i);
        }
        return names;
    }

    /** One forward pass without gradients; Torch thread only. */
    private List<Tensor> forwardValues(List<Tensor> inputs) {
        try (NDManager scope = newScope()) {
            NDList feed = new NDList();
            for (Tensor t : inputs) {
                feed.add(TorchTensors.toNd(scope, t));
            }
            NDList out = forward(feed, false);
            List<Tensor> values = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (NDArray a : out) {
                values.add(TorchTensors.fromNd(a));
                names.add(a.getName());
            }
            lastOutputNames = names;
            return values;
        }
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> outputs) {
        if (!shapesKnown()) {
            resolveShapes(inputs);
        }
        List<Tensor> feed = new ArrayList<>();
        for (String name : inputNames) {
            Tensor t = inputs.get(name);
            if (t == null) {
                throw JacobiException.usage("No value given for model input '" + name + "'.");
            }
            feed.add(t);
        }
        List<Tensor> values = TorchRuntime.call(() -> forwardValues(feed));
        List<String> names = info.outputs().stream().map(TensorSpec::name).toList();
        if (names.size() != values.size()) {
            names = outputNames(values.size(), lastOutputNames);
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            if (outputs.isEmpty() || outputs.contains(names.get(i))) {
                result.put(names.get(i), values.get(i));
            }
        }
        return result;
    }

    /** The input names in the order forward takes them. */
    public List<String> inputNames() {
        return inputNames;
    }

    /** Position of output {@code name} in forward's results. */
    public int outputIndex(String name) {
        List<TensorSpec> outs = info.outputs();
        for (int i = 0; i < outs.size(); i++) {
            if (outs.get(i).name().equals(name)) {
                return i;
            }
        }
        throw JacobiException.usage("The model has no output '" + name + "'. Its outputs are "
            + outs.stream().map(TensorSpec::name).toList() + ".");
    }

    /** A scope for native arrays on the model's device; close it to free them. Torch thread only. */
    public NDManager newScope() {
        TorchRuntime.requireTorchThread();
        checkOpen();
        return zoo.getNDManager().newSubManager();
    }

    /**
     * Runs forward on native inputs (in {@link #inputNames()} order); with {@code recordGradients} autograd
     * records the pass for a backward. The module stays in eval mode either way. Torch thread only.
     */
    public NDList forward(NDList inputs, boolean recordGradients) {
        TorchRuntime.requireTorchThread();
        checkOpen();
        try {
            return IValueUtils.forward(block, inputs, recordGradients);
        } catch (EngineException | IllegalStateException | IllegalArgumentException | UnsupportedOperationException e) {
            String given = inputs.stream().map(a -> a.getDataType().toString().toLowerCase(Locale.ROOT) + " "
                + Tensor.shapeToString(a.getShape().getShape())).collect(Collectors.joining(", "));
            throw new JacobiException(path.getFileName() + " failed on inputs " + given + ": " + TorchRuntime.bestLine(e)
                + ". Check that the inputs have the shapes the model expects" + (inputs.size() > 1 ? ", and state the batch axis "
                + "of one that holds its samples elsewhere than on axis 0 (--batch-axis h0=1 for a state [layers, batch, hidden])."
                : "."), e);
        }
    }

    /** How many native arrays the model's scopes still hold open (its weights included): for leak checks. */
    public int openNativeArrays() {
        return TorchRuntime.call(() -> {
            checkOpen();
            return zoo.getNDManager().getManagedArrays().size();
        });
    }

    /** Puts the module in eval mode (dropout off, batch norm on running statistics). Torch thread only. */
    public void ensureEvalMode() {
        TorchRuntime.requireTorchThread();
        checkOpen();
        JniUtils.enableInferenceMode(block);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(path.getFileName() + " is closed");
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public String device() {
        return device.label();
    }

    /** Why the model runs on the CPU although CUDA was asked for, or null. */
    public String deviceNotice() {
        return device.notice();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            TorchRuntime.run(zoo::close);
        }
    }
}
