package org.jacobi.ui.gsa;

import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import org.jacobi.ui.SampleTabModel;

/**
 * The Global tab: a {@link GlobalPanel} for the open model's selected sample (the study's reference) and chosen input
 * and output, made by the tab's {@link SampleTabModel} when the tab is shown and made anew when one of those changed;
 * a new panel for the same model keeps the distributions, methods and design typed into the old one when the input has
 * the same elements. A line saying why while there is none.
 */
public final class GlobalView extends BorderPane {
    private final Label placeholder = new Label();

    public GlobalView(SampleTabModel<GlobalViewModel> viewModel, ObservableBooleanValue shown) {
        placeholder.setId("globalPlaceholder");
        placeholder.textProperty().bind(viewModel.placeholderProperty());
        setCenter(placeholder);
        viewModel.contentProperty().addListener((o, a, content) -> setCenter(content == null ? placeholder : new GlobalPanel(content)));
        viewModel.shownProperty().bind(shown);
    }
}
