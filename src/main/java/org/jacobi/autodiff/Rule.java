package org.jacobi.autodiff;

/**
 * The derivative of one ONNX operator. Tangents and cotangents carry one extra leading direction axis K:
 * the tangent of a value of shape S has shape {@code [K, *S]}.
 */
public interface Rule {
    /** Emits the tangents of the node's outputs from the tangents of its inputs (forward mode). */
    void jvp(NodeContext c);

    /** Emits the cotangents of the node's active inputs from its outputs' cotangents (reverse mode). */
    void vjp(NodeContext c);

    /** False for operators whose outputs never carry derivatives (Shape, comparisons...). */
    default boolean differentiable() {
        return true;
    }

    /**
     * True when the rule emits the node's primal outputs itself (If: one node computes the outputs and their
     * tangents), so forward mode does not copy the node first.
     */
    default boolean replacesNode() {
        return false;
    }

    /** A rule for an operator whose outputs are piecewise constant or integer: no derivative flows. */
    Rule NON_DIFFERENTIABLE = new Rule() {
        @Override
        public void jvp(NodeContext c) {
        }

        @Override
        public void vjp(NodeContext c) {
        }

        @Override
        public boolean differentiable() {
            return false;
        }
    };
}
