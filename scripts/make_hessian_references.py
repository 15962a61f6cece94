#!/usr/bin/python3
"""Float64 references for second-order and weight sensitivities (issue 14).

Run with Debian's interpreter (torch 1.13):  /usr/bin/python3 scripts/make_hessian_references.py
Writes src/test/resources/hessian/:
- NAME.hessian.e0.npy / NAME.hessian.sum.npy: float64 [batch, *in, *in], per sample
  torch.autograd.functional.hessian of output element 0 (flat index into one sample's output) and of the
  sum of the sample's outputs, on a float64 copy of the model;
- NAME.pt: TorchScript traces of the generated models (norm_mlp, attention_block), whose ONNX exports
  are in src/test/resources/models (rebuilt here from scripts/make_test_models.py with the same seeds;
  the script checks that the inputs it draws equal the stored ones);
- mlp_tanh.wrt.l2.weight.npy: float64 [batch, 4, 32, 32], the per-sample Jacobian of y w.r.t. l2.weight
  (torch.autograd.grad of each output element of each sample separately);
- mlp_tanh.wrt.norms.npy: float64 [batch, parameters], Frobenius norms of those per-sample Jacobians for
  every parameter in named_parameters() order.
"""
import copy
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_test_models as tm  # noqa: E402

RES = os.path.join(HERE, "..", "src", "test", "resources")
OUT = os.path.join(RES, "hessian")


def hessians(m64, x, element):
    out = []
    for b in range(x.shape[0]):
        def f(v):
            y = m64(v.unsqueeze(0)).squeeze(0).reshape(-1)
            return y.sum() if element is None else y[element]
        out.append(torch.autograd.functional.hessian(f, x[b].double()))
    return torch.stack(out).numpy().astype(np.float64)


def write(name, m64, x):
    np.save(os.path.join(OUT, name + ".hessian.e0.npy"), hessians(m64, x, 0))
    np.save(os.path.join(OUT, name + ".hessian.sum.npy"), hessians(m64, x, None))
    print(name, tuple(x.shape))


def generated(name, model, in_shape, seed):
    """Rebuilds a model of make_test_models exactly as make() did, without exporting it again."""
    torch.manual_seed(seed)
    for p in model.parameters():
        p.data.normal_(0, 0.4)
    tm.randomise_batchnorm(model)
    model.eval()
    x = torch.randn(3, *in_shape)
    stored = np.load(os.path.join(RES, "models", name + ".input.npy"))
    assert np.array_equal(stored, x.numpy()), name + ": inputs differ from the stored ones"
    with torch.no_grad():
        traced = torch.jit.trace(model, x)
    traced.save(os.path.join(OUT, name + ".pt"))
    return model, x


def weight_jacobian(model, x, param_name):
    params = dict(model.named_parameters())
    rows = []
    for b in range(x.shape[0]):
        y = model(x[b:b + 1]).reshape(-1)
        per_out = [torch.autograd.grad(y[k], params[param_name], retain_graph=True)[0] for k in range(y.numel())]
        rows.append(torch.stack(per_out).reshape(*model(x[:1]).shape[1:], *params[param_name].shape))
    return torch.stack(rows)


def weight_norms(model, x):
    names = [n for n, _ in model.named_parameters()]
    norms = np.zeros((x.shape[0], len(names)))
    for j, n in enumerate(names):
        jac = weight_jacobian(model, x, n)
        norms[:, j] = jac.reshape(x.shape[0], -1).norm(dim=1).numpy()
    return norms


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name in ["mlp_tanh", "mlp_relu_softmax", "decoder_sigmoid"]:
        m64 = torch.jit.load(os.path.join(RES, "fixtures", name + ".pt")).double()
        x = torch.from_numpy(np.load(os.path.join(RES, "fixtures", name + ".input.npy")))
        write(name, m64, x)
    for name, model, shape, seed in [("norm_mlp", tm.NormMlp(), (12,), 11), ("attention_block", tm.Attention(), (5, 8), 12)]:
        model, x = generated(name, model, shape, seed)
        write(name, copy.deepcopy(model).double(), x)
    m64 = torch.jit.load(os.path.join(RES, "fixtures", "mlp_tanh.pt")).double()
    x = torch.from_numpy(np.load(os.path.join(RES, "fixtures", "mlp_tanh.input.npy"))).double()
    np.save(os.path.join(OUT, "mlp_tanh.wrt.l2.weight.npy"), weight_jacobian(m64, x, "l2.weight").detach().numpy())
    np.save(os.path.join(OUT, "mlp_tanh.wrt.norms.npy"), weight_norms(m64, x))
    print("weights", [n for n, _ in m64.named_parameters()])
