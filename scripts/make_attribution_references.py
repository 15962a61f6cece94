#!/usr/bin/python3
"""Float64 PyTorch references for the attribution methods (org.jacobi.attribution), on the shared fixtures.

Run with Debian's interpreter (torch 1.13):  /usr/bin/python3 scripts/make_attribution_references.py
Each method is written out here from its formula (the same one Captum implements), evaluated on a float64 copy
of the TorchScript fixture at the stored float32 inputs. The random parts (noise draws, GradientSHAP's baselines
and points) are written as NPY files that the Java tests feed to the same methods. Also writes a linear model
(linear.onnx, linear.pt: y = W x + b, 6 -> 3; linear_batch4.onnx with the batch fixed at 4) and NumPy's Gauss-Legendre table for 50 points.
Layer methods (Grad-CAM, layer gradient x activation) are computed by splitting the float64 network at the layer, on
cnn_small at its last convolution and on a small torchvision-like residual network (tiny_resnet.onnx, written here; tiny_resnet_batch1.onnx with the batch fixed at 1),
each upsampled as Captum's LayerAttribution.interpolate does (nearest) and repeated over the input's channels.
Writes src/test/resources/attribution/*.
"""
import math
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "src", "test", "resources", "fixtures")
OUT = os.path.join(HERE, "..", "src", "test", "resources", "attribution")
torch.manual_seed(26)
rng = np.random.default_rng(26)


def save(name, a):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(a))


def model64(name):
    m = torch.jit.load(os.path.join(FIX, name + ".pt"))
    m.eval()
    return m.double()


def target_fn(model, weights):
    """x [rows, ...] -> per-row sum(y * w), w [rows, *out] or [*out]."""
    def f(x, *others):
        y = model(x, *others)
        return (y * weights).reshape(y.shape[0], -1).sum(1)
    return f


def grad(f, x, *others):
    x = x.clone().requires_grad_(True)
    v = f(x, *others)
    (g,) = torch.autograd.grad(v.sum(), x)
    return g.detach()


def rule(name, n):
    """Captum's approximation_methods: (alphas, step sizes)."""
    if name == "gausslegendre":
        p, w = np.polynomial.legendre.leggauss(n)
        return 0.5 * (1 + p), 0.5 * w
    deltas = np.full(n, 1.0 / n)
    if name == "riemann-trapezoid":
        deltas[0] /= 2
        deltas[-1] /= 2
        return np.linspace(0, 1, n), deltas
    if name == "riemann-left":
        return np.linspace(0, 1 - 1 / n, n), deltas
    if name == "riemann-middle":
        return np.linspace(1 / (2 * n), 1 - 1 / (2 * n), n), deltas
    return np.linspace(1 / n, 1, n), deltas


def ig(f, x, base, rule_name, steps, *others):
    alphas, weights = rule(rule_name, steps)
    total = torch.zeros_like(x)
    for a, w in zip(alphas, weights):
        total += float(w) * grad(f, base + float(a) * (x - base), *others)
    return total * (x - base)


def noise_tunnel(f, x, noise, kind):
    """noise [draws, *sample]: added to every sample."""
    grads = torch.stack([grad(f, x + e.unsqueeze(0)) for e in noise])  # [draws, batch, ...]
    mean = grads.mean(0)
    sq = (grads ** 2).mean(0)
    return {"smoothgrad": mean, "smoothgrad-sq": sq, "vargrad": sq - mean ** 2}[kind]


def gradshap(f, x, baselines, index, alpha):
    out = torch.zeros_like(x)
    draws = index.shape[1]
    for s in range(x.shape[0]):
        for k in range(draws):
            b = baselines[index[s, k]].unsqueeze(0)
            xs = x[s:s + 1]
            g = grad(f, b + float(alpha[s, k]) * (xs - b))
            out[s] += (g * (xs - b))[0] / draws
    return out


def occlusion(model, weights, x, window, stride, fill):
    f = target_fn(model, weights)
    shape = x.shape[1:]
    counts = [math.ceil((d - w) / s) + 1 for d, w, s in zip(shape, window, stride)]
    total = torch.zeros_like(x)
    covered = torch.zeros(shape, dtype=torch.float64)
    with torch.no_grad():
        f0 = f(x)
        for pos in np.ndindex(*counts):
            sl = tuple(slice(p * s, min(d, p * s + w)) for p, s, w, d in zip(pos, stride, window, shape))
            xo = x.clone()
            xo[(slice(None),) + sl] = fill
            drop = f0 - f(xo)
            mask = torch.zeros(shape, dtype=torch.float64)
            mask[sl] = 1
            total += drop.reshape((-1,) + (1,) * len(shape)) * mask
            covered += mask
    return total / covered


