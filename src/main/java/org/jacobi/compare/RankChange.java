package org.jacobi.compare;

/**
 * One input element in both models' sensitivity rankings (mean |J| over samples and outputs, as in
 * {@link org.jacobi.analysis.Sensitivity}).
 *
 * @param index the element's flat index within one sample of the input
 * @param label "x[3]", or the element's name from model A's labels
 * @param meanAbsA its mean |J| in model A
 * @param meanAbsB its mean |J| in model B
 * @param rankA 1 for A's most sensitive input
 * @param rankB 1 for B's most sensitive input
 */
public record RankChange(int index, String label, double meanAbsA, double meanAbsB, int rankA, int rankB) {
    /** How many places the element moved from A to B: positive when B ranks it lower (a larger rank number). */
    public int change() {
        return rankB - rankA;
    }
}
