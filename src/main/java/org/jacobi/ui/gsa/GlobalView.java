package org.jacobi.ui.gsa;

import java.util.List;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import org.jacobi.ui.AppState;
import org.jacobi.ui.MainViewModel;

/**
 * The Global tab: holds a {@link GlobalPanel} for the open model, selected sample (the study's reference) and chosen
 * input and output, built when the tab is shown and rebuilt when one of those changed since; a rebuilt panel keeps
 * the distributions, methods and design typed into the old one when the input has the same elements.
 */
public final class GlobalView extends BorderPane {
    private final AppState state;
    private final ObservableBooleanValue shown;
    private List<Object> key;

    public GlobalView(MainViewModel workspace, ObservableBooleanValue shown) {
        this.state = workspace.state();
        this.shown = shown;
        setCenter(new Label("Open a model to study its global sensitivities."));
        shown.addListener((o, a, b) -> refresh());
        state.modelInfoProperty().addListener((o, a, b) -> {
            state.globalStudyProperty().set(null);
            refresh();
        });
        state.selectedSampleProperty().addListener((o, a, b) -> refresh());
        state.wrtProperty().addListener((o, a, b) -> refresh());
        state.ofProperty().addListener((o, a, b) -> refresh());
    }

    private void refresh() {
        if (!shown.get() || state.model() == null || state.inputsProperty().get() == null) {
            return;
        }
        List<Object> now = List.of(state.model(), state.selectedSampleProperty().get(),
            String.valueOf(state.wrtProperty().get()), String.valueOf(state.ofProperty().get()));
        if (now.equals(key)) {
            return;
        }
        GlobalPanel old = getCenter() instanceof GlobalPanel p ? p : null;
        try {
            GlobalPanel panel = new GlobalPanel(state.model(), state.inputsProperty().get(),
                state.selectedSampleProperty().get(), state.wrtProperty().get(), state.ofProperty().get());
            if (old != null && old.viewModel().isBusy()) {
                old.viewModel().cancel();
            }
            if (old != null && key != null && key.get(0) == now.get(0)) {
                panel.viewModel().copySettingsFrom(old.viewModel());
            }
            if (old != null) {
                old.dispose();
            }
            panel.viewModel().resultProperty().addListener((o, a, r) -> state.globalStudyProperty().set(r));
            setCenter(panel);
            key = now;
        } catch (RuntimeException e) {
            state.showError(e);
        }
    }

    /** Stops a running study and closes its engine. */
    public void dispose() {
        if (getCenter() instanceof GlobalPanel panel) {
            panel.dispose();
        }
        key = null;
    }
}
