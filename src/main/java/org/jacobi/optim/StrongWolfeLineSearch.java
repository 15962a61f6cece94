package org.jacobi.optim;

/** PyTorch's strong Wolfe line search ({@code _strong_wolfe}, after minFunc), capped at the nearest bound. */
final class StrongWolfeLineSearch {
    private final Evaluator ev;
    private final Evaluator.Point start;
    private final double[] d;
    private final double gtd;
    private final double maxStep;
    int evaluations;
    double step = Double.NaN;
    double lastStep = Double.NaN;
    boolean sawNonFinite;

    private final double c1;
    private final double c2;
    private final int maxSteps;
    private final double toleranceChange;

    /** {@code c1}, {@code c2}: the Wolfe constants; {@code maxSteps}: evaluations at most; {@code toleranceChange}: the smallest bracket. */
    StrongWolfeLineSearch(Evaluator ev, Evaluator.Point start, double[] d, double gtd, double maxStep,
                          double c1, double c2, int maxSteps, double toleranceChange) {
        this.c1 = c1;
        this.c2 = c2;
        this.maxSteps = maxSteps;
        this.toleranceChange = toleranceChange;
        this.ev = ev;
        this.start = start;
        this.d = d;
        this.gtd = gtd;
        this.maxStep = maxStep;
    }

    private Evaluator.Point at(double t) {
        double[] x = start.x.clone();
        for (int i = 0; i < x.length; i++) {
            x[i] += t * d[i];
        }
        ev.problem().project(x);
        evaluations++;
        lastStep = t;
        Evaluator.Point p = ev.evaluateWithGradient(x);
        if (!p.finite()) {
            sawNonFinite = true;
        }
        return p;
    }

    private double slope(Evaluator.Point p) {
        return p.gradient == null ? Double.NaN : Evaluator.dot(p.gradient, d);
    }

    /**
     * When the first trial step crosses a bound: halve t along the projected path {@code P(x + t d)} until the
     * Armijo condition holds there, so many elements may reach their bounds in one iteration (stopping at the
     * first bound would add one active element per iteration).
     */
    Evaluator.Point projectedBacktracking(double t) {
        for (int k = 0; k < maxSteps; k++, t *= 0.5) {
            Evaluator.Point p = at(t);
            if (p.finite()) {
                double decrease = 0;
                for (int i = 0; i < d.length; i++) {
                    decrease += start.gradient[i] * (p.x[i] - start.x[i]);
                }
                if (p.cost < start.cost && p.cost <= start.cost + c1 * decrease) {
                    step = t;
                    return p;
                }
            }
        }
        return null;
    }

    /** The accepted point, or null when no step lowered the cost. */
    Evaluator.Point run(double t) {
        double f = start.cost;
        double dNorm = Evaluator.maxAbs(d);
        Evaluator.Point pNew = at(t);
        double gtdNew = slope(pNew);
        double tPrev = 0;
        Evaluator.Point pPrev = start;
        double gtdPrev = gtd;
        boolean done = false;
        int lsIter = 0;
        double[] bracket;
        Evaluator.Point[] bracketP;
        double[] bracketGtd;
        while (true) {
            if (lsIter >= maxSteps) {
                bracket = new double[] {0, t};
                bracketP = new Evaluator.Point[] {start, pNew};
                bracketGtd = new double[] {gtd, gtdNew};
                break;
            }
            if (!pNew.finite() || pNew.cost > f + c1 * t * gtd || (lsIter > 1 && pNew.cost >= pPrev.cost)) {
                bracket = new double[] {tPrev, t};
                bracketP = new Evaluator.Point[] {pPrev, pNew};
                bracketGtd = new double[] {gtdPrev, gtdNew};
                break;
            }
            if (Math.abs(gtdNew) <= -c2 * gtd) {
                bracket = new double[] {t};
                bracketP = new Evaluator.Point[] {pNew};
                bracketGtd = new double[] {gtdNew};
                done = true;
                break;
            }
            if (gtdNew >= 0) {
                bracket = new double[] {tPrev, t};
                bracketP = new Evaluator.Point[] {pPrev, pNew};
                bracketGtd = new double[] {gtdPrev, gtdNew};
                break;
            }
            if (t >= maxStep) {
                // Sufficient decrease at the nearest bound while the cost still falls: stop at the bound.
                bracket = new double[] {t};
                bracketP = new Evaluator.Point[] {pNew};
                bracketGtd = new double[] {gtdNew};
                done = true;
                break;
            }
            double minStep = t + 0.01 * (t - tPrev);
            double maxNext = Math.min(t * 10, maxStep);
            double tmp = t;
            t = cubicInterpolate(tPrev, pPrev.cost, gtdPrev, t, pNew.cost, gtdNew, Math.min(minStep, maxNext), maxNext);
            tPrev = tmp;
            pPrev = pNew;
            gtdPrev = gtdNew;
            pNew = at(t);
            gtdNew = slope(pNew);
            lsIter++;
        }
        int low = 0;
        int high = 0;
        if (bracket.length == 2) {
            low = bracketP[0].cost <= bracketP[1].cost ? 0 : 1;
            high = 1 - low;
        }
        boolean insufficientProgress = false;
        while (!done && lsIter < maxSteps) {
            if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) {
                break;
            }
            double lo = Math.min(bracket[0], bracket[1]);
            double hi = Math.max(bracket[0], bracket[1]);
            t = cubicInterpolate(bracket[0], bracketP[0].cost, bracketGtd[0], bracket[1], bracketP[1].cost,
                bracketGtd[1], lo, hi);
            double eps = 0.1 * (hi - lo);
            if (Math.min(hi - t, t - lo) < eps) {
                if (insufficientProgress || t >= hi || t <= lo) {
                    t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
                    insufficientProgress = false;
                } else {
                    insufficientProgress = true;
                }
            } else {
                insufficientProgress = false;
            }
            pNew = at(t);
            gtdNew = slope(pNew);
            lsIter++;
            if (!pNew.finite() || pNew.cost > f + c1 * t * gtd || pNew.cost >= bracketP[low].cost) {
                bracket[high] = t;
                bracketP[high] = pNew;
                bracketGtd[high] = gtdNew;
                low = bracketP[0].cost <= bracketP[1].cost ? 0 : 1;
                high = 1 - low;
            } else {
                if (Math.abs(gtdNew) <= -c2 * gtd) {
                    done = true;
                } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
                    bracket[high] = bracket[low];
                    bracketP[high] = bracketP[low];
                    bracketGtd[high] = bracketGtd[low];
                }
                bracket[low] = t;
                bracketP[low] = pNew;
                bracketGtd[low] = gtdNew;
            }
        }
        Evaluator.Point best = bracketP[low];
        step = bracket[low];
        if (best == start || !best.finite() || !(best.cost < f)) {
            return null;
        }
        return best;
    }

    /** The minimiser of the cubic through two points with slopes, clipped to [lo, hi]; the midpoint when there is none. */
    static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi) {
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0) {
            double d2 = Math.sqrt(d2Square);
            double minPos = x1 <= x2
                ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            if (Double.isFinite(minPos)) {
                return Math.min(Math.max(minPos, lo), hi);
            }
        }
        return (lo + hi) / 2;
    }
}
