package org.jacobi.ui.whatif;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jacobi.analysis.SampleShapes;
import org.jacobi.analysis.TensorLabels;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.TensorSpec;
import org.jacobi.ui.AppState;
import org.jacobi.ui.Workspace;

/**
 * The "What if" tab: the selected sample's elements of the differentiated input, each editable, and the
 * outputs at that sample. An edit changes the input and recomputes once edits pause.
 */
public final class WhatIfViewModel {
    /** Small vector inputs get the editable table. */
    public static final int MAX_ELEMENTS = 64;
    private static final int MAX_OUTPUT_LINES = 256;

    private final Workspace workspace;
    private final AppState state;
    private final ObservableList<WhatIfRow> rows = FXCollections.observableArrayList();
    private final ObservableList<String> outputs = FXCollections.observableArrayList();
    /** True while this view model writes the inputs or the rows itself (no rebuild, no edit loop). */
    private boolean updating;
    private List<String> labelsShown;

    public WhatIfViewModel(Workspace workspace) {
        this.workspace = workspace;
        this.state = workspace.state();
        state.selectedSampleProperty().addListener((o, a, b) -> rebuild());
        state.wrtProperty().addListener((o, a, b) -> rebuild());
        state.inputsProperty().addListener((o, a, b) -> {
            if (!updating) {
                rebuild();
            }
        });
        state.resultProperty().addListener((o, a, b) -> {
            if (!Objects.equals(labelsShown, state.inputNames())) {
                rebuild(); // element names from the model, known once it has computed
            } else {
                refreshOutputs();
            }
        });
        state.userOutputLabelsProperty().addListener((o, a, b) -> refreshOutputs());
        rebuild();
    }

    /** True when the differentiated input is small enough for the table with one slider per element. */
    public boolean available() {
        Tensor x = state.wrtValue();
        int n = state.sampleCountProperty().get();
        return x != null && n > 0 && x.size() / Math.max(1, n) <= MAX_ELEMENTS;
    }

    private void rebuild() {
        updating = true;
        try {
            rows.clear();
            labelsShown = state.inputNames();
            if (!available()) {
                outputs.clear();
                return;
            }
            Tensor x = state.wrtValue();
            int samples = state.sampleCountProperty().get();
            int per = x.size() / samples;
            int sample = state.selectedSampleProperty().get();
            TensorSpec spec = state.wrtSpec();
            long[] shape = Arrays.copyOfRange(x.shape(),
                x.rank() > 0 && spec != null && spec.hasDynamicLeadingAxis() ? 1 : 0, x.rank());
            List<WhatIfRow> made = new ArrayList<>();
            for (int i = 0; i < per; i++) {
                String label = TensorLabels.label(state.wrtProperty().get(), shape, i, labelsShown);
                WhatIfRow row = new WhatIfRow(i, label, x.getDouble(sample * per + i));
                row.valueProperty().addListener((obs, a, b) -> {
                    if (!updating) {
                        edit(row.index(), b.doubleValue());
                    }
                });
                made.add(row);
            }
            rows.setAll(made);
        } finally {
            updating = false;
        }
        refreshOutputs();
    }

    private void edit(int index, double value) {
        Tensor x = state.wrtValue();
        if (x == null) {
            return;
        }
        int samples = state.sampleCountProperty().get();
        updating = true;
        try {
            state.editInput(state.wrtProperty().get(),
                SampleShapes.withElement(x, samples, state.selectedSampleProperty().get(), index, value));
        } finally {
            updating = false;
        }
        workspace.computeSoon();
    }

    private void refreshOutputs() {
        JacobianResult r = state.resultProperty().get();
        if (r == null || rows.isEmpty()) {
            outputs.clear();
            return;
        }
        int nOut = r.outputsPerSample();
        int sample = state.sampleOf(r);
        List<String> lines = new ArrayList<>();
        for (int o = 0; o < Math.min(nOut, MAX_OUTPUT_LINES); o++) {
            lines.add(state.outputLabel(o) + " = " + String.format(Locale.ROOT, "%.6g", r.output().getDouble(sample * nOut + o)));
        }
        outputs.setAll(lines);
    }

    public ObservableList<WhatIfRow> rows() {
        return rows;
    }

    /** "y[2] = 0.1234" for each output element of the selected sample. */
    public ObservableList<String> outputs() {
        return outputs;
    }
}
