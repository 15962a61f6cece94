package org.jacobi.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/** NumPy's NPZ archives (numpy.savez and savez_compressed): a ZIP of NPY files, one per named array. */
public final class Npz {
    private Npz() {
    }

    /** Reads every array, keyed by name (the entry name without ".npy"), in archive order. */
    public static Map<String, Tensor> read(Path file) {
        if (!Files.exists(file)) {
            throw new JacobiException("File not found: " + file + ". Check the path.");
        }
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName().endsWith(".npy")
                    ? entry.getName().substring(0, entry.getName().length() - 4) : entry.getName();
                try (InputStream in = zip.getInputStream(entry)) {
                    arrays.put(name, Npy.read(in, file + ":" + entry.getName()));
                }
            }
        } catch (ZipException e) {
            throw new JacobiException(file + " is not an NPZ archive (not a readable ZIP file). Save arrays with numpy.savez.", e);
        } catch (IOException e) {
            throw new JacobiException("Could not read " + file + ": " + AtomicFiles.describe(e) + ".", e);
        }
        if (arrays.isEmpty()) {
            throw new JacobiException(file + " holds no arrays.");
        }
        return arrays;
    }

    /** Writes named arrays atomically, compressed. */
    public static void write(Path file, Map<String, Tensor> arrays, boolean overwrite) {
        AtomicFiles.write(file, overwrite, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                Npy.write(zip, e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
