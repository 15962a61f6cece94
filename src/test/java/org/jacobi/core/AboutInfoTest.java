package org.jacobi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AboutInfoTest {

    private static Properties buildProperties() throws Exception {
        Properties props = new Properties();
        try (InputStream in = AboutInfoTest.class.getResourceAsStream("/org/jacobi/build.properties")) {
            props.load(in);
        }
        return props;
    }

    @Test
    void showsTheVersionsTheBuildWasMadeWith() throws Exception {
        Properties built = buildProperties();
        AboutInfo about = AboutInfo.current("CPU");

        assertEquals(List.of("Jacobi", "Java", "JavaFX", "ONNX Runtime", "DJL", "libtorch", "Device", "System", "libtorch cache"),
            about.rows().stream().map(AboutInfo.Row::label).toList());
        assertTrue(about.value("Jacobi").startsWith(built.getProperty("version") + " ("), about.value("Jacobi"));
        assertEquals(built.getProperty("onnxruntime"), about.value("ONNX Runtime"));
        assertEquals(built.getProperty("djl"), about.value("DJL"));
        assertEquals(built.getProperty("libtorch"), about.value("libtorch"));
        assertTrue(about.value("Java").startsWith(System.getProperty("java.version")), about.value("Java"));
        for (AboutInfo.Row row : about.rows()) {
            assertNotEquals("unknown", row.value(), row.label() + " is unknown: the build properties were not filtered");
        }
    }

    @Test
    void deviceSaysWhatRunsAndWhyNotTheGpu() {
        assertEquals("CUDA:0", AboutInfo.deviceText("CUDA:0", "cuda"));
        assertEquals("CPU", AboutInfo.deviceText("CPU", "cpu"));
        assertEquals("CPU (no usable GPU found, or CPU chosen)", AboutInfo.deviceText("CPU", "cuda"));
        assertEquals("CPU (this build has no GPU support)", AboutInfo.deviceText(null, "cpu"));
        assertEquals("no model loaded (a GPU is used when one is present)", AboutInfo.deviceText(null, "cuda"));
    }

    @Test
    void libtorchCacheFollowsDjlSettings() {
        assumeTrue(System.getenv("ENGINE_CACHE_DIR") == null
            && System.getenv("DJL_CACHE_DIR") == null, "the environment sets DJL's cache directory");
        assertEquals(Path.of(System.getProperty("user.home"), ".djl.ai"), AboutInfo.djlCacheDir());
        System.setProperty("DJL_CACHE_DIR", "/tmp/djl-cache");
        try {
            assertEquals(Path.of("/tmp/djl-cache"), AboutInfo.djlCacheDir());
            System.setProperty("ENGINE_CACHE_DIR", "/tmp/engine-cache");
            assertEquals(Path.of("/tmp/engine-cache"), AboutInfo.djlCacheDir());
        } finally {
            System.clearProperty("DJL_CACHE_DIR");
            System.clearProperty("ENGINE_CACHE_DIR");
        }
    }

    @Test
    void textHasOneLinePerRow() {
        AboutInfo about = new AboutInfo(List.of(new AboutInfo.Row("Jacobi", "1.2.3"), new AboutInfo.Row("Device", "CPU")));
        assertEquals("Jacobi: 1.2.3" + System.lineSeparator() + "Device: CPU" + System.lineSeparator(), about.asText());
    }
}
