package org.jacobi.autodiff.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;

/**
 * ScatterND with {@code reduction="mul"}: {@code y = data}, then {@code y[idx_i] *= u_i}. With indices that do not
 * repeat, {@code dy/ddata = M} (the updates scattered into ones) and {@code dy[idx_i]/du_i = data[idx_i]}. The indices
 * must be constants without repeats (where one position takes several updates, each update's derivative is the
 * product of the others, which this rule does not build).
 */
final class ScatterNdProduct {
    private ScatterNdProduct() {
    }

    private static void requireDistinctIndices(NodeContext c) {
        long[] idx = c.shapes().ints(c.input(1));
        long[] shape = c.shape(c.input(1));
        if (idx == null) {
            throw c.fail("reduction 'mul' is differentiated for constant indices only");
        }
        int depth = (int) shape[shape.length - 1];
        Set<List<Long>> seen = new HashSet<>();
        for (int i = 0; i + depth <= idx.length; i += depth) {
            List<Long> key = new ArrayList<>();
            for (int j = 0; j < depth; j++) {
                key.add(idx[i + j]);
            }
            if (!seen.add(key)) {
                throw c.fail("reduction 'mul' with a repeated index is not supported");
            }
        }
    }

    /** The updates multiplied into ones: dy/ddata, per element of data. */
    private static String factor(NodeContext c) {
        Emitter e = c.e();
        String ones = e.op("Expand", e.scalar(1, c.floatType()), e.shape(c.input(0)));
        return e.op("ScatterND", List.of(ones, c.input(1), c.input(2)), Attr.s("reduction", "mul"));
    }

    static void jvp(NodeContext c) {
        requireDistinctIndices(c);
        Emitter e = c.e();
        String[] t = ScatterGatherRules.scatterTangents(c);
        int rd = c.rank(c.input(0));
        String base = e.mul(t[1], factor(c));
        String fromUpdates = e.mul(t[2], e.op("GatherND", List.of(c.input(0), c.input(1))));
        String sum = e.op("ScatterND", List.of(ScatterGatherRules.kLast(e, base, rd), c.input(1),
            ScatterGatherRules.kLast(e, fromUpdates, c.rank(c.input(2)))), Attr.s("reduction", "add"));
        c.setTangent(0, ScatterGatherRules.kFirst(e, sum, rd));
    }

    static void vjp(NodeContext c) {
        requireDistinctIndices(c);
        Emitter e = c.e();
        String g = c.cotangent(0);
        int rd = c.rank(c.input(0));
        if (c.needs(0)) {
            c.addCotangent(0, e.mul(g, factor(c)));
        }
        if (c.needs(2)) {
            String picked = ScatterGatherRules.kFirst(e, e.op("GatherND", List.of(ScatterGatherRules.kLast(e, g, rd), c.input(1))),
                c.rank(c.input(2)));
            c.addCotangent(2, e.mul(picked, e.op("GatherND", List.of(c.input(0), c.input(1)))));
        }
    }
}
