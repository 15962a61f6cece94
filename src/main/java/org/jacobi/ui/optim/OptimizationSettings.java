package org.jacobi.ui.optim;

import java.util.List;
import java.util.Optional;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.Property;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;
import org.controlsfx.control.PropertySheet;
import org.jacobi.optim.LbfgsOptimizer;
import org.jacobi.optim.LevenbergMarquardtOptimizer;

/**
 * The method settings the panel's PropertySheet edits, as JavaFX properties with the optimizers' defaults
 * (PyTorch's for L-BFGS, Nielsen's and Ceres' for Gauss-Newton).
 */
public final class OptimizationSettings {
    /** Which optimizers a run uses. */
    public enum Methods {
        BOTH("Both, in turn"), GAUSS_NEWTON("Gauss-Newton (LM)"), LBFGS("L-BFGS");

        private final String label;

        Methods(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final LevenbergMarquardtOptimizer GN = new LevenbergMarquardtOptimizer();
    private static final LbfgsOptimizer LBFGS = new LbfgsOptimizer();

    public final ObjectProperty<Methods> methods = new SimpleObjectProperty<>(Methods.BOTH);
    public final IntegerProperty maxIterations = new SimpleIntegerProperty(100);
    public final DoubleProperty alpha = new SimpleDoubleProperty(0);
    public final BooleanProperty useBounds = new SimpleBooleanProperty(false);
    public final DoubleProperty lower = new SimpleDoubleProperty(0);
    public final DoubleProperty upper = new SimpleDoubleProperty(1);
    public final DoubleProperty dampingFactor = new SimpleDoubleProperty(GN.initialDampingFactor());
    public final DoubleProperty gnGradientTolerance = new SimpleDoubleProperty(GN.gradientTolerance());
    public final DoubleProperty gnCostTolerance = new SimpleDoubleProperty(GN.costTolerance());
    public final DoubleProperty gnStepTolerance = new SimpleDoubleProperty(GN.stepTolerance());
    public final IntegerProperty history = new SimpleIntegerProperty(LBFGS.historySize());
    public final DoubleProperty c1 = new SimpleDoubleProperty(LBFGS.c1());
    public final DoubleProperty c2 = new SimpleDoubleProperty(LBFGS.c2());
    public final DoubleProperty toleranceGrad = new SimpleDoubleProperty(LBFGS.toleranceGrad());
    public final DoubleProperty toleranceChange = new SimpleDoubleProperty(LBFGS.toleranceChange());
    public final DoubleProperty learningRate = new SimpleDoubleProperty(LBFGS.learningRate());

    /** The Gauss-Newton optimizer these settings describe; a JacobiException names a bad value. */
    public LevenbergMarquardtOptimizer gaussNewton() {
        return new LevenbergMarquardtOptimizer().withMaxIterations(maxIterations.get())
            .withInitialDampingFactor(dampingFactor.get()).withGradientTolerance(gnGradientTolerance.get())
            .withCostTolerance(gnCostTolerance.get()).withStepTolerance(gnStepTolerance.get());
    }

    /** The L-BFGS optimizer these settings describe; a JacobiException names a bad value. */
    public LbfgsOptimizer lbfgs() {
        return new LbfgsOptimizer().withMaxIterations(maxIterations.get()).withHistorySize(history.get())
            .withWolfe(c1.get(), c2.get()).withToleranceGrad(toleranceGrad.get()).withToleranceChange(toleranceChange.get())
            .withLearningRate(learningRate.get());
    }

    /** The rows of the PropertySheet, by category. */
    public List<PropertySheet.Item> items() {
        return List.of(
            new Item<>("Problem", "Methods", "Which optimizers run; both run one after the other, on the worker every computation uses.", Methods.class, methods),
            new Item<>("Problem", "Max iterations", "Iterations per method (Gauss-Newton counts rejected steps).", Integer.class, maxIterations),
            new Item<>("Problem", "Alpha", "Weight of 0.5 alpha ||x - x0||^2, which keeps the result near the start.", Double.class, alpha),
            new Item<>("Problem", "Box bounds", "Keep every input element within [lower, upper].", Boolean.class, useBounds),
            new Item<>("Problem", "Lower bound", "Lower bound of every element (with Box bounds on).", Double.class, lower),
            new Item<>("Problem", "Upper bound", "Upper bound of every element (with Box bounds on).", Double.class, upper),
            new Item<>("Gauss-Newton (LM)", "Initial damping tau", "mu0 = tau * max diag(J^T J) (Nielsen).", Double.class, dampingFactor),
            new Item<>("Gauss-Newton (LM)", "Gradient tolerance", "Stop when the max norm of the projected gradient is at most this.", Double.class, gnGradientTolerance),
            new Item<>("Gauss-Newton (LM)", "Cost tolerance", "Stop when a step lowers the cost by at most this fraction.", Double.class, gnCostTolerance),
            new Item<>("Gauss-Newton (LM)", "Step tolerance", "Stop when ||step|| <= tol (||x|| + tol).", Double.class, gnStepTolerance),
            new Item<>("L-BFGS", "History size", "Curvature pairs kept (PyTorch: 100).", Integer.class, history),
            new Item<>("L-BFGS", "c1 (sufficient decrease)", "Armijo constant of the strong Wolfe search (PyTorch: 1e-4).", Double.class, c1),
            new Item<>("L-BFGS", "c2 (curvature)", "Curvature constant of the strong Wolfe search (PyTorch: 0.9).", Double.class, c2),
            new Item<>("L-BFGS", "Gradient tolerance", "tolerance_grad: stop when max |g| is at most this (PyTorch: 1e-7).", Double.class, toleranceGrad),
            new Item<>("L-BFGS", "Change tolerance", "tolerance_change: stop when the cost falls by less than this fraction of itself, (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1), "
                + "as SciPy's ftol, or a step is shorter than it.", Double.class, toleranceChange),
            new Item<>("L-BFGS", "Learning rate", "Initial step length (PyTorch: 1).", Double.class, learningRate));
    }

    /** One PropertySheet row bound to a property; numbers are converted to the row's type. */
    static final class Item<T> implements PropertySheet.Item {
        private final String category;
        private final String name;
        private final String description;
        private final Class<T> type;
        private final Property<?> property;

        Item(String category, String name, String description, Class<T> type, Property<?> property) {
            this.category = category;
            this.name = name;
            this.description = description;
            this.type = type;
            this.property = property;
        }

        @Override
        public Class<?> getType() {
            return type;
        }

        @Override
        public String getCategory() {
            return category;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return description;
        }

        @Override
        public Object getValue() {
            Object v = property.getValue();
            if (type == Integer.class && v instanceof Number n) {
                return n.intValue();
            }
            if (type == Double.class && v instanceof Number n) {
                return n.doubleValue();
            }
            return v;
        }

        @SuppressWarnings("unchecked")
        @Override
        public void setValue(Object value) {
            if (value == null) {
                return;
            }
            if (type == Integer.class) {
                ((Property<Number>) property).setValue(((Number) value).intValue());
            } else if (type == Double.class) {
                ((Property<Number>) property).setValue(((Number) value).doubleValue());
            } else {
                ((Property<Object>) property).setValue(value);
            }
        }

        @Override
        public Optional<ObservableValue<? extends Object>> getObservableValue() {
            return Optional.of(property);
        }
    }
}
