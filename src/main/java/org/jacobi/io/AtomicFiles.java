package org.jacobi.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;
import org.jacobi.core.JacobiException;

/**
 * Writes a file so that readers see either the old file or the complete new one, never half of it:
 * the content goes to a temporary file beside the target, which is then moved over it. The temporary file is
 * created as any new file is (mode 0666 less the user's umask), not with {@code Files.createTempFile}'s private
 * 0600, so a report or an array written here can be read by whoever may read the user's other files; a file
 * replaced keeps its own permissions.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Something that writes the whole content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically.
     *
     * @param overwrite when false an existing target is an error and is left untouched
     */
    public static void write(Path target, boolean overwrite, Writer writer) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (!overwrite && Files.exists(absolute)) {
            throw JacobiException.usage(target + " already exists. Choose another name, or pass --force to replace it.");
        }
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = dir.resolve("." + absolute.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".partial");
            try (OutputStream out = new BufferedOutputStream(
                Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                writer.write(out);
            }
            keepPermissions(absolute, temp);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new JacobiException("Could not write " + target + ": " + describe(e)
                + ". Check that the folder exists, is writable and has free space.", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a stray .partial file is harmless
                }
            }
        }
    }

    /** Gives {@code temp} the permissions of the file it replaces, where the file system has POSIX permissions. */
    private static void keepPermissions(Path existing, Path temp) throws IOException {
        if (Files.exists(existing) && Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(existing));
        }
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
