package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import org.jacobi.analysis.SampleGenerator;
import org.jacobi.analysis.SampleInputs;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jacobi.io.Json;
import org.jacobi.jacobian.BatchAxis;
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

    @Option(names = "--values", description = "Also list the values inside the graph (ONNX), with their shapes from one forward run: "
        + "names for --wrt and --of.")
    boolean values;

    @Option(names = {"-i", "--input"}, paramLabel = "[NAME=]FILE",
        description = "--values: the inputs of the forward run (default: one sample of random normal values, integer inputs zero).")
    List<String> inputs;

    @Mixin
    InputFileOptions inputFiles;

    @Mixin
    BatchAxisOption batchAxis;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = modelOptions.load(modelPath)) {
            ModelInfo info = model.info();
            String precision = model.precisionNote();
            Map<String, Tensor> shown = values ? valueShapes(model) : Map.of();
            Map<String, Integer> axes = batchAxis.rule().axesOf(info);
            if (json) {
                Map<String, Object> m = toJson(info, axes);
                if (precision != null) {
                    m.put("precision", precision);
                }
                if (values) {
                    List<Map<String, Object>> list = new ArrayList<>();
                    shown.forEach((name, t) -> list.add(Map.of("name", name, "type", t.type().toString(), "shape", t.shape())));
                    m.put("values", list);
                }
                out.println(Json.write(m));
            } else {
                StringBuilder text = new StringBuilder(toText(info, axes));
                if (precision != null) {
                    text.append(System.lineSeparator());
                    row(text, "Precision", precision);
                }
                if (values) {
                    text.append(System.lineSeparator()).append("Values (shapes of this run; axis 0 follows the batch):")
                        .append(System.lineSeparator());
                    shown.forEach((name, t) -> text.append("  ").append(name).append("  ").append(t.type()).append(' ')
                        .append(Tensor.shapeToString(t.shape())).append(System.lineSeparator()));
                }
                out.println(text.toString().stripTrailing());
            }
        }
        return 0;
    }

    /** Every value inside the graph, from one forward run at the given inputs or one generated sample. */
    private Map<String, Tensor> valueShapes(Model model) {
        List<String> names = model.intermediateValues();
        if (names.isEmpty()) {
            throw JacobiException.usage("--values lists the values inside an ONNX graph; " + model.info().fileName() + " exposes none.");
        }
        Map<String, Tensor> given = inputs == null
            ? SampleInputs.generate(model.info(), 1, SampleGenerator.Kind.NORMAL, 0)
            : inputFiles.bind(model, inputs, null);
        Map<String, Tensor> all = model.run(given, new LinkedHashSet<>(names));
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        names.stream().filter(all::containsKey).forEach(n -> ordered.put(n, all.get(n)));
        return ordered;
    }

    /** @param batchAxes each input's batch axis ({@link BatchAxis#axesOf}) */
    static Map<String, Object> toJson(ModelInfo info, Map<String, Integer> batchAxes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", info.path().toString());
        m.put("format", info.format().displayName());
        m.put("file_bytes", info.fileBytes());
        m.put("inputs", info.inputs().stream().map(s -> {
            Map<String, Object> spec = specJson(s);
            int axis = batchAxes.getOrDefault(s.name(), BatchAxis.NO_AXIS);
            spec.put("batch_axis", axis == BatchAxis.NO_AXIS ? null : axis);
            return spec;
        }).toList());
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

    static String toText(ModelInfo info, Map<String, Integer> batchAxes) {
        StringBuilder sb = new StringBuilder();
        row(sb, "Model", info.fileName() + " (" + info.format().displayName() + ", " + humanBytes(info.fileBytes()) + ")");
        if (info.format() == ModelFormat.ONNX) {
            if (!info.producer().isEmpty()) {
                row(sb, "Producer", info.producer());
            }
            row(sb, "IR version", info.irVersion() + "; opsets " + info.opsets().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        specs(sb, "Inputs", info.inputs(), batchAxes);
        specs(sb, "Outputs", info.outputs(), Map.of());
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

    /** One row a tensor; inputs also say their batch axis (--batch-axis NAME=AXIS changes it). */
    private static void specs(StringBuilder sb, String label, List<TensorSpec> specs, Map<String, Integer> batchAxes) {
        int width = specs.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec s = specs.get(i);
            Integer axis = batchAxes.get(s.name());
            String batch = axis == null ? "" : axis == BatchAxis.NO_AXIS ? "  (no batch axis)" : "  (batch axis " + axis + ")";
            row(sb, i == 0 ? label : "", String.format(Locale.ROOT, "%-" + width + "s  %s %s%s", s.name(), s.typeName(), s.shapeText(),
                batch));
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
