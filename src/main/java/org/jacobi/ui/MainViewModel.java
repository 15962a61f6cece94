package org.jacobi.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.ui.heatmap.HeatmapData;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.analysis.ImageInputs;
import org.jacobi.analysis.SampleGenerator;
import org.jacobi.analysis.TensorLabels;
import org.jacobi.core.CancelledException;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.CsvTensors;
import org.jacobi.io.Npy;
import org.jacobi.io.TensorFiles;
import org.jacobi.jacobian.FiniteDifferenceEngine;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Dim;
import org.jacobi.model.ElementLabels;
import org.jacobi.report.Report;
import org.jacobi.report.ReportBuilder;
import org.jacobi.report.ReportOptions;
import org.jacobi.report.ReportSource;
import org.jacobi.report.ReportWriters;
import org.jacobi.model.InputBinder;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.task.TaskExecutor;
import org.jacobi.ui.task.TaskHandle;

/**
 * The state of the main window as JavaFX properties (no controls), and the actions on it: open a model or
 * input files, generate samples, compute the Jacobian in the background, edit the current sample ("what
 * if"), export. All methods are called on the UI thread; work goes through the {@link TaskExecutor}.
 */
public final class MainViewModel {
    /** Small vector inputs get the editable "what if" table. */
    public static final int WHAT_IF_MAX_ELEMENTS = 64;
    static final long WHAT_IF_DEBOUNCE_MS = 250;

    private final TaskExecutor executor;
    private final Function<Model, JacobianEngine> engineFactory;

    private Model model;
    /** The engines of one model; created and closed on the worker thread, after the work using them. */
    private volatile EngineSet engines;
    private TaskHandle computeHandle;
    private Map<String, Tensor> resultInputs;
    private List<String> inputLabels;
    private List<String> outputLabels;
    private boolean updatingWhatIf;

    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Jacobi");
    private final ReadOnlyObjectWrapper<ModelInfo> modelInfo = new ReadOnlyObjectWrapper<>(this, "modelInfo");
    private final ReadOnlyStringWrapper modelDevice = new ReadOnlyStringWrapper(this, "modelDevice", "");
    private final ReadOnlyObjectWrapper<Map<String, Tensor>> inputs = new ReadOnlyObjectWrapper<>(this, "inputs");
    private final ReadOnlyStringWrapper inputSource = new ReadOnlyStringWrapper(this, "inputSource", "no input");
    private final IntegerProperty sampleCount = new SimpleIntegerProperty(this, "sampleCount", 0);
    private final IntegerProperty selectedSample = new SimpleIntegerProperty(this, "selectedSample", 0);
    private final ObservableList<String> wrtChoices = FXCollections.observableArrayList();
    private final ObservableList<String> ofChoices = FXCollections.observableArrayList();
    private final StringProperty wrt = new SimpleStringProperty(this, "wrt");
    private final StringProperty of = new SimpleStringProperty(this, "of");
    private final ObjectProperty<JacobianMode> mode = new SimpleObjectProperty<>(this, "mode", JacobianMode.AUTO);
    private final ObjectProperty<DevicePreference> device = new SimpleObjectProperty<>(this, "device", DevicePreference.AUTO);
    private final ReadOnlyObjectWrapper<JacobianResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyStringWrapper methodText = new ReadOnlyStringWrapper(this, "methodText", "no Jacobian yet");
    private final ReadOnlyStringWrapper warningsText = new ReadOnlyStringWrapper(this, "warningsText", "");
    private final BooleanProperty approximate = new SimpleBooleanProperty(this, "approximate", false);
    private final ObjectProperty<UserMessage> message = new SimpleObjectProperty<>(this, "message");
    private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
    private final BooleanProperty autoCompute = new SimpleBooleanProperty(this, "autoCompute", true);

    // Sample generation and image options
    private final ObjectProperty<SampleGenerator.Kind> generatorKind = new SimpleObjectProperty<>(this, "generatorKind", SampleGenerator.Kind.NORMAL);
    private final LongProperty generatorSeed = new SimpleLongProperty(this, "generatorSeed", 0);
    private final IntegerProperty generatorCount = new SimpleIntegerProperty(this, "generatorCount", 4);
    private final StringProperty imageScale = new SimpleStringProperty(this, "imageScale", "1/255");
    private final StringProperty imageMean = new SimpleStringProperty(this, "imageMean", "0");
    private final StringProperty imageStd = new SimpleStringProperty(this, "imageStd", "1");

