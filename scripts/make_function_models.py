#!/usr/bin/python3
"""Writes ONNX test models of the function-expansion pre-pass, with float64 Jacobian references.

Run with Debian's interpreter (python3-torch 1.13):  /usr/bin/python3 scripts/make_function_models.py
Output in src/test/resources/functions/:
- local_functions.onnx: a network whose custom modules torch.onnx.export writes as model-local functions
  (export_modules_as_functions), nested (Block inside Residual) and with a module attribute (Scale.alpha).
  local_functions.input.npy (float32 [3, 5]), local_functions.jacobian.npy (float64 [3, 4, 5]).
"""
import os

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "functions")


class Scale(nn.Module):
    def __init__(self, alpha):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return x * self.alpha + torch.sin(x)


class Block(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.lin = nn.Linear(n, n)
        self.scale = Scale(0.5)

    def forward(self, x):
        return self.scale(torch.tanh(self.lin(x)))


class Residual(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.block = Block(n)

    def forward(self, x):
        return x + self.block(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.r1 = Residual(5)
        self.r2 = Residual(5)
        self.head = nn.Linear(5, 4)

    def forward(self, x):
        return self.head(self.r2(self.r1(x)))


def main():
    torch.manual_seed(11)
    os.makedirs(OUT, exist_ok=True)
    net = Net().eval()
    x = torch.randn(3, 5)
    path = os.path.join(OUT, "local_functions.onnx")
    torch.onnx.export(net, x, path, opset_version=15, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
                      export_modules_as_functions={Residual, Block, Scale})
    np.save(os.path.join(OUT, "local_functions.input.npy"), x.numpy())
    net64 = net.double()
    jac = np.stack([torch.autograd.functional.jacobian(lambda v: net64(v.unsqueeze(0))[0], x[b].double()).numpy()
                    for b in range(x.shape[0])])
    np.save(os.path.join(OUT, "local_functions.jacobian.npy"), jac)
    import onnx
    m = onnx.load(path)
    print("functions:", [(f.domain, f.name, list(f.attribute)) for f in m.functions])
    print("graph nodes:", [(n.domain, n.op_type) for n in m.graph.node])


if __name__ == "__main__":
    main()
