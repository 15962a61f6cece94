/**
 * Reading and writing files: NumPy NPY and NPZ, CSV tensors, a small JSON writer and parser, and
 * {@code AtomicFiles}, which writes a file whole or not at all.
 * Depends on core only; it knows nothing of models or derivatives.
 */
package org.jacobi.io;
