#!/usr/bin/python3
"""Jacobi against the best PyTorch per-sample Jacobian method, with the protocol of docs/benchmarks.md:

- the same model (weights), the same inputs and the same thread count on both sides;
- the two sides alternate, ROUNDS times, within the same minutes;
- Jacobi's figure is the median of its rounds (each round itself the median of `jacobi bench` repeats),
  PyTorch's the best run of its best method over all rounds (its small-model timings vary up to 10x here);
- next to the ratio: Jacobi's share of the machine's matrix-multiply roofline (Jacobian FLOPs of the mode
  Jacobi ran, at the float32 matmul rate `jacobi bench` measures), and the target
  min(3 x best PyTorch, 80 % of the roofline rate);
- the peak resident memory of each `jacobi bench` process (GNU time), next to its --max-memory budget.

Run on an otherwise idle machine, with Debian's interpreter (torch 1.13, torchvision 0.14):

    ./mvnw -B -q -DskipTests package          # once, so ./jacobi does not build while timing
    /usr/bin/python3 scripts/bench_compare.py [--rounds 3] [--models NAME ...] [--markdown table.md]

Generated models (wide MLP, residual conv block, attention block, ResNet-18) are exported to a scratch
directory with the weights the PyTorch side times; the fixtures come from src/test/resources/fixtures.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_pytorch as bp  # noqa: E402  (the PyTorch methods and the fixtures' eager twins)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(ROOT, "src", "test", "resources", "fixtures")


class WideMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(256, 1024), nn.Linear(1024, 1024), nn.Linear(1024, 64)

    def forward(self, x):
        return self.l3(torch.tanh(self.l2(torch.tanh(self.l1(x)))))


class ResidualBlock(nn.Module):
    """conv-BN-ReLU-conv-BN plus a 1x1 shortcut, ReLU, 2x2 max pool, linear head (3x16x16 -> 10)."""

    def __init__(self):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.c2, self.b2 = nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.short = nn.Conv2d(3, 16, 1)
        self.fc = nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        h = torch.relu(self.b1(self.c1(x)))
        h = torch.relu(self.b2(self.c2(h)) + self.short(x))
        return self.fc(torch.flatten(nn.functional.max_pool2d(h, 2), 1))


class AttentionBlock(nn.Module):
    """Two-head self-attention with a residual and LayerNorm, then an MLP: [8, 16] -> [8, 16]."""

    def __init__(self, dim=16, heads=2):
        super().__init__()
        self.heads = heads
        self.qkv, self.out = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.n1, self.n2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.m1, self.m2 = nn.Linear(dim, 2 * dim), nn.Linear(2 * dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)

        def split(z):
            return z.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)

        q, k, v = split(q), split(k), split(v)
        att = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) / (d // self.heads) ** 0.5, dim=-1)
        h = self.n1(x + self.out(torch.matmul(att, v).transpose(1, 2).reshape(b, t, d)))
        return self.n2(h + self.m2(nn.functional.gelu(self.m1(h))))


class Autoencoder(nn.Module):
    """784 -> 256 -> 16 -> 256 -> 784: wide at both ends, narrow in the middle (the case for mixed mode)."""

    def __init__(self):
        super().__init__()
        self.e1, self.e2, self.d1, self.d2 = nn.Linear(784, 256), nn.Linear(256, 16), nn.Linear(16, 256), nn.Linear(256, 784)

    def forward(self, x):
        return torch.sigmoid(self.d2(torch.relu(self.d1(torch.tanh(self.e2(torch.relu(self.e1(x))))))))


def resnet18():
    import torchvision
    return torchvision.models.resnet18(num_classes=10)


def randomise(model, seed):
    torch.manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 2.0)
    return model.eval()


# name: (eager model factory or None for a fixture, one sample's shape or None for a fixture, batch)
MODELS = {
    "mlp_tanh": (None, None, 256),
    "mlp_tanh@16384": (None, None, 16384),
    "mlp_relu_softmax": (None, None, 256),
    "cnn_small": (None, None, 256),
    "decoder_sigmoid": (None, None, 256),
    "wide_mlp": (WideMlp, (256,), 64),
    "residual_block": (ResidualBlock, (3, 16, 16), 64),
    "attention_block": (AttentionBlock, (8, 16), 256),
    "resnet18_64": (resnet18, (3, 64, 64), 8),
    "autoencoder": (Autoencoder, (784,), 64),
}


def prepare(name, scratch):
    """The eager model, the ONNX file Jacobi times and the input batch (saved as NPY)."""
    factory, shape, batch = MODELS[name]
    base = name.split("@")[0]
    torch.manual_seed(1)
    if factory is None:
        model = bp.EAGER[base]()
        model.load_state_dict(torch.jit.load(os.path.join(FIXTURES, base + ".pt")).state_dict())
        model.eval()
        onnx_file = os.path.join(FIXTURES, base + ".onnx")
        shape = np.load(os.path.join(FIXTURES, base + ".input.npy")).shape[1:]
    else:
        model = randomise(factory(), 2)
        onnx_file = os.path.join(scratch, base + ".onnx")
        if not os.path.exists(onnx_file):
            torch.onnx.export(model, torch.randn(2, *shape), onnx_file, opset_version=17, input_names=["x"],
                              output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    x = torch.randn(batch, *shape)
    x_file = os.path.join(scratch, name.replace("@", "_") + ".x.npy")
    np.save(x_file, x.numpy())
    return model, onnx_file, x, x_file


def run_jacobi(onnx_file, x_file, repeats, max_memory):
    """One `jacobi bench` process: its JSON and its peak resident memory in bytes."""
    cmd = [os.path.join(ROOT, "jacobi"), "bench", onnx_file, "--input", "x=" + x_file, "--repeats", str(repeats),
           "--json"]
    if max_memory:
        cmd += ["--max-memory", max_memory]
    # Peak memory through GNU time: the rusage of a child forked from this process would start from this
    # process's own peak (Linux keeps ru_maxrss across fork and exec), which PyTorch makes gigabytes.
    proc = subprocess.run(["/usr/bin/time", "-f", "jacobi-peak-rss-kb=%M"] + cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("jacobi bench failed: " + proc.stderr.strip()[:300])
    line = [l for l in proc.stdout.splitlines() if l.startswith("{")][-1]
    peak_kb = int(re.search(r"jacobi-peak-rss-kb=(\d+)", proc.stderr).group(1))
    return json.loads(line), peak_kb * 1024


def run_pytorch(model, x, repeats, max_memory_gb=8):
    """Samples per second of every PyTorch method (best single run each) on this batch. The address space is
    limited meanwhile (soft limit only, raised again after), so a method that needs too much memory fails
    instead of bringing in the kernel's OOM killer (vmap(jacfwd) on cnn_small wants more than 24 GiB)."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (int(max_memory_gb * (1 << 30)), hard))
    try:
        return _run_pytorch(model, x, repeats)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _run_pytorch(model, x, repeats):
    rates = {}
    reference = None
    for label, method in bp.METHODS.items():
        try:
            j = method(model, x).reshape(x.shape[0], -1)
            if reference is None:
                reference = j
            elif not torch.allclose(j, reference, rtol=1e-3, atol=1e-5):
                continue
            best = min(timed_once(method, model, x) for _ in range(repeats))
            rates[label] = x.shape[0] / best
        except Exception:  # noqa: BLE001  a method this model or torch version does not support (or out of memory)
            pass
    return rates


