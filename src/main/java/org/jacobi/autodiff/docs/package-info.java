/**
 * Renders the operator table of docs/autodiff.md from the registered rules, so the documented coverage is the
 * registered one ({@code OperatorDocsTest} keeps them equal). May use autodiff, autodiff.expand and io; nothing at
 * run time depends on it.
 */
package org.jacobi.autodiff.docs;
