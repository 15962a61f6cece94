/**
 * Global sensitivity analysis (Sobol' indices, DGSM, Morris): a {@code GsaStudy} resolved against a model
 * becomes a {@code StudyPlan}, evaluated by a {@code StudyEvaluator} and run by a {@code GsaRunner}, in three pure
 * steps that a cluster can split. May use core, io, analysis, model and jacobian's engines; plans are
 * {@code Serializable} and hold no model, so nothing here may depend on Spark, the UI or JavaFX.
 */
package org.jacobi.gsa;
