package org.jacobi.autodiff.rules;

import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.Emitter;
import org.jacobi.autodiff.NodeContext;
import org.jacobi.autodiff.Rule;

/**
 * ScatterElements and GatherElements: linear in their float inputs (indices carry no derivative). The
 * reverse rules of Slice, Gather and MaxPool emit ScatterElements, so a second derivative (Hessians, forward
 * over reverse) needs these rules. The indices gain the direction axis K by Expand, and the axis shifts by one.
 */
public final class ScatterGatherRules {
    private ScatterGatherRules() {
    }

    /** {@code [K, *shape(indices)]}: the indices repeated for every direction of {@code kRef}. */
    private static String indicesForK(NodeContext c, String kRef) {
        Emitter e = c.e();
        return e.op("Expand", e.unsqueeze(c.input(1), 0), e.kShape(kRef, c.input(1)));
    }

    private static long axis(NodeContext c) {
        return NodeContext.normAxis(c.attrInt("axis", 0), c.rank(c.input(0)));
    }

    private static String reduction(NodeContext c) {
        String r = c.attrString("reduction", "none");
        if (!r.equals("none") && !r.equals("add")) {
            throw c.fail("only reduction 'none' or 'add' is differentiated, not '" + r + "'");
        }
        return r;
    }

    /** data, indices, updates -> output; linear in data and updates (for reductions none and add). */
    public static final Rule SCATTER_ELEMENTS = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            Emitter e = c.e();
            String r = reduction(c);
            String td = c.tangent(0);
            String tu = c.tangent(2);
            String kRef = td != null ? td : tu;
            if (td == null) {
                td = e.zerosLike(kRef, c.input(0), c.floatType());
            }
            if (tu == null) {
                tu = e.zerosLike(kRef, c.input(2), c.floatType());
            }
            List<String> in = List.of(td, indicesForK(c, kRef), tu);
            c.setTangent(0, r.equals("none")
                ? e.op("ScatterElements", in, Attr.i("axis", axis(c) + 1))
                : e.op("ScatterElements", in, Attr.i("axis", axis(c) + 1), Attr.s("reduction", r)));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            String r = reduction(c);
            String g = c.cotangent(0);
            String idx = indicesForK(c, g);
            // updates: the cotangent at the positions they were written to
            c.addCotangent(2, e.op("GatherElements", List.of(g, idx), Attr.i("axis", axis(c) + 1)));
            if (c.needs(0)) {
                // data: passes through where nothing overwrote it (all of it when updates are added)
                c.addCotangent(0, r.equals("add") ? g : e.op("ScatterElements",
                    List.of(g, idx, e.zerosLike(g, c.input(2), c.floatType())), Attr.i("axis", axis(c) + 1)));
            }
        }
    };

    /** data, indices -> data at the indices; linear in data. */
    public static final Rule GATHER_ELEMENTS = new Rule() {
        @Override
        public void jvp(NodeContext c) {
            String t = c.tangent(0);
            c.setTangent(0, c.e().op("GatherElements", List.of(t, indicesForK(c, t)), Attr.i("axis", axis(c) + 1)));
        }

        @Override
        public void vjp(NodeContext c) {
            Emitter e = c.e();
            if (c.opset() < 16) {
                throw c.fail("its reverse rule needs ScatterElements with reduction 'add' (opset 16 or newer)");
            }
            String g = c.cotangent(0);
            c.addCotangent(0, e.op("ScatterElements", List.of(e.zerosLike(g, c.input(0), c.floatType()), indicesForK(c, g), g),
                Attr.i("axis", axis(c) + 1), Attr.s("reduction", "add")));
        }
    };
}
