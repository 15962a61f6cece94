package org.jacobi.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jacobi.core.BuildInfo;
import org.jacobi.core.Tensor;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.ModelInfo;

/**
 * The raw data behind a report, as a ZIP: {@code jacobian.npy} (float32, the computed layout),
 * {@code inputs/NAME.npy}, {@code ranking.csv} (every input), {@code dgsm.csv} (output x input; with several samples),
 * {@code singular_values.csv}, {@code traces.csv} when there are traces, and {@code metadata.json}.
 */
public final class ReportDataZip {
    private ReportDataZip() {
    }

    public static void write(Report report, Path target, boolean overwrite) {
        AtomicFiles.write(target, overwrite, out -> {
            ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
            JacobianResult jr = report.source().jacobian();
            put(zip, "jacobian.npy", o -> Npy.write(o, jr.jacobian()));
            for (Map.Entry<String, Tensor> e : report.source().inputs().entrySet()) {
                put(zip, "inputs/" + safe(e.getKey()) + ".npy", o -> Npy.write(o, e.getValue()));
            }
            put(zip, "ranking.csv", o -> o.write(rankingCsv(report).getBytes(StandardCharsets.UTF_8)));
            if (RankingSections.global(report.statistics())) {
                put(zip, "dgsm.csv", o -> o.write(dgsmCsv(report).getBytes(StandardCharsets.UTF_8)));
            }
            if (!report.singularValues().isEmpty()) {
                put(zip, "singular_values.csv", o -> o.write(spectraCsv(report).getBytes(StandardCharsets.UTF_8)));
            }
            if (!report.source().traces().isEmpty()) {
                put(zip, "traces.csv", o -> o.write(tracesCsv(report).getBytes(StandardCharsets.UTF_8)));
            }
            put(zip, "metadata.json", o -> o.write((Json.write(metadata(report)) + "\n").getBytes(StandardCharsets.UTF_8)));
            zip.finish();
        });
    }

    private interface EntryWriter {
        void write(OutputStream out) throws IOException;
    }

    private static void put(ZipOutputStream zip, String name, EntryWriter writer) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        writer.write(buf);
        buf.writeTo(zip);
        zip.closeEntry();
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static String rankingCsv(Report report) {
        SensitivityStatistics st = report.statistics();
        JacobianResult jr = report.source().jacobian();
        boolean global = RankingSections.global(st);
        StringBuilder sb = new StringBuilder("rank,input,flat_index,mean_abs_jacobian" + (global ? ",dgsm_overall\n" : "\n"));
        for (int r = 0; r < st.inputs(); r++) {
            int j = st.ranking()[r];
            sb.append(r + 1).append(',').append(csv(report.source().inputName(j))).append(',').append(j).append(',')
                .append(d(st.meanAbs()[j]));
            if (global) {
                sb.append(',').append(d(st.dgsmOverall()[j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String dgsmCsv(Report report) {
        SensitivityStatistics st = report.statistics();
        JacobianResult jr = report.source().jacobian();
        StringBuilder sb = new StringBuilder("output");
        for (int j = 0; j < st.inputs(); j++) {
            sb.append(',').append(csv(report.source().inputName(j)));
        }
        sb.append('\n');
        for (int i = 0; i < st.outputs(); i++) {
            sb.append(csv(report.source().outputName(i)));
            for (int j = 0; j < st.inputs(); j++) {
                sb.append(',').append(d(st.dgsm()[i][j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String spectraCsv(Report report) {
        StringBuilder sb = new StringBuilder("sample,k,singular_value\n");
        for (Map.Entry<Integer, double[]> e : report.singularValues().entrySet()) {
            double[] sv = e.getValue();
            for (int k = 0; k < sv.length; k++) {
                sb.append(e.getKey()).append(',').append(k + 1).append(',').append(d(sv[k])).append('\n');
            }
        }
        return sb.toString();
    }

    static String tracesCsv(Report report) {
        StringBuilder sb = new StringBuilder("method,iteration,cost,grad_norm,step_norm,accepted,time_ms\n");
        for (TraceRow r : report.source().traces()) {
            sb.append(csv(r.method())).append(',').append(r.iteration()).append(',').append(d(r.cost())).append(',')
                .append(d(r.gradNorm())).append(',').append(d(r.stepNorm())).append(',').append(r.accepted())
                .append(',').append(d(r.timeMs())).append('\n');
        }
        return sb.toString();
    }

    private static Map<String, Object> metadata(Report report) {
        ModelInfo info = report.source().model();
        JacobianResult jr = report.source().jacobian();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", report.title());
        m.put("created", report.created().toString());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("file", info.path().toAbsolutePath().toString());
        model.put("format", info.format().displayName());
        model.put("file_bytes", info.fileBytes());
        model.put("sha256", report.modelSha256());
        model.put("operators", info.operatorCounts());
        model.put("parameters", info.parameterCount() >= 0 ? info.parameterCount() : null);
        m.put("model", model);
        Map<String, Object> jac = new LinkedHashMap<>();
        jac.put("wrt", jr.wrt());
        jac.put("of", jr.of());
        if (report.source().target() != null) {
            jac.put("target", report.source().target().descriptions());
            jac.put("target_note", report.source().target().note());
        }
        jac.put("shape", jr.jacobian().shape());
        jac.put("layout", jr.batched() ? "[batch, *output_shape, *input_shape]" : "[*output_shape, *input_shape]");
        jac.put("sample_input_shape", jr.sampleInputShape());
        jac.put("sample_output_shape", jr.sampleOutputShape());
        jac.put("samples", jr.samples());
        jac.put("mode", jr.mode().label());
        jac.put("exact", jr.exact());
        jac.put("backend", jr.backend());
        jac.put("device", jr.device());
        jac.put("seconds", jr.seconds());
        jac.put("warnings", jr.warnings());
        m.put("jacobian", jac);
        m.put("shown_samples", report.shownSamples());
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("jacobi", BuildInfo.version());
        env.put("build", BuildInfo.flavor());
        env.put("onnxruntime", BuildInfo.onnxRuntimeVersion());
        env.put("djl", BuildInfo.djlVersion());
        env.put("libtorch", BuildInfo.libtorchVersion());
        env.put("java", System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("environment", env);
        Map<String, Object> definitions = new LinkedHashMap<>();
        definitions.put("mean_abs_jacobian", "mean over samples and outputs of |dy_i/dx_j|");
        definitions.put("dgsm", "mean over samples of (dy_i/dx_j)^2 per output i and input j");
        definitions.put("dgsm_overall", "sum over outputs of dgsm");
        m.put("definitions", definitions);
        m.put("note", ReportBuilder.LOCAL_STATEMENT);
        return m;
    }

    private static String d(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.9g", v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
