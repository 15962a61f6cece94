#!/usr/bin/env python3
"""Time and peak memory of the same networks exported at opsets 9, 11, 13 and 17 (issue: one speed at every opset).

Builds the models of scripts/sweep_architectures.py (random weights, nothing downloaded), exports each at every
opset, then alternates the opsets for --rounds rounds: one `jacobi bench --json` process each (steady-state median
of its repeats; peak resident memory from GNU time). Prints per model and opset the best round's samples per
second, its ratio to opset 17, and the peak memory; with --max-memory the runs use that budget. Run it on an idle
machine with Debian's python3-torch and python3-torchvision:

    ./mvnw -B -q -DskipTests package
    /usr/bin/python3 scripts/bench_opsets.py --markdown opsets.md
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sweep_architectures as sweep  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODELS = "resnet18,mobilenet_v2,squeezenet,efficientnet_b0,densenet121,vit,transformer_encoder,conv1d"


def bench(path, x_path, repeats, max_memory):
    cmd = ["/usr/bin/time", "-f", "peak_kb=%M", os.path.join(ROOT, "jacobi"), "bench", path, "--input", "x=" + x_path,
           "--repeats", str(repeats), "--json"]
    if max_memory:
        cmd += ["--max-memory", max_memory]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, None, (p.stderr.strip().splitlines() or ["failed"])[-1][:120]
    line = [l for l in p.stdout.splitlines() if l.startswith("{")][-1]
    peak = int(re.search(r"peak_kb=(\d+)", p.stderr).group(1)) / 1024
    return json.loads(line), peak, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=DEFAULT_MODELS)
    ap.add_argument("--opsets", default="9,11,13,17")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--max-memory", default=None)
    ap.add_argument("--markdown", default=None)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    opsets = [int(o) for o in args.opsets.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            model, shape = sweep.build(name)
            x = np.random.default_rng(1).standard_normal((args.batch,) + shape).astype(np.float32)
            x_path = os.path.join(tmp, name + ".x.npy")
            np.save(x_path, x)
            paths = {}
            for opset in opsets:
                path = os.path.join(tmp, f"{name}.{opset}.onnx")
                try:
                    sweep.export(model, x, path, opset, name)
                    paths[opset] = path
                except Exception as e:  # noqa: BLE001  the exporter refuses this opset
                    rows.append(dict(model=name, opset=opset, error="export failed: " + str(e).splitlines()[0][:60]))
            best = {}
            for _ in range(args.rounds):
                for opset, path in paths.items():
                    j, peak, error = bench(path, x_path, args.repeats, args.max_memory)
                    if error:
                        best[opset] = dict(error=error)
                        continue
                    prev = best.get(opset)
                    if prev is None or "error" in prev or j["samples_per_second"] > prev["sps"]:
                        best[opset] = dict(sps=j["samples_per_second"], mode=j["mode"], peak=max(peak, (prev or {}).get("peak", 0)))
                    else:
                        prev["peak"] = max(prev["peak"], peak)
            ref = best.get(17, {}).get("sps")
            for opset in paths:
                b = best[opset]
                row = dict(model=name, opset=opset, **b)
                if "sps" in b and ref:
                    row["slowdown_vs_17"] = ref / b["sps"]
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
    lines = ["| model | opset | samples/s (mode) | time vs opset 17 | peak RSS (MiB) |", "|---|---|---|---|---|"]
    for r in rows:
        if "sps" in r:
            lines.append(f"| {r['model']} | {r['opset']} | {r['sps']:.4g} ({r['mode']}) | {r.get('slowdown_vs_17', float('nan')):.2f}x "
                         f"| {r['peak']:.0f} |")
        else:
            lines.append(f"| {r['model']} | {r['opset']} | {r['error']} | | |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        open(args.markdown, "w").write(text + "\n")
    if args.json:
        json.dump(rows, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
