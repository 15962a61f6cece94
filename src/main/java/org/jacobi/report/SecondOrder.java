package org.jacobi.report;

import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.ParameterNorms;

/**
 * Second-order and weight sensitivities for a report: the Hessians of one output element (Interactions) and the
 * per-sample parameter norms (Parameters). Either may be null, and {@code notes} says why one is missing.
 */
public record SecondOrder(HessianResult hessian, ParameterNorms parameters, java.util.List<String> notes) {
    public static final SecondOrder NONE = new SecondOrder(null, null, java.util.List.of());

    public SecondOrder {
        notes = java.util.List.copyOf(notes);
    }

    /** Above this many inputs per sample the report leaves the Hessian out (it grows with the square). */
    public static final int MAX_HESSIAN_INPUTS = 1024;
    /** Above this many parameter elements the report leaves the parameter table out (one direction each). */
    public static final long MAX_PARAMETER_ELEMENTS = 50_000;

    /**
     * Computes what fits: the Hessians of output element 0 when one sample has at most {@link #MAX_HESSIAN_INPUTS}
     * inputs, and the parameter norms when the model has at most {@link #MAX_PARAMETER_ELEMENTS} parameter elements.
     * What is left out, or cannot be computed, becomes a note instead of an error.
     */
    public static SecondOrder compute(org.jacobi.model.Model model, org.jacobi.jacobian.JacobianRequest request,
                                      org.jacobi.jacobian.JacobianResult jacobian, org.jacobi.core.ProgressMonitor monitor) {
        java.util.List<String> notes = new java.util.ArrayList<>();
        HessianResult hessian = null;
        ParameterNorms norms = null;
        boolean inputWrt = model.info().input(jacobian.wrt()) != null;
        if (!inputWrt) {
            notes.add("Interactions are left out: the Jacobian is taken with respect to the parameter " + jacobian.wrt() + ".");
        } else if (jacobian.inputsPerSample() > MAX_HESSIAN_INPUTS) {
            notes.add("Interactions are left out: one sample has " + jacobian.inputsPerSample() + " inputs, and the report "
                + "computes Hessians for at most " + MAX_HESSIAN_INPUTS + ". Use jacobi hessian --vector for larger inputs.");
        } else {
            try (org.jacobi.jacobian.HessianEngine engine = org.jacobi.jacobian.Hessians.engineFor(model)) {
                hessian = engine.compute(new org.jacobi.jacobian.HessianRequest(request.inputs(), jacobian.wrt(), jacobian.of(), 0,
                    null, request.batchAxis(), request.maxMemoryBytes()), monitor);
            } catch (org.jacobi.core.CancelledException e) {
                throw e;
            } catch (org.jacobi.core.JacobiException e) {
                notes.add("Interactions are left out: " + e.getMessage());
            }
        }
        try (org.jacobi.jacobian.ParameterJacobianEngine engine = org.jacobi.jacobian.Jacobians.parameterEngineFor(model)) {
            java.util.Map<String, long[]> params = engine.parameters();
            long elements = params.values().stream().mapToLong(org.jacobi.core.Tensor::elementCount).sum();
            if (params.isEmpty()) {
                notes.add("Parameter sensitivity is left out: the model has no floating-point parameters.");
            } else if (elements > MAX_PARAMETER_ELEMENTS) {
                notes.add("Parameter sensitivity is left out: the model has " + elements + " parameter elements, more than the "
                    + MAX_PARAMETER_ELEMENTS + " the report differentiates. Use jacobi jacobian --wrt-params NAME,... for some layers.");
            } else {
                norms = engine.norms(request.withWrtOf(null, jacobian.of()), new java.util.ArrayList<>(params.keySet()), monitor);
            }
        } catch (org.jacobi.core.CancelledException e) {
            throw e;
        } catch (org.jacobi.core.JacobiException e) {
            notes.add("Parameter sensitivity is left out: " + e.getMessage());
        }
        return new SecondOrder(hessian, norms, notes);
    }

    public boolean isEmpty() {
        return hessian == null && parameters == null && notes.isEmpty();
    }
}
