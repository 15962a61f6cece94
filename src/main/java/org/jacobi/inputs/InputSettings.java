package org.jacobi.inputs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.JacobiException;

/**
 * How image and audio files become a model's input values. Immutable; a UI or the command line builds one with
 * the {@code with...} methods or from stated choices ({@link #with(Map, String)}), the same keys that the
 * sidecar file and a model's own {@code metadata_props} use: {@code layout}, {@code resize}, {@code normalize},
 * {@code channels}, {@code sample_rate}.
 *
 * @param sampleRate the rate, in Hz, audio is resampled to; 0 keeps each file's own rate
 */
public record InputSettings(ImageLayout layout, Resize resize, Normalization normalization, ChannelOrder channels,
                            int sampleRate) {
    /** The keys of stated choices, in the order they are written. */
    public static final String LAYOUT = "layout";
    public static final String RESIZE = "resize";
    public static final String NORMALIZE = "normalize";
    public static final String CHANNELS = "channels";
    public static final String SAMPLE_RATE = "sample_rate";

    public InputSettings {
        if (sampleRate < 0) {
            throw JacobiException.usage("The sample rate must be positive (Hz), not " + sampleRate + ".");
        }
    }

    /** Layout from the shape, the input's own size, pixels scaled to 0..1, RGB, audio at its own rate. */
    public static InputSettings defaults() {
        return new InputSettings(ImageLayout.AUTO, Resize.auto(), Normalization.unit(), ChannelOrder.RGB, 0);
    }

    public InputSettings withLayout(ImageLayout value) {
        return new InputSettings(value, resize, normalization, channels, sampleRate);
    }

    public InputSettings withResize(Resize value) {
        return new InputSettings(layout, value, normalization, channels, sampleRate);
    }

    public InputSettings withNormalization(Normalization value) {
        return new InputSettings(layout, resize, value, channels, sampleRate);
    }

    public InputSettings withChannels(ChannelOrder value) {
        return new InputSettings(layout, resize, normalization, value, sampleRate);
    }

    public InputSettings withSampleRate(int value) {
        return new InputSettings(layout, resize, normalization, channels, value);
    }

    /**
     * These settings with the choices {@code stated} laid over them; keys other than the five are ignored (a model's
     * metadata holds others). {@code source} names where they come from in an error, e.g. "the model's metadata".
     */
    public InputSettings with(Map<String, String> stated, String source) {
        InputSettings s = this;
        try {
            for (Map.Entry<String, String> e : stated.entrySet()) {
                String v = e.getValue();
                if (v == null || v.isBlank()) {
                    continue;
                }
                switch (e.getKey()) {
                    case LAYOUT -> s = s.withLayout(ImageLayout.parse(v));
                    case RESIZE -> s = s.withResize(Resize.parse(v));
                    case NORMALIZE -> s = s.withNormalization(Normalization.parse(v));
                    case CHANNELS -> s = s.withChannels(ChannelOrder.parse(v));
                    case SAMPLE_RATE -> s = s.withSampleRate(parseRate(v));
                    default -> {
                        // not an input setting
                    }
                }
            }
        } catch (JacobiException e) {
            throw JacobiException.usage("In " + source + ": " + e.getMessage());
        }
        return s;
    }

    private static int parseRate(String v) {
        try {
            return (int) Math.round(Double.parseDouble(v.trim()));
        } catch (NumberFormatException e) {
            throw JacobiException.usage("The sample rate '" + v + "' is not a number of Hz, e.g. 16000.");
        }
    }

    /** The five choices as text, under the keys {@link #with(Map, String)} reads. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(LAYOUT, layout.toString());
        m.put(RESIZE, resize.toString());
        m.put(NORMALIZE, normalization.name());
        m.put(CHANNELS, channels.toString());
        m.put(SAMPLE_RATE, Integer.toString(sampleRate));
        return m;
    }

    /** One line for a status bar or the command line, e.g. "layout auto, resize auto, normalize -1..1, rgb". */
    public String describe() {
        return "layout " + layout + ", resize " + resize + ", normalize " + normalization.name() + ", " + channels
            + (sampleRate > 0 ? ", audio at " + sampleRate + " Hz" : "");
    }
}
