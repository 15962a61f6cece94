/**
 * Jacobian statistics and global sensitivity studies as Spark jobs: samples generated on the executors or read
 * from Parquet and NPY, one ONNX Runtime session per partition, results merged from float64 sufficient statistics,
 * per-sample shards written whole or not at all. Built only by the spark profile (src/spark); may use Spark, Hadoop,
 * Parquet, ONNX Runtime and the logic packages, and no main-build class may depend on it except by name.
 */
package org.jacobi.spark;
