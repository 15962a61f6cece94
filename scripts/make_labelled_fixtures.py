#!/usr/bin/python3
"""Copies of the mlp_tanh fixture that name their four outputs, for the element-label tests.

mlp_tanh.class_names.onnx: ONNX metadata_props `class_names` = JSON list.
mlp_tanh.labels.pt: TorchScript with the extra file `labels.json` (torch.jit.save _extra_files).
Run with Debian's /usr/bin/python3 (onnx, torch) from the repository root.
"""
import json
import zipfile

import onnx
import torch

SRC = "src/test/resources/fixtures/"
OUT = "src/test/resources/labels/"
LABELS = ["north", "east", "south", "west"]

m = onnx.load(SRC + "mlp_tanh.onnx")
p = m.metadata_props.add()
p.key, p.value = "class_names", json.dumps(LABELS)
onnx.save(m, OUT + "mlp_tanh.class_names.onnx")

module = torch.jit.load(SRC + "mlp_tanh.pt")
torch.jit.save(module, OUT + "mlp_tanh.labels.pt", _extra_files={"labels.json": json.dumps(LABELS)})
assert any(n.endswith("extra/labels.json") for n in zipfile.ZipFile(OUT + "mlp_tanh.labels.pt").namelist())

with open(OUT + "compass.txt", "w") as f:
    f.write("\n".join(["N", "E", "S", "W"]) + "\n")
