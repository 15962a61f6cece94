package org.jacobi.inputs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.JsonParser;

/**
 * Where a model's input settings come from, in rising precedence: the defaults, the model's own
 * {@code metadata_props} (keys {@code layout}, {@code resize}, {@code normalize}, {@code channels},
 * {@code sample_rate}), a sidecar JSON file with the same keys ({@code MODEL.jacobi.json} beside the model, read
 * automatically, or a file the user names), and the choices made now (command-line options, a form).
 */
public final class InputSettingsFiles {
    private InputSettingsFiles() {
    }

    /** Settings and the sources that stated any of them, e.g. ["the model's metadata", "face.onnx.jacobi.json"]. */
    public record Resolved(InputSettings settings, List<String> sources) {
        public Resolved {
            sources = List.copyOf(sources);
        }

        /** The settings, with where they came from when not all defaults. */
        public String describe() {
            return settings.describe() + (sources.isEmpty() ? "" : " (from " + String.join(", ", sources) + ")");
        }
    }

    /** The sidecar read automatically for {@code model}: {@code MODEL.jacobi.json} beside it. */
    public static Path sidecarFor(Path model) {
        return model.resolveSibling(model.getFileName() + ".jacobi.json");
    }

    /**
     * The settings for a model.
     *
     * @param metadata the model's metadata_props (empty when none)
     * @param model the model file, whose automatic sidecar is read when present; null for none
     * @param sidecar a sidecar the user named (must exist), or null for the automatic one
     * @param stated choices made now, by key; blank or missing values leave the earlier ones
     */
    public static Resolved resolve(Path model, Map<String, String> metadata, Path sidecar, Map<String, String> stated) {
        InputSettings s = InputSettings.defaults();
        List<String> sources = new ArrayList<>();
        if (states(metadata)) {
            s = s.with(metadata, "the model's metadata_props");
            sources.add("the model's metadata");
        }
        Path file = sidecar != null ? sidecar : model == null ? null : sidecarFor(model);
        if (file != null && (sidecar != null || Files.isRegularFile(file))) {
            Map<String, String> saved = read(file);
            s = s.with(saved, file.getFileName().toString());
            sources.add(file.getFileName().toString());
        }
        if (states(stated)) {
            s = s.with(stated, "the options");
            sources.add("the options");
        }
        return new Resolved(s, sources);
    }

    private static boolean states(Map<String, String> m) {
        for (String key : InputSettings.defaults().toMap().keySet()) {
            String v = m.get(key);
            if (v != null && !v.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** The stated choices of a sidecar file, as text by key. */
    public static Map<String, String> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw JacobiException.usage("Could not read the input settings " + file + " (" + e.getMessage() + "). Check the path.");
        }
        Object parsed = JsonParser.parse(text, file.getFileName().toString());
        if (!(parsed instanceof Map<?, ?> map)) {
            throw JacobiException.usage(file.getFileName() + " is not a JSON object of input settings, e.g. {\"normalize\": \"-1..1\"}.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            out.put(String.valueOf(e.getKey()), v instanceof Double d && d == Math.rint(d) ? Long.toString(d.longValue()) : String.valueOf(v));
        }
        return out;
    }

    /** Saves {@code settings} as a sidecar (replacing an earlier one), e.g. to {@link #sidecarFor}. */
    public static void write(Path file, InputSettings settings) {
        Map<String, Object> m = new LinkedHashMap<>(settings.toMap());
        m.put(InputSettings.SAMPLE_RATE, settings.sampleRate());
        String json = Json.write(m) + "\n";
        AtomicFiles.write(file, true, out -> out.write(json.getBytes(StandardCharsets.UTF_8)));
    }
}
