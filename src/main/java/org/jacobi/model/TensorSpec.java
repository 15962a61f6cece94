package org.jacobi.model;

import java.util.List;
import java.util.stream.Collectors;
import org.jacobi.core.ElementType;

/**
 * A model input or output as declared: name, element type and shape. {@code dims} is null when the
 * format declares no shape (TorchScript without --shape); {@code type} is null when unknown and
 * {@code typeName} always says what the file declares, even for types Jacobi cannot handle.
 */
public final class TensorSpec {
    private final String name;
    private final ElementType type;
    private final String typeName;
    private final List<Dim> dims;

    public TensorSpec(String name, ElementType type, String typeName, List<Dim> dims) {
        this.name = name;
        this.type = type;
        this.typeName = typeName;
        this.dims = dims == null ? null : List.copyOf(dims);
    }

    public TensorSpec(String name, ElementType type, List<Dim> dims) {
        this(name, type, type == null ? "unknown" : type.displayName(), dims);
    }

    public String name() {
        return name;
    }

    public ElementType type() {
        return type;
    }

    public String typeName() {
        return typeName;
    }

    public List<Dim> dims() {
        return dims;
    }

    public boolean hasShape() {
        return dims != null;
    }

    /** True when axis 0 is declared dynamic (symbolic or unknown). */
    public boolean hasDynamicLeadingAxis() {
        return dims != null && !dims.isEmpty() && dims.get(0).isDynamic();
    }

    /** "[batch, 1, 28, 28]", or "unknown" without a shape. */
    public String shapeText() {
        return dims == null ? "unknown" : dims.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String toString() {
        return name + ": " + typeName + " " + shapeText();
    }
}
