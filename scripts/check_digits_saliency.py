#!/usr/bin/env python3
"""Checks that the digits demo's saliency maps follow the strokes, and draws them for a person to look at.

For each bundled sample (assets/samples/digits.input.npy), the saliency map is d logit_top / d image,
computed with PyTorch's autograd on the bundled TorchScript file. A map follows the strokes when clearly
more of its mass |d logit / d pixel| lies on the ink than the ink's share of the image. Prints, per sample,
the predicted class, the share of the saliency mass on the ink and the share of the image the ink covers;
exits non-zero when the mean share is not at least 0.1 above the mean area. The picture shows, per sample,
the digit, |saliency| and the signed saliency (red: more ink here raises the top class, blue: lowers it).

Run with Debian's interpreter: /usr/bin/python3 scripts/check_digits_saliency.py [OUT.png]
"""
import json
import os
import sys

import numpy as np
import torch

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
extra = {"labels.json": ""}
model = torch.jit.load(os.path.join(root, "assets", "models", "digits.pt"), _extra_files=extra)
labels = json.loads(extra["labels.json"])
x = torch.from_numpy(np.load(os.path.join(root, "assets", "samples", "digits.input.npy"))).requires_grad_(True)
logits = model(x)
top = logits.argmax(1)
logits.gather(1, top[:, None]).sum().backward()
signed = x.grad[:, 0].numpy()
saliency = np.abs(signed)
ink = x.detach()[:, 0].numpy() > 0.25

shares, areas = [], []
for i in range(len(x)):
    near = ink[i]
    share = saliency[i][near].sum() / saliency[i].sum()
    shares.append(share)
    areas.append(near.mean())
    print(f"sample {i}: predicted {labels[top[i]]}, saliency on the ink {share:.2f} of the mass, "
          f"on {near.mean():.2f} of the image")
print(f"mean: {np.mean(shares):.2f} of the mass on {np.mean(areas):.2f} of the image")

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/digits-saliency.png"
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, axes = plt.subplots(3, len(x), figsize=(len(x) * 1.2, 3.8))
for i in range(len(x)):
    axes[0, i].imshow(x.detach()[i, 0], cmap="gray", vmin=0, vmax=1)
    axes[0, i].set_title(f"pred {labels[top[i]]}", fontsize=8)
    axes[1, i].imshow(saliency[i], cmap="magma")
    v = saliency[i].max()
    axes[2, i].imshow(signed[i], cmap="RdBu_r", vmin=-v, vmax=v)
    for a in axes[:, i]:
        a.axis("off")
fig.tight_layout()
fig.savefig(out, dpi=80)
print("saliency maps drawn to", out)
if np.mean(shares) < np.mean(areas) + 0.1:
    sys.exit("the saliency maps do not concentrate on the strokes")
