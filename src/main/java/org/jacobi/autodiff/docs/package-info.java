/** The operator table of docs/autodiff.md, rendered from the registered rules so the documented coverage is the real one. */
package org.jacobi.autodiff.docs;
