package org.jacobi.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.jacobi.io.AtomicFiles;

/**
 * What the app remembers between runs (window size, recent files), as a properties file in the folder named
 * by the system property {@code jacobi.settings.dir} (default {@code ~/.jacobi}).
 */
public final class UiSettings {
    public static final int MAX_RECENT = 10;
    private final Path file;
    private final Properties props = new Properties();

    private UiSettings(Path file) {
        this.file = file;
    }

    public static Path defaultDirectory() {
        String dir = System.getProperty("jacobi.settings.dir");
        return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".jacobi");
    }

    /** Loads the settings; a missing or unreadable file gives defaults (settings are never worth failing for). */
    public static UiSettings load(Path directory) {
        UiSettings s = new UiSettings(directory.resolve("ui.properties"));
        if (Files.isRegularFile(s.file)) {
            try (InputStream in = Files.newInputStream(s.file)) {
                s.props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException | IllegalArgumentException e) {
                s.props.clear();
            }
        }
        return s;
    }

    public double windowWidth() {
        return number("window.width", 1400);
    }

    public double windowHeight() {
        return number("window.height", 900);
    }

    public void setWindowSize(double width, double height) {
        props.setProperty("window.width", Long.toString(Math.round(width)));
        props.setProperty("window.height", Long.toString(Math.round(height)));
    }

    public List<Path> recentFiles() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < MAX_RECENT; i++) {
            String p = props.getProperty("recent." + i);
            if (p != null) {
                try {
                    out.add(Path.of(p));
                } catch (InvalidPathException ignored) {
                    // a path from another system: skip it
                }
            }
        }
        return out;
    }

    public void setRecentFiles(List<Path> files) {
        for (int i = 0; i < MAX_RECENT; i++) {
            props.remove("recent." + i);
        }
        for (int i = 0; i < Math.min(MAX_RECENT, files.size()); i++) {
            props.setProperty("recent." + i, files.get(i).toString());
        }
    }

    /** Writes the settings atomically; failures are ignored because they must not stop the app closing. */
    public void save() {
        try {
            AtomicFiles.write(file, true, out -> props.store(new OutputStreamWriter(out, StandardCharsets.UTF_8), "Jacobi UI settings"));
        } catch (RuntimeException ignored) {
            // a read-only home folder: the app still works, it just forgets
        }
    }

    private double number(String key, double fallback) {
        try {
            double v = Double.parseDouble(props.getProperty(key, ""));
            return v >= 200 && v <= 20000 ? v : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Puts {@code path} first in the recent-files list (the unpacked demo excepted), keeping {@link #MAX_RECENT}. */
    static void addRecent(List<Path> recentFiles, Path path) {
        Path abs = path.toAbsolutePath().normalize();
        if (DemoAssets.isUnpackedDemo(abs)) {
            return; // the unpacked demo is no file the user chose
        }
        recentFiles.remove(abs);
        recentFiles.add(0, abs);
        while (recentFiles.size() > MAX_RECENT) {
            recentFiles.remove(recentFiles.size() - 1);
        }
    }
}
