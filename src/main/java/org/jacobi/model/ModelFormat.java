package org.jacobi.model;

/** The model file formats Jacobi reads. */
public enum ModelFormat {
    ONNX("ONNX"),
    TORCHSCRIPT("TorchScript");

    private final String displayName;

    ModelFormat(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
