/**
 * The Input panel of the side bar: the sample, what is differentiated, mode and device, sample generation,
 * image normalisation and reading input files. May use the logic packages and ui's shared state; no other panel.
 */
package org.jacobi.ui.inputs;
