package org.jacobi.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jacobi.core.BuildInfo;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * The report's record of where its numbers come from: the model file (with its SHA-256), the environment it ran in,
 * and how the Jacobian was computed.
 */
final class ProvenanceSections {
    private ProvenanceSections() {
    }

    static Section model(ModelInfo info, String sha) {
        List<Block> b = new ArrayList<>();
        List<List<String>> kv = new ArrayList<>();
        kv.add(List.of("File", info.fileName()));
        kv.add(List.of("Path", info.path().toAbsolutePath().toString()));
        kv.add(List.of("Format", info.format().displayName()));
        kv.add(List.of("Size", String.format(Locale.ROOT, "%,d bytes", info.fileBytes())));
        kv.add(List.of("SHA-256", sha == null ? "unavailable (the file could not be read)" : sha));
        if (info.format() == ModelFormat.ONNX) {
            if (info.producer() != null && !info.producer().isEmpty()) {
                kv.add(List.of("Producer", info.producer()));
            }
            kv.add(List.of("IR version", Long.toString(info.irVersion())));
            kv.add(List.of("Opsets", info.opsets().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .reduce((x, y) -> x + ", " + y).orElse("none")));
        }
        kv.add(List.of("Parameters", info.parameterCount() >= 0
            ? String.format(Locale.ROOT, "%,d", info.parameterCount()) : "unknown"));
        b.add(Block.Table.keyValues("", kv));
        b.add(new Block.Table("Inputs", List.of("Name", "Type", "Shape"),
            info.inputs().stream().map(ProvenanceSections::specRow).toList(), new boolean[3]));
        b.add(new Block.Table("Outputs", List.of("Name", "Type", "Shape"),
            info.outputs().stream().map(ProvenanceSections::specRow).toList(), new boolean[3]));
        if (info.operatorCounts().isEmpty()) {
            b.add(new Block.Paragraph("Operators: not listed (" + (info.format() == ModelFormat.ONNX
                ? "the graph has no nodes" : "TorchScript files carry no operator table Jacobi reads") + ")."));
        } else {
            List<List<String>> ops = info.operatorCounts().entrySet().stream()
                .map(e -> List.of(e.getKey(), Integer.toString(e.getValue()))).toList();
            b.add(new Block.Table("Operators (" + info.nodeCount() + " nodes)", List.of("Operator", "Nodes"), ops,
                new boolean[] {false, true}));
        }
        return new Section("model", "Model", b);
    }

    private static List<String> specRow(TensorSpec s) {
        return List.of(s.name(), s.typeName(), s.shapeText());
    }

    static Section environment(ReportSource source, Instant created) {
        JacobianResult jr = source.jacobian();
        List<List<String>> kv = new ArrayList<>();
        kv.add(List.of("Device", jr.device() + (source.modelDevice() != null && !source.modelDevice().equals(jr.device())
            ? " (model forward pass: " + source.modelDevice() + ")" : "")));
        kv.add(List.of("Backend", jr.backend()));
        kv.add(List.of("Jacobi", BuildInfo.version() + " (" + BuildInfo.flavor() + " build)"));
        kv.add(List.of("ONNX Runtime", BuildInfo.onnxRuntimeVersion()));
        kv.add(List.of("DJL / libtorch", BuildInfo.djlVersion() + " / " + BuildInfo.libtorchVersion()));
        kv.add(List.of("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"));
        kv.add(List.of("Operating system", System.getProperty("os.name") + " " + System.getProperty("os.version")
            + " (" + System.getProperty("os.arch") + ")"));
        kv.add(List.of("Processors", Integer.toString(Runtime.getRuntime().availableProcessors())));
        kv.add(List.of("Generated", DateTimeFormatter.ISO_INSTANT.format(created.atOffset(ZoneOffset.UTC).toInstant()
            .truncatedTo(ChronoUnit.SECONDS))));
        return new Section("environment", "Environment", List.of(Block.Table.keyValues("", kv)));
    }

    static Section method(ReportSource source, List<Integer> shown) {
        JacobianResult jr = source.jacobian();
        List<List<String>> kv = new ArrayList<>();
        kv.add(List.of("Derivative", "d " + jr.of() + " / d " + jr.wrt()));
        if (source.target() != null) {
            kv.add(List.of("Target", source.target().describe()));
        }
        kv.add(List.of("Mode", jr.mode().label()));
        kv.add(List.of("Exact", jr.exact() ? "yes (automatic differentiation)" : "no (finite differences: approximate)"));
        kv.add(List.of("Samples", jr.batched() ? jr.samples() + " (axis 0 of " + jr.wrt() + ")" : "1 (no batch axis)"));
        kv.add(List.of("Per-sample input shape", IndexLabels.shape(jr.sampleInputShape())));
        kv.add(List.of("Per-sample output shape", IndexLabels.shape(jr.sampleOutputShape())));
        kv.add(List.of("Jacobian shape", IndexLabels.shape(jr.jacobian().shape()) + ", float32"));
        kv.add(List.of("Chunks", Integer.toString(jr.chunks())));
        kv.add(List.of("Time", String.format(Locale.ROOT, "%.3f s (%.1f samples/s)", jr.seconds(), jr.samplesPerSecond())));
        kv.add(List.of("Samples with figures", shown.toString()));
        List<Block> b = new ArrayList<>();
        b.add(Block.Table.keyValues("", kv));
        if (!jr.warnings().isEmpty()) {
            b.add(new Block.Paragraph("Warnings: " + String.join(" ", jr.warnings())));
        }
        return new Section("method", "Method", b);
    }

    /** Hex SHA-256 of the file, or null when it cannot be read. */
    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }
}