def blur(x, sigma):
    r = int(math.ceil(3 * sigma))
    k = np.exp(-0.5 * np.arange(-r, r + 1) ** 2 / sigma ** 2)
    k /= k.sum()
    a = x.numpy()
    h, w = a.shape[-2:]
    rows = np.zeros_like(a)
    for j in range(-r, r + 1):
        rows += k[j + r] * a[..., np.clip(np.arange(w) + j, 0, w - 1)]
    out = np.zeros_like(a)
    for j in range(-r, r + 1):
        out += k[j + r] * rows[..., np.clip(np.arange(h) + j, 0, h - 1), :]
    return torch.from_numpy(out)


def one_hot(n, i):
    w = torch.zeros(n, dtype=torch.float64)
    w[i] = 1
    return w


def mlp_tanh():
    m = model64("mlp_tanh")
    x = torch.from_numpy(np.load(os.path.join(FIX, "mlp_tanh.input.npy")).astype(np.float64))
    w = one_hot(4, 2)
    f = target_fn(m, w)
    save("mlp_tanh.saliency.npy", grad(f, x).numpy())
    save("mlp_tanh.gradxinput.npy", (grad(f, x) * x).numpy())
    save("mlp_tanh.ig_gl16_zero.npy", ig(f, x, torch.zeros_like(x), "gausslegendre", 16).numpy())
    base = torch.from_numpy(rng.normal(0, 0.5, size=(8,)).astype(np.float32).astype(np.float64))
    save("mlp_tanh.baseline.npy", base.numpy().astype(np.float32))
    for r in ["riemann-left", "riemann-right", "riemann-middle", "riemann-trapezoid"]:
        save("mlp_tanh.ig_%s10_file.npy" % r, ig(f, x, base.expand_as(x), r, 10).numpy())
    noise = torch.from_numpy(rng.normal(0, 0.3, size=(5, 8)).astype(np.float32).astype(np.float64))
    save("mlp_tanh.noise.npy", noise.numpy().astype(np.float32))
    for kind in ["smoothgrad", "smoothgrad-sq", "vargrad"]:
        save("mlp_tanh.%s.npy" % kind, noise_tunnel(f, x, noise, kind).numpy())
    baselines = torch.from_numpy(rng.normal(0, 1, size=(3, 8)).astype(np.float32).astype(np.float64))
    index = rng.integers(0, 3, size=(4, 6))
    alpha = rng.random(size=(4, 6))
    save("mlp_tanh.shap_baselines.npy", baselines.numpy().astype(np.float32))
    save("mlp_tanh.shap_index.npy", index.astype(np.int64))
    save("mlp_tanh.shap_alpha.npy", alpha)
    save("mlp_tanh.gradshap.npy", gradshap(f, x, baselines, index, alpha).numpy())
    save("mlp_tanh.occlusion_w3_s2.npy", occlusion(m, w, x, [3], [2], 0.0).numpy())


def cnn_small():
    m = model64("cnn_small")
    x = torch.from_numpy(np.load(os.path.join(FIX, "cnn_small.input.npy")).astype(np.float64))
    y = np.load(os.path.join(FIX, "cnn_small.output.npy"))
    top = torch.stack([one_hot(10, int(i)) for i in y.argmax(1)])
    f = target_fn(m, top)
    save("cnn_small.saliency_top.npy", grad(f, x).numpy())
    save("cnn_small.ig_gl8_blur2_top.npy", ig(f, x, blur(x, 2.0), "gausslegendre", 8).numpy())
    save("cnn_small.occlusion_w1x4x4_s1x3x3_top.npy", occlusion(m, top, x, [1, 4, 4], [1, 3, 3], 0.0).numpy())
    noise = torch.from_numpy(rng.normal(0, 0.2, size=(3, 1, 28, 28)).astype(np.float32).astype(np.float64))
    save("cnn_small.noise.npy", noise.numpy().astype(np.float32))
    save("cnn_small.smoothgrad_top.npy", noise_tunnel(f, x, noise, "smoothgrad").numpy())
    region = torch.zeros(10, dtype=torch.float64)
    region[3:7] = 1
    save("cnn_small.saliency_region3to7.npy", grad(target_fn(m, region), x).numpy())


def two_inputs():
    m = model64("two_inputs")
    x1 = torch.from_numpy(np.load(os.path.join(FIX, "two_inputs.input.x1.npy")).astype(np.float64))
    x2 = torch.from_numpy(np.load(os.path.join(FIX, "two_inputs.input.x2.npy")).astype(np.float64))
    f = target_fn(m, one_hot(5, 1))
    save("two_inputs.ig_gl20_x1.npy", ig(f, x1, torch.zeros_like(x1), "gausslegendre", 20, x2).numpy())


def linear():
    lin = torch.nn.Linear(6, 3)
    lin.eval()
    x = torch.randn(4, 6)
    np.save(os.path.join(OUT, "linear.input.npy"), x.numpy())
    np.save(os.path.join(OUT, "linear.weight.npy"), lin.weight.detach().numpy().astype(np.float64))
    torch.onnx.export(lin, x, os.path.join(OUT, "linear.onnx"), input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13)
    # the same model with its batch fixed at 4, as many exported files have it
    torch.onnx.export(lin, x, os.path.join(OUT, "linear_batch4.onnx"), input_names=["x"], output_names=["y"], opset_version=13)
    with torch.no_grad():
        torch.jit.trace(lin, x).save(os.path.join(OUT, "linear.pt"))


