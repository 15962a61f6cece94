package org.jacobi.ui;

import java.util.List;
import java.util.function.Function;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import org.jacobi.ui.attribution.AttributionView;
import org.jacobi.ui.attribution.AttributionViewModel;
import org.jacobi.ui.gsa.GlobalView;
import org.jacobi.ui.gsa.GlobalViewModel;
import org.jacobi.ui.interactions.InteractionsView;
import org.jacobi.ui.interactions.InteractionsViewModel;
import org.jacobi.ui.optim.OptimizationViewModel;
import org.jacobi.ui.optim.OptimizeView;
import org.jacobi.ui.parameters.ParametersView;
import org.jacobi.ui.parameters.ParametersViewModel;
import org.jacobi.ui.saliency.SaliencyView;
import org.jacobi.ui.saliency.SaliencyViewModel;
import org.jacobi.ui.summaries.SummariesView;
import org.jacobi.ui.summaries.SummariesViewModel;
import org.jacobi.ui.picker.TargetPickerModel;
import org.jacobi.ui.whatif.WhatIfView;
import org.jacobi.ui.whatif.WhatIfViewModel;

/**
 * The main window's tabs after "Jacobian" (which the window builds itself: its menus and status bar use the
 * heatmap), in order. A new tab is one view, one view model, and one line here; see
 * docs/decisions/0017-one-view-model-per-panel.md.
 */
public final class TabRegistry {
    /**
     * What a tab's factory gets: the workspace, whether the tab is the one shown (to defer costly work), and the
     * target picker that the tabs explaining one output target share.
     */
    public record Context(MainViewModel workspace, ObservableBooleanValue shown, TargetPickerModel target) {
        public AppState state() {
            return workspace.state();
        }
    }

    /** One tab: its title, its tooltip (or null), and how to build its view. */
    public record Entry(String title, String tooltip, Function<Context, Node> view) {
    }

    private TabRegistry() {
    }

    public static List<Entry> tabs() {
        return List.of(
            new Entry("Saliency", null, c -> new SaliencyView(new SaliencyViewModel(c.workspace(), c.target()))),
            new Entry("Attribution", "Integrated Gradients, SmoothGrad, occlusion... side by side for one output",
                c -> new AttributionView(new AttributionViewModel(c.workspace(), c.target()))),
            new Entry("Summaries", null, c -> new SummariesView(new SummariesViewModel(c.workspace()), c.shown())),
            new Entry("What if", null, c -> new WhatIfView(new WhatIfViewModel(c.workspace()), c.state())),
            new Entry("Interactions", "Hessian of an output element: which pairs of inputs act together",
                c -> new InteractionsView(new InteractionsViewModel(c.workspace()), c.shown())),
            new Entry("Parameters", "Per-sample sensitivity to each layer's weights",
                c -> new ParametersView(new ParametersViewModel(c.workspace()), c.shown())),
            new Entry("Optimize", "Optimise the input for a target output", c -> new OptimizeView(OptimizationViewModel.tab(c.workspace()), c.shown())),
            new Entry("Global", "Global sensitivity over input distributions: Sobol' indices, DGSM, Morris",
                c -> new GlobalView(GlobalViewModel.tab(c.workspace()), c.shown())));
    }
}
