package org.jacobi.model.torch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.jacobi.core.JacobiException;

/**
 * Reads what a TorchScript file says about itself without libtorch: that it is an intact TorchScript
 * archive (a ZIP with {@code data.pkl} and a {@code code/} folder, every entry passing its checksum), the
 * top-level module's class and its {@code forward} signature (input names, return type). TorchScript
 * stores the forward method as Python source in {@code code/}, which is where the names come from.
 */
final class TorchScriptArchive {
    private static final String SAVE_HINT = "Save a TorchScript model with "
        + "torch.jit.save(torch.jit.trace(model, example_input), path) or torch.jit.script(model).save(path).";

    /**
     * The forward signature of the top-level module.
     *
     * @param moduleClass e.g. "__torch__.MlpTanh", or null when not found
     * @param inputNames the forward parameters after self, or null when the source could not be read
     * @param inputTypes their TorchScript types, e.g. "Tensor"
     * @param returnType e.g. "Tensor" or "Tuple[Tensor, Tensor]", or null
     */
    record Signature(String moduleClass, List<String> inputNames, List<String> inputTypes, String returnType) {
        /** How many tensors forward returns: 1 for Tensor, n for a tuple of n tensors, -1 when unknown. */
        int outputCount() {
            if (returnType == null) {
                return -1;
            }
            if (returnType.equals("Tensor")) {
                return 1;
            }
            if (returnType.startsWith("Tuple[") && returnType.endsWith("]")) {
                List<String> parts = splitTopLevel(returnType.substring(6, returnType.length() - 1));
                return parts.stream().allMatch(p -> p.equals("Tensor")) ? parts.size() : -1;
            }
            return -1;
        }
    }

    private TorchScriptArchive() {
    }

    /** Checks the archive and reads the forward signature; throws a JacobiException saying what is wrong. */
    static Signature inspect(Path path) {
        String file = path.getFileName().toString();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            String root = null;
            boolean hasCode = false;
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                entries.add(entry);
                String name = entry.getName();
                if (name.endsWith("data.pkl") && name.indexOf('/') == name.lastIndexOf('/')) {
                    root = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (root == null) {
                throw new JacobiException(file + " is a ZIP archive but holds no PyTorch model (no data.pkl). " + SAVE_HINT);
            }
            for (ZipEntry entry : entries) {
                hasCode |= entry.getName().startsWith(root + "code/");
            }
            if (!hasCode) {
                throw new JacobiException(file + " is a PyTorch file saved with torch.save (weights or a pickled"
                    + " model, no TorchScript code), which only Python can load. " + SAVE_HINT);
            }
            for (ZipEntry entry : entries) {
                verifyChecksum(zip, entry, file);
            }
            return readSignature(zip, root);
        } catch (ZipException e) {
            throw new JacobiException(file + " is truncated or corrupt (" + e.getMessage()
                + "): it is not a readable TorchScript archive. Copy or export the model again.", e);
        } catch (IOException e) {
            throw new JacobiException("Could not read " + path + ": " + e.getMessage() + ".", e);
        }
    }

    /** Extra files saved with {@code torch.jit.save(..., _extra_files=...)}: name to UTF-8 text (at most 1 MB each). */
    static Map<String, String> extraFiles(Path path) {
        Map<String, String> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                int at = name.indexOf("/extra/");
                if (at >= 0 && at == name.indexOf('/') && !entry.isDirectory() && entry.getSize() <= (1 << 20)) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        out.put(name.substring(at + "/extra/".length()),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            return Map.of(); // labels are optional; the model itself opened already
        }
        return Map.copyOf(out);
    }

