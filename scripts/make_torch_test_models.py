#!/usr/bin/python3
"""Writes the small TorchScript test models of the TorchScript Jacobian engine, with float64 references.

Run with Debian's interpreter (python3-torch 1.13):  /usr/bin/python3 scripts/make_torch_test_models.py
Output: src/test/resources/models/NAME.pt, NAME.input[.INPUT].npy (float32 [4, ...]) and
NAME.output[.OUTPUT].npy (float64, eval mode) and
NAME.jacobian[.OUTPUT][.INPUT].npy (float64), layout [batch, *out_shape, *in_shape] as in the fixtures
(for batch_mixing, which treats the whole tensor as one sample: [*out_shape, *in_shape]).

The dropout and batch-norm models are *scripted*, not traced: a trace bakes the training flag in as a
constant, while a scripted module reads self.training, so these models really change when a runtime puts
them in train mode. The references are the eval-mode Jacobians. Everything is seeded: re-running the
script reproduces every model and number (scripted .pt archives may differ in a few bytes).
"""
import copy
import os
from typing import Dict

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "models")
BATCH = 4


class DropoutMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(6, 16)
        self.drop = nn.Dropout(0.5)
        self.l2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.l2(self.drop(torch.tanh(self.l1(x))))


class BatchNormCnn(nn.Module):
    """Conv -> BatchNorm2d -> tanh -> Dropout -> Linear; input [batch, 2, 5, 5]."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(100, 3)

    def forward(self, x):
        h = self.drop(torch.tanh(self.bn(self.conv(x))))
        return self.fc(torch.flatten(h, 1))


class MultiOutput(nn.Module):
    """Two inputs and two outputs, the second of rank 2 per sample: (y [batch, 3], z [batch, 2, 2])."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(5, 3)
        self.b = nn.Linear(5, 4)
        self.c = nn.Linear(2, 4, bias=False)

    def forward(self, x1, x2):
        y = torch.tanh(self.a(x1))
        z = torch.sigmoid(self.b(x1) + self.c(x2)).reshape(-1, 2, 2) * x2.sum(dim=1).reshape(-1, 1, 1)
        return y, z


class BatchMixing(nn.Module):
    """Mixes the rows of its input (centres over axis 0), so only --batch-axis none gives its true Jacobian."""

    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 2)

    def forward(self, x):
        return torch.tanh(self.l(x - x.mean(dim=0, keepdim=True)))


class NamedOutputs(nn.Module):
    """Returns a dict, so the outputs carry names: {"mean": [batch, 2], "scale": [batch, 2]}."""

    def __init__(self):
        super().__init__()
        self.l = nn.Linear(3, 4)

    def forward(self, x) -> Dict[str, torch.Tensor]:
        h = self.l(x)
        return {"mean": torch.tanh(h[:, :2]), "scale": torch.exp(h[:, 2:])}


def save_npy(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array))


def per_sample_jacobian(model64, inputs, wrt_index, out_index):
    """float64 [batch, *out, *in] for one input and one output, one sample at a time."""
    blocks = []
    for b in range(inputs[0].shape[0]):
        sample = [t[b:b + 1].double() for t in inputs]

        def f(xi):
            args = list(sample)
            args[wrt_index] = xi.unsqueeze(0)
            out = model64(*args)
            out = out[out_index] if isinstance(out, tuple) else out
            return out.squeeze(0)

        blocks.append(torch.autograd.functional.jacobian(f, inputs[wrt_index][b].double()))
    return torch.stack(blocks).numpy()


def write(name, model, inputs, input_names, output_names, script):
    model.eval()
    model64 = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        module = torch.jit.script(model) if script else torch.jit.trace(model, tuple(inputs))
    module.save(os.path.join(OUT, name + ".pt"))
    for x, n in zip(inputs, input_names):
        save_npy(name + ".input" + ("" if len(inputs) == 1 else "." + n) + ".npy", x.numpy())
    with torch.no_grad():
        outputs = model64(*[x.double() for x in inputs])
    for oi, on in enumerate(output_names):
        out = outputs[oi] if isinstance(outputs, tuple) else outputs
        save_npy(name + ".output" + ("" if len(output_names) == 1 else "." + on) + ".npy", out.numpy())
    for oi, on in enumerate(output_names):
        for wi, wn in enumerate(input_names):
            suffix = ("" if len(output_names) == 1 else "." + on) + ("" if len(inputs) == 1 else "." + wn)
            save_npy(name + ".jacobian" + suffix + ".npy", per_sample_jacobian(model64, inputs, wi, oi))


def main():
    os.makedirs(OUT, exist_ok=True)

    torch.manual_seed(101)
    dropout = DropoutMlp()
    write("dropout_mlp", dropout, [torch.randn(BATCH, 6)], ["x"], ["y"], script=True)
    # The same model saved while in train mode (training=True is stored in the file): a loader must put it
    # in eval mode itself. Its references are dropout_mlp's.
    dropout.train()
    torch.jit.script(dropout).save(os.path.join(OUT, "dropout_mlp_saved_in_train_mode.pt"))

    torch.manual_seed(102)
    cnn = BatchNormCnn()
    # Give batch norm running statistics far from (0, 1), so eval mode and train mode differ clearly.
    cnn.train()
    with torch.no_grad():
        for _ in range(20):
            cnn(torch.randn(16, 2, 5, 5) * 3 + 1)
    with torch.no_grad():
        cnn.bn.weight.uniform_(0.5, 1.5)
        cnn.bn.bias.uniform_(-0.5, 0.5)
    write("batchnorm_cnn", cnn, [torch.randn(BATCH, 2, 5, 5)], ["x"], ["y"], script=True)

    torch.manual_seed(103)
    write("multi_output", MultiOutput(), [torch.randn(BATCH, 5), torch.randn(BATCH, 2)], ["x1", "x2"],
          ["output0", "output1"], script=False)

    torch.manual_seed(104)
    mixing = BatchMixing().eval()
    x = torch.randn(3, 4)
    with torch.no_grad():
        module = torch.jit.trace(mixing, (x,))
    module.save(os.path.join(OUT, "batch_mixing.pt"))
    save_npy("batch_mixing.input.npy", x.numpy())
    mixing64 = copy.deepcopy(mixing).double()
    save_npy("batch_mixing.jacobian.npy", torch.autograd.functional.jacobian(mixing64, x.double()).numpy())

    # A float64 model: its inputs must be float64, which a loader learns by trying.
    torch.manual_seed(106)
    mlp64 = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2)).double().eval()
    x64 = torch.randn(BATCH, 5, dtype=torch.float64)
    with torch.no_grad():
        torch.jit.trace(mlp64, (x64,)).save(os.path.join(OUT, "float64_mlp.pt"))
    save_npy("float64_mlp.input.npy", x64.numpy())
    save_npy("float64_mlp.jacobian.npy", per_sample_jacobian(mlp64, [x64], 0, 0))

    # Outputs named by a returned dict.
    torch.manual_seed(107)
    named = NamedOutputs().eval()
    xn = torch.randn(BATCH, 3)
    torch.jit.script(named).save(os.path.join(OUT, "named_outputs.pt"))
    save_npy("named_outputs.input.npy", xn.numpy())
    with torch.no_grad():
        outs = named(xn)
    for key in ("mean", "scale"):
        save_npy("named_outputs.output." + key + ".npy", outs[key].double().numpy())

    # Not TorchScript: a plain state dict saved with torch.save (also a ZIP archive).
    torch.manual_seed(105)
    torch.save(nn.Linear(3, 2).state_dict(), os.path.join(OUT, "state_dict.pt"))


if __name__ == "__main__":
    main()
