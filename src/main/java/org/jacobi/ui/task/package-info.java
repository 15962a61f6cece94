/**
 * Background work for the app: {@code TaskExecutor} with one JavaFX implementation (one background thread,
 * callbacks on the JavaFX thread) and one that runs on the calling thread for tests, and {@code TaskHandle} to
 * cancel. May use core and JavaFX only; every panel may use it.
 */
package org.jacobi.ui.task;
