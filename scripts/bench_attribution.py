#!/usr/bin/python3
"""Jacobi's attribution methods against PyTorch implementations of the same algorithms (issue 26, item 7), with the
protocol of docs/benchmarks.md:

- Integrated Gradients, 50 Gauss-Legendre steps from a zero baseline, and SmoothGrad, 50 draws of Gaussian noise of
  0.15 times each sample's value range, of the top class, on cnn_small (batch 64) and a ResNet-18 at 3x64x64 (batch 8,
  made and exported as scripts/bench_compare.py does);
- PyTorch: every step (or draw) of every sample as one batch, one forward and one backward pass, float32, with
  torch.set_num_threads(--threads); the top class is fixed before timing, as Jacobi fixes its target;
- Jacobi: `jacobi bench MODEL --attribution METHOD`, which times the attribution in the process after the model is
  loaded and warm (no JVM start, no model load), the median of its repeats;
- the two sides alternate, ROUNDS times, within the same minutes; Jacobi's figure is the median of its rounds,
  PyTorch's the best run over all rounds.

Run on an otherwise idle machine, with Debian's interpreter (torch 1.13, torchvision 0.14):

    ./mvnw -B -q -DskipTests package          # once, so ./jacobi does not build while timing
    /usr/bin/python3 scripts/bench_attribution.py [--rounds 3] [--markdown table.md]

Prints one JSON line per row and the markdown table. --steps and --draws shrink the work for a quick check that
the script runs end to end (the table then says so).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_compare as bc  # noqa: E402  (the models, their weights and their ONNX export)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
# model name in bench_compare, batch
MODELS = {"cnn_small": 64, "resnet18_64": 8}
NOISE = 0.15  # Jacobi's default --noise: a fraction of each sample's value range


def top_class(model, x):
    with torch.no_grad():
        return model(x).argmax(1)


def integrated_gradients(model, x, top, steps):
    """Captum's IntegratedGradients with method="gausslegendre" from a zero baseline: all steps in one batch."""
    p, w = np.polynomial.legendre.leggauss(steps)
    alphas = torch.tensor(0.5 * (1 + p), dtype=x.dtype).view(-1, *([1] * x.dim()))
    weights = torch.tensor(0.5 * w, dtype=x.dtype).view(-1, *([1] * x.dim()))
    points = (alphas * x.unsqueeze(0)).reshape(steps * x.shape[0], *x.shape[1:]).requires_grad_(True)
    y = model(points)
    y.gather(1, top.repeat(steps).unsqueeze(1)).sum().backward()
    grads = points.grad.reshape(steps, *x.shape)
    return x * (weights * grads).sum(0)


def smoothgrad(model, x, top, draws, generator):
    """Captum's NoiseTunnel(Saliency) with nt_type="smoothgrad" (signed gradients): all draws in one batch."""
    span = (x.reshape(x.shape[0], -1).max(1).values - x.reshape(x.shape[0], -1).min(1).values).view(-1, *([1] * (x.dim() - 1)))
    noise = torch.randn((draws, *x.shape), generator=generator) * (NOISE * span)
    points = (x.unsqueeze(0) + noise).reshape(draws * x.shape[0], *x.shape[1:]).requires_grad_(True)
    y = model(points)
    y.gather(1, top.repeat(draws).unsqueeze(1)).sum().backward()
    return points.grad.reshape(draws, *x.shape).mean(0)


def pytorch_seconds(method, model, x, top, n, repeats):
    """The best of `repeats` timed runs (after one untimed run)."""
    generator = torch.Generator().manual_seed(0)

    def once():
        if method == "ig":
            integrated_gradients(model, x, top, n)
        else:
            smoothgrad(model, x, top, n, generator)
    once()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        once()
        best = min(best, time.perf_counter() - start)
    return best


def jacobi_seconds(method, onnx_file, x_file, n, repeats, warmup):
    """One `jacobi bench --attribution` process: the median of its in-process repeats, in seconds."""
    cmd = [os.path.join(ROOT, "jacobi"), "bench", onnx_file, "--input", "x=" + x_file, "--attribution", method,
           "--steps" if method == "ig" else "--samples", str(n), "--repeats", str(repeats), "--warmup", str(warmup),
           "--warmup-seconds", "0", "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("jacobi bench failed: " + proc.stderr.strip()[:300])
    line = [l for l in proc.stdout.splitlines() if l.startswith("{")][-1]
    return json.loads(line)["median_ms"] / 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per side and round")
    parser.add_argument("--warmup", type=int, default=2, help="Jacobi's untimed runs per round")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=50, help="Integrated Gradients' steps")
    parser.add_argument("--draws", type=int, default=50, help="SmoothGrad's noise draws")
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    parser.add_argument("--markdown", default=None, help="also write the table here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    scratch = tempfile.mkdtemp(prefix="jacobi-bench-attribution-")
    rows = []
    for name in args.models:
        model, onnx_file, x, _ = bc.prepare(name, scratch)
        x = x[:MODELS[name]].contiguous()
        x_file = os.path.join(scratch, name + ".attribution.x.npy")
        np.save(x_file, x.numpy())
        top = top_class(model, x)
        for method, n in (("ig", args.steps), ("smoothgrad", args.draws)):
            jacobi, pytorch = [], []
            for _ in range(args.rounds):
                jacobi.append(jacobi_seconds(method, onnx_file, x_file, n, args.repeats, args.warmup))
                pytorch.append(pytorch_seconds(method, model, x, top, n, args.repeats))
            row = {"model": name, "batch": int(x.shape[0]), "method": method, "steps_or_draws": n,
                   "jacobi_median_s": statistics.median(jacobi), "jacobi_rounds_s": jacobi,
                   "pytorch_best_s": min(pytorch), "pytorch_rounds_s": pytorch}
            row["speed_ratio"] = row["pytorch_best_s"] / row["jacobi_median_s"]
            rows.append(row)
            print(json.dumps(row), flush=True)
    table = ["| model | batch | method | Jacobi median | best PyTorch | Jacobi's speed / PyTorch's | at least PyTorch's speed |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        label = "IG, {} Gauss-Legendre steps".format(r["steps_or_draws"]) if r["method"] == "ig" \
            else "SmoothGrad, {} draws".format(r["steps_or_draws"])
        table.append("| {} | {} | {} | {:.1f} ms | {:.1f} ms | {:.2f}x | {} |".format(
            r["model"], r["batch"], label, r["jacobi_median_s"] * 1e3, r["pytorch_best_s"] * 1e3, r["speed_ratio"],
            "yes" if r["speed_ratio"] >= 1 else "no"))
    if args.steps != 50 or args.draws != 50:
        table.append("")
        table.append("(reduced settings: a check that the script runs, not the benchmark)")
    text = "\n".join(table)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
