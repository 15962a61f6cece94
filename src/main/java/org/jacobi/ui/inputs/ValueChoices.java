package org.jacobi.ui.inputs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The entries of a d/d or "of" chooser: the model's inputs (or outputs) first, then the values inside the graph
 * ({@code Model.intermediateValues()}), grouped under the module path their names carry ({@code /layer1/conv/Conv_output_0}
 * under {@code /layer1/conv}), each group behind a header; a filter keeps the entries whose name contains its text (real
 * models have thousands of values), and the headers of groups that keep any.
 */
public final class ValueChoices {
    /** One entry: a value to choose, or a group's header (not choosable). */
    public record Entry(String name, boolean header) {
        public static Entry value(String name) {
            return new Entry(name, false);
        }
    }

    private ValueChoices() {
    }

    /** The entries for {@code first} (inputs or outputs) and {@code inside} (values inside the graph), those matching {@code filter}. */
    public static List<Entry> entries(List<String> first, List<String> inside, String filter) {
        String f = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
        List<Entry> out = new ArrayList<>();
        first.stream().filter(n -> matches(n, f)).map(Entry::value).forEach(out::add);
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String v : inside) {
            if (!first.contains(v) && matches(v, f)) {
                groups.computeIfAbsent(group(v), g -> new ArrayList<>()).add(v);
            }
        }
        groups.forEach((group, values) -> {
            out.add(new Entry(group, true));
            values.forEach(v -> out.add(Entry.value(v)));
        });
        return out;
    }

    private static boolean matches(String name, String filter) {
        return filter.isEmpty() || name.toLowerCase(Locale.ROOT).contains(filter);
    }

    /** The module path of a value's name (all before its last '/'), or "inside the graph" when it has none. */
    static String group(String value) {
        int slash = value.lastIndexOf('/');
        return slash > 0 ? value.substring(0, slash) : "inside the graph";
    }
}
