package org.jacobi.ui;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.analysis.JacobianSize;
import org.jacobi.analysis.SampleShapes;
import org.jacobi.analysis.TensorLabels;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.Tensor;
import org.jacobi.gsa.GsaResult;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * What every panel shares: the open model with its one holder of derivative engines, its inputs and the selected sample, which input and output are
 * differentiated, and the current Jacobian with the element names that label it. Panels read it and listen
 * to it; {@link MainViewModel} changes the model and the result, input panels change the inputs. All on the
 * UI thread.
 */
public final class AppState {
    private final ReadOnlyObjectWrapper<Model> model = new ReadOnlyObjectWrapper<>(this, "model");
    private final ReadOnlyObjectWrapper<ModelDerivatives> derivatives = new ReadOnlyObjectWrapper<>(this, "derivatives");
    private final ReadOnlyObjectWrapper<ModelInfo> modelInfo = new ReadOnlyObjectWrapper<>(this, "modelInfo");
    private final ReadOnlyStringWrapper modelDevice = new ReadOnlyStringWrapper(this, "modelDevice", "");
    private final ReadOnlyObjectWrapper<Map<String, Tensor>> inputs = new ReadOnlyObjectWrapper<>(this, "inputs");
    private final ReadOnlyStringWrapper inputSource = new ReadOnlyStringWrapper(this, "inputSource", "no input");
    private final ReadOnlyIntegerWrapper sampleCount = new ReadOnlyIntegerWrapper(this, "sampleCount", 0);
    private final IntegerProperty selectedSample = new SimpleIntegerProperty(this, "selectedSample", 0);
    private final ObservableList<String> wrtChoices = FXCollections.observableArrayList();
    private final ObservableList<String> ofChoices = FXCollections.observableArrayList();
    private final ObservableList<String> valueChoices = FXCollections.observableArrayList();
    private final StringProperty wrt = new SimpleStringProperty(this, "wrt");
    private final StringProperty of = new SimpleStringProperty(this, "of");
    private final ObjectProperty<JacobianMode> mode = new SimpleObjectProperty<>(this, "mode", JacobianMode.AUTO);
    /** Which axis of each input holds the samples: the model's shapes say, the Model panel may state one per input. */
    private final ObjectProperty<BatchAxis> batchAxis = new SimpleObjectProperty<>(this, "batchAxis", BatchAxis.AUTO);
    private final ObjectProperty<DevicePreference> device = new SimpleObjectProperty<>(this, "device", DevicePreference.AUTO);
    private final ReadOnlyObjectWrapper<Computed> computed = new ReadOnlyObjectWrapper<>(this, "computed");
    private final ReadOnlyObjectWrapper<JacobianResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ObjectProperty<List<String>> userOutputLabels = new SimpleObjectProperty<>(this, "userOutputLabels");
    private final ObjectProperty<UserMessage> message = new SimpleObjectProperty<>(this, "message");
    /** The Global tab's latest study of the open model, which an exported report includes; null when none. */
    private final ReadOnlyObjectWrapper<LargeJacobian> deferred = new ReadOnlyObjectWrapper<>(this, "deferred");
    private final ObjectProperty<GsaResult> globalStudy = new SimpleObjectProperty<>(this, "globalStudy");

    /**
     * A Jacobian with the inputs it was computed at (what-if edits may change the inputs afterwards) and the
     * element names the model declares for its input and output (null when it declares none).
     */
    public record Computed(JacobianResult result, Map<String, Tensor> inputs, List<String> inputLabels,
                           List<String> outputLabels) {
    }

    /**
     * A Jacobian too large to compute without being asked: the request it would answer, the output (one
     * forward run, for its shape and values) and its size. Saliency rows of it are computed one at a time.
     */
    public record LargeJacobian(JacobianRequest request, Tensor output, long[] sampleInputShape,
                                JacobianSize size, List<String> outputLabels) {
        /** The shape of one sample of the output. */
        public long[] sampleOutputShape() {
            return Arrays.copyOfRange(output.shape(), 1, output.shape().length);
        }

        /** The output values of one sample, flattened. */
        public double[] outputSample(int sample) {
            int per = (int) size.outputsPerSample();
            double[] all = output.toDoubleArray();
            double[] out = new double[per];
            System.arraycopy(all, sample * per, out, 0, per);
            return out;
        }
    }

    // ---- changes ---------------------------------------------------------------------------------

    /**
     * A model was opened (null: closed), with the holder of its derivative engines: no result, study or inputs yet, so
     * that listeners of the model never see the previous model's inputs or results with it.
     */
    void setModel(ModelDerivatives d) {
        Model m = d == null ? null : d.model();
        deferred.set(null);
        computed.set(null);
        result.set(null);
        globalStudy.set(null);
        batchAxis.set(BatchAxis.AUTO);
        setInputs(null, "no input");
        derivatives.set(d);
        model.set(m);
        modelDevice.set(m == null ? "" : m.device());
        modelInfo.set(m == null ? null : m.info());
    }

    /** Replaces the inputs (null: none); the sample count follows, the selected sample stays when it still exists. */
    public void setInputs(Map<String, Tensor> in, String source) {
        int n = 0;
        // a value inside the graph has the samples of the inputs it is computed from: counted on the first input
        String counted = in == null || wrt.get() == null || in.containsKey(wrt.get()) ? wrt.get()
            : in.keySet().stream().findFirst().orElse(null);
        if (in != null && counted != null && in.get(counted) != null) {
            Model m = model.get();
            n = SampleShapes.sampleCount(m == null ? null : m.info().input(counted), in.get(counted));
        }
        inputSource.set(source);
        sampleCount.set(n);
        if (selectedSample.get() >= n || selectedSample.get() < 0) {
            selectedSample.set(0);
        }
        inputs.set(in); // last: listeners see the new sample count
    }

