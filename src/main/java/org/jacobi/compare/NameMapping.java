package org.jacobi.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * Which tensor of model B stands for a tensor of model A, for inputs and outputs alike. Names missing from
 * the mapping are taken to be the same in both models.
 *
 * @param aToB model A's name to model B's name
 */
public record NameMapping(Map<String, String> aToB) {
    public NameMapping {
        aToB = Collections.unmodifiableMap(new LinkedHashMap<>(aToB));
    }

    /** No renaming: every tensor has the same name in both models. */
    public static NameMapping identity() {
        return new NameMapping(Map.of());
    }

    /** Parses {@code A_NAME=B_NAME} pairs as given to {@code --map}. */
    public static NameMapping parse(List<String> pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw JacobiException.usage("--map '" + pair + "' must look like A_NAME=B_NAME, e.g. --map x=input.");
            }
            String a = pair.substring(0, eq).strip();
            if (map.put(a, pair.substring(eq + 1).strip()) != null) {
                throw JacobiException.usage("--map names '" + a + "' twice. Give each name of model A once.");
            }
        }
        return new NameMapping(map);
    }

    /** Model B's name for model A's tensor {@code aName}. */
    public String toB(String aName) {
        return aToB.getOrDefault(aName, aName);
    }

    /**
     * A mapping a user could confirm: same names where both models have them, the rest paired in declaration
     * order when both sides have as many left. Tensors left unpaired stay out.
     */
    public static NameMapping suggestInputs(ModelInfo a, ModelInfo b) {
        return suggest(names(a.inputs()), names(b.inputs()));
    }

    /** Like {@link #suggestInputs}, for the outputs. */
    public static NameMapping suggestOutputs(ModelInfo a, ModelInfo b) {
        return suggest(names(a.outputs()), names(b.outputs()));
    }

    static NameMapping suggest(List<String> a, List<String> b) {
        Map<String, String> map = new LinkedHashMap<>();
        List<String> leftA = new ArrayList<>();
        List<String> leftB = new ArrayList<>(b);
        for (String name : a) {
            if (leftB.remove(name)) {
                map.put(name, name);
            } else {
                leftA.add(name);
            }
        }
        if (leftA.size() == leftB.size()) {
            for (int i = 0; i < leftA.size(); i++) {
                map.put(leftA.get(i), leftB.get(i));
            }
        }
        return new NameMapping(map);
    }

    /** The pairs that rename something, as {@code --map} options: "--map x=input". */
    public String asOptions() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : aToB.entrySet()) {
            if (!e.getKey().equals(e.getValue())) {
                sb.append(sb.length() == 0 ? "" : " ").append("--map ").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        return sb.toString();
    }

    static List<String> names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).toList();
    }
}
