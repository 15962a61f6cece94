/**
 * The entry point, {@code Launcher}: no arguments, a model file alone or {@code app ...} open the desktop app
 * (org.jacobi.ui), anything else runs the command line (org.jacobi.cli). It is the one class outside the UI that may
 * name both; nothing else belongs here.
 */
package org.jacobi;
