package org.jacobi.spark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;

/**
 * Writes per-sample Jacobians as shards from the executors: NPY {@code [rows, *out, *in]} float32 files, or
 * Parquet files with columns {@code index} (the sample's index), {@code output} and {@code jacobian} (row-major
 * {@code [n_out * n_in]}). A shard is named after its first sample, so a retried task rewrites the same file.
 */
public final class JacobianShards {
    public enum Format {
        NPY("npy"), PARQUET("parquet");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }

        public static Format parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "npy" -> NPY;
                case "parquet" -> PARQUET;
                default -> throw JacobiException.usage("Unknown shard format '" + s + "': use npy or parquet.");
            };
        }
    }

    /** One written shard: its file name (inside the output folder), first sample index and sample count. */
    public record Shard(String file, long first, int count) implements Serializable {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file);
            m.put("first_sample", first);
            m.put("samples", count);
            return m;
        }
    }

    private JacobianShards() {
    }

    /**
     * Writes one shard under a hidden temporary name and then renames it, so the folder never holds part of a
     * shard: an attempt killed while writing leaves only its temporary file, which the driver removes at commit.
     */
    static Shard write(String folder, Format format, long first, int count, float[] y, float[] jac, long[] sampleOut,
                       long[] sampleIn) throws IOException {
        String name = String.format(Locale.ROOT, "part-%012d.%s", first, format.extension());
        Path path = new Path(folder, name);
        Path temporary = new Path(folder, "." + name + ".attempt-" + UUID.randomUUID());
        Configuration conf = new Configuration();
        FileSystem fs;
        if (format == Format.NPY) {
            fs = fileSystem(path, conf);
            long[] shape = concat(new long[] {count}, sampleOut, sampleIn);
            try (OutputStream out = new BufferedOutputStream(fs.create(temporary, true), 1 << 16)) {
                Npy.write(out, Tensor.ofFloats(jac, shape));
            }
        } else {
            // Parquet's writer goes through Hadoop's checksummed file system; renaming there moves the .crc too.
            fs = path.getFileSystem(conf);
            writeParquet(temporary, conf, first, count, y, jac, (int) Tensor.elementCount(sampleOut),
                (int) Tensor.elementCount(sampleIn));
        }
        if (!fs.rename(temporary, path)) {
            // Another attempt of the same task got there first: its shard holds the same samples.
            if (!fs.exists(path)) {
                throw new IOException("Could not rename " + temporary + " to " + path);
            }
            fs.delete(temporary, false);
        }
        return new Shard(name, first, count);
    }

    /** The file system of {@code path}; on local disk without Hadoop's .crc side files. */
    static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
        "message jacobians { required int64 index; repeated float output; repeated float jacobian; }");

    private static void writeParquet(Path path, Configuration conf, long first, int count, float[] y, float[] jac,
                                     int nOut, int nIn) throws IOException {
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(path).withConf(conf).withType(SCHEMA)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            int per = nOut * nIn;
            for (int s = 0; s < count; s++) {
                Group g = groups.newGroup().append("index", first + s);
                for (int o = 0; o < nOut; o++) {
                    g.add("output", y[s * nOut + o]);
                }
                for (int i = 0; i < per; i++) {
                    g.add("jacobian", jac[s * per + i]);
                }
                writer.write(g);
            }
        }
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }
}
