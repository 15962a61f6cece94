/**
 * What is computed from Jacobians and inputs, for the app, the reports and the command line alike: input
 * sensitivity rankings, singular values, Hessian spectra, saliency maps, running Jacobian statistics, colour maps and
 * value scales, sample generation and input files (arrays and images). May use core, io, model and the engine
 * interfaces of jacobian; no JavaFX (images go through java.awt and ImageIO), nothing of the UI or the command line.
 */
package org.jacobi.analysis;
