package org.jacobi.autodiff.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * Einsum is linear in each operand, so both modes are Einsums again. The equation is first made explicit
 * (ellipses become letters, the implicit output is written out), and the direction axis gets a letter of
 * its own. Forward mode: {@code sum_i einsum(..., K term_i, ... -> K out)} with operand i replaced by its
 * tangent. Reverse mode, operand i: {@code einsum(K out, other terms -> K term_i)}; a letter repeated within
 * term i (a diagonal) is renamed and tied to the original by an identity matrix, and a letter that is summed
 * over and appears nowhere else is restored by broadcasting.
 */
public final class EinsumRule implements Rule {
    public static final Rule EINSUM = new EinsumRule();

    private EinsumRule() {
    }

    /** The explicit equation: one term per operand, the output, and a letter free for the direction axis. */
    private record Equation(List<String> terms, String output, List<Character> free) {
        char take() {
            return free.remove(0);
        }
    }

    private static Equation parse(NodeContext c) {
        String eq = c.attrString("equation", "").replace(" ", "");
        String[] sides = eq.split("->", -1);
        String[] lhs = sides[0].split(",", -1);
        if (lhs.length != c.inputCount()) {
            throw c.fail("the equation '" + eq + "' names " + lhs.length + " operands but the node has " + c.inputCount());
        }
        Set<Character> used = new LinkedHashSet<>();
        for (char ch : eq.toCharArray()) {
            if (Character.isLetter(ch)) {
                used.add(ch);
            }
        }
        List<Character> free = new ArrayList<>();
        for (char ch = 'a'; ch <= 'z'; ch++) {
            free.add(ch);
        }
        for (char ch = 'A'; ch <= 'Z'; ch++) {
            free.add(ch);
        }
        free.removeAll(used);
        // Ellipses: right-aligned broadcast dimensions, one shared letter per dimension.
        int ellipsisRank = 0;
        for (int i = 0; i < lhs.length; i++) {
            if (lhs[i].contains("...")) {
                ellipsisRank = Math.max(ellipsisRank, c.rank(c.input(i)) - (lhs[i].length() - 3));
            }
        }
        StringBuilder ell = new StringBuilder();
        for (int d = 0; d < ellipsisRank; d++) {
            ell.append(free.remove(0));
        }
        long[] ellSize = new long[ellipsisRank];
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < lhs.length; i++) {
            String t = lhs[i];
            if (t.contains("...")) {
                int n = c.rank(c.input(i)) - (t.length() - 3);
                String letters = ell.substring(ellipsisRank - n);
                long[] shape = c.shape(c.input(i));
                int at = t.indexOf("...");
                for (int d = 0; d < n; d++) {
                    long size = shape[at + d];
                    int slot = ellipsisRank - n + d;
                    if (ellSize[slot] != 0 && ellSize[slot] != size) {
                        throw c.fail("ellipsis dimensions that broadcast (size 1 against a larger size) are not supported");
                    }
                    ellSize[slot] = size;
                }
                t = t.replace("...", letters);
            }
            if (t.length() != c.rank(c.input(i))) {
                throw c.fail("term '" + lhs[i] + "' does not match the rank of operand " + i);
            }
            terms.add(t);
        }
        String out;
        if (sides.length > 1) {
            out = sides[1].replace("...", ell.toString());
        } else {
            StringBuilder once = new StringBuilder();
            String all = String.join("", terms);
            all.chars().filter(ch -> ell.indexOf(String.valueOf((char) ch)) < 0 && all.indexOf(ch) == all.lastIndexOf(ch))
                .sorted().forEach(ch -> once.append((char) ch));
            out = ell + once.toString();
        }
        return new Equation(terms, out, free);
    }

    private static String einsum(Emitter e, List<String> operands, List<String> terms, String out) {
        return e.op("Einsum", operands, Attr.s("equation", String.join(",", terms) + "->" + out));
    }

    @Override
    public void jvp(NodeContext c) {
        Equation eq = parse(c);
        char k = eq.take();
        Emitter e = c.e();
        String sum = null;
        for (int i = 0; i < c.inputCount(); i++) {
            if (c.tangent(i) == null) {
                continue;
            }
            List<String> operands = new ArrayList<>(c.node().getInputList());
            operands.set(i, c.tangent(i));
            List<String> terms = new ArrayList<>(eq.terms());
            terms.set(i, k + terms.get(i));
            String term = einsum(e, operands, terms, k + eq.output());
            sum = sum == null ? term : e.add(sum, term);
        }
        c.setTangent(0, sum);
    }

    @Override
    public void vjp(NodeContext c) {
        Equation eq = parse(c);
        char k = eq.take();
        Emitter e = c.e();
        for (int i = 0; i < c.inputCount(); i++) {
            if (!c.needs(i)) {
                continue;
            }
            List<String> operands = new ArrayList<>(List.of(c.cotangent(0)));
            List<String> terms = new ArrayList<>(List.of(k + eq.output()));
            for (int j = 0; j < c.inputCount(); j++) {
                if (j != i) {
                    operands.add(c.input(j));
                    terms.add(eq.terms().get(j));
                }
            }
            // A repeated letter of term i becomes a fresh one, tied to the first by an identity matrix.
            String term = eq.terms().get(i);
            long[] shape = c.shape(c.input(i));
            StringBuilder distinct = new StringBuilder();
            List<Character> free = new ArrayList<>(eq.free());
            for (int p = 0; p < term.length(); p++) {
                char ch = term.charAt(p);
                if (distinct.indexOf(String.valueOf(ch)) >= 0) {
                    char renamed = free.remove(0);
                    int n = (int) shape[p];
                    double[] eye = new double[n * n];
                    for (int d = 0; d < n; d++) {
                        eye[d * n + d] = 1;
                    }
                    operands.add(e.tensor(eye, c.floatType(), n, n));
                    terms.add("" + ch + renamed);
                    ch = renamed;
                }
                distinct.append(ch);
            }
            // Letters summed over that appear in no other term come back by broadcasting.
            String elsewhere = String.join("", terms);
            StringBuilder present = new StringBuilder();
            List<Long> missing = new ArrayList<>();
            for (int p = 0; p < distinct.length(); p++) {
                if (elsewhere.indexOf(distinct.charAt(p)) >= 0) {
                    present.append(distinct.charAt(p));
                } else {
                    missing.add(1L + p);
                }
            }
            String g = einsum(e, operands, terms, k + present.toString());
            if (!missing.isEmpty()) {
                g = e.op("Expand", e.unsqueeze(g, missing.stream().mapToLong(Long::longValue).toArray()),
                    e.kShape(c.cotangent(0), c.input(i)));
            }
            c.addCotangent(i, g);
        }
    }
}
