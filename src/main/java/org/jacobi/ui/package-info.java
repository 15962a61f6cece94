/**
 * The JavaFX desktop app: the main window, menus, message and status bars, and what every panel shares
 * ({@code AppState}, {@code Workspace}, the tab list in {@code TabRegistry}). May use every logic package and the
 * panel packages ui.*; no logic package depends on anything here (ArchitectureTest).
 */
package org.jacobi.ui;
