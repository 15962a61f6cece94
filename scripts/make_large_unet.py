#!/usr/bin/python3
"""Writes a U-Net-like background-removal model with the traits of real ones (U2-Net and its kin), large or small.

Run with Debian's interpreter (python3-torch, python3-onnx):
  /usr/bin/python3 scripts/make_large_unet.py            large model into target/large_unet/ (not committed)
  /usr/bin/python3 scripts/make_large_unet.py --small    small twin and float64 references into src/test/resources

Traits shared with the real model: input 'image' [batch, 3, S, S] (dynamic batch; S = 1024 large, 64 small), an
encoder of convolutions and max-pools, a decoder of bilinear upsampling, skip connections (Concat) and convolutions,
six side outputs 'd0'..'d5' [batch, 1, S, S], each a final Sigmoid (d0 the fused one: a 1x1 convolution of all side
logits), and every weight stored as float16 behind a Cast to float32. The large one holds 13.1 M parameters
(26 MB as float16) and takes 7.9 GFLOP per image (convolutions).

Small twin (src/test/resources/large_unet/): unet_small.onnx, unet_small.input.npy (float32 [2, 3, 64, 64]) and
unet_small.region.npy: float64 [2, 3, 64, 64], per sample the gradient of the logit before d1's Sigmoid summed over
the region [0, 20:40, 10:30] of the sample, computed in float64 with the float16-rounded weights.
"""
import argparse
import os

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SIDES = 6
# The region of the small twin's reference: output d1, rows 20:40, columns 10:30 (the large model's test region
# in the docs is d1[0,0,400:600,300:500]).
SMALL_REGION = (slice(20, 40), slice(10, 30))


