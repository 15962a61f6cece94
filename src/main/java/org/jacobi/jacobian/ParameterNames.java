package org.jacobi.jacobian;

import java.util.Collection;
import org.jacobi.core.JacobiException;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/** Tells inputs from parameters for {@code --wrt}, and says which names exist when neither matches. */
public final class ParameterNames {
    private ParameterNames() {
    }

    /** True when {@code wrt} names a parameter rather than an input; a usage error when it names neither. */
    public static boolean isParameter(ModelInfo info, String wrt, Collection<String> parameters) {
        if (wrt == null || info.input(wrt) != null) {
            return false;
        }
        if (parameters.contains(wrt)) {
            return true;
        }
        StringBuilder sb = new StringBuilder("The model has no input or parameter '" + wrt + "'. Its inputs are "
            + info.inputs().stream().map(TensorSpec::name).toList() + "; its parameters are ");
        int shown = 0;
        for (String p : parameters) {
            if (shown == 40) {
                sb.append(", ... (").append(parameters.size() - shown).append(" more)");
                break;
            }
            sb.append(shown == 0 ? "[" : ", ").append(p);
            shown++;
        }
        sb.append(shown == 0 ? "none." : "].");
        throw JacobiException.usage(sb.toString());
    }
}
