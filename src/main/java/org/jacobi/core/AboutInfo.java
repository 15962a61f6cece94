package org.jacobi.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What Help &gt; About shows: the versions of Jacobi and of every library that computes something, and the
 * device in use. Library versions come from {@link BuildInfo} (fixed at build time), so asking for them
 * loads no native library. Usage: {@code AboutInfo.current(model == null ? null : model.device()).rows()}.
 *
 * @param rows label and value pairs, in display order
 */
public record AboutInfo(List<Row> rows) {

    /** One line of the About box. */
    public record Row(String label, String value) {
    }

    public AboutInfo {
        rows = List.copyOf(rows);
    }

    /**
     * Collects the information of the running program.
     *
     * @param deviceInUse the device of the loaded model as {@code Model.device()} reports it (e.g. "CPU",
     *     "CUDA:0"), or null when no model is loaded
     */
    public static AboutInfo current(String deviceInUse) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Jacobi", BuildInfo.version() + " (" + flavorText(BuildInfo.flavor()) + ")"));
        rows.add(new Row("Java", System.getProperty("java.version", "unknown") + " ("
            + System.getProperty("java.vm.name", "unknown VM") + ", " + System.getProperty("java.vendor", "unknown vendor") + ")"));
        rows.add(new Row("JavaFX", javafxVersion()));
        rows.add(new Row("ONNX Runtime", BuildInfo.onnxRuntimeVersion()));
        rows.add(new Row("DJL", BuildInfo.djlVersion()));
        rows.add(new Row("libtorch", BuildInfo.libtorchVersion()));
        rows.add(new Row("Device", deviceText(deviceInUse, BuildInfo.flavor())));
        rows.add(new Row("System", System.getProperty("os.name", "unknown") + " " + System.getProperty("os.version", "")
            + " (" + System.getProperty("os.arch", "unknown") + "), " + Runtime.getRuntime().availableProcessors()
            + " cores, " + (Runtime.getRuntime().maxMemory() >> 20) + " MB Java heap"));
        rows.add(new Row("libtorch cache", djlCacheDir().toString()));
        return new AboutInfo(rows);
    }

    /** The value of the row with this label, or null. */
    public String value(String label) {
        return rows.stream().filter(r -> r.label().equals(label)).map(Row::value).findFirst().orElse(null);
    }

    /** Plain text, one "label: value" line per row: for a Copy button and for bug reports. */
    public String asText() {
        StringBuilder text = new StringBuilder();
        for (Row row : rows) {
            text.append(row.label()).append(": ").append(row.value()).append(System.lineSeparator());
        }
        return text.toString();
    }

    static String flavorText(String flavor) {
        return switch (flavor.toLowerCase(Locale.ROOT)) {
            case "cuda" -> "CUDA build";
            case "cpu" -> "CPU build";
            default -> flavor + " build";
        };
    }

    static String deviceText(String deviceInUse, String flavor) {
        boolean gpuBuild = flavor.equalsIgnoreCase("cuda");
        if (deviceInUse == null || deviceInUse.isBlank()) {
            return gpuBuild ? "no model loaded (a GPU is used when one is present)" : "CPU (this build has no GPU support)";
        }
        if (deviceInUse.toUpperCase(Locale.ROOT).startsWith("CPU") && gpuBuild) {
            return deviceInUse + " (no usable GPU found, or CPU chosen)";
        }
        return deviceInUse;
    }

    /** JavaFX sets javafx.runtime.version once it runs; before that, the version this build bundles. */
    private static String javafxVersion() {
        String running = System.getProperty("javafx.runtime.version");
        return running != null && !running.isBlank() ? running : BuildInfo.javafxVersion();
    }

    /** Where DJL unpacks libtorch on first use: DJL_CACHE_DIR (property or environment), else ~/.djl.ai. */
    static Path djlCacheDir() {
        String dir = System.getProperty("DJL_CACHE_DIR");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("DJL_CACHE_DIR");
        }
        return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".djl.ai");
    }
}
