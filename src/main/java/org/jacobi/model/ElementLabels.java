package org.jacobi.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jacobi.core.JacobiException;

/**
 * Optional names for the elements of one sample of an input or output: "speed", "angle" for the six numbers
 * of a launch vector, "cat", "dog" for a classifier's outputs. Read from the model's {@link Model#metadata()}:
 * <ul>
 *   <li>{@code jacobi.labels.NAME}: comma-separated names for tensor NAME (input or output);</li>
 *   <li>{@code labels} or {@code class_names} (ONNX {@code metadata_props}; as TorchScript extra files also
 *       {@code labels.json}, {@code class_names.json}, {@code labels.txt}): a JSON list of strings, or one
 *       name per line, for the outputs whose per-sample element count it matches.</li>
 * </ul>
 * Heatmaps, tooltips, reports and the CLI's JSON use them instead of bare indices.
 */
public final class ElementLabels {
    public static final String METADATA_PREFIX = "jacobi.labels.";
    /** Keys holding class names for a model's outputs, in the order they are tried. */
    public static final List<String> CLASS_KEYS = List.of("labels", "class_names", "labels.json", "class_names.json",
        "labels.txt", "class_names.txt");

    private ElementLabels() {
    }

    /** The labels of tensor {@code name}'s per-sample elements, when the model gives exactly that many. */
    public static Optional<List<String>> of(Model model, String name, int elementsPerSample) {
        Map<String, String> meta = model.metadata();
        String own = meta.get(METADATA_PREFIX + name);
        if (own != null) {
            List<String> labels = Arrays.stream(own.split(",")).map(String::strip).toList();
            return labels.size() == elementsPerSample ? Optional.of(labels) : Optional.empty();
        }
        if (model.info().output(name) == null) {
            return Optional.empty(); // class names name outputs, never inputs
        }
        for (String key : CLASS_KEYS) {
            String text = meta.get(key);
            if (text != null) {
                List<String> labels = parse(text);
                if (labels.size() == elementsPerSample) {
                    return Optional.of(labels);
                }
            }
        }
        return Optional.empty();
    }

    /** A JSON list of strings ({@code ["cat", "dog"]}), or else one name per line (blank lines at the end ignored). */
    public static List<String> parse(String text) {
        String t = text.strip();
        if (t.startsWith("[")) {
            try {
                JsonArray array = JsonParser.parseString(t).getAsJsonArray();
                List<String> out = new ArrayList<>();
                for (JsonElement e : array) {
                    out.add(e.isJsonPrimitive() ? e.getAsString() : e.toString());
                }
                return out;
            } catch (JsonParseException | IllegalStateException e) {
                // not JSON after all: read it as lines
            }
        }
        List<String> lines = new ArrayList<>(t.lines().map(String::strip).toList());
        return lines.size() == 1 && lines.get(0).isEmpty() ? List.of() : lines;
    }

    /** A labels file the user chose: one name per line (or a JSON list). */
    public static List<String> read(Path file) {
        try {
            List<String> labels = parse(Files.readString(file, StandardCharsets.UTF_8));
            if (labels.isEmpty()) {
                throw new JacobiException(file.getFileName() + " holds no labels. Give one name per line.");
            }
            return labels;
        } catch (IOException e) {
            throw new JacobiException("Could not read the labels file " + file.getFileName() + ": " + e.getMessage() + ".", e);
        } catch (UncheckedIOException e) {
            throw new JacobiException(file.getFileName() + " is not a text file. Give one name per line.", e);
        }
    }
}
