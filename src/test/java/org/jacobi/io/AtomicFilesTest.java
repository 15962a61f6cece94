package org.jacobi.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written atomically get the permissions any new file of the user gets, not a private 0600. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void newFilesFollowTheUmaskAndReplacedFilesKeepTheirPermissions() throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "POSIX permissions");
        Path plain = dir.resolve("plain.txt");
        try (OutputStream out = Files.newOutputStream(plain)) {
            out.write(1); // created with 0666 less the umask
        }
        Path report = dir.resolve("report.html");
        AtomicFiles.write(report, false, out -> out.write("<p>ok</p>".getBytes()));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(report));
        assertTrue(Files.getPosixFilePermissions(report).contains(PosixFilePermission.OWNER_READ));

        Set<PosixFilePermission> chosen = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(report, chosen);
        AtomicFiles.write(report, true, out -> out.write("<p>again</p>".getBytes()));
        assertEquals(chosen, Files.getPosixFilePermissions(report));
        assertEquals("<p>again</p>", Files.readString(report));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }
}
