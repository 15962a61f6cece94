package org.jacobi.autodiff;

import org.jacobi.onnx.proto.Onnx;

/**
 * A differentiated model. Forward mode: feed every model input plus {@link #seedInput()} shaped
 * {@code [K, *shape(wrt)]}; {@link #resultOutput()} is the tangent of {@code of}, {@code [K, *shape(of)]}.
 * Reverse mode: the seed is a cotangent {@code [K, *shape(of)]} and the result {@code [K, *shape(wrt)]}.
 * {@link #primalOutput()} is {@code of} itself.
 */
public record DifferentiatedGraph(Onnx.ModelProto model, Differentiator.Direction direction, String wrt, String of,
                                  String seedInput, String resultOutput) {
    public String primalOutput() {
        return of;
    }
}
