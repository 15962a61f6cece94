#!/usr/bin/python3
"""Checks by hand (not a test: the models are too large to commit) that a float16 ResNet-18 gives the Jacobian of
its float32 twin within float16 rounding, and exactly the Jacobian of the twin with float16-rounded weights.

/usr/bin/python3 scripts/check_fp16_resnet18.py OUTDIR, then run ./jacobi jacobian on OUTDIR/resnet18_fp16.onnx and
OUTDIR/resnet18_fp32.onnx with OUTDIR/x.npy (and x16.npy), and compare with OUTDIR/*.jacobian.npy (see the end).
"""
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
from make_rnn_resize_models import half_model, per_sample_jacobian  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
net = torchvision.models.resnet18(num_classes=10).eval()
x = np.random.uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "x16.npy"), x.astype(np.float16))
fp32 = os.path.join(out, "resnet18_fp32.onnx")
torch.onnx.export(net, torch.from_numpy(x), fp32, opset_version=17, input_names=["x"], output_names=["y"],
                  dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
half_model(fp32, os.path.join(out, "resnet18_fp16.onnx"), "float16", io_half=True)
np.save(os.path.join(out, "fp32.jacobian.npy"), per_sample_jacobian(net, x))
state = {k: v.clone() for k, v in net.state_dict().items()}
twin = torchvision.models.resnet18(num_classes=10)
twin.load_state_dict({k: (v.half().float() if v.is_floating_point() else v) for k, v in state.items()})
np.save(os.path.join(out, "fp16.jacobian.npy"),
        per_sample_jacobian(twin.eval(), x.astype(np.float16).astype(np.float32)))
