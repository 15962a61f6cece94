package org.jacobi.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.HessianEngine;
import org.jacobi.jacobian.HessianRequest;
import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.Hessians;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.jacobian.ParameterJacobianEngine;
import org.jacobi.jacobian.ParameterNorms;
import org.jacobi.model.Model;

/**
 * Second-order and weight sensitivities for a report: the Hessians of one output element (Interactions) and the
 * per-sample parameter norms (Parameters). Either may be null, and {@code notes} says why one is missing.
 */
public record SecondOrder(HessianResult hessian, ParameterNorms parameters, List<String> notes) {
    public static final SecondOrder NONE = new SecondOrder(null, null, List.of());
    /** For a report of an output target: Interactions and Parameters are of whole outputs, so they are left out, and said why. */
    public static final SecondOrder FOR_TARGET = new SecondOrder(null, null, List.of("Interactions and Parameters are left out "
        + "of a report for a target: they are of whole outputs, and a report of the whole output has them."));

    public SecondOrder {
        notes = List.copyOf(notes);
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
    public static SecondOrder compute(Model model, JacobianRequest request, JacobianResult jacobian,
                                      ProgressMonitor monitor) {
        List<String> notes = new ArrayList<>();
        HessianResult hessian = null;
        ParameterNorms norms = null;
        boolean inputWrt = model.info().input(jacobian.wrt()) != null;
        if (!inputWrt) {
            notes.add("Interactions are left out: the Jacobian is taken with respect to the parameter " + jacobian.wrt() + ".");
        } else if (jacobian.inputsPerSample() > MAX_HESSIAN_INPUTS) {
            notes.add("Interactions are left out: one sample has " + jacobian.inputsPerSample() + " inputs, and the report "
                + "computes Hessians for at most " + MAX_HESSIAN_INPUTS + ". Use jacobi hessian --vector for larger inputs.");
        } else {
            try (HessianEngine engine = Hessians.engineFor(model)) {
                hessian = engine.compute(new HessianRequest(request.inputs(), jacobian.wrt(), jacobian.of(), 0,
                    null, request.batchAxis(), request.maxMemoryBytes()), monitor);
            } catch (CancelledException e) {
                throw e;
            } catch (JacobiException e) {
                notes.add("Interactions are left out: " + e.getMessage());
            }
        }
        try (ParameterJacobianEngine engine = Jacobians.parameterEngineFor(model)) {
            Map<String, long[]> params = engine.parameters();
            long elements = params.values().stream().mapToLong(Tensor::elementCount).sum();
            if (params.isEmpty()) {
                notes.add("Parameter sensitivity is left out: the model has no floating-point parameters.");
            } else if (elements > MAX_PARAMETER_ELEMENTS) {
                notes.add("Parameter sensitivity is left out: the model has " + elements + " parameter elements, more than the "
                    + MAX_PARAMETER_ELEMENTS + " the report differentiates. Use jacobi jacobian --wrt-params NAME,... for some layers.");
            } else {
                norms = engine.norms(request.withWrtOf(null, jacobian.of()), new ArrayList<>(params.keySet()), monitor);
            }
        } catch (CancelledException e) {
            throw e;
        } catch (JacobiException e) {
            notes.add("Parameter sensitivity is left out: " + e.getMessage());
        }
        return new SecondOrder(hessian, norms, notes);
    }

    public boolean isEmpty() {
        return hessian == null && parameters == null && notes.isEmpty();
    }
}
