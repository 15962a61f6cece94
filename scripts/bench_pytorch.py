#!/usr/bin/python3
"""Times PyTorch's ways of computing per-sample Jacobians on the fixture models, for comparison with
`./jacobi bench`. Run with Debian's interpreter (torch 1.13 with functorch):

    /usr/bin/python3 scripts/bench_pytorch.py [--batch 256] [--threads 2] [--fixtures DIR]

Install libopenblas0-pthread first: with the reference BLAS, PyTorch runs several times slower.
Prints one JSON object: per model, samples per second of each method and the best of them.
Methods: the repeat trick (one backward pass on the batch repeated n_out times with identity
cotangents), vmap(jacrev), vmap(jacfwd) (functorch), and the vectorized Jacobian of the batch sum
(torch.autograd.functional.jacobian(lambda x: f(x).sum(0), x, vectorize=True)). Median of repeats,
after a warm-up. Float32, CPU.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import torch

try:
    from functorch import jacfwd, jacrev, vmap
except ImportError:  # torch >= 2.0
    from torch.func import jacfwd, jacrev, vmap

MODELS = ["mlp_tanh", "mlp_relu_softmax", "cnn_small", "decoder_sigmoid"]


class MlpTanh(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2, self.l3 = torch.nn.Linear(8, 32), torch.nn.Linear(32, 32), torch.nn.Linear(32, 4)

    def forward(self, x):
        return self.l3(torch.tanh(self.l2(torch.tanh(self.l1(x)))))


class MlpReluSoftmax(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2 = torch.nn.Linear(64, 128), torch.nn.Linear(128, 10)

    def forward(self, x):
        return torch.softmax(self.l2(torch.relu(self.l1(x))), -1)


class CnnSmall(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc = torch.nn.Linear(784, 10)

    def forward(self, x):
        h = torch.nn.functional.max_pool2d(torch.relu(self.c1(x)), 2)
        h = torch.nn.functional.avg_pool2d(torch.relu(self.c2(h)), 2)
        return self.fc(torch.flatten(h, 1))


class DecoderSigmoid(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2 = torch.nn.Linear(16, 128), torch.nn.Linear(128, 784)

    def forward(self, x):
        return torch.sigmoid(self.l2(torch.relu(self.l1(x))))


# Eager twins of the fixtures (TorchScript defeats functorch's batching rules and adds profiling runs);
# the weights come from the fixtures' .pt files.
EAGER = {"mlp_tanh": MlpTanh, "mlp_relu_softmax": MlpReluSoftmax, "cnn_small": CnnSmall, "decoder_sigmoid": DecoderSigmoid}


def repeat_trick(model, x):
    b = x.shape[0]
    with torch.no_grad():
        n_out = model(x[:1]).numel()
    xr = x.unsqueeze(0).expand(n_out, *x.shape).reshape(n_out * b, *x.shape[1:]).clone().requires_grad_(True)
    y = model(xr).reshape(n_out, b, n_out)
    eye = torch.eye(n_out, dtype=x.dtype).unsqueeze(1).expand(n_out, b, n_out)
    (g,) = torch.autograd.grad(y, xr, eye)
    return g.reshape(n_out, b, -1).transpose(0, 1)


def per_sample(model):
    return lambda xi: model(xi.unsqueeze(0)).squeeze(0)


def vmap_jacrev(model, x):
    return vmap(jacrev(per_sample(model)))(x)


def vmap_jacfwd(model, x):
    return vmap(jacfwd(per_sample(model)))(x)


def batch_sum(model, x):
    j = torch.autograd.functional.jacobian(lambda v: model(v).sum(0), x, vectorize=True)
    return j.movedim(1, 0)


METHODS = {"repeat trick": repeat_trick, "vmap(jacrev)": vmap_jacrev, "vmap(jacfwd)": vmap_jacfwd,
           "batch-sum vectorized": batch_sum}


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--fixtures", default=os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures"))
    parser.add_argument("--models", nargs="*", default=MODELS)
    parser.add_argument("--max-memory-gb", type=float, default=8,
                        help="address-space limit, so a method that needs too much memory fails instead of being killed")
    args = parser.parse_args()
    import resource
    limit = int(args.max_memory_gb * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    result = {"torch": torch.__version__, "threads": args.threads, "batch": args.batch, "models": {}}
    for name in args.models:
        model = EAGER[name]()
        model.load_state_dict(torch.jit.load(os.path.join(args.fixtures, name + ".pt")).state_dict())
        model.eval()
        sample = np.load(os.path.join(args.fixtures, name + ".input.npy"))
        x = torch.randn(args.batch, *sample.shape[1:])
        reference = None
        rates = {}
        for label, method in METHODS.items():
            try:
                j = method(model, x)  # warm-up, and a check that every method gives the same Jacobian
                j = j.reshape(args.batch, -1)
                if reference is None:
                    reference = j
                elif not torch.allclose(j, reference, rtol=1e-3, atol=1e-5):
                    rates[label] = "wrong result"
                    continue
                seconds = timed(lambda: method(model, x), args.repeats)
                rates[label] = round(args.batch / seconds, 1)
            except Exception as e:  # a method that this model or torch version does not support
                rates[label] = "failed: " + str(e).splitlines()[0][:120]
        numeric = {k: v for k, v in rates.items() if isinstance(v, float)}
        best = max(numeric, key=numeric.get) if numeric else None
        result["models"][name] = {"samples_per_second": rates, "best_method": best,
                                  "best_samples_per_second": numeric.get(best)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