    // "What if": the selected sample's elements of the wrt input, and the outputs at it
    private final ObservableList<WhatIfRow> whatIfRows = FXCollections.observableArrayList();
    private final ObservableList<String> whatIfOutputs = FXCollections.observableArrayList();

    public MainViewModel(TaskExecutor executor) {
        this(executor, Jacobians::exactEngineFor);
    }

    // Heatmap: the selected sample's [outputs x inputs] matrix and how it is coloured
    private final ReadOnlyObjectWrapper<HeatmapData> heatmapData = new ReadOnlyObjectWrapper<>(this, "heatmapData");
    private final ObjectProperty<ColorMaps> colorMap = new SimpleObjectProperty<>(this, "colorMap", ColorMaps.RDBU);
    private final BooleanProperty sharedScale = new SimpleBooleanProperty(this, "sharedScale", true);
    private final BooleanProperty symlog = new SimpleBooleanProperty(this, "symlog", false);
    private final ReadOnlyDoubleWrapper scaleLimit = new ReadOnlyDoubleWrapper(this, "scaleLimit", Double.NaN);

    // Saliency: which output, signed or absolute, which channel (-1: summed), overlay opacity
    private final IntegerProperty saliencyOutput = new SimpleIntegerProperty(this, "saliencyOutput", 0);
    private final BooleanProperty saliencyAbsolute = new SimpleBooleanProperty(this, "saliencyAbsolute", false);
    private final IntegerProperty saliencyChannel = new SimpleIntegerProperty(this, "saliencyChannel", -1);
    private final DoubleProperty overlayOpacity = new SimpleDoubleProperty(this, "overlayOpacity", 0.5);

    public MainViewModel(TaskExecutor executor, Function<Model, JacobianEngine> engineFactory) {
        this.executor = executor;
        this.engineFactory = engineFactory;
        result.addListener((obs, a, b) -> refreshHeatmap());
        selectedSample.addListener((obs, a, b) -> refreshHeatmap());
        sharedScale.addListener((obs, a, b) -> refreshHeatmap());
        selectedSample.addListener((obs, a, b) -> rebuildWhatIf());
        wrt.addListener((obs, a, b) -> {
            rebuildWhatIf();
            recomputeIfReady();
        });
        of.addListener((obs, a, b) -> recomputeIfReady());
        mode.addListener((obs, a, b) -> recomputeIfReady());
        device.addListener((obs, a, b) -> reopenOnDevice());
    }

    // ---- opening files -------------------------------------------------------------------------