def layer_maps(head, a, weights, in_shape):
    """Grad-CAM (Captum's LayerGradCam, without and with ReLU) and layer gradient x activation summed over the layer's
    channels, at activation a [b, C, *spatial] of the float64 network head(a) -> y; upsampled to the input's spatial
    size as LayerAttribution.interpolate (nearest) and repeated over the input's channels."""
    a = a.detach().clone().requires_grad_(True)
    y = head(a)
    (g,) = torch.autograd.grad((y * weights).sum(), a)
    spatial = tuple(range(2, a.dim()))
    cam = (g.mean(dim=spatial, keepdim=True) * a).sum(1, keepdim=True).detach()
    gxa = (g * a).sum(1, keepdim=True).detach()

    def up(m):
        m = torch.nn.functional.interpolate(m, size=tuple(in_shape[2:]), mode="nearest")
        return m.expand(-1, in_shape[1], *in_shape[2:]).numpy()
    return {"gradcam": up(cam), "gradcam_relu": up(torch.relu(cam)), "layer-gradxact": up(gxa)}


def cnn_small_layers():
    m = model64("cnn_small")
    x = torch.from_numpy(np.load(os.path.join(FIX, "cnn_small.input.npy")).astype(np.float64))
    y = np.load(os.path.join(FIX, "cnn_small.output.npy"))
    top = torch.stack([one_hot(10, int(i)) for i in y.argmax(1)])
    F = torch.nn.functional
    with torch.no_grad():
        a = m.c2(F.max_pool2d(torch.relu(m.c1(x)), 2))  # the last convolution's output, /c2/Conv_output_0

    def head(a):
        return m.fc(torch.flatten(F.avg_pool2d(torch.relu(a), 2), 1))
    for name, v in layer_maps(head, a, top, x.shape).items():
        save("cnn_small.%s_lastconv_top.npy" % name, v)


class TinyResNet(torch.nn.Module):
    """A stem (stride-2 convolution, batch norm, ReLU) and one torchvision BasicBlock, pooled to 5 classes."""
    def __init__(self):
        super().__init__()
        import torchvision
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), torch.nn.BatchNorm2d(8),
                                        torch.nn.ReLU())
        self.block = torchvision.models.resnet.BasicBlock(8, 8)
        self.fc = torch.nn.Linear(8, 5)

    def features(self, x):
        return self.block(self.stem(x))

    def head(self, a):
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(a, 1), 1))

    def forward(self, x):
        return self.head(self.features(x))


def tiny_resnet():
    net = TinyResNet()
    with torch.no_grad():  # batch norm statistics that are not the identity
        for bn in [net.stem[1], net.block.bn1, net.block.bn2]:
            bn.running_mean.uniform_(-0.2, 0.2)
            bn.running_var.uniform_(0.5, 1.5)
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
    net.eval()
    x = torch.randn(3, 3, 21, 21)  # 21 -> 11: the upsampling's source index is not a whole ratio
    np.save(os.path.join(OUT, "tiny_resnet.input.npy"), x.numpy())
    torch.onnx.export(net, x, os.path.join(OUT, "tiny_resnet.onnx"), input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13)
    n64 = net.double()
    x64 = x.double()
    with torch.no_grad():
        top = torch.stack([one_hot(5, int(i)) for i in n64(x64).argmax(1)])
        block_out = n64.features(x64)
        b = n64.block
        # the last convolution's output as the export leaves it: conv2 with bn2 folded in, before the residual sum
        last_conv = b.bn2(b.conv2(b.relu(b.bn1(b.conv1(n64.stem(x64))))))

    def after_last_conv(a):
        return n64.head(torch.relu(a + n64.stem(x64)))
    for name, v in layer_maps(after_last_conv, last_conv, top, x.shape).items():
        save("tiny_resnet.%s_lastconv_top.npy" % name, v)
    for name, v in layer_maps(n64.head, block_out, top, x.shape).items():
        save("tiny_resnet.%s_block_top.npy" % name, v)
    # the same network with its batch fixed at 1, as many exported image models have it (the Attribution tab's case)
    torch.onnx.export(net.float(), x[:1], os.path.join(OUT, "tiny_resnet_batch1.onnx"), input_names=["x"], output_names=["y"],
                      opset_version=13)


def tables():
    p, w = np.polynomial.legendre.leggauss(50)
    save("gausslegendre50.npy", np.stack([0.5 * (1 + p), 0.5 * w]))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    mlp_tanh()
    cnn_small()
    two_inputs()
    linear()
    cnn_small_layers()
    tiny_resnet()
    tables()
    print("wrote", sorted(os.listdir(OUT)))
