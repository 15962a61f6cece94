package org.jacobi.ui.optim;

import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import org.jacobi.ui.AppState;
import org.jacobi.ui.SampleTabModel;

/**
 * The Optimize tab: an {@link OptimizationPanel} for the open model's selected sample and chosen input and output,
 * made by the tab's {@link SampleTabModel} when the tab is shown and made anew when one of those changed (edits made
 * through the panel itself keep it); a line saying why while there is none.
 */
public final class OptimizeView extends BorderPane {
    private final AppState state;
    private final Label placeholder = new Label();

    public OptimizeView(SampleTabModel<OptimizationViewModel> viewModel, ObservableBooleanValue shown) {
        this.state = viewModel.workspace().state();
        placeholder.setId("optimizePlaceholder");
        placeholder.textProperty().bind(viewModel.placeholderProperty());
        setCenter(placeholder);
        viewModel.contentProperty().addListener((o, a, content) -> setCenter(content == null ? placeholder : panel(content)));
        viewModel.shownProperty().bind(shown);
    }

    private OptimizationPanel panel(OptimizationViewModel content) {
        OptimizationPanel panel = new OptimizationPanel(content);
        if (state.resultProperty().get() != null && state.resultProperty().get().of().equals(content.function().of())) {
            panel.setClassNames(state.outputNames());
        }
        return panel;
    }
}
