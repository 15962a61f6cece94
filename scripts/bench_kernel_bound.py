#!/usr/bin/env python3
"""How fast can any ONNX Runtime graph compute a convolutional model's per-sample Jacobian? The convolution
kernels alone set a floor: every reverse-mode Jacobian runs each Conv's input adjoint once per (sample, output)
pair, and a forward pass per sample. This script times exactly those kernels, each as a one-node graph on ONNX
Runtime with Jacobi's session settings, in runs of Jacobi's chunk size, in both forms Jacobi can emit (ConvTranspose;
for unit strides also the Conv with flipped weights), and adds up the faster form of each. Nothing else of the
Jacobian (masks, pooling adjoints, layout conversions, copies) is counted, so the result is an upper bound on the
samples per second of any graph built from these kernels.

    /usr/bin/python3 scripts/bench_kernel_bound.py --model /tmp/bm/residual_block.onnx --batch 64 --chunk 70
    /usr/bin/python3 scripts/bench_kernel_bound.py --model src/test/resources/fixtures/cnn_small.onnx --batch 256 --chunk 100

Needs the build (target/lib holds ONNX Runtime's jar) and Debian's python3-onnx and numpy. docs/benchmarks.md
explains how the result is used.
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLASSPATH = os.path.join(ROOT, "target", "lib", "*")


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return list(a.ints) if a.ints else a.i
    return default


def conv_nodes(model, batch):
    """(name, weights, input [C, H, W], output [M, H', W'], attributes) of every 2-D Conv with constant weights."""
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    fixed = onnx.ModelProto()
    fixed.CopyFrom(model)
    for value in fixed.graph.input:
        dims = value.type.tensor_type.shape.dim
        if dims and not dims[0].HasField("dim_value"):
            dims[0].dim_value = batch
    inferred = shape_inference.infer_shapes(fixed)
    shapes = {}
    for v in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    out = []
    for node in model.graph.node:
        if node.op_type != "Conv" or node.input[1] not in inits or inits[node.input[1]].ndim != 4:
            continue
        w = inits[node.input[1]].astype(np.float32)
        x, y = shapes[node.input[0]], shapes[node.output[0]]
        a = {"strides": attr(node, "strides", [1, 1]), "pads": attr(node, "pads", [0, 0, 0, 0]),
             "dilations": attr(node, "dilations", [1, 1]), "group": attr(node, "group", 1)}
        out.append((node.name or node.output[0], w, x[1:], y[1:], a))
    return out


def save(node, weights, channels, path):
    graph = helper.make_graph([node], "kernel", [helper.make_tensor_value_info("g", TensorProto.FLOAT, ["b", channels, None, None])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [numpy_helper.from_array(weights, "W")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, path)


def time_graph(path, chunk, channels, size, runs):
    out = subprocess.run(["java", "-cp", CLASSPATH, os.path.join(HERE, "KernelTime.java"), path, str(chunk), str(channels),
                          str(size), str(runs)], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def adjoint_forms(w, x, y, a, scratch, tag):
    """The input adjoint of one Conv as ONNX Runtime graphs: {form: path}."""
    m, c, kh, kw = w.shape
    forms = {}
    span = [(kh - 1) * a["dilations"][0], (kw - 1) * a["dilations"][1]]
    pads = a["pads"]
    out_padding = [x[1 + i] - ((y[1 + i] - 1) * a["strides"][i] - pads[i] - pads[2 + i] + span[i] + 1) for i in range(2)]
    t = helper.make_node("ConvTranspose", ["g", "W"], ["y"], strides=a["strides"], pads=pads, dilations=a["dilations"],
                         group=a["group"], output_padding=out_padding)
    forms["ConvTranspose"] = os.path.join(scratch, tag + "_t.onnx")
    save(t, w, m, forms["ConvTranspose"])
    if a["strides"] == [1, 1] and a["group"] == 1 and all(pads[i] <= span[i % 2] for i in range(4)):
        flipped = np.ascontiguousarray(np.transpose(w, (1, 0, 2, 3))[:, :, ::-1, ::-1])
        fp = [span[0] - pads[0], span[1] - pads[1], span[0] - pads[2], span[1] - pads[3]]
        f = helper.make_node("Conv", ["g", "W"], ["y"], pads=fp, dilations=a["dilations"])
        forms["flipped Conv"] = os.path.join(scratch, tag + "_f.onnx")
        save(f, flipped, m, forms["flipped Conv"])
    return forms


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--batch", type=int, required=True, help="samples per Jacobian")
    ap.add_argument("--directions", type=int, default=0, help="outputs per sample (default: the model's)")
    ap.add_argument("--chunk", type=int, required=True, help="(sample, output) pairs per run, as Jacobi chunks them")
    ap.add_argument("--target", type=float, default=0, help="samples/s to compare with (3x PyTorch's best)")
    args = ap.parse_args()
    model = onnx.load(args.model)
    directions = args.directions
    if not directions:
        dims = model.graph.output[0].type.tensor_type.shape.dim[1:]
        directions = int(np.prod([d.dim_value for d in dims]))
    pairs = args.batch * directions
    runs = -(-pairs // args.chunk)
    total = 0.0
    print(f"{os.path.basename(args.model)}: {args.batch} samples x {directions} outputs = {pairs} pairs, {runs} runs of {args.chunk}")
    print("| convolution | adjoint | form | ms per Jacobian (median, best) |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        for i, (name, w, x, y, a) in enumerate(conv_nodes(model, args.batch)):
            best = None
            for form, path in adjoint_forms(w, x, y, a, scratch, f"c{i}").items():
                median, fastest = time_graph(path, args.chunk, w.shape[0], y[1], runs)
                print(f"| {name} | {w.shape[0]} -> {w.shape[1]} ch, {y[1]}x{y[2]} -> {x[1]}x{x[2]} | {form} | {median:.2f}, {fastest:.2f} |")
                best = fastest if best is None else min(best, fastest)
            total += best
    print(f"\nfastest forms, best repeats, summed: {total:.2f} ms per Jacobian of {args.batch} samples"
          f" = at most {args.batch / total * 1e3:.0f} samples/s from the convolution adjoints alone")
    if args.target:
        print(f"target {args.target:.0f} samples/s allows {args.batch / args.target * 1e3:.2f} ms for the whole Jacobian")


if __name__ == "__main__":
    main()
