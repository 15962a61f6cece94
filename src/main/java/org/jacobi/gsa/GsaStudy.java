package org.jacobi.gsa;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.JacobiException;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.JsonParser;

/**
 * What a global sensitivity study asks, before it meets a model: which input varies ({@code wrt}), which output is
 * watched ({@code of}, null for the model's first), each element's distribution in the compact text form of
 * {@link DistributionSpec}, the methods, the base sample count N, the design and the seed. Immutable; saved and loaded
 * as JSON. {@link StudyPlan#resolve} checks it against a model.
 *
 * @param model the model file, as the user named it (informative; may be null)
 * @param wrt the input to vary, or null for the first floating-point input
 * @param of the output to analyse, or null for the first output
 * @param distributions specs such as {@code uniform:0,1} or {@code 3=normal:0,0.1}, applied in order
 * @param methods what to compute
 * @param samples N: Sobol' uses N base rows (N (d + 2) model runs), DGSM N Jacobians
 * @param design how base rows fill the unit cube
 * @param seed reproduces every number of the study
 * @param bootstrap bootstrap replicates for the Sobol' confidence intervals
 * @param trajectories Morris trajectories (each d + 1 model runs); 0 for min(N, 100)
 * @param reference a file holding the reference sample (for {@code around}, {@code fixed} and the model's other
 *     inputs), or null
 * @param referenceSample which row of the reference file
 */
public record GsaStudy(String model, String wrt, String of, List<String> distributions, Set<GsaMethod> methods,
                       int samples, DesignKind design, long seed, int bootstrap, int trajectories, String reference,
                       int referenceSample) implements Serializable {
    public static final int DEFAULT_BOOTSTRAP = 100;
    public static final int FORMAT_VERSION = 1;

    public GsaStudy {
        distributions = List.copyOf(distributions);
        methods = methods.isEmpty() ? EnumSet.noneOf(GsaMethod.class) : EnumSet.copyOf(methods);
        if (samples < 1) {
            throw JacobiException.usage("The sample count must be a positive whole number, not " + samples + ".");
        }
        if (methods.isEmpty()) {
            throw JacobiException.usage("Name at least one method: sobol, dgsm or morris.");
        }
        if (bootstrap < 0 || bootstrap > 10_000) {
            throw JacobiException.usage("The bootstrap count must be between 0 and 10000, not " + bootstrap + ".");
        }
        if (trajectories < 0) {
            throw JacobiException.usage("The trajectory count must be positive, not " + trajectories + ".");
        }
        if (referenceSample < 0) {
            throw JacobiException.usage("The reference sample index must be 0 or more, not " + referenceSample + ".");
        }
    }

    /** A study with the defaults: Sobol' design, seed 0, 100 bootstrap replicates, no reference sample. */
    public static GsaStudy of(String wrt, String of, List<String> distributions, Set<GsaMethod> methods, int samples) {
        return new GsaStudy(null, wrt, of, distributions, methods, samples, DesignKind.SOBOL, 0, DEFAULT_BOOTSTRAP, 0,
            null, 0);
    }

    /** Morris trajectories actually used. */
    public int morrisTrajectories() {
        return trajectories > 0 ? trajectories : Math.min(samples, 100);
    }

    public GsaStudy withDesign(DesignKind newDesign, long newSeed) {
        return new GsaStudy(model, wrt, of, distributions, methods, samples, newDesign, newSeed, bootstrap,
            trajectories, reference, referenceSample);
    }

    public GsaStudy withSamples(int newSamples) {
        return new GsaStudy(model, wrt, of, distributions, methods, newSamples, design, seed, bootstrap, trajectories,
            reference, referenceSample);
    }

    public GsaStudy withDistributions(List<String> newDistributions) {
        return new GsaStudy(model, wrt, of, newDistributions, methods, samples, design, seed, bootstrap, trajectories,
            reference, referenceSample);
    }

    public GsaStudy withMethods(Set<GsaMethod> newMethods) {
        return new GsaStudy(model, wrt, of, distributions, newMethods, samples, design, seed, bootstrap, trajectories,
            reference, referenceSample);
    }

    public GsaStudy withReference(String file, int sample) {
        return new GsaStudy(model, wrt, of, distributions, methods, samples, design, seed, bootstrap, trajectories,
            file, sample);
    }

    public GsaStudy withModel(String newModel, String newWrt, String newOf) {
        return new GsaStudy(newModel, newWrt, newOf, distributions, methods, samples, design, seed, bootstrap,
            trajectories, reference, referenceSample);
    }

    public GsaStudy withBootstrap(int replicates, int morrisTrajectories) {
        return new GsaStudy(model, wrt, of, distributions, methods, samples, design, seed, replicates,
            morrisTrajectories, reference, referenceSample);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "jacobi-gsa-study");
        m.put("version", FORMAT_VERSION);
        m.put("model", model);
        m.put("wrt", wrt);
        m.put("of", of);
        m.put("distributions", distributions);
        m.put("methods", methods.stream().map(GsaMethod::id).toList());
        m.put("samples", samples);
        m.put("design", design.id());
        m.put("seed", seed);
        m.put("bootstrap", bootstrap);
        m.put("trajectories", trajectories);
        m.put("reference", reference);
        m.put("reference_sample", referenceSample);
        return m;
    }

    public static GsaStudy fromJson(Map<String, Object> m, String source) {
        if (!"jacobi-gsa-study".equals(m.get("format"))) {
            throw JacobiException.usage(source + " is not a Jacobi study file (no \"format\": \"jacobi-gsa-study\").");
        }
        List<String> dists = new ArrayList<>();
        if (m.get("distributions") instanceof List<?> list) {
            for (Object o : list) {
                dists.add(String.valueOf(o));
            }
        }
        Set<GsaMethod> methods = EnumSet.noneOf(GsaMethod.class);
        if (m.get("methods") instanceof List<?> list) {
            for (Object o : list) {
                methods.addAll(GsaMethod.parseList(String.valueOf(o)));
            }
        }
        return new GsaStudy(text(m, "model"), text(m, "wrt"), text(m, "of"), dists, methods,
            whole(m, "samples", 0, source), DesignKind.parse(m.getOrDefault("design", "sobol").toString()),
            (long) whole(m, "seed", 0, source), whole(m, "bootstrap", DEFAULT_BOOTSTRAP, source),
            whole(m, "trajectories", 0, source), text(m, "reference"), whole(m, "reference_sample", 0, source));
    }

    public void save(Path file) {
        String json = Json.write(toJson()) + "\n";
        AtomicFiles.write(file, true, o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
    }

    @SuppressWarnings("unchecked")
    public static GsaStudy load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JacobiException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        Object v = JsonParser.parse(text, file.toString());
        if (!(v instanceof Map<?, ?>)) {
            throw JacobiException.usage(file + " is not a Jacobi study file (expected a JSON object).");
        }
        return fromJson((Map<String, Object>) v, file.toString());
    }

    private static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    private static int whole(Map<String, Object> m, String key, int fallback, String source) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
            && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw JacobiException.usage(source + ": \"" + key + "\" must be a whole number, not " + v + ".");
    }
}