def conv(cin, cout, k=3):
    return torch.nn.Conv2d(cin, cout, k, padding=k // 2)


class LargeUnet(torch.nn.Module):
    """Encoder levels at S, S/2, ... S/32, a bottleneck at S/128 (S/64 small; most of the weights, few FLOPs), a decoder of
    narrower convolutions back up to S/2, and side outputs from decoder levels 1..5 upsampled to S."""

    def __init__(self, size, widths, decoder_widths, bottleneck, bottleneck_convs, bottom_pool):
        super().__init__()
        self.size = size
        self.bottom_pool = bottom_pool
        self.widths = widths
        self.enc = torch.nn.ModuleList([conv(3 if i == 0 else widths[i - 1], w) for i, w in enumerate(widths)])
        self.bottom = torch.nn.ModuleList([conv(widths[-1] if i == 0 else bottleneck, bottleneck)
                                           for i in range(bottleneck_convs)])
        levels = range(len(widths) - 1, 0, -1)  # decoder level i joins the upsampled level below with encoder level i
        ups = [bottleneck] + [decoder_widths[i] for i in range(len(widths) - 1, 1, -1)]
        self.dec = torch.nn.ModuleList([conv(u + widths[i], decoder_widths[i]) for u, i in zip(ups, levels)])
        self.side = torch.nn.ModuleList([conv(decoder_widths[i], 1, 1) for i in range(1, SIDES)])
        self.fuse = conv(SIDES - 1, 1, 1)

    def forward(self, image, logits_only=False):
        skips = []
        h = image
        for i, layer in enumerate(self.enc):
            if i > 0:
                h = F.max_pool2d(h, 2)
            h = torch.relu(layer(h))
            skips.append(h)
        h = F.max_pool2d(h, self.bottom_pool)
        for layer in self.bottom:
            h = torch.relu(layer(h))
        decoded = {}
        for layer, i in zip(self.dec, range(len(self.widths) - 1, 0, -1)):
            h = F.interpolate(h, size=skips[i].shape[-2:], mode="bilinear", align_corners=False)
            h = torch.relu(layer(torch.cat([h, skips[i]], 1)))
            decoded[i] = h
        # a constant output size: the outputs' shapes are declared, as in the real model's file
        logits = [F.interpolate(self.side[i - 1](decoded[i]), size=(self.size, self.size), mode="bilinear",
                                align_corners=False) for i in range(1, SIDES)]
        outs = [self.fuse(torch.cat(logits, 1))] + logits
        return outs if logits_only else tuple(torch.sigmoid(v) for v in outs)


def build(small):
    torch.manual_seed(25)
    if small:
        net = LargeUnet(64, [4, 4, 8, 8, 8, 8], [0, 4, 4, 4, 4, 8], 16, 2, 2)
    else:
        net = LargeUnet(1024, [8, 16, 32, 64, 128, 256], [0, 8, 8, 16, 32, 32], 768, 3, 4)
    with torch.no_grad():
        for p in net.parameters():  # gentle weights: the logits stay in a range where the sigmoids are not all saturated
            p.mul_(0.8)
        net.fuse.weight.fill_(0.2)
    return net.eval()


def export(net, path, size):
    x = torch.zeros(1, 3, size, size)
    names = ["d%d" % i for i in range(SIDES)]
    torch.onnx.export(net, x, path, opset_version=13, input_names=["image"], output_names=names,
                      dynamic_axes={"image": {0: "batch"}, **{n: {0: "batch"} for n in names}})
    m = onnx.load(path)
    for out in m.graph.output:  # declared as in the real model's file (the exporter leaves them symbolic here)
        dims = out.type.tensor_type.shape.dim
        for axis, d in ((1, 1), (2, size), (3, size)):
            dims[axis].Clear()
            dims[axis].dim_value = d
    half_weights_behind_casts(m)
    onnx.save(m, path)


def half_weights_behind_casts(m):
    """Every float32 initializer becomes a float16 one read through a Cast node, as in converted fp16 models."""
    casts, inits = [], []
    for t in m.graph.initializer:
        a = numpy_helper.to_array(t)
        if a.dtype == np.float32 and a.size > 1:
            inits.append(numpy_helper.from_array(a.astype(np.float16), t.name + "_fp16"))
            casts.append(helper.make_node("Cast", [t.name + "_fp16"], [t.name], to=TensorProto.FLOAT,
                                          name="cast_" + t.name))
        else:
            inits.append(t)
    del m.graph.initializer[:]
    m.graph.initializer.extend(inits)
    nodes = casts + list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    del m.graph.value_info[:]
    onnx.checker.check_model(m)


def rounded_twin(net, small):
    twin = build(small)
    twin.load_state_dict({k: v.half().double() for k, v in net.state_dict().items()})
    return twin.double().eval()


def region_gradient(twin, x, output, rows, cols):
    """Per sample d(sum of the logit before output's Sigmoid over [0, rows, cols]) / d image, in float64."""
    xs = torch.from_numpy(x).double().requires_grad_(True)
    twin(xs, logits_only=True)[output][:, 0, rows, cols].sum().backward()
    return xs.grad.numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="the 64x64 twin and its references, for the tests")
    parser.add_argument("--out", help="directory (default: target/large_unet, or the test resources with --small)")
    args = parser.parse_args()
    size = 64 if args.small else 1024
    out = args.out or os.path.join(ROOT, *(("src", "test", "resources", "large_unet") if args.small
                                           else ("target", "large_unet")))
    os.makedirs(out, exist_ok=True)
    net = build(args.small)
    name = "unet_small" if args.small else "unet_large"
    path = os.path.join(out, name + ".onnx")
    export(net, path, size)
    params = sum(p.numel() for p in net.parameters())
    print("%s: %d parameters, %.1f MB" % (path, params, os.path.getsize(path) / 1e6))
    rng = np.random.default_rng(25)
    batch = 2 if args.small else 1
    x = rng.uniform(0, 1, (batch, 3, size, size)).astype(np.float32)
    np.save(os.path.join(out, name + ".input.npy"), x)
    if args.small:
        grad = region_gradient(rounded_twin(net, True), x, 1, *SMALL_REGION)
        np.save(os.path.join(out, name + ".region.npy"), grad)
        print("region gradient: largest |entry| %.3g" % np.abs(grad).max())


if __name__ == "__main__":
    main()
