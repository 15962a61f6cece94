package org.jacobi.autodiff;

import org.jacobi.onnx.proto.Onnx;

/**
 * A differentiated model. Forward mode: feed every model input plus {@link #seedInput()} shaped
 * {@code [K, *shape(wrt)]}; {@link #resultOutput()} is the tangent of {@code of}, {@code [K, *shape(of)]}.
 * Reverse mode: the seed is a cotangent {@code [K, *shape(of)]} and the result {@code [K, *shape(wrt)]}.
 * {@link #primalOutput()} is {@code of} itself. {@code dependsOnInput} is false when {@code of} does not depend on
 * {@code wrt} through any node, branches and loop bodies included: the result is then zero and no derivative, and
 * engines say "does not depend on" rather than show it as a Jacobian.
 */
public record DifferentiatedGraph(Onnx.ModelProto model, Differentiator.Direction direction, String wrt, String of,
                                  String seedInput, String resultOutput, boolean dependsOnInput) {
    public String primalOutput() {
        return of;
    }
}