    private static void verifyChecksum(ZipFile zip, ZipEntry entry, String file) throws IOException {
        if (entry.isDirectory() || entry.getCrc() < 0) {
            return;
        }
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (InputStream in = zip.getInputStream(entry)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                total += n;
            }
        } catch (ZipException | EOFException e) {
            throw new JacobiException(file + " is truncated or corrupt (entry " + entry.getName() + " cannot be read: "
                + e.getMessage() + "). Copy or export the model again.", e);
        }
        if (crc.getValue() != entry.getCrc() || (entry.getSize() >= 0 && total != entry.getSize())) {
            throw new JacobiException(file + " is corrupt: entry " + entry.getName()
                + " fails its checksum. Copy or export the model again.");
        }
    }

    private static Signature readSignature(ZipFile zip, String root) throws IOException {
        String moduleClass = topLevelClass(zip, root);
        if (moduleClass == null) {
            return new Signature(null, null, null, null);
        }
        int dot = moduleClass.lastIndexOf('.');
        String module = moduleClass.substring(0, dot);
        String className = moduleClass.substring(dot + 1);
        ZipEntry code = zip.getEntry(root + "code/" + module.replace('.', '/') + ".py");
        if (code == null) {
            return new Signature(moduleClass, null, null, null);
        }
        String source;
        try (InputStream in = zip.getInputStream(code)) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Signature parsed = parseForward(source, className);
        return new Signature(moduleClass, parsed.inputNames(), parsed.inputTypes(), parsed.returnType());
    }

    /**
     * The class of the pickled top-level module: data.pkl starts with PROTO 2 and a GLOBAL opcode
     * {@code c<module>\n<name>\n}, e.g. {@code c__torch__\nMlpTanh\n}.
     */
    private static String topLevelClass(ZipFile zip, String root) throws IOException {
        byte[] head;
        try (InputStream in = zip.getInputStream(zip.getEntry(root + "data.pkl"))) {
            head = in.readNBytes(512);
        }
        int i = 0;
        if (head.length > 2 && (head[0] & 0xff) == 0x80) {
            i = 2;
        }
        if (i >= head.length || head[i] != 'c') {
            return null;
        }
        String text = new String(head, i + 1, head.length - i - 1, StandardCharsets.ISO_8859_1);
        String[] parts = text.split("\n", 3);
        if (parts.length < 3 || !parts[0].startsWith("__torch__")) {
            return null;
        }
        return parts[0] + "." + parts[1];
    }

    /** Parses {@code def forward(self, x: Tensor, ...) -> T:} inside {@code class NAME(...)}. */
    static Signature parseForward(String source, String className) {
        Matcher cls = Pattern.compile("(?m)^class\\s+" + Pattern.quote(className) + "\\s*\\(").matcher(source);
        int from = cls.find() ? cls.end() : 0;
        Matcher def = Pattern.compile("(?m)^\\s*def\\s+forward\\s*\\(").matcher(source);
        if (!def.find(from)) {
            return new Signature(null, null, null, null);
        }
        int open = def.end();
        int depth = 1;
        int close = open;
        while (close < source.length() && depth > 0) {
            char c = source.charAt(close);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            }
            close++;
        }
        String params = source.substring(open, close - 1);
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> parts = splitTopLevel(params);
        for (int k = 1; k < parts.size(); k++) { // parts[0] is self
            String p = parts.get(k);
            int colon = p.indexOf(':');
            String name = (colon < 0 ? p : p.substring(0, colon)).strip();
            String type = colon < 0 ? "Tensor" : p.substring(colon + 1).strip();
            int eq = type.indexOf('=');
            if (eq >= 0) {
                type = type.substring(0, eq).strip(); // a default value
            }
            if (!name.isEmpty()) {
                names.add(name);
                types.add(type);
            }
        }
        String rest = source.substring(close);
        Matcher ret = Pattern.compile("^\\s*->\\s*(.+?)\\s*:\\s*$", Pattern.MULTILINE).matcher(rest);
        String returnType = null;
        if (ret.find() && ret.start() == 0) {
            returnType = ret.group(1).replaceAll("\\s+", " ");
        }
        return new Signature(null, names, types, returnType);
    }

    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        String last = text.substring(start).strip();
        if (!last.isEmpty()) {
            parts.add(last);
        }
        return parts;
    }
}
