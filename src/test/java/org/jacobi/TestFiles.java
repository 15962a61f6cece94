package org.jacobi;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of test resources. */
public final class TestFiles {
    private TestFiles() {
    }

    public static Path resource(String name) {
        try {
            var url = TestFiles.class.getResource("/" + name);
            if (url == null) {
                throw new IllegalArgumentException("missing test resource " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path fixture(String name) {
        return resource("fixtures/" + name);
    }
}
