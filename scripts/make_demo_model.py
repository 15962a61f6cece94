#!/usr/bin/env python3
"""Trains the bundled demo model and writes assets/models/demo.{onnx,pt} and assets/samples/demo.input.npy.

The demo is a small surrogate of a physical model, the kind of network people probe with Jacobians:
a projectile with air drag. Inputs (one sample = 6 numbers, standardised): launch speed, launch angle,
drag coefficient, mass, head wind, launch height. Outputs: the height at 12 equally spaced times.
Run with Debian's interpreter: /usr/bin/python3 scripts/make_demo_model.py
"""
import os
import numpy as np
import torch
import onnx

torch.manual_seed(7)
np.random.seed(7)
root = os.path.join(os.path.dirname(__file__), "..")
INPUTS = ["speed", "angle", "drag", "mass", "wind", "height"]
T = np.linspace(0.1, 2.4, 12)


def simulate(z):
    """Heights at times T for standardised inputs z [n, 6] (explicit Euler, fine steps)."""
    v0 = 20 + 5 * z[:, 0]
    ang = np.radians(45 + 12 * z[:, 1])
    k = 0.02 * np.exp(0.4 * z[:, 2])
    m = 1.0 * np.exp(0.3 * z[:, 3])
    wind = 3 * z[:, 4]
    y = 2 + 1.0 * z[:, 5]
    vx, vy = v0 * np.cos(ang), v0 * np.sin(ang)
    dt = 0.005
    out = np.zeros((len(z), len(T)))
    t, j = 0.0, 0
    while j < len(T):
        rvx = vx + wind
        speed = np.sqrt(rvx ** 2 + vy ** 2)
        ax = -k / m * speed * rvx
        ay = -9.81 - k / m * speed * vy
        vx, vy, y = vx + dt * ax, vy + dt * ay, y + dt * vy
        t += dt
        while j < len(T) and t >= T[j] - 1e-9:
            out[:, j] = y
            j += 1
    return out


z = np.random.randn(20000, 6).astype(np.float32)
h = simulate(z.astype(np.float64)).astype(np.float32)
scale = float(np.abs(h).max())
model = torch.nn.Sequential(torch.nn.Linear(6, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(),
                            torch.nn.Linear(64, 12))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
zt, ht = torch.from_numpy(z), torch.from_numpy(h / scale)
for epoch in range(1500):
    idx = torch.randint(0, len(z), (512,))
    loss = torch.mean((model(zt[idx]) - ht[idx]) ** 2)
    opt.zero_grad()
    loss.backward()
    opt.step()
with torch.no_grad():  # fold the output scale into the last layer: outputs are heights in metres
    model[4].weight *= scale
    model[4].bias *= scale
model.eval()
with torch.no_grad():
    err = (model(zt[:2000]) - torch.from_numpy(h[:2000])).abs().mean().item()
print("mean abs error (m):", err)

x = torch.from_numpy(np.random.RandomState(3).randn(16, 6).astype(np.float32))
os.makedirs(os.path.join(root, "assets", "models"), exist_ok=True)
os.makedirs(os.path.join(root, "assets", "samples"), exist_ok=True)
onnx_path = os.path.join(root, "assets", "models", "demo.onnx")
torch.onnx.export(model, x[:1], onnx_path, input_names=["launch"], output_names=["height"],
                  dynamic_axes={"launch": {0: "batch"}, "height": {0: "batch"}}, opset_version=13)
m = onnx.load(onnx_path)
m.doc_string = "Projectile with air drag: heights at 12 times from 6 standardised launch parameters."
for key, value in [("jacobi.labels.launch", ",".join(INPUTS)),
                   ("jacobi.labels.height", ",".join(f"t={t:.1f}s" for t in T))]:
    p = m.metadata_props.add()
    p.key, p.value = key, value
onnx.save(m, onnx_path)
torch.jit.save(torch.jit.trace(model, x[:1]), os.path.join(root, "assets", "models", "demo.pt"))
np.save(os.path.join(root, "assets", "samples", "demo.input.npy"), x.numpy())
