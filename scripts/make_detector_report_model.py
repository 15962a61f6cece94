#!/usr/bin/env python3
"""Writes a small detector-like ONNX model with many anchor outputs, and a float64 reference gradient, for the
report tests (src/test/resources/report).

Run with Debian's interpreter (python3-torch, python3-onnx):
    /usr/bin/python3 scripts/make_detector_report_model.py

detector_anchors.onnx has the traits of a face detector: an NHWC photo [batch, 128, 128, 3] in -1..1 (stated in its
metadata), three stride-2 convolutions down to a 16 x 16 grid with two anchors per cell, and two heads: scores
[batch, 512] ending in Sigmoid and boxes [batch, 512, 4]. Anchor a = (row * 16 + col) * 2 + k sits over pixels
8 row .. 8 row + 7 and 8 col .. 8 col + 7 (its receptive field spans 15 pixels around them).

detector_anchors.grad_scores_272.npy: float64 [1, 128, 128, 3], d logit[272] / d image at
images/ref_face_nhwc_symmetric.npy (face.png as the model reads it): the logit before the Sigmoid of scores[272],
the anchor of grid cell (8, 8), on the face; computed with a float64 copy of the network.
"""
import os

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "report")
IMAGES = os.path.join(HERE, "..", "src", "test", "resources", "images")
ANCHOR = 272
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(25)


class Detector(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.c2 = torch.nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.c3 = torch.nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.score = torch.nn.Conv2d(16, 2, 1)
        self.box = torch.nn.Conv2d(16, 8, 1)

    def logits(self, x):
        h = x.permute(0, 3, 1, 2)
        h = torch.relu(self.c1(h))
        h = torch.relu(self.c2(h))
        h = torch.relu(self.c3(h))
        return self.score(h).permute(0, 2, 3, 1).reshape(x.shape[0], 512), h

    def forward(self, x):
        logits, h = self.logits(x)
        boxes = self.box(h).permute(0, 2, 3, 1).reshape(x.shape[0], 512, 4)
        return torch.sigmoid(logits), boxes


model = Detector().eval()
file = os.path.join(OUT, "detector_anchors.onnx")
torch.onnx.export(model, torch.zeros(1, 128, 128, 3), file, input_names=["image"], output_names=["scores", "boxes"],
                  dynamic_axes={"image": {0: "batch"}, "scores": {0: "batch"}, "boxes": {0: "batch"}}, opset_version=13)
m = onnx.load(file)
m.metadata_props.add(key="normalize", value="-1..1")
onnx.checker.check_model(m)
onnx.save(m, file)

x = torch.from_numpy(np.load(os.path.join(IMAGES, "ref_face_nhwc_symmetric.npy")).astype(np.float64)).requires_grad_(True)
logits, _ = model.double().logits(x)
logits[0, ANCHOR].backward()
np.save(os.path.join(OUT, "detector_anchors.grad_scores_%d.npy" % ANCHOR), x.grad.numpy())
print("wrote", sorted(os.listdir(OUT)))
