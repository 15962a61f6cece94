package org.jacobi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.optim.IterationRecord;
import org.jacobi.optim.OptimizationMethod;
import org.jacobi.optim.TraceCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceRowsTest {
    private static final List<IterationRecord> RECORDS = List.of(
        new IterationRecord(OptimizationMethod.GAUSS_NEWTON, 0, 2.5, Double.NaN, 0.75, 0, Double.NaN, 0, 1e-3, Double.NaN, true, 0.5),
        new IterationRecord(OptimizationMethod.GAUSS_NEWTON, 1, 0.25, 2.25, 0.125, 1.5, 0.9, 0, 1e-3, Double.NaN, false, 3.25),
        new IterationRecord(OptimizationMethod.LBFGS, 0, 2.5, Double.NaN, 0.75, 0, Double.NaN, 0, Double.NaN, Double.NaN, true, 0.125),
        new IterationRecord(OptimizationMethod.LBFGS, 1, 1.0, 1.5, 0.5, 0.5, Double.NaN, 3, Double.NaN, 1.0, true, 2.0));

    @Test
    void theOptimizeTraceCsvReadsBackAsTheRecordsRows(@TempDir Path dir) {
        Path csv = dir.resolve("trace.csv");
        TraceCsv.write(csv, RECORDS, false);
        List<TraceRow> rows = TraceRows.readCsv(csv);
        assertEquals(TraceRows.of(RECORDS), rows);
        assertEquals("Gauss-Newton (LM)", rows.get(1).method());
        assertEquals(false, rows.get(1).accepted());
        assertEquals(3.25, rows.get(1).timeMs(), 1e-9);
    }

    @Test
    void aCsvWithoutTheTraceColumnsIsRejectedWithAHint(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("other.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        JacobiException e = assertThrows(JacobiException.class, () -> TraceRows.readCsv(csv));
        assertTrue(e.getMessage().contains("no column 'method'") && e.getMessage().contains("jacobi optimize --trace"),
            e.getMessage());
    }
}
