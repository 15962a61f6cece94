package org.jacobi.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.jacobi.core.JacobiException;
import scala.Tuple2;

/**
 * Samples from a Parquet table (a file, a folder or a glob that Spark reads): one numeric column per input
 * element, in table order, or one fixed-length numeric array column. Sample i is the table's row i (Spark's
 * zipWithIndex order: partition by partition, row by row).
 */
public final class ParquetSamples implements SampleSource {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String column;

    /** {@code column}: the array column to read, or null to read every numeric column (or the only array column). */
    public ParquetSamples(String path, String column) {
        this.path = path;
        this.column = column;
    }

    private Dataset<Row> table(SparkSession spark, int elements) {
        Dataset<Row> df;
        try {
            df = spark.read().parquet(path);
        } catch (RuntimeException e) {
            throw new JacobiException("Could not read the Parquet table " + path + ": " + firstLine(e.getMessage())
                + ". Give a Parquet file or a folder of them.", e);
        }
        List<String> numeric = new ArrayList<>();
        List<String> arrays = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            DataType t = f.dataType();
            if (t instanceof NumericType) {
                numeric.add(f.name());
            } else if (t instanceof ArrayType at && at.elementType() instanceof NumericType) {
                arrays.add(f.name());
            }
        }
        if (column != null) {
            if (!arrays.contains(column) && !(numeric.contains(column) && elements == 1)) {
                throw JacobiException.usage("The table " + path + " has no array column '" + column + "'; its columns are "
                    + String.join(", ", df.columns()) + ".");
            }
            return df.select(column);
        }
        if (arrays.size() == 1 && numeric.isEmpty()) {
            return df.select(arrays.get(0));
        }
        if (arrays.isEmpty() && numeric.size() == elements) {
            return df.select(numeric.stream().map(functions::col).toArray(Column[]::new));
        }
        throw JacobiException.usage("The table " + path + " has " + numeric.size() + " numeric and " + arrays.size()
            + " array columns, but the model takes " + elements + " values per sample: give one numeric column per input "
            + "element or one array column of length " + elements + " (choose it with --column).");
    }

    @Override
    public JavaRDD<SampleBlock> blocks(SparkSession spark, int elements, int partitions) {
        Dataset<Row> df = table(spark, elements);
        String source = path;
        boolean array = isArray(df);
        // The table's own partitioning: repartitioning would reorder the rows, and with them the sample indices.
        return df.javaRDD().zipWithIndex().mapPartitions(it -> toBlocks(it, elements, array, source));
    }

    private static Iterator<SampleBlock> toBlocks(Iterator<Tuple2<Row, Long>> it, int elements, boolean array, String source) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public SampleBlock next() {
                float[] buf = new float[GeneratedSamples.BLOCK * elements];
                long first = -1;
                int n = 0;
                while (n < GeneratedSamples.BLOCK && it.hasNext()) {
                    Tuple2<Row, Long> t = it.next();
                    if (first < 0) {
                        first = t._2();
                    }
                    read(t._1(), array, buf, n * elements, elements, source, t._2());
                    n++;
                }
                return new SampleBlock(first, n, elements, n == GeneratedSamples.BLOCK ? buf : Arrays.copyOf(buf, n * elements));
            }
        };
    }

    private static boolean isArray(Dataset<Row> df) {
        return df.schema().fields()[0].dataType() instanceof ArrayType;
    }

    private static void read(Row row, boolean array, float[] into, int at, int elements, String source, long index) {
        if (array) {
            List<Object> values = row.getList(0);
            if (values == null || values.size() != elements) {
                throw JacobiException.usage("Row " + index + " of " + source + " holds " + (values == null ? 0 : values.size())
                    + " values; the model takes " + elements + " per sample.");
            }
            for (int i = 0; i < elements; i++) {
                into[at + i] = number(values.get(i), source, index);
            }
        } else {
            for (int i = 0; i < elements; i++) {
                into[at + i] = number(row.get(i), source, index);
            }
        }
    }

    private static float number(Object v, String source, long index) {
        if (v == null) {
            throw JacobiException.usage("Row " + index + " of " + source + " has an empty (null) value.");
        }
        return ((Number) v).floatValue();
    }

    @Override
    public float[] firstRows(SparkSession spark, int elements, int n) {
        Dataset<Row> df = table(spark, elements);
        boolean array = isArray(df);
        List<Row> rows = df.limit(n).collectAsList();
        if (rows.isEmpty()) {
            throw JacobiException.usage("The table " + path + " has no rows.");
        }
        float[] out = new float[rows.size() * elements];
        for (int i = 0; i < rows.size(); i++) {
            read(rows.get(i), array, out, i * elements, elements, path, i);
        }
        return out;
    }

    @Override
    public String describe() {
        return "Parquet " + path + (column == null ? "" : " column " + column);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String line = s.strip().split("\\R", 2)[0];
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
