#!/usr/bin/python3
"""Before/after of Jacobi's own speed: `jacobi bench` of several builds (BUILDS=name=path/to/jacobi,...),
alternating per model and round in the same minutes; prints each round's samples/s. Usage: bench_builds.py ROUNDS MODELS"""
import json, os, statistics, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_compare as bc  # noqa
SCRATCH = os.environ.get("SCRATCH", "/tmp/jacobi-bench"); os.makedirs(SCRATCH, exist_ok=True)
BUILDS = dict(b.split("=") for b in os.environ.get("BUILDS", "after=" + os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jacobi")).split(","))
models = sys.argv[2].split(",") if len(sys.argv) > 2 else ["mlp_tanh", "mlp_relu_softmax", "cnn_small", "decoder_sigmoid", "residual_block", "attention_block", "autoencoder"]
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
res = {m: {b: [] for b in BUILDS} for m in models}
modes = {}
for m in models:
    _, onnx_file, _, x_file = bc.prepare(m, SCRATCH)
    for r in range(rounds):
        order = list(BUILDS) if r % 2 == 0 else list(reversed(BUILDS))
        for b in order:
            p = subprocess.run([BUILDS[b], "bench", onnx_file, "--input", "x=" + x_file, "--repeats", "7", "--json"], capture_output=True, text=True)
            if p.returncode != 0:
                print(m, b, "FAILED", p.stderr[-300:]); continue
            j = json.loads([l for l in p.stdout.splitlines() if l.startswith("{")][-1])
            rate = j.get("samples_per_second") or j.get("samplesPerSecond")
            res[m][b].append(rate); modes[(m, b)] = j.get("mode")
    print(m, {b: [round(v) for v in res[m][b]] for b in BUILDS}, flush=True)
print("| model | batch | mode before | mode after | before, median samples/s | after, median samples/s | after / before |")
print("|---|---|---|---|---|---|---|")
for m in models:
    bb, aa = res[m]["before"], res[m]["after"]
    if bb and aa:
        mb, ma = statistics.median(bb), statistics.median(aa)
        print(f"| {m} | {bc.MODELS[m][2]} | {modes.get((m,'before'))} | {modes.get((m,'after'))} | {mb:.4g} | {ma:.4g} | {ma/mb:.2f} |")