    public static boolean isModelFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".onnx") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".torchscript");
    }

    /**
     * What dropping files on the window does (File > Open too): a model file opens the model, tensor files
     * (NPY, NPZ, CSV) and images become the input. Models load first, so a model dropped together with
     * its input works.
     */
    public void openFiles(List<Path> files) {
        Path modelFile = null;
        List<Path> inputFiles = new ArrayList<>();
        for (Path f : files) {
            if (isModelFile(f)) {
                modelFile = f;
            } else if (TensorFiles.isTensorFile(f) || ImageInputs.isImageFile(f)) {
                inputFiles.add(f);
            } else {
                showError(new JacobiException(f.getFileName() + " is not a model (.onnx, .pt), tensor file (.npy, .npz, .csv) or image (.png, .jpg)."));
                return;
            }
        }
        if (modelFile != null) {
            openModel(modelFile, inputFiles);
        } else if (!inputFiles.isEmpty()) {
            if (model == null) {
                showError(new JacobiException("Open a model first, then drop its input files."));
                return;
            }
            loadInputFiles(inputFiles);
        }
    }

    /** Opens a model; {@code inputFiles} (may be empty) become its input, else samples are generated. */
    public void openModel(Path path, List<Path> inputFiles) {
        open(path, inputFiles, null, null);
    }

    /** Opens the model again on the device now chosen, keeping the current inputs. */
    private void reopenOnDevice() {
        if (model != null) {
            open(model.info().path(), List.of(), inputs.get(), inputSource.get());
        }
    }

    private void open(Path path, List<Path> inputFiles, Map<String, Tensor> preset, String presetSource) {
        DevicePreference dev = device.get();
        ImageInputs.Normalisation norm;
        try {
            norm = imageNormalisation();
        } catch (RuntimeException e) {
            showError(e);
            return;
        }
        cancelCompute();
        GeneratorSettings gen = generatorSettings();
        // The open model stays usable until the new one has loaded: a file that fails to open changes nothing.
        executor.submit("Opening " + path.getFileName(), monitor -> {
            Model m = ModelLoader.load(path, new ModelLoader.Options(dev, Map.of()));
            try {
                if (preset != null) {
                    return new Opened(m, preset, presetSource);
                }
                Map<String, Tensor> in = inputFiles.isEmpty()
                    ? generated(m.info(), gen)
                    : readInputs(m.info(), Map.of(), inputFiles, norm);
                String source = inputFiles.isEmpty() ? gen.describe() : describeFiles(inputFiles);
                return new Opened(m, in, source);
            } catch (RuntimeException e) {
                // the model is fine; keep it open and report the input problem
                return new Opened(m, null, e.getMessage());
            }
        }, opened -> {
            Model old = model;
            if (old != null) {
                executor.submit("Closing " + old.info().fileName(), monitor -> {
                    closeQuietly(old);
                    return null;
                }, x -> { }, x -> { });
            }
            result.set(null);
            resultInputs = null;
            model = opened.model;
            modelDevice.set(opened.model.device());
            modelInfo.set(opened.model.info());
            title.set("Jacobi — " + path.getFileName());
            addRecent(path);
            List<String> floatInputs = opened.model.info().inputs().stream()
                .filter(s -> s.type() == null || s.type().isFloatingPoint()).map(TensorSpec::name).toList();
            wrtChoices.setAll(floatInputs);
            ofChoices.setAll(opened.model.info().outputs().stream().map(TensorSpec::name).toList());
            updatingWhatIf = true;
            wrt.set(floatInputs.isEmpty() ? null : floatInputs.get(0));
            of.set(ofChoices.isEmpty() ? null : ofChoices.get(0));
            updatingWhatIf = false;
            if (opened.inputs == null) {
                setInputs(null, "no input");
                message.set(new UserMessage("Opened " + path.getFileName() + ", but its input could not be prepared: "
                    + opened.inputSource + " Drop an input file or generate samples.", null, true));
            } else {
                setInputs(opened.inputs, opened.inputSource);
                recomputeIfReady();
            }
        }, this::showError);
    }

    private record Opened(Model model, Map<String, Tensor> inputs, String inputSource) {
    }

    /** Reads tensor files or images as the current model's input, keeping other inputs as they are. */
    public void loadInputFiles(List<Path> files) {
        if (model == null) {
            showError(new JacobiException("Open a model first."));
            return;
        }
        ModelInfo info = model.info();
        Map<String, Tensor> current = inputs.get() == null ? Map.of() : inputs.get();
        ImageInputs.Normalisation norm;
        try {
            norm = imageNormalisation();
        } catch (RuntimeException e) {
            showError(e);
            return;
        }
        String target = wrt.get();
        executor.submit("Reading " + describeFiles(files),
            monitor -> readInputs(info, current, files, norm, target),
            in -> {
                setInputs(in, describeFiles(files));
                recomputeIfReady();
            }, this::showError);
    }

    /** Replaces the inputs with generated samples (kind, seed and count from the generator properties). */
    public void generateSamples() {
        if (model == null) {
            showError(new JacobiException("Open a model first."));
            return;
        }
        try {
            GeneratorSettings gen = generatorSettings();
            setInputs(generated(model.info(), gen), gen.describe());
            recomputeIfReady();
        } catch (RuntimeException e) {
            showError(e);
        }
    }

    private record GeneratorSettings(SampleGenerator.Kind kind, long seed, int count) {
        String describe() {
            return count + " generated sample" + (count == 1 ? "" : "s") + " (" + kind + ", seed " + seed + ")";
        }
    }

    private GeneratorSettings generatorSettings() {
        return new GeneratorSettings(generatorKind.get(), generatorSeed.get(), Math.max(1, generatorCount.get()));
    }

    static Map<String, Tensor> generated(ModelInfo info, GeneratorSettings gen) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int index = 0;
        for (TensorSpec spec : info.inputs()) {
            long[] sample = sampleShape(spec);
            boolean floating = spec.type() == null || spec.type().isFloatingPoint();
            Tensor t = SampleGenerator.generate(floating ? gen.kind() : SampleGenerator.Kind.ZEROS, sample, gen.count(), gen.seed() + index++);
            if (!spec.hasDynamicLeadingAxis()) {
                t = t.sliceRows(0, 1).reshape(fullShape(spec));
            }
            out.put(spec.name(), InputBinder.check(spec, t, "generated samples"));
        }
        return out;
    }

    private static long[] fullShape(TensorSpec spec) {
        return spec.dims().stream().mapToLong(Dim::size).toArray();
    }

    /** One sample's shape from the declared shape (axis 0 is the batch when dynamic). */
    static long[] sampleShape(TensorSpec spec) {
        if (!spec.hasShape()) {
            throw new JacobiException("Input '" + spec.name() + "' declares no shape (TorchScript). Drop an input file instead.");
        }
        List<Dim> dims = spec.dims();
        List<Dim> per = spec.hasDynamicLeadingAxis() ? dims.subList(1, dims.size()) : dims;
        long[] shape = new long[per.size()];
        for (int i = 0; i < shape.length; i++) {
            if (per.get(i).isDynamic()) {
                throw new JacobiException("Input '" + spec.name() + "' has a dynamic axis besides the batch "
                    + spec.shapeText() + ". Drop an input file instead of generating samples.");
            }
            shape[i] = per.get(i).size();
        }
        if (!spec.hasDynamicLeadingAxis() && shape.length > 0) {
            return java.util.Arrays.copyOfRange(shape, 1, shape.length); // axis 0 fixed: the generator adds it back
        }
        return shape;
    }

    private static Map<String, Tensor> readInputs(ModelInfo info, Map<String, Tensor> current, List<Path> files,
                                                  ImageInputs.Normalisation norm) {
        return readInputs(info, current, files, norm, null);
    }

    private static Map<String, Tensor> readInputs(ModelInfo info, Map<String, Tensor> current, List<Path> files,
                                                  ImageInputs.Normalisation norm, String target) {
        Map<String, Tensor> in = new LinkedHashMap<>(current);
        List<String> unassigned = new ArrayList<>(info.inputs().stream().map(TensorSpec::name).toList());
        if (target != null && unassigned.remove(target)) {
            unassigned.add(0, target);
        }
        // Images all feed one input (the chosen one), stacked as a batch in the order given.
        List<Path> images = files.stream().filter(ImageInputs::isImageFile).toList();
        if (!images.isEmpty()) {
            TensorSpec spec = info.input(unassigned.isEmpty() ? info.inputs().get(0).name() : unassigned.remove(0));
            long[] s = sampleShape(spec);
            if (s.length != 3) {
                throw new JacobiException("Input '" + spec.name() + "' is shaped " + spec.shapeText()
                    + ", not like an image [batch, C, H, W]. Drop a tensor file instead.");
            }
            if (images.size() > 1 && !spec.hasDynamicLeadingAxis()) {
                throw new JacobiException("Input '" + spec.name() + "' takes one image " + spec.shapeText()
                    + "; drop one image at a time.");
            }
            List<Tensor> batch = new ArrayList<>();
            for (Path f : images) {
                batch.add(ImageInputs.toTensor(ImageInputs.read(f), (int) s[0], (int) s[1], (int) s[2], norm).reshape(1, s[0], s[1], s[2]));
            }
            in.put(spec.name(), InputBinder.check(spec, Tensor.concatRows(batch), describeFiles(images)));
        }
        for (Path f : files) {
            if (ImageInputs.isImageFile(f)) {
                continue;
            }
            Map<String, Tensor> arrays = TensorFiles.read(f);
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                String name = info.input(e.getKey()) != null ? e.getKey()
                    : unassigned.isEmpty() ? null : unassigned.get(0);
                if (name == null) {
                    throw new JacobiException(f.getFileName() + " holds more arrays than the model has inputs.");
                }
                unassigned.remove(name);
                in.put(name, InputBinder.check(info.input(name), e.getValue(), f.getFileName().toString()));
            }
        }
        for (TensorSpec spec : info.inputs()) {
            if (!in.containsKey(spec.name())) {
                throw new JacobiException("No value for input '" + spec.name() + "'. Drop a file for it too, or generate samples.");
            }
        }
        return in;
    }

    private static String describeFiles(List<Path> files) {
        return files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " files";
    }

    ImageInputs.Normalisation imageNormalisation() {
        return new ImageInputs.Normalisation(parseNumber(imageScale.get(), "image scale"),
            parseList(imageMean.get(), "image mean"), parseList(imageStd.get(), "image std"));
    }

    private static double parseNumber(String text, String what) {
        String t = text == null ? "" : text.trim();
        try {
            int slash = t.indexOf('/');
            if (slash > 0) {
                return Double.parseDouble(t.substring(0, slash).trim()) / Double.parseDouble(t.substring(slash + 1).trim());
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw JacobiException.usage("The " + what + " '" + text + "' is not a number (e.g. 1/255 or 0.5).");
        }
    }

    private static double[] parseList(String text, String what) {
        String[] parts = (text == null ? "" : text).split("[,;\\s]+");
        List<Double> values = new ArrayList<>();
        for (String p : parts) {
            if (!p.isBlank()) {
                values.add(parseNumber(p, what));
            }
        }
        if (values.isEmpty()) {
            throw JacobiException.usage("Give at least one number for the " + what + ".");
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private void setInputs(Map<String, Tensor> in, String source) {
        inputs.set(in);
        inputSource.set(source);
        int n = 0;
        if (in != null && wrt.get() != null && in.get(wrt.get()) != null) {
            Tensor t = in.get(wrt.get());
            TensorSpec spec = model == null ? null : model.info().input(wrt.get());
            n = spec != null && spec.hasDynamicLeadingAxis() && t.rank() > 0 ? (int) t.dim(0) : 1;
        }
        sampleCount.set(n);
        if (selectedSample.get() >= n || selectedSample.get() < 0) {
            selectedSample.set(0);
        }
        rebuildWhatIf();
    }

    // ---- computing -------------------------------------------------------------------------------

    private void recomputeIfReady() {
        if (!updatingWhatIf && autoCompute.get() && model != null && inputs.get() != null) {
            compute();
        }
    }

    /** Computes the Jacobian of the current output with respect to the current input, in the background. */
    public void compute() {
        if (model == null || inputs.get() == null) {
            showError(new JacobiException("Open a model and give it an input first."));
            return;
        }
        cancelCompute();
        Model m = model;
        JacobianRequest request = JacobianRequest.of(inputs.get()).withWrtOf(wrt.get(), of.get()).withMode(mode.get());
        computeHandle = executor.submit("Computing the Jacobian", monitor -> {
            EngineSet es = engines;
            if (es == null || es.model != m) {
                es = new EngineSet(m, engineFactory.apply(m), new FiniteDifferenceEngine(m));
                engines = es;
            }
            JacobianResult r = Jacobians.compute(es.exact, es.fallback, request, monitor);
            return new Computed(r, request.inputs(),
                ElementLabels.of(m, r.wrt(), r.inputsPerSample()).orElse(null),
                ElementLabels.of(m, r.of(), r.outputsPerSample()).orElse(null));
        }, c -> {
            if (m != model) {
                return; // a result for a model closed meanwhile
            }
            resultInputs = c.inputs;
            boolean renamed = !java.util.Objects.equals(inputLabels, c.inputLabels);
            inputLabels = c.inputLabels;
            outputLabels = c.outputLabels;
            if (renamed) {
                rebuildWhatIf(); // element names from the model, known once it has computed
            }
            setResult(c.result);
        }, e -> {
            if (e instanceof CancelledException) {
                message.set(UserMessage.info("Computation cancelled."));
            } else {
                showError(e);
            }
        });
    }

    /** A result with the inputs it was computed at and the element names the model declares (or null). */
    private record Computed(JacobianResult result, Map<String, Tensor> inputs, List<String> inputLabels,
                            List<String> outputLabels) {
    }

    private void setResult(JacobianResult r) {
        result.set(r);
        methodText.set(r.methodLabel() + " · " + r.backend() + " · " + r.device());
        approximate.set(!r.exact());
        warningsText.set(String.join("\n", r.warnings()));
        refreshWhatIfOutputs();
    }

    /** Cancels the computation in flight, if any (the status bar's Cancel). */
    public void cancel() {
        executor.cancelAll();
    }

    private void cancelCompute() {
        if (computeHandle != null && !computeHandle.isDone()) {
            computeHandle.cancel();
        }
    }

    private void refreshHeatmap() {
        JacobianResult r = result.get();
        if (r == null) {
            heatmapData.set(null);
            scaleLimit.set(Double.NaN);
            return;
        }
        int nOut = r.outputsPerSample();
        int nIn = r.inputsPerSample();
        int sample = Math.max(0, Math.min(selectedSample.get(), r.samples() - 1));
        float[] j = r.jacobian().floats();
        long[] outShape = r.sampleOutputShape();
        long[] inShape = r.sampleInputShape();
        String ofName = r.of();
        String wrtName = r.wrt();
        if (sharedScale.get()) {
            double max = 0;
            for (float v : j) {
                max = Math.max(max, Math.abs(v));
            }
            scaleLimit.set(max > 0 && Double.isFinite(max) ? max : Double.NaN);
        } else {
            scaleLimit.set(Double.NaN);
        }
        List<String> rowNames = outputLabels;
        List<String> colNames = inputLabels;
        heatmapData.set(new HeatmapData(nOut, nIn, j, sample * nOut * nIn,
            row -> rowNames != null ? ofName + "[" + rowNames.get(row) + "]" : TensorLabels.label(ofName, outShape, row),
            col -> colNames != null ? wrtName + "[" + colNames.get(col) + "]" : TensorLabels.label(wrtName, inShape, col)));
    }

    /** The selected sample of the wrt input as one flat array, or null. */
    public double[] selectedInputSample() {
        Tensor x = currentWrtValue();
        if (x == null || sampleCount.get() == 0) {
            return null;
        }
        int per = x.size() / sampleCount.get();
        double[] out = new double[per];
        int base = Math.min(selectedSample.get(), sampleCount.get() - 1) * per;
        for (int i = 0; i < per; i++) {
            out[i] = x.getDouble(base + i);
        }
        return out;
    }

    // ---- what if ---------------------------------------------------------------------------------

    /** True when the wrt input is small enough for the table with one slider per element. */
    public boolean whatIfAvailable() {
        Tensor x = currentWrtValue();
        return x != null && sampleCount.get() > 0 && x.size() / Math.max(1, sampleCount.get()) <= WHAT_IF_MAX_ELEMENTS;
    }

    private Tensor currentWrtValue() {
        Map<String, Tensor> in = inputs.get();
        return in == null || wrt.get() == null ? null : in.get(wrt.get());
    }

    private void rebuildWhatIf() {
        updatingWhatIf = true;
        try {
            whatIfRows.clear();
            if (!whatIfAvailable()) {
                whatIfOutputs.clear();
                return;
            }
            Tensor x = currentWrtValue();
            int per = x.size() / sampleCount.get();
            int sample = selectedSample.get();
            long[] shape = java.util.Arrays.copyOfRange(x.shape(), x.rank() > 0 && sampleCount.get() > 0 && model.info().input(wrt.get()).hasDynamicLeadingAxis() ? 1 : 0, x.rank());
            List<WhatIfRow> rows = new ArrayList<>();
            for (int i = 0; i < per; i++) {
                String label = inputLabels != null && inputLabels.size() == per ? wrt.get() + "[" + inputLabels.get(i) + "]"
                    : TensorLabels.label(wrt.get(), shape, i);
                WhatIfRow row = new WhatIfRow(i, label, x.getDouble(sample * per + i));
                row.valueProperty().addListener((obs, a, b) -> {
                    if (!updatingWhatIf) {
                        editElement(row.index(), b.doubleValue());
                    }
                });
                rows.add(row);
            }
            whatIfRows.setAll(rows);
        } finally {
            updatingWhatIf = false;
        }
        refreshWhatIfOutputs();
    }

    private void editElement(int index, double value) {
        Tensor x = currentWrtValue();
        if (x == null) {
            return;
        }
        int per = x.size() / sampleCount.get();
        Tensor edited = x.asType(ElementType.FLOAT64);
        double[] copy = edited.toDoubleArray();
        copy[selectedSample.get() * per + index] = value;
        Tensor changed = Tensor.ofDoubles(copy, x.shape()).asType(x.type());
        Map<String, Tensor> in = new LinkedHashMap<>(inputs.get());
        in.put(wrt.get(), changed);
        inputs.set(in);
        inputSource.set(inputSource.get().endsWith("(edited)") ? inputSource.get() : inputSource.get() + " (edited)");
        executor.debounce("what-if", WHAT_IF_DEBOUNCE_MS, this::compute);
    }

    private void refreshWhatIfOutputs() {
        JacobianResult r = result.get();
        if (r == null || whatIfRows.isEmpty()) {
            whatIfOutputs.clear();
            return;
        }
        int nOut = r.outputsPerSample();
        int sample = Math.min(selectedSample.get(), r.samples() - 1);
        List<String> lines = new ArrayList<>();
        for (int o = 0; o < Math.min(nOut, 256); o++) {
            String label = outputLabels != null && outputLabels.size() == nOut ? r.of() + "[" + outputLabels.get(o) + "]"
                : TensorLabels.label(r.of(), r.sampleOutputShape(), o);
            lines.add(label + " = "
                + String.format(Locale.ROOT, "%.6g", r.output().getDouble(sample * nOut + o)));
        }
        whatIfOutputs.setAll(lines);
    }

    // ---- export ----------------------------------------------------------------------------------

    /** Writes the whole Jacobian ({@code [batch, *out, *in]}) as NPY, atomically, in the background. */
    public void exportJacobianNpy(Path file) {
        JacobianResult r = requireResult();
        if (r != null) {
            executor.submit("Writing " + file.getFileName(), monitor -> {
                Npy.write(file, r.jacobian(), true);
                return file;
            }, f -> message.set(UserMessage.info("Saved " + f.getFileName() + ".")), this::showError);
        }
    }

    /** Writes the Jacobian as CSV: one row per (sample, output), one column per input element. */
    public void exportJacobianCsv(Path file) {
        JacobianResult r = requireResult();
        if (r != null) {
            executor.submit("Writing " + file.getFileName(), monitor -> {
                int nIn = r.inputsPerSample();
                List<String> header = new ArrayList<>();
                for (int i = 0; i < nIn; i++) {
                    header.add('"' + TensorLabels.label(r.wrt(), r.sampleInputShape(), i) + '"');
                }
                Tensor matrix = r.jacobian().reshape((long) r.samples() * r.outputsPerSample(), nIn);
                CsvTensors.write(file, matrix, header, true);
                return file;
            }, f -> message.set(UserMessage.info("Saved " + f.getFileName() + ".")), this::showError);
        }
    }

    /**
     * Writes a sensitivity report (HTML or PDF by the file's extension) of the current Jacobian, at the
     * inputs it was computed at, in the background.
     */
    public void exportReport(Path file) {
        JacobianResult r = requireResult();
        Model m = model;
        Map<String, Tensor> at = resultInputs;
        if (r == null || m == null || at == null) {
            return;
        }
        executor.submit("Writing the report " + file.getFileName(), monitor -> {
            ReportWriters.formatOf(file);
            Report report = ReportBuilder.build(ReportSource.of(m, at, r), ReportOptions.defaults(), monitor);
            ReportWriters.write(report, file, true);
            return file;
        }, f -> message.set(UserMessage.info("Saved the report " + f.getFileName() + ".")), e -> {
            if (e instanceof CancelledException) {
                message.set(UserMessage.info("Report cancelled."));
            } else {
                showError(e);
            }
        });
    }

    /** The inputs the current Jacobian was computed at (what-if edits may have changed the inputs since), or null. */
    public Map<String, Tensor> resultInputs() {
        return resultInputs;
    }

    private JacobianResult requireResult() {
        if (result.get() == null) {
            showError(new JacobiException("There is no Jacobian to export yet. Compute one first."));
        }
        return result.get();
    }

    // ---- misc ------------------------------------------------------------------------------------

    public void showError(Throwable e) {
        message.set(UserMessage.error(e));
    }

    private void addRecent(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        if (abs.startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())
            && abs.getFileName().toString().equals(DemoAssets.DEMO_MODEL)) {
            return; // the unpacked demo is no file the user chose
        }
        recentFiles.remove(abs);
        recentFiles.add(0, abs);
        while (recentFiles.size() > UiSettings.MAX_RECENT) {
            recentFiles.remove(recentFiles.size() - 1);
        }
    }

    private record EngineSet(Model model, JacobianEngine exact, JacobianEngine fallback) {
    }

    /** Closes a model and its engines; runs on the worker thread. */
    private void closeQuietly(Model m) {
        EngineSet es = engines;
        if (es != null && es.model == m) {
            engines = null;
            try {
                es.exact.close();
                es.fallback.close();
            } catch (RuntimeException ignored) {
                // closing native resources of a model being replaced: nothing the user can do
            }
        }
        if (m != null) {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // as above
            }
        }
    }

    /** Closes the model and engines (in the background, after any work using them). */
    public void dispose() {
        Model m = model;
        model = null;
        executor.submit("Closing", monitor -> {
            closeQuietly(m);
            return null;
        }, x -> { }, x -> { });
    }

    /**
     * Replaces the selected sample of the differentiated input with {@code sample} (shape {@code [1, ...]} or
     * one sample's shape), e.g. an optimised input, and recomputes.
     */
    public void useAsSelectedSample(Tensor sample) {
        Tensor x = currentWrtValue();
        if (x == null || sampleCount.get() == 0) {
            showError(new JacobiException("There is no input to put the sample into."));
            return;
        }
        int per = x.size() / sampleCount.get();
        if (sample.size() != per) {
            showError(new JacobiException("The sample has " + sample.size() + " values but input '" + wrt.get()
                + "' takes " + per + " per sample."));
            return;
        }
        double[] all = x.toDoubleArray();
        int base = selectedSample.get() * per;
        for (int i = 0; i < per; i++) {
            all[base + i] = sample.getDouble(i);
        }
        Map<String, Tensor> in = new LinkedHashMap<>(inputs.get());
        in.put(wrt.get(), Tensor.ofDoubles(all, x.shape()).asType(x.type()));
        String source = inputSource.get().endsWith("(edited)") ? inputSource.get() : inputSource.get() + " (edited)";
        setInputs(in, source);
        message.set(UserMessage.info("Sample " + selectedSample.get() + " replaced by the optimised input."));
        recomputeIfReady();
    }

    /** The open model (for panels built on it, e.g. optimisation), or null. */
    public Model model() {
        return model;
    }

    // ---- properties ------------------------------------------------------------------------------

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ModelInfo> modelInfoProperty() {
        return modelInfo.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty modelDeviceProperty() {
        return modelDevice.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Map<String, Tensor>> inputsProperty() {
        return inputs.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty inputSourceProperty() {
        return inputSource.getReadOnlyProperty();
    }

    public IntegerProperty sampleCountProperty() {
        return sampleCount;
    }

    public IntegerProperty selectedSampleProperty() {
        return selectedSample;
    }

    public ObservableList<String> wrtChoices() {
        return wrtChoices;
    }

    public ObservableList<String> ofChoices() {
        return ofChoices;
    }

    public StringProperty wrtProperty() {
        return wrt;
    }

    public StringProperty ofProperty() {
        return of;
    }

    public ObjectProperty<JacobianMode> modeProperty() {
        return mode;
    }

    public ObjectProperty<DevicePreference> deviceProperty() {
        return device;
    }

    public ReadOnlyObjectProperty<JacobianResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty methodTextProperty() {
        return methodText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty warningsTextProperty() {
        return warningsText.getReadOnlyProperty();
    }

    public BooleanProperty approximateProperty() {
        return approximate;
    }

    public ObjectProperty<UserMessage> messageProperty() {
        return message;
    }

    public ObservableList<Path> recentFiles() {
        return recentFiles;
    }

    public BooleanProperty autoComputeProperty() {
        return autoCompute;
    }

    public ObjectProperty<SampleGenerator.Kind> generatorKindProperty() {
        return generatorKind;
    }

    public LongProperty generatorSeedProperty() {
        return generatorSeed;
    }

    public IntegerProperty generatorCountProperty() {
        return generatorCount;
    }

    public StringProperty imageScaleProperty() {
        return imageScale;
    }

    public StringProperty imageMeanProperty() {
        return imageMean;
    }

    public StringProperty imageStdProperty() {
        return imageStd;
    }

    public ObservableList<WhatIfRow> whatIfRows() {
        return whatIfRows;
    }

    public ObservableList<String> whatIfOutputs() {
        return whatIfOutputs;
    }

    public ReadOnlyObjectProperty<HeatmapData> heatmapDataProperty() {
        return heatmapData.getReadOnlyProperty();
    }

    public ObjectProperty<ColorMaps> colorMapProperty() {
        return colorMap;
    }

    public BooleanProperty sharedScaleProperty() {
        return sharedScale;
    }

    public BooleanProperty symlogProperty() {
        return symlog;
    }

    public ReadOnlyDoubleProperty scaleLimitProperty() {
        return scaleLimit.getReadOnlyProperty();
    }

    public IntegerProperty saliencyOutputProperty() {
        return saliencyOutput;
    }

    public BooleanProperty saliencyAbsoluteProperty() {
        return saliencyAbsolute;
    }

    public IntegerProperty saliencyChannelProperty() {
        return saliencyChannel;
    }

    public DoubleProperty overlayOpacityProperty() {
        return overlayOpacity;
    }

    public TaskExecutor executor() {
        return executor;
    }
}
