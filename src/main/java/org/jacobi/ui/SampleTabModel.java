package org.jacobi.ui;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.ui.task.TaskHandle;

/**
 * The view model of a tab that keeps its own state for one sample of the open model (the Optimize tab's problem and
 * runs, the Global tab's study). That state is made on the worker (making it may run the model) when the tab is shown,
 * and made anew when the model, the selected sample or the chosen input or output changed since; edits to the inputs
 * alone keep it. A new model drops the state of the previous one at once and discards whatever was still being made
 * for it, errors included: nothing of the previous model stays on the tab.
 *
 * @param <T> the state made for one sample; closing it stops its work (the engines belong to the model's holder)
 */
public final class SampleTabModel<T extends AutoCloseable> {
    /** What the state is made for, as the app state held it: the open model's engines, its inputs, and the choices. */
    public record Sample(ModelDerivatives derivatives, Map<String, Tensor> inputs, int index, String wrt, String of) {
    }

    private final Workspace workspace;
    private final AppState state;
    private final String idleText;
    private final Function<Sample, T> make;
    private final BiConsumer<T, T> keepSettings;
    private final BooleanProperty shown = new SimpleBooleanProperty(this, "shown", false);
    private final ReadOnlyObjectWrapper<T> content = new ReadOnlyObjectWrapper<>(this, "content");
    private final ReadOnlyStringWrapper placeholder = new ReadOnlyStringWrapper(this, "placeholder");
    /** The model, sample, input and output of the content shown or being made; null when neither. */
    private List<Object> key;
    private TaskHandle making;
    /** The latest content made for the open model, kept after it is replaced so that its settings carry over. */
    private T latest;

    /** As below, for state with no settings worth carrying over to the next sample. */
    public SampleTabModel(Workspace workspace, String idleText, Function<Sample, T> make) {
        this(workspace, idleText, make, (made, previous) -> { });
    }

    /**
     * @param idleText what the tab says while no model and input are there
     * @param make makes the state for a sample, on the worker
     * @param keepSettings {@code (made, previous)}: copies what the user set in {@code previous} (made for the same
     *     model) into {@code made}, on the UI thread
     */
    public SampleTabModel(Workspace workspace, String idleText, Function<Sample, T> make, BiConsumer<T, T> keepSettings) {
        this.workspace = workspace;
        this.state = workspace.state();
        this.idleText = idleText;
        this.make = make;
        this.keepSettings = keepSettings;
        placeholder.set(idleText);
        state.derivativesProperty().addListener((o, a, b) -> {
            dropContent();
            latest = null;
            placeholder.set(idleText);
            refresh();
        });
        shown.addListener((o, a, b) -> refresh());
        state.inputsProperty().addListener((o, a, b) -> refresh());
        state.selectedSampleProperty().addListener((o, a, b) -> refresh());
        state.wrtProperty().addListener((o, a, b) -> refresh());
        state.ofProperty().addListener((o, a, b) -> refresh());
    }

    private void refresh() {
        ModelDerivatives derivatives = state.derivatives();
        Map<String, Tensor> inputs = state.inputsProperty().get();
        if (!shown.get() || derivatives == null || inputs == null) {
            return;
        }
        int index = state.selectedSampleProperty().get();
        String wrt = state.wrtProperty().get();
        String of = state.ofProperty().get();
        List<Object> now = List.of(derivatives, index, String.valueOf(wrt), String.valueOf(of));
        if (now.equals(key)) {
            return;
        }
        dropContent();
        key = now;
        placeholder.set("Preparing sample " + index + " of " + derivatives.model().info().fileName() + "…");
        Sample sample = new Sample(derivatives, inputs, index, wrt, of);
        making = workspace.executor().submit("Preparing the tab", monitor -> make.apply(sample), made -> {
            if (!now.equals(key)) {
                closeQuietly(made); // the tab moved on meanwhile
                return;
            }
            making = null;
            if (latest != null) {
                keepSettings.accept(made, latest);
            }
            latest = made;
            content.set(made);
        }, e -> {
            if (!now.equals(key)) {
                return;
            }
            making = null;
            key = null; // a later change tries again
            if (e instanceof CancelledException) {
                placeholder.set("Cancelled.");
            } else if (e instanceof JacobiException) {
                placeholder.set(e.getMessage());
            } else {
                placeholder.set("This tab could not be prepared; see the message above.");
                state.showError(e);
            }
        });
    }

    /** Stops the content's work and takes it off the tab; settings stay in {@link #latest}. */
    private void dropContent() {
        key = null;
        if (making != null) {
            making.cancel();
            making = null;
        }
        T old = content.get();
        if (old != null) {
            content.set(null);
            closeQuietly(old);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // stopping work that is being replaced: nothing the user can do
        }
    }

    /** Bound to whether the tab is selected: nothing is made for a tab nobody looks at. */
    public BooleanProperty shownProperty() {
        return shown;
    }

    /** The state for the current sample, or null while there is none (see {@link #placeholderProperty()}). */
    public ReadOnlyObjectProperty<T> contentProperty() {
        return content.getReadOnlyProperty();
    }

    /** What the tab says while there is no content: how to get some, that it is being made, or why it is not. */
    public ReadOnlyStringProperty placeholderProperty() {
        return placeholder.getReadOnlyProperty();
    }

    /** The app state the content is made from. */
    public Workspace workspace() {
        return workspace;
    }
}
