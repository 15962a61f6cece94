/**
 * Files that are not tensors, turned into model inputs: photos (PNG, JPEG, BMP, TIFF, GIF) and WAV clips. One
 * {@link org.jacobi.inputs.InputSettings} record says how (layout, size, normalisation, channel order, sample rate);
 * {@link org.jacobi.inputs.InputSources} binds every kind of input file to a model's inputs for the command line,
 * and {@link org.jacobi.inputs.MediaInputs} makes one input's tensor for any caller.
 */
package org.jacobi.inputs;