def timed_once(method, model, x):
    start = time.perf_counter()
    method(model, x)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=10, help="timed runs per side and round")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    parser.add_argument("--max-memory", default=None, help="Jacobi's --max-memory (default: its own default)")
    parser.add_argument("--json", default=None, help="also write every measurement here")
    parser.add_argument("--markdown", default=None, help="write the results table here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    scratch = tempfile.mkdtemp(prefix="jacobi-bench-")
    results = {}
    for name in args.models:
        model, onnx_file, x, x_file = prepare(name, scratch)
        jacobi_rates, pytorch_best, rss, last = [], {}, 0, None
        for _ in range(args.rounds):
            j, peak = run_jacobi(onnx_file, x_file, args.repeats, args.max_memory)
            jacobi_rates.append(j["samples_per_second"])
            rss, last = max(rss, peak), j
            for method, rate in run_pytorch(model, x, max(3, args.repeats // 2)).items():
                pytorch_best[method] = max(rate, pytorch_best.get(method, 0))
        best_method = max(pytorch_best, key=pytorch_best.get) if pytorch_best else None
        best = pytorch_best.get(best_method, float("nan"))
        jacobi = statistics.median(jacobi_rates)
        flops = (last.get("forward_flops_per_sample") or float("nan")) * last["directions"]
        roofline_rate = last["matmul_peak_gflops"] * 1e9 / flops if flops == flops and flops > 0 else float("nan")
        target = min(3 * best, 0.8 * roofline_rate) if roofline_rate == roofline_rate else 3 * best
        results[name] = {
            "batch": int(x.shape[0]), "mode": last["mode"], "jacobi_samples_per_second": jacobi,
            "jacobi_rounds": jacobi_rates, "pytorch_best_samples_per_second": best, "pytorch_best_method": best_method,
            "pytorch_methods": pytorch_best, "ratio": jacobi / best, "share_of_roofline": jacobi / roofline_rate,
            "target_samples_per_second": target, "meets_target": jacobi >= target, "peak_rss_bytes": rss,
            "matmul_peak_gflops": last["matmul_peak_gflops"],
        }
        print(json.dumps({name: results[name]}), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("| model | batch | Jacobi samples/s (mode) | best PyTorch (method) | ratio | share of roofline "
                    "| target | met | peak RSS |\n|---|---|---|---|---|---|---|---|---|\n")
            for name, r in results.items():
                f.write("| {} | {} | {:.4g} ({}) | {:.4g} ({}) | {:.2f}x | {:.1%} | {:.4g} | {} | {:.0f} MB |\n".format(
                    name, r["batch"], r["jacobi_samples_per_second"], r["mode"], r["pytorch_best_samples_per_second"],
                    r["pytorch_best_method"], r["ratio"], r["share_of_roofline"], r["target_samples_per_second"],
                    "yes" if r["meets_target"] else "no", r["peak_rss_bytes"] / 1e6))


if __name__ == "__main__":
    main()
