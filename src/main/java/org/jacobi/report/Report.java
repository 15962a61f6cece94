package org.jacobi.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished report: its content as sections of blocks (what the HTML and PDF writers render) and the numbers
 * behind it (what the data ZIP and the tests read).
 *
 * @param title the report's title
 * @param created when it was built
 * @param sections the content, in order
 * @param statistics ranking and global sensitivity measures over all samples
 * @param singularValues per shown sample, largest first; empty when the SVD was skipped
 * @param shownSamples the samples with their own figures
 * @param modelSha256 hex digest of the model file, or null when it could not be read
 * @param source what the report was built from
 */
public record Report(String title, Instant created, List<Section> sections, SensitivityStatistics statistics,
                     Map<Integer, double[]> singularValues, List<Integer> shownSamples, String modelSha256,
                     ReportSource source) {
    public Report {
        sections = List.copyOf(sections);
        shownSamples = List.copyOf(shownSamples);
        singularValues = Collections.unmodifiableMap(new LinkedHashMap<>(singularValues));
    }

    /** The section with this id, or null. */
    public Section section(String id) {
        return sections.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
