/**
 * Models of either format behind one interface: {@code Model} (its {@code ModelInfo} and a forward pass),
 * {@code ModelLoader}, which tells the format and opens the file, and {@code InputBinder}, which checks inputs against
 * the declared shapes. May use core, io and its two format packages model.onnx and model.torch, which in turn may use
 * this package but never {@code ModelLoader}. Knows nothing of derivatives.
 */
package org.jacobi.model;
