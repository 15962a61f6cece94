/**
 * The heatmap control: a matrix painted on a canvas with a colour bar, zoom and hover, usable on its own.
 * May use analysis (colour maps, value scales) and JavaFX only, so that any panel can use it and it uses no panel and
 * no app state.
 */
package org.jacobi.ui.heatmap;
