#!/usr/bin/python3
"""Sweep of real architectures through `jacobi jacobian`, against PyTorch's float64 Jacobians.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14); nothing is downloaded:
every model has random weights (weights torchvision initialises to zero, such as ViT's head, get small
random values). Each model is exported to ONNX at every opset asked for and traced to TorchScript, then
`./jacobi jacobian --mode auto` computes the Jacobian of its output with respect to its input, which is
compared with torch.autograd's float64 Jacobian of the same weights:

  exact  max|J - J64| <= 1e-4 * max|J64|, or no further than 2x PyTorch's own float32 Jacobian is
         (deep random nets can have Jacobians where float32 itself loses digits).

Build the jar once first (./mvnw -B -o -q -DskipTests package). Prints a Markdown table (and writes it with
--table FILE). Time and peak resident memory of the jacobi process are measured here, on whatever machine
this runs on; label them with the machine's state when you publish them.

  /usr/bin/python3 scripts/sweep_architectures.py --models resnet18,squeezenet --opsets 9,13,17
  /usr/bin/python3 scripts/sweep_architectures.py --subset-dir src/test/resources/models/opsets   # test subset
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torchvision.models as tvm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class Conv1dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv1d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool1d(2),
                                  nn.Conv1d(8, 8, 3, stride=2), nn.Tanh(), nn.AvgPool1d(3, stride=1, padding=1),
                                  nn.Flatten(), nn.Linear(8 * 7, 10))

    def forward(self, x):
        return self.body(x)


class Encoder(nn.Module):
    """A TransformerEncoder; dropout 0 and train mode keep PyTorch off its fused inference-only kernel."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def forward(self, x):
        return self.enc(x)


