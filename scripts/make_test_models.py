#!/usr/bin/python3
"""Makes the small ONNX models (and float64 reference Jacobians) that test the ONNX autodiff engine on
operators the fixtures do not use: normalisation, an attention block, residual convolutions.

Run with Debian's interpreter (torch 1.13, onnx 1.12):  /usr/bin/python3 scripts/make_test_models.py
Writes src/test/resources/models/NAME.onnx, NAME.input.npy (float32 [3, *in]) and NAME.jacobian.npy
(float64 [3, *out, *in], per sample, torch.autograd.functional.jacobian on a float64 copy).
"""
import copy
import os

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "models")


class NormMlp(nn.Module):
    """Linear -> LayerNorm -> GELU -> Linear -> Softplus -> Linear (opset 17: LayerNormalization node)."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(12, 16)
        self.norm = nn.LayerNorm(16)
        self.b = nn.Linear(16, 8)
        self.c = nn.Linear(8, 6)

    def forward(self, x):
        h = nn.functional.gelu(self.norm(self.a(x)))
        return self.c(nn.functional.softplus(self.b(h)) - 0.5 * torch.sigmoid(h[:, :8]))


class Attention(nn.Module):
    """Two-head self-attention with residual and (decomposed, opset 14) LayerNorm."""

    def __init__(self, dim=8, heads=2):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        def heads(z):
            return z.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        scores = torch.matmul(q, k.transpose(-2, -1)) / (d // self.heads) ** 0.5
        att = torch.softmax(scores, dim=-1)
        z = torch.matmul(att, v).transpose(1, 2).reshape(b, t, d)
        return self.norm(x + self.out(z))


class ResidualConv(nn.Module):
    """Conv -> ReLU -> BatchNorm -> Conv, plus a 1x1 shortcut; InstanceNorm, ConvTranspose, pooling, Linear."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2)
        self.short = nn.Conv2d(3, 8, 1)
        self.inorm = nn.InstanceNorm2d(8, affine=True)
        self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        h = self.bn(torch.relu(self.c1(x)))
        h = torch.relu(self.c2(h) + self.short(x))
        h = self.inorm(h)
        h = nn.functional.max_pool2d(h, 2)                    # [8, 4, 4]
        h = torch.tanh(self.up(h))                            # [4, 8, 8]
        h = nn.functional.avg_pool2d(h, 3, stride=2, padding=1)  # [4, 4, 4]
        return self.fc(h.flatten(1))


def randomise_batchnorm(model):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
        if isinstance(m, nn.InstanceNorm2d):
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)


def make(name, model, in_shape, opset, seed):
    torch.manual_seed(seed)
    for p in model.parameters():
        p.data.normal_(0, 0.4)
    randomise_batchnorm(model)
    model.eval()
    x = torch.randn(3, *in_shape)
    torch.onnx.export(model, x, os.path.join(OUT, name + ".onnx"), opset_version=opset,
                      input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, do_constant_folding=True)
    m64 = copy.deepcopy(model).double()
    jac = []
    for b in range(x.shape[0]):
        xb = x[b].double()
        jac.append(torch.autograd.functional.jacobian(lambda v: m64(v.unsqueeze(0)).squeeze(0), xb))
    np.save(os.path.join(OUT, name + ".input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, name + ".jacobian.npy"), torch.stack(jac).numpy().astype(np.float64))
    print(name, tuple(torch.stack(jac).shape))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make("norm_mlp", NormMlp(), (12,), 17, 11)
    make("attention_block", Attention(), (5, 8), 14, 12)
    make("residual_conv", ResidualConv(), (3, 8, 8), 13, 13)
