package org.jacobi.ui.attribution;

import java.util.Locale;
import org.jacobi.analysis.TopOutputs;

/** For inputs that are not images: each method's largest attributions by magnitude, as text in columns. */
final class ValueTable {
    /** Elements listed per method. */
    static final int ROWS = 10;

    private ValueTable() {
    }

    static String of(AttributionViewModel.Run run) {
        StringBuilder b = new StringBuilder("Largest attributions by magnitude (element of the input: value)\n");
        for (AttributionPanel p : run.panels()) {
            double[] map = p.map();
            double[] magnitude = new double[map.length];
            for (int i = 0; i < map.length; i++) {
                magnitude[i] = Math.abs(map[i]);
            }
            b.append(String.format(Locale.ROOT, "%-16s", p.caption()));
            for (int i : TopOutputs.indices(magnitude, Math.min(ROWS, map.length))) {
                b.append(String.format(Locale.ROOT, "  [%d]: %.4g", i, map[i]));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