    /** Replaces one input's value after an edit (same shape), marking the input source as edited. */
    public void editInput(String name, Tensor value) {
        Map<String, Tensor> in = new LinkedHashMap<>(inputs.get());
        in.put(name, value);
        String source = inputSource.get().endsWith("(edited)") ? inputSource.get() : inputSource.get() + " (edited)";
        inputSource.set(source);
        inputs.set(in);
    }

    /** Sets the result; the labels are in place before listeners of {@link #resultProperty()} hear of it. */
    void setComputed(Computed c) {
        deferred.set(null);
        computed.set(c);
        result.set(c == null ? null : c.result());
    }

    public void showError(Throwable e) {
        message.set(UserMessage.error(e));
    }

    public void showInfo(String text) {
        message.set(UserMessage.info(text));
    }

    // ---- derived values --------------------------------------------------------------------------

    /** The current value of the differentiated input (all samples), or null. */
    public Tensor wrtValue() {
        Map<String, Tensor> in = inputs.get();
        return in == null || wrt.get() == null ? null : in.get(wrt.get());
    }

    /** The declared spec of the differentiated input, or null. */
    public TensorSpec wrtSpec() {
        return model.get() == null || wrt.get() == null ? null : model.get().info().input(wrt.get());
    }

    /** The selected sample of the differentiated input as one flat array, or null. */
    public double[] selectedInputSample() {
        Tensor x = wrtValue();
        if (x == null || sampleCount.get() == 0) {
            return null;
        }
        return SampleShapes.sample(x, sampleCount.get(), selectedSample.get());
    }

    /** The selected sample, clamped to the samples of {@code r}. */
    public int sampleOf(JacobianResult r) {
        return Math.max(0, Math.min(selectedSample.get(), r.samples() - 1));
    }

    /** The inputs the current Jacobian was computed at, or null. */
    public Map<String, Tensor> resultInputs() {
        return computed.get() == null ? null : computed.get().inputs();
    }

    /** The names of the current result's output elements: the user's labels file, else the model's, else null. */
    public List<String> outputNames() {
        JacobianResult r = result.get();
        List<String> user = userOutputLabels.get();
        if (r != null && user != null && user.size() == r.outputsPerSample()) {
            return user;
        }
        LargeJacobian large = deferred.get();
        if (r == null && large != null) {
            return user != null && user.size() == large.size().outputsPerSample() ? user : large.outputLabels();
        }
        return computed.get() == null ? null : computed.get().outputLabels();
    }

    /** The names of the current result's input elements, or null. */
    public List<String> inputNames() {
        return computed.get() == null ? null : computed.get().inputLabels();
    }

    /** "y[3]", or "y[seven]" when the element is named: output element {@code o} of the current result. */
    public String outputLabel(int o) {
        JacobianResult r = result.get();
        LargeJacobian large = deferred.get();
        if (r == null && large != null) {
            return TensorLabels.label(large.request().of(), large.sampleOutputShape(), o, outputNames());
        }
        return TensorLabels.label(r.of(), r.sampleOutputShape(), o, outputNames());
    }

    /** Input element {@code i} of the current result, named when the model names it. */
    public String inputLabel(int i) {
        JacobianResult r = result.get();
        return TensorLabels.label(r.wrt(), r.sampleInputShape(), i, inputNames());
    }

    // ---- properties ------------------------------------------------------------------------------

    public ReadOnlyObjectProperty<Model> modelProperty() {
        return model.getReadOnlyProperty();
    }

    public Model model() {
        return model.get();
    }

    /** The derivative engines of the open model: every panel computes through them, on the one worker. */
    public ReadOnlyObjectProperty<ModelDerivatives> derivativesProperty() {
        return derivatives.getReadOnlyProperty();
    }

    /** The derivative engines of the open model, or null when none is open. */
    public ModelDerivatives derivatives() {
        return derivatives.get();
    }

    public ReadOnlyObjectProperty<ModelInfo> modelInfoProperty() {
        return modelInfo.getReadOnlyProperty();
    }

    public ObjectProperty<GsaResult> globalStudyProperty() {
        return globalStudy;
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

    public ReadOnlyIntegerProperty sampleCountProperty() {
        return sampleCount.getReadOnlyProperty();
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

    /** The values inside the graph that wrt and of may also name ({@link Model#intermediateValues()}), in graph order. */
    public ObservableList<String> valueChoices() {
        return valueChoices;
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

    public ObjectProperty<BatchAxis> batchAxisProperty() {
        return batchAxis;
    }

    public ObjectProperty<DevicePreference> deviceProperty() {
        return device;
    }

    public ReadOnlyObjectProperty<JacobianResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** A Jacobian found too large to compute automatically (no result then), or null. */
    public ReadOnlyObjectProperty<LargeJacobian> deferredProperty() {
        return deferred.getReadOnlyProperty();
    }

    /** The current Jacobian is too large to compute automatically: no result, only its size. */
    void setDeferred(LargeJacobian large) {
        computed.set(null);
        result.set(null);
        deferred.set(large);
    }

    public ReadOnlyObjectProperty<Computed> computedProperty() {
        return computed.getReadOnlyProperty();
    }

    /** Output element names from a labels file the user opened (one per line), or null. */
    public ObjectProperty<List<String>> userOutputLabelsProperty() {
        return userOutputLabels;
    }

    public ObjectProperty<UserMessage> messageProperty() {
        return message;
    }
}
