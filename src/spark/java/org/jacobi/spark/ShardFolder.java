package org.jacobi.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jacobi.core.JacobiException;

/**
 * The output folder of per-sample shards, on any file system Hadoop writes. Executors write into a hidden
 * partial folder beside it; only a job that succeeds renames it to the name asked for, so a failed job leaves
 * no partial result under that name.
 */
final class ShardFolder {
    static final String MANIFEST = "_manifest.json";
    private final FileSystem fs;
    private final Path target;
    private final Path partial;
    private final boolean overwrite;

    private ShardFolder(FileSystem fs, Path target, Path partial, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.partial = partial;
        this.overwrite = overwrite;
    }

    static ShardFolder prepare(Configuration conf, String location, String runId, boolean overwrite) {
        try {
            Path target = new Path(location);
            FileSystem fs = JacobianShards.fileSystem(target, conf);
            target = fs.makeQualified(target);
            if (fs.exists(target) && !overwrite) {
                throw JacobiException.usage(location + " already exists. Choose another name, or pass --force to replace it.");
            }
            Path partial = new Path(target.getParent(), "." + target.getName() + ".partial-" + runId);
            fs.delete(partial, true);
            if (!fs.mkdirs(partial)) {
                throw new JacobiException("Could not create " + partial + ". Check that the folder is writable.");
            }
            return new ShardFolder(fs, target, partial, overwrite);
        } catch (IOException e) {
            throw new JacobiException("Could not prepare " + location + ": " + e.getMessage() + ".", e);
        }
    }

    /** Where executors write (a fully qualified URI string). */
    String partialLocation() {
        return partial.toString();
    }

    String location() {
        return target.toString();
    }

    /**
     * Removes what the shards listed do not account for (temporary files of attempts killed while writing), writes
     * the manifest and moves the folder into place.
     */
    void commit(String manifestJson, List<JacobianShards.Shard> shards) {
        try {
            Set<String> keep = new HashSet<>();
            for (JacobianShards.Shard s : shards) {
                keep.add(s.file());
                keep.add("." + s.file() + ".crc");
            }
            for (FileStatus f : fs.listStatus(partial)) {
                if (!keep.contains(f.getPath().getName())) {
                    fs.delete(f.getPath(), true);
                }
            }
            try (OutputStream out = fs.create(new Path(partial, MANIFEST), true)) {
                out.write(manifestJson.getBytes(StandardCharsets.UTF_8));
            }
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw JacobiException.usage(target + " appeared while the job ran; the result stays in " + partial + ".");
                }
                fs.delete(target, true);
            }
            if (!fs.rename(partial, target)) {
                throw new JacobiException("Could not rename " + partial + " to " + target + ".");
            }
        } catch (IOException e) {
            throw new JacobiException("Could not finish " + target + ": " + e.getMessage() + ".", e);
        }
    }

    /** Removes the partial folder (after a failure). */
    void abort() {
        try {
            fs.delete(partial, true);
        } catch (IOException e) {
            // best effort: the partial folder's name says what it is
        }
    }
}
