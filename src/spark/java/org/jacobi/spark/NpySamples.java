package org.jacobi.spark;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;

/**
 * Samples from NPY files {@code [rows, *sample shape]} (a file, a folder of {@code .npy} files, or a glob, on any
 * file system Hadoop reads). Files are taken in name order; sample indices run on from file to file. The driver
 * reads only the headers; each executor reads its own files.
 */
public final class NpySamples implements SampleSource {
    private static final long serialVersionUID = 1L;
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private final String location;

    public NpySamples(String location) {
        this.location = location;
    }

    /** One file, its first sample index and its row count. */
    record Part(String path, long first, long rows) implements Serializable {
    }

    List<Part> parts(SparkSession spark, int elements) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Part> parts = new ArrayList<>();
        try {
            Path p = new Path(location);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] found = fs.globStatus(p);
            List<Path> files = new ArrayList<>();
            if (found != null) {
                for (FileStatus s : found) {
                    if (s.isDirectory()) {
                        for (FileStatus c : fs.listStatus(s.getPath())) {
                            if (c.isFile() && c.getPath().getName().endsWith(".npy")) {
                                files.add(c.getPath());
                            }
                        }
                    } else {
                        files.add(s.getPath());
                    }
                }
            }
            files.sort(Comparator.comparing(Path::toString));
            if (files.isEmpty()) {
                throw JacobiException.usage("No NPY file found at " + location + ". Give a .npy file, a folder of them or a glob.");
            }
            long first = 0;
            for (Path f : files) {
                long[] shape;
                try (InputStream in = fs.open(f)) {
                    shape = headerShape(in, f.toString());
                }
                long perRow = shape.length == 0 ? 1 : Tensor.elementCount(Arrays.copyOfRange(shape, 1, shape.length));
                if (shape.length < 1 || perRow != elements) {
                    throw JacobiException.usage(f + " holds samples of shape " + Tensor.shapeToString(shape.length < 1 ? shape
                        : Arrays.copyOfRange(shape, 1, shape.length)) + " (" + perRow + " values); the model takes " + elements
                        + " values per sample.");
                }
                parts.add(new Part(f.toString(), first, shape[0]));
                first += shape[0];
            }
        } catch (IOException e) {
            throw new JacobiException("Could not read " + location + ": " + e.getMessage() + ".", e);
        }
        return parts;
    }

    static long[] headerShape(InputStream raw, String source) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] magic = new byte[8];
        in.readFully(magic);
        if ((magic[0] & 0xff) != 0x93 || magic[1] != 'N') {
            throw JacobiException.usage(source + " is not an NPY file.");
        }
        int len = magic[6] == 1 ? Short.toUnsignedInt(Short.reverseBytes(in.readShort())) : Integer.reverseBytes(in.readInt());
        byte[] header = new byte[len];
        in.readFully(header);
        Matcher m = SHAPE.matcher(new String(header, StandardCharsets.ISO_8859_1));
        if (!m.find()) {
            throw JacobiException.usage(source + " has an NPY header without a shape.");
        }
        return Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
    }

    @Override
    public JavaRDD<SampleBlock> blocks(SparkSession spark, int elements, int partitions) {
        List<Part> parts = parts(spark, elements);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return jsc.parallelize(parts, Math.max(1, Math.min(Math.max(partitions, 1), parts.size())))
            .flatMap(part -> read(part, elements).iterator());
    }

    private static List<SampleBlock> read(Part part, int elements) throws IOException {
        Path p = new Path(part.path());
        Tensor t;
        try (InputStream in = p.getFileSystem(new Configuration()).open(p)) {
            t = Npy.read(in, part.path());
        }
        float[] all = t.toFloatArray();
        List<SampleBlock> blocks = new ArrayList<>();
        for (long s = 0; s < part.rows(); s += GeneratedSamples.BLOCK) {
            int n = (int) Math.min(GeneratedSamples.BLOCK, part.rows() - s);
            blocks.add(new SampleBlock(part.first() + s, n, elements,
                Arrays.copyOfRange(all, (int) s * elements, (int) (s + n) * elements)));
        }
        return blocks;
    }

    @Override
    public float[] firstRows(SparkSession spark, int elements, int n) {
        Part first = parts(spark, elements).get(0);
        try {
            List<SampleBlock> blocks = read(first, elements);
            float[] rows = blocks.get(0).rows();
            return Arrays.copyOf(rows, Math.min(rows.length, n * elements));
        } catch (IOException e) {
            throw new JacobiException("Could not read " + first.path() + ": " + e.getMessage() + ".", e);
        }
    }

    @Override
    public String describe() {
        return "NPY " + location;
    }
}
