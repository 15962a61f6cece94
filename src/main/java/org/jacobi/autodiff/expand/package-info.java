/**
 * Graph pre-passes that rewrite a source graph, before it is differentiated, into an equivalent one the rules
 * cover: opset normalisation, inlining of functions (the model's and ONNX's standard ones), expansion of LSTM, GRU
 * and RNN. A pass returns a new graph (or the same one when nothing applies) and never changes its input.
 * May use autodiff, core and the protobuf classes; no ONNX Runtime.
 */
package org.jacobi.autodiff.expand;
