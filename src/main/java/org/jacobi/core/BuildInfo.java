package org.jacobi.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions baked in at build time (from build.properties, filled in by Maven). */
public final class BuildInfo {
    private static final Properties PROPS = new Properties();

    static {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/org/jacobi/build.properties")) {
            if (in != null) {
                PROPS.load(in);
            }
        } catch (IOException ignored) {
            // versions then read "unknown"
        }
    }

    private BuildInfo() {
    }

    private static String get(String key) {
        return PROPS.getProperty(key, "unknown");
    }

    public static String version() {
        return get("version");
    }

    /** "cpu" or "cuda": which native libraries this build bundles. */
    public static String flavor() {
        return get("flavor");
    }

    public static String javafxVersion() {
        return get("javafx");
    }

    public static String onnxRuntimeVersion() {
        return get("onnxruntime");
    }

    public static String djlVersion() {
        return get("djl");
    }

    public static String libtorchVersion() {
        return get("libtorch");
    }
}
