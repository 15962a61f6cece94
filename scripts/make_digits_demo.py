#!/usr/bin/env python3
"""Trains the digits demo and writes assets/models/digits.{onnx,pt} and assets/samples/digits.input.npy,
assets/samples/digit-0.png ... digit-9.png.

A small convolutional classifier of scikit-learn's bundled 8x8 handwritten digits (1,797 images shipped
with Debian's python3-sklearn: nothing is downloaded). Its saliency maps, the gradient of the top class's
logit with respect to the input pixels, follow the pen strokes that tell the classes apart.

Input `image`: float32 [batch, 1, 8, 8], white ink on black, value = pixel / 16 in 0..1 (sklearn's pixels
run 0..16). The PNGs store round(pixel * 255 / 16), so the app's image normalisation "scale 1/255, mean 0,
std 1" gives back these values to within 1/510. Output `logits`: float32 [batch, 10], one logit per digit "0" .. "9"
(softmax them for probabilities). Class labels: ONNX metadata_props `labels` (a JSON list) and, in the
TorchScript file, the extra file `labels.json` (the same JSON list).

Run with Debian's interpreter: /usr/bin/python3 scripts/make_digits_demo.py
"""
import json
import os

import numpy as np
import onnx
import torch
from PIL import Image
from sklearn.datasets import load_digits

torch.manual_seed(12)
np.random.seed(12)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
LABELS = [str(d) for d in range(10)]

digits = load_digits()
x_all = (digits.images / 16.0).astype(np.float32)[:, None, :, :]  # [1797, 1, 8, 8], 0..1
y_all = digits.target.astype(np.int64)
order = np.random.permutation(len(x_all))
test, train = order[:360], order[360:]


class DigitsNet(torch.nn.Module):
    """conv 3x3 (16) - ReLU - conv 3x3 (32) - ReLU - average-pool 2 - linear 512->64 - ReLU - linear 64->10."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(16, 32, 3, padding=1)
        self.pool = torch.nn.AvgPool2d(2)
        self.fc1 = torch.nn.Linear(32 * 4 * 4, 64)
        self.fc2 = torch.nn.Linear(64, 10)

    def forward(self, image):
        h = torch.relu(self.conv1(image))
        h = self.pool(torch.relu(self.conv2(h)))
        h = torch.relu(self.fc1(h.flatten(1)))
        return self.fc2(h)


model = DigitsNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
xt, yt = torch.from_numpy(x_all[train]), torch.from_numpy(y_all[train])
for epoch in range(60):
    perm = torch.randperm(len(xt))
    for i in range(0, len(xt), 64):
        idx = perm[i:i + 64]
        # Noisy inputs while training (sigma 0.3) give smoother input gradients that follow the strokes;
        # without them the saliency maps are speckled. Average pooling helps in the same way.
        noisy = xt[idx] + 0.3 * torch.randn_like(xt[idx])
        loss = torch.nn.functional.cross_entropy(model(noisy), yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
model.eval()
with torch.no_grad():
    pred = model(torch.from_numpy(x_all[test])).argmax(1).numpy()
accuracy = float((pred == y_all[test]).mean())
print(f"test accuracy on {len(test)} held-out digits: {accuracy:.3f}")
assert accuracy > 0.95, accuracy

# one held-out sample per class, the first of each in the held-out order
samples = np.stack([x_all[test][y_all[test] == d][0] for d in range(10)])  # [10, 1, 8, 8]
os.makedirs(os.path.join(root, "assets", "models"), exist_ok=True)
os.makedirs(os.path.join(root, "assets", "samples"), exist_ok=True)
np.save(os.path.join(root, "assets", "samples", "digits.input.npy"), samples)
for d in range(10):
    pixels = np.round(samples[d, 0] * 255).astype(np.uint8)
    Image.fromarray(pixels, mode="L").save(os.path.join(root, "assets", "samples", f"digit-{d}.png"), optimize=True)

example = torch.from_numpy(samples[:1])
onnx_path = os.path.join(root, "assets", "models", "digits.onnx")
torch.onnx.export(model, example, onnx_path, input_names=["image"], output_names=["logits"],
                  dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
m = onnx.load(onnx_path)
m.doc_string = ("Handwritten digit classifier (scikit-learn's 8x8 digits). Input: white ink on black, "
                "pixel / 16 in 0..1. Output: logits of the digits 0..9.")
p = m.metadata_props.add()
p.key, p.value = "labels", json.dumps(LABELS)
onnx.checker.check_model(m)
onnx.save(m, onnx_path)
with torch.no_grad():
    traced = torch.jit.trace(model, example)
torch.jit.save(traced, os.path.join(root, "assets", "models", "digits.pt"),
               _extra_files={"labels.json": json.dumps(LABELS)})
print("wrote", onnx_path, "and digits.pt, digits.input.npy, digit-0..9.png")
