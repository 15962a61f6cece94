package org.jacobi.ui.optim;

import java.util.List;
import java.util.function.Function;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import org.jacobi.ui.AppState;
import org.jacobi.ui.MainViewModel;

/**
 * The Optimize tab: holds an {@link OptimizationPanel} for the open model, selected sample and chosen input and
 * output, built when the tab is shown and rebuilt when one of those changed since (edits made through the panel
 * itself keep it).
 */
public final class OptimizeView extends BorderPane {
    private final MainViewModel workspace;
    private final AppState state;
    private final ObservableBooleanValue shown;
    private final Function<MainViewModel, Node> factory;
    private List<Object> key;

    public OptimizeView(MainViewModel workspace, ObservableBooleanValue shown) {
        this(workspace, shown, OptimizeView::panel);
    }

    public OptimizeView(MainViewModel workspace, ObservableBooleanValue shown, Function<MainViewModel, Node> factory) {
        this.workspace = workspace;
        this.state = workspace.state();
        this.shown = shown;
        this.factory = factory;
        setCenter(new Label("Open a model to optimise its input."));
        shown.addListener((o, a, b) -> refresh());
        state.modelInfoProperty().addListener((o, a, b) -> refresh());
        state.selectedSampleProperty().addListener((o, a, b) -> refresh());
        state.wrtProperty().addListener((o, a, b) -> refresh());
        state.ofProperty().addListener((o, a, b) -> refresh());
    }

    /** The panel for the workspace's model, selected sample, input and output. */
    static Node panel(MainViewModel vm) {
        AppState s = vm.state();
        OptimizationPanel panel = new OptimizationPanel(s.model(), s.inputsProperty().get(), s.selectedSampleProperty().get(),
            s.wrtProperty().get(), s.ofProperty().get(), vm::useAsSelectedSample);
        if (s.resultProperty().get() != null && s.resultProperty().get().of().equals(s.ofProperty().get())) {
            panel.setClassNames(s.outputNames());
        }
        return panel;
    }

    private void refresh() {
        if (!shown.get() || state.model() == null || state.inputsProperty().get() == null) {
            return;
        }
        List<Object> now = List.of(state.model(), state.selectedSampleProperty().get(), String.valueOf(state.wrtProperty().get()),
            String.valueOf(state.ofProperty().get()));
        if (now.equals(key)) {
            return;
        }
        dispose();
        try {
            setCenter(factory.apply(workspace));
            key = now;
        } catch (RuntimeException e) {
            state.showError(e);
        }
    }

    /** Stops the panel's run and closes its engine. */
    public void dispose() {
        if (getCenter() instanceof OptimizationPanel panel) {
            panel.dispose();
        }
        key = null;
    }
}
