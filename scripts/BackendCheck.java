import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.FiniteDifferenceEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.NotDifferentiableException;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;

/**
 * Runs ONNX backend test cases through Jacobi in one JVM (scripts/onnx_backend_tests.py prepares them):
 * forward and reverse Jacobians of the first output with respect to every float input, compared with each
 * other and with central differences of the float64 copy of the model (or of the model itself when ONNX
 * Runtime has no float64 kernel for it). Reads a manifest of lines
 * {@code name<TAB>model<TAB>model64-or-dash<TAB>output<TAB>input=file.npy,...} and prints one result line per case.
 *
 *   java -cp 'target/jacobi.jar:target/lib/*' scripts/BackendCheck.java manifest.tsv
 */
public final class BackendCheck {
    public static void main(String[] args) throws IOException {
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            String result;
            try {
                result = check(f[1], f[2], f[3], parseInputs(f[4]));
            } catch (NotDifferentiableException e) {
                result = "refused\t" + e.getMessage();
            } catch (JacobiException e) {
                result = "error\t" + e.getMessage();
            } catch (RuntimeException | Error e) {
                result = "INTERNAL\t" + e;
            }
            System.out.println(f[0] + "\t" + result.replace('\n', ' '));
            System.out.flush();
        }
    }

    private static Map<String, Path> parseInputs(String spec) {
        Map<String, Path> in = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            in.put(part.substring(0, eq), Path.of(part.substring(eq + 1)));
        }
        return in;
    }

    private static String check(String modelPath, String model64Path, String of, Map<String, Path> files) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        files.forEach((k, v) -> inputs.put(k, Npy.read(v)));
        List<String> lines = new ArrayList<>();
        String worstStatus = "pass";
        try (OnnxModel model = OnnxModel.load(Path.of(modelPath), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model);
             OnnxModel model64 = model64Path.equals("-") ? null : OnnxModel.load(Path.of(model64Path), DevicePreference.CPU)) {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                if (!e.getValue().type().isFloatingPoint()) {
                    continue;
                }
                String wrt = e.getKey();
                JacobianRequest request = new JacobianRequest(inputs, wrt, of, BatchAxis.NONE, JacobianMode.FORWARD, 0);
                double[] fwd = engine.compute(request, ProgressMonitor.NONE).jacobian().toDoubleArray();
                double[] rev = engine.compute(request.withMode(JacobianMode.REVERSE), ProgressMonitor.NONE).jacobian().toDoubleArray();
                JacobianResult fd = finiteDifferences(model, model64, inputs, wrt, of);
                double[] num = fd.jacobian().toDoubleArray();
                double scale = 1e-30;
                for (double v : num) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (double v : fwd) {
                    scale = Math.max(scale, Math.abs(v));
                }
                double fr = maxDiff(fwd, rev);
                double fn = maxDiff(fwd, num);
                boolean f32 = e.getValue().type() == ElementType.FLOAT32;
                double exactTol = (f32 ? 1e-5 : 1e-9) * scale;
                double fdTol = (f32 ? 1e-4 : 1e-6) * scale + (Double.isNaN(fd.estimatedError()) ? 0 : fd.estimatedError());
                String status;
                if (hasNaN(model.run(inputs, java.util.Set.of(of)).get(of)) || !Double.isFinite(scale)) {
                    // NaN outputs, or derivatives that do not exist there (d(x^y)/dy at x = 0)
                    status = "undefined";
                } else if (fwd.length == 0) {
                    status = "pass";
                } else if (fr > Math.max(exactTol, 1e-4 * scale)) {
                    status = "FAIL";
                } else if (fn <= fdTol) {
                    status = "pass";
                } else if (fd.estimatedRelativeError() > 1e-3 || oneSidedDiffer(model64 != null && fd64 ? model64 : model, inputs,
                    wrt, of, fwd, num, fd64)) {
                    status = "kink";
                } else if (model64 != null && fd64 && exactOnFloat64Copy(model64, inputs, wrt, of, num, fdTol)) {
                    // the rule is exact: on the float64 copy both modes agree with central differences, so the
                    // difference is the float32 model's own rounding (a cancellation between large sums)
                    status = "float32 rounding";
                } else {
                    status = "FAIL";
                }
                lines.add(String.format(Locale.ROOT, "d%s/d%s %s [fwd-rev %.1e, fwd-fd %.1e, fd est %.1e, scale %.1e, %s fd]", of,
                    wrt, status, fr / scale, fn / scale, fd.estimatedRelativeError(), scale, fd64 ? "float64" : "float32"));
                worstStatus = worse(worstStatus, status);
            }
        }
        if (lines.isEmpty()) {
            return "skipped\tno float input";
        }
        return worstStatus + "\t" + String.join("; ", lines);
    }

    private static boolean hasNaN(Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            if (Double.isNaN(t.getDouble(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A kink at the worst entry: the one-sided differences left and right of the input element disagree
     * (Relu or LeakyRelu at 0, MaxPool ties), which Richardson's comparison of two central steps cannot see
     * on piecewise-linear functions.
     */
    private static boolean oneSidedDiffer(OnnxModel m, Map<String, Tensor> inputs, String wrt, String of, double[] fwd,
                                          double[] num, boolean as64) {
        int worst = 0;
        for (int i = 0; i < fwd.length; i++) {
            if (Math.abs(fwd[i] - num[i]) > Math.abs(fwd[worst] - num[worst])) {
                worst = i;
            }
        }
        Tensor x = inputs.get(wrt);
        int nIn = x.size();
        int o = worst / nIn;
        int i = worst % nIn;
        double[] xv = x.toDoubleArray();
        double h = (as64 ? 1e-6 : 1e-3) * Math.max(1, Math.abs(xv[i]));
        double[] f = new double[3];
        for (int k = -1; k <= 1; k++) {
            double[] v = xv.clone();
            v[i] += k * h;
            Map<String, Tensor> feed = new LinkedHashMap<>(inputs);
            Tensor t = Tensor.ofDoubles(v, x.shape());
            feed.replaceAll((name, value) -> as64 && value.type() == ElementType.FLOAT32 ? value.asType(ElementType.FLOAT64) : value);
            feed.put(wrt, as64 ? t : t.asType(x.type()));
            f[k + 1] = m.run(feed, java.util.Set.of(of)).get(of).getDouble(o);
        }
        double left = (f[1] - f[0]) / h;
        double right = (f[2] - f[1]) / h;
        double tol = 1e-3 * Math.max(1, Math.max(Math.abs(left), Math.abs(right)));
        return Math.abs(left - right) > tol && (Math.abs(fwd[worst] - left) <= tol || Math.abs(fwd[worst] - right) <= tol
            || (fwd[worst] - left) * (fwd[worst] - right) <= 0);
    }

    /** Forward and reverse mode on the float64 copy of the model agree with the float64 central differences. */
    private static boolean exactOnFloat64Copy(OnnxModel model64, Map<String, Tensor> inputs, String wrt, String of, double[] num,
                                              double tol) {
        Map<String, Tensor> in64 = new LinkedHashMap<>(inputs);
        in64.replaceAll((name, value) -> value.type() == ElementType.FLOAT32 ? value.asType(ElementType.FLOAT64) : value);
        try (OnnxJacobianEngine engine64 = new OnnxJacobianEngine(model64)) {
            JacobianRequest request = new JacobianRequest(in64, wrt, of, BatchAxis.NONE, JacobianMode.FORWARD, 0);
            double[] fwd = engine64.compute(request, ProgressMonitor.NONE).jacobian().toDoubleArray();
            double[] rev = engine64.compute(request.withMode(JacobianMode.REVERSE), ProgressMonitor.NONE).jacobian().toDoubleArray();
            return maxDiff(fwd, num) <= tol && maxDiff(rev, num) <= tol;
        } catch (JacobiException e) {
            return false;
        }
    }

    private static String worse(String a, String b) {
        List<String> order = List.of("pass", "float32 rounding", "undefined", "kink", "FAIL");
        return order.indexOf(b) > order.indexOf(a) ? b : a;
    }

    /** Whether the last central differences ran on the float64 copy. */
    private static boolean fd64;

    private static JacobianResult finiteDifferences(OnnxModel model, OnnxModel model64, Map<String, Tensor> inputs, String wrt,
                                                    String of) {
        if (model64 != null) {
            try (FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model64)) {
                Map<String, Tensor> in64 = new LinkedHashMap<>();
                inputs.forEach((k, v) -> in64.put(k, v.type() == ElementType.FLOAT32 ? v.asType(ElementType.FLOAT64) : v));
                JacobianResult r = fd.compute(new JacobianRequest(in64, wrt, of, BatchAxis.NONE, JacobianMode.FD, 0), ProgressMonitor.NONE);
                fd64 = true;
                return r;
            } catch (JacobiException e) {
                // no float64 kernel: fall back to the model itself
            }
        }
        fd64 = false;
        try (FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model)) {
            return fd.compute(new JacobianRequest(inputs, wrt, of, BatchAxis.NONE, JacobianMode.FD, 0), ProgressMonitor.NONE);
        }
    }

    private static double maxDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
