package org.jacobi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jacobi.core.CancelledException;
import org.jacobi.core.ProgressMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportExportTest {
    /** Records progress as fractions; cancels once {@code cancelAt} reports arrived (never when negative). */
    private static final class Recorder implements ProgressMonitor {
        final List<Double> fractions = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        final int cancelAt;

        Recorder(int cancelAt) {
            this.cancelAt = cancelAt;
        }

        @Override
        public void progress(long done, long total, String message) {
            fractions.add((double) done / total);
            messages.add(message);
        }

        @Override
        public boolean isCancelled() {
            return cancelAt >= 0 && fractions.size() >= cancelAt;
        }
    }

    @Test
    void exportReportsMonotoneProgressAndWritesBothFiles(@TempDir Path dir) {
        Recorder progress = new Recorder(-1);
        Path pdf = dir.resolve("r.pdf");
        Path zip = dir.resolve("r.zip");
        Report report = ReportExport.export(ReportFixtures.source("two_inputs", "x1", null, "two_inputs.jacobian.x1.npy"),
            ReportOptions.defaults(), pdf, false, zip, progress);
        assertTrue(Files.isRegularFile(pdf) && Files.isRegularFile(zip));
        assertEquals(6, report.statistics().inputs());
        for (int i = 1; i < progress.fractions.size(); i++) {
            assertTrue(progress.fractions.get(i) >= progress.fractions.get(i - 1), "progress never goes back: " + progress.fractions);
        }
        assertEquals(1.0, progress.fractions.get(progress.fractions.size() - 1));
        assertTrue(progress.messages.contains("Writing r.pdf"), progress.messages.toString());
    }

    @Test
    void aCancelledExportWritesNothing(@TempDir Path dir) throws Exception {
        Recorder progress = new Recorder(3);
        Path html = dir.resolve("r.html");
        assertThrows(CancelledException.class, () -> ReportExport.export(ReportFixtures.source("mlp_tanh"),
            ReportOptions.defaults(), html, false, null, progress));
        assertFalse(Files.exists(html));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
