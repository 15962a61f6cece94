package org.jacobi.analysis;

import org.jacobi.model.Model;

/**
 * The value a target of an output is differentiated at: the logit before the output's final Sigmoid or Softmax unless
 * the probability itself is asked for (the probability's derivative vanishes wherever it saturates at 0 or 1), else
 * the output. One rule for target gradients, saliency, attributions and reports.
 *
 * @param output the output the user pointed at
 * @param value the value differentiated: {@code output}, or the logit before its final activation
 * @param note how the value was chosen ("the logit before the final Sigmoid of 'mask'"), or null when it is the
 *     output as it is
 */
public record DifferentiatedValue(String output, String value, String note) {

    /** @param output an output of the model, or null for its first */
    public static DifferentiatedValue of(Model model, String output, boolean probability) {
        String name = output != null ? output : model.info().outputs().get(0).name();
        // only a model output: a Softmax inside the graph (attention weights) is the value asked for, not a final one
        Model.FinalActivation activation = probability || model.info().output(name) == null ? null : model.finalActivation(name);
        if (activation == null) {
            return new DifferentiatedValue(name, name, null);
        }
        return new DifferentiatedValue(name, activation.logit(), "the logit before the final " + activation.operator() + " of '"
            + name + "'");
    }

    /** The note with the command-line option that turns it off, or null. */
    public String commandLineNote() {
        return note == null ? null : note + " " + COMMAND_LINE_HINT;
    }

    /** What the command line says after a logit's note. */
    public static final String COMMAND_LINE_HINT = "(--probability for the probability itself)";

    /** The target pointed at the differentiated value, its elements labelled as the output's. */
    public OutputTarget on(OutputTarget target) {
        return target.on(value, output);
    }
}
