/**
 * Help &gt; About: the versions of Jacobi and its numeric libraries and the device in use, from core's
 * {@code AboutInfo}. May use core and JavaFX only.
 */
package org.jacobi.ui.about;
