/**
 * The Optimize tab: a target editor, both optimizers' settings, Run and Stop, the live cost chart, the iteration
 * table and the input before and after. The optimizers are org.jacobi.optim; this package holds their view model and
 * views. May use the logic packages and ui's shared state; no other panel.
 */
package org.jacobi.ui.optim;
