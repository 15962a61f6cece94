package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jacobi.io.Json;
import org.jacobi.model.Model;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jacobi info MODEL}: what a model takes and returns, and what it is made of. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Describe a model: inputs, outputs, shapes, operators and parameters.")
public final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) or TorchScript (.pt) file.")
    Path modelPath;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--json", description = "Print JSON for programs instead of text for people.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = modelOptions.load(modelPath)) {
            ModelInfo info = model.info();
            String precision = model.precisionNote();
            if (json) {
                Map<String, Object> m = toJson(info);
                if (precision != null) {
                    m.put("precision", precision);
                }
                out.println(Json.write(m));
            } else {
                StringBuilder text = new StringBuilder(toText(info));
                if (precision != null) {
                    text.append(System.lineSeparator());
                    row(text, "Precision", precision);
                }
                out.println(text.toString().stripTrailing());
            }
        }
        return 0;
    }

    static Map<String, Object> toJson(ModelInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", info.path().toString());
        m.put("format", info.format().displayName());
        m.put("file_bytes", info.fileBytes());
        m.put("inputs", info.inputs().stream().map(InfoCommand::specJson).toList());
        m.put("outputs", info.outputs().stream().map(InfoCommand::specJson).toList());
        m.put("shape_source", info.shapeSource());
        if (info.format() == ModelFormat.ONNX) {
            m.put("ir_version", info.irVersion());
            m.put("opsets", info.opsets());
            m.put("producer", info.producer());
            m.put("node_count", info.nodeCount());
            m.put("subgraph_node_count", info.subgraphNodeCount());
            m.put("operators", info.operatorCounts());
        }
        m.put("parameters", info.parameterCount() >= 0 ? info.parameterCount() : null);
        return m;
    }

    private static Map<String, Object> specJson(TensorSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("type", s.typeName());
        m.put("shape", s.dims() == null ? null
            : s.dims().stream().map(d -> d.isFixed() ? (Object) d.size() : d.symbol()).toList());
        return m;
    }

    static String toText(ModelInfo info) {
        StringBuilder sb = new StringBuilder();
        row(sb, "Model", info.fileName() + " (" + info.format().displayName() + ", " + humanBytes(info.fileBytes()) + ")");
        if (info.format() == ModelFormat.ONNX) {
            if (!info.producer().isEmpty()) {
                row(sb, "Producer", info.producer());
            }
            row(sb, "IR version", info.irVersion() + "; opsets " + info.opsets().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        specs(sb, "Inputs", info.inputs());
        specs(sb, "Outputs", info.outputs());
        if (!"model".equals(info.shapeSource())) {
            row(sb, "Shapes", "unknown".equals(info.shapeSource())
                ? "unknown: TorchScript files declare no shapes. Give --shape NAME=D1,D2,... or --input FILE."
                : "from " + info.shapeSource());
        }
        if (info.format() == ModelFormat.ONNX) {
            String inSubgraphs = info.subgraphNodeCount() == 0 ? ""
                : " (" + info.subgraphNodeCount() + " inside If/Loop/Scan subgraphs)";
            row(sb, "Operators", info.nodeCount() + " nodes" + inSubgraphs + ": " + info.operatorCounts().entrySet().stream()
                .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", ")));
        }
        row(sb, "Parameters", info.parameterCount() >= 0 ? String.format(Locale.ROOT, "%,d", info.parameterCount()) : "unknown");
        return sb.toString().stripTrailing();
    }

    private static void specs(StringBuilder sb, String label, List<TensorSpec> specs) {
        int width = specs.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec s = specs.get(i);
            row(sb, i == 0 ? label : "", String.format(Locale.ROOT, "%-" + width + "s  %s %s", s.name(), s.typeName(), s.shapeText()));
        }
    }

    private static void row(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "%-11s %s%n", label, value));
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }
}