class TinyCnn(nn.Module):
    """Not a torchvision model: small, for the test subset, with the operators whose ONNX form changed
    (BatchNormalization, Clip, MaxPool, Pad, Upsample/Resize, Dropout, Softmax)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        h = nn.functional.relu6(self.bn(self.conv1(x)))
        h = nn.functional.max_pool2d(h, 3, 2, 1)
        h = nn.functional.pad(h, (1, 1, 1, 1), mode="reflect")
        h = torch.tanh(self.conv2(h))
        h = nn.functional.interpolate(h, scale_factor=2, mode="nearest")
        h = nn.functional.avg_pool2d(h, 2)
        return torch.softmax(self.fc(self.drop(h.flatten(1))), dim=1)


def vit():
    from torchvision.models.vision_transformer import VisionTransformer
    return VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10)


def swin():
    from torchvision.models.swin_transformer import SwinTransformer
    return SwinTransformer(patch_size=[4, 4], embed_dim=24, depths=[2, 2], num_heads=[2, 4], window_size=[4, 4],
                           num_classes=10)


# name -> (constructor, one sample's input shape)
MODELS = {
    "resnet18": (lambda: tvm.resnet18(num_classes=10), (3, 32, 32)),
    "resnext50": (lambda: tvm.resnext50_32x4d(num_classes=10), (3, 32, 32)),
    "mobilenet_v2": (lambda: tvm.mobilenet_v2(num_classes=10), (3, 32, 32)),
    "mobilenet_v3": (lambda: tvm.mobilenet_v3_small(num_classes=10), (3, 32, 32)),
    "efficientnet_b0": (lambda: tvm.efficientnet_b0(num_classes=10), (3, 32, 32)),
    "squeezenet": (lambda: tvm.squeezenet1_1(num_classes=10), (3, 48, 48)),
    "shufflenet": (lambda: tvm.shufflenet_v2_x0_5(num_classes=10), (3, 32, 32)),
    "densenet121": (lambda: tvm.densenet121(num_classes=10), (3, 32, 32)),
    "regnet": (lambda: tvm.regnet_y_400mf(num_classes=10), (3, 32, 32)),
    "googlenet": (lambda: tvm.googlenet(num_classes=10, aux_logits=False, init_weights=True), (3, 32, 32)),
    "convnext": (lambda: tvm.convnext_tiny(num_classes=10), (3, 32, 32)),
    "vit": (vit, (3, 32, 32)),
    "swin": (swin, (3, 32, 32)),
    "alexnet": (lambda: tvm.alexnet(num_classes=10), (3, 224, 224)),  # smaller inputs end in an unexportable adaptive pool
    "mnasnet": (lambda: tvm.mnasnet0_5(num_classes=10), (3, 32, 32)),
    "transformer_encoder": (Encoder, (5, 16)),
    "conv1d": (Conv1dNet, (4, 32)),
    "tiny_cnn": (TinyCnn, (3, 8, 8)),
}


def build(name, seed=0):
    torch.manual_seed(seed)
    ctor, shape = MODELS[name]
    model = ctor()
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() > 0 and torch.count_nonzero(p) == 0:
                p.copy_(0.05 * torch.randn_like(p))  # zero-initialised weights (ViT's head) make a zero Jacobian
        # random but well-conditioned batch-norm statistics
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.copy_(0.1 * torch.randn_like(m.running_mean))
                m.running_var.copy_(0.5 + torch.rand_like(m.running_var))
    model.eval()
    if name == "transformer_encoder":
        model.train()  # dropout is 0: the same function, but no fused inference kernel
    return model, shape


def torch_jacobian(model, x, dtype):
    m = model.to(dtype)
    xx = torch.tensor(x, dtype=dtype)
    j = torch.autograd.functional.jacobian(lambda v: m(v)[0], xx)  # [*out, 1, *in]
    out_shape = j.shape[: j.dim() - xx.dim()]
    return j.reshape(*out_shape, *xx.shape[1:]).double().numpy()


def export(model, x, path, opset, name):
    model = model.float()
    kwargs = {}
    if name == "transformer_encoder":
        kwargs["training"] = torch.onnx.TrainingMode.PRESERVE
    torch.onnx.export(model, torch.tensor(x), path, opset_version=opset, input_names=["x"], output_names=["y"],
                      do_constant_folding=True, **kwargs)


def run_jacobi(model_path, x_path, out_path, jacobi, extra):
    cmd = ["/usr/bin/time", "-f", "peak_kb=%M", jacobi, "jacobian", model_path, "--input", x_path, "-o", out_path,
           "--force", "--mode", "auto"] + extra
    start = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - start
    peak = re.search(r"peak_kb=(\d+)", p.stderr)
    stderr = "\n".join(l for l in p.stderr.splitlines() if not l.startswith("peak_kb="))
    return p.returncode, p.stdout.strip(), stderr.strip(), wall, int(peak.group(1)) / 1024 if peak else None


def compare(j, j64, j32):
    scale = float(np.max(np.abs(j64))) or 1.0
    err = float(np.max(np.abs(j - j64)))
    err32 = float(np.max(np.abs(j32 - j64)))
    ok = err <= 1e-4 * scale or err <= 2 * err32
    return ok, err / scale, err32 / scale


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--opsets", default="9,11,13,17")
    ap.add_argument("--no-torchscript", action="store_true")
    ap.add_argument("--jacobi", default=os.path.join(ROOT, "jacobi"))
    ap.add_argument("--table", help="also write the Markdown table here")
    ap.add_argument("--json", help="also write the rows as JSON here")
    ap.add_argument("--subset-dir", help="write models, inputs and float64 references here instead of sweeping")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.subset_dir:
        return write_subset(args.subset_dir, args.models.split(","), [int(o) for o in args.opsets.split(",")])
    rows = []
    for name in args.models.split(","):
        model, shape = build(name)
        rng = np.random.default_rng(1)
        x = rng.standard_normal((1,) + shape).astype(np.float32)
        j64 = torch_jacobian(model, x, torch.float64)
        j32 = torch_jacobian(model, x, torch.float32)
        targets = [("onnx", o) for o in [int(v) for v in args.opsets.split(",")]]
        if not args.no_torchscript:
            targets.append(("torchscript", None))
        with tempfile.TemporaryDirectory() as tmp:
            x_path = os.path.join(tmp, "x.npy")
            np.save(x_path, x)
            for kind, opset in targets:
                label = f"opset {opset}" if kind == "onnx" else "TorchScript"
                path = os.path.join(tmp, f"{name}.onnx" if kind == "onnx" else f"{name}.pt")
                try:
                    if kind == "onnx":
                        export(model, x, path, opset, name)
                    else:
                        with torch.enable_grad():
                            torch.jit.trace(model.float(), torch.tensor(x), check_trace=False).save(path)
                except Exception as e:  # the exporter itself refuses: report, not Jacobi's failure
                    rows.append(dict(model=name, target=label, status="export failed: " + str(e).splitlines()[0][:80]))
                    print(rows[-1], file=sys.stderr)
                    continue
                out = os.path.join(tmp, "J.npy")
                rc, stdout, stderr, wall, peak = run_jacobi(path, x_path, out, args.jacobi, [])
                row = dict(model=name, target=label, wall_s=round(wall, 1), peak_mib=round(peak) if peak else None)
                if rc != 0:
                    row["status"] = "error: " + (stderr.splitlines()[0] if stderr else stdout)[:120]
                else:
                    j = np.load(out).astype(np.float64).reshape(j64.shape)  # [1, *out, 1, *in] without a dynamic batch axis
                    ok, rel, rel32 = compare(j, j64, j32)
                    approximate = "(exact)" not in stdout
                    row.update(status="exact" if ok and not approximate else ("APPROXIMATE" if approximate else "WRONG"),
                               rel_err=f"{rel:.1e}", torch_f32_rel_err=f"{rel32:.1e}", summary=stdout.splitlines()[0][:100])
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
                for f in (path, out):
                    if os.path.exists(f):
                        os.remove(f)
    table = ["| model | target | result | max error / max entry | PyTorch float32's | time (s) | peak RSS (MiB) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r['model']} | {r['target']} | {r['status']} | {r.get('rel_err', '')} | "
                     f"{r.get('torch_f32_rel_err', '')} | {r.get('wall_s', '')} | {r.get('peak_mib', '')} |")
    text = "\n".join(table)
    print(text)
    if args.table:
        with open(args.table, "w") as f:
            f.write(text + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0 if all(r["status"] == "exact" or r["status"].startswith("export failed") for r in rows) else 1


def write_subset(directory, names, opsets):
    """Small models for the JUnit test: MODEL_opN.onnx, MODEL.input.npy, MODEL.jacobian64.npy."""
    os.makedirs(directory, exist_ok=True)
    for name in names:
        model, shape = build(name)
        x = np.random.default_rng(1).standard_normal((1,) + shape).astype(np.float32)
        np.save(os.path.join(directory, f"{name}.input.npy"), x)
        np.save(os.path.join(directory, f"{name}.jacobian64.npy"), torch_jacobian(model, x, torch.float64)[None])
        for opset in opsets:
            export(model, x, os.path.join(directory, f"{name}_op{opset}.onnx"), opset, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
