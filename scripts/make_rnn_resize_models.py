#!/usr/bin/python3
"""Makes the small PyTorch models behind RecurrentAndResizeModelsTest and HalfPrecisionModelTest.

Recurrent layers (nn.LSTM, nn.GRU in one and two layers and bidirectional, nn.RNN), upsampling (nn.Upsample
bilinear and bicubic, align_corners true and false) and a small nn.TransformerEncoder are exported with
torch.onnx.export at opsets 11, 13 and 17. Each model gets one input (NAME.input.npy, float32, batch of 2) and
its per-sample Jacobian computed by PyTorch in float64 (torch.autograd.functional.jacobian on a float64 copy),
NAME.jacobian.npy, shaped [batch, *output, *input].

Half precision: a small conv net is written three ways: float16 throughout (inputs, weights, outputs), float16
weights behind float32 inputs and outputs (Cast nodes), and bfloat16 weights; its reference Jacobian is the
float64 Jacobian of the net with the weights rounded to float16 (bfloat16), which the upcast graph computes
exactly. The float32 twin is written too.

The traced TorchScript encoder (traced under torch.no_grad(), so it records the fused inference-only
aten::_transformer_encoder_layer_fwd) is for the message test.

Run with Debian's interpreter (torch 1.13, onnx 1.12): /usr/bin/python3 scripts/make_rnn_resize_models.py
"""
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper, TensorProto

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "models", "rnn_resize")
OPSETS = (11, 13, 17)
torch.manual_seed(0)
np.random.seed(0)


class FirstOutput(torch.nn.Module):
    """Keeps only the sequence output of a recurrent layer."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        return self.layer(x)[0]


def per_sample_jacobian(module, x):
    m = module.double().eval()
    rows = []
    for b in range(x.shape[0]):
        xb = torch.from_numpy(x[b:b + 1]).double()
        out_rank = m(xb).dim()
        j = torch.autograd.functional.jacobian(lambda v: m(v), xb)
        out_shape = j.shape[:out_rank]
        in_shape = j.shape[out_rank:]
        rows.append(j.reshape(out_shape[1:] + in_shape[1:]).numpy())
    module.float()
    return np.stack(rows)


def save(name, module, x, opsets=OPSETS, dynamic=True):
    module = module.eval()
    np.save(os.path.join(OUT, name + ".input.npy"), x.astype(np.float32))
    for opset in opsets:
        path = os.path.join(OUT, "%s.opset%d.onnx" % (name, opset))
        torch.onnx.export(module, torch.from_numpy(x), path, opset_version=opset, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}} if dynamic else None)
        ops = sorted({n.op_type for n in onnx.load(path).graph.node})
        print(name, opset, ops)
    np.save(os.path.join(OUT, name + ".jacobian.npy"), per_sample_jacobian(module, x))


def recurrent():
    x = np.random.uniform(-1, 1, (2, 5, 3)).astype(np.float32)
    save("lstm", FirstOutput(torch.nn.LSTM(3, 4, batch_first=True)), x)
    save("lstm2_bidirectional", FirstOutput(torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)), x)
    save("gru", FirstOutput(torch.nn.GRU(3, 4, batch_first=True)), x)
    save("gru2_bidirectional", FirstOutput(torch.nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)), x)
    save("rnn", FirstOutput(torch.nn.RNN(3, 4, batch_first=True)), x)
    save("rnn_relu_bidirectional", FirstOutput(torch.nn.RNN(3, 4, nonlinearity="relu", bidirectional=True,
                                                            batch_first=True)), x)


class Upsampler(torch.nn.Module):
    def __init__(self, mode, align_corners, size=None, scale=None):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 2, 1)
        self.up = torch.nn.Upsample(size=size, scale_factor=scale, mode=mode, align_corners=align_corners)

    def forward(self, x):
        return torch.tanh(self.up(self.conv(x)))


def upsampling():
    x = np.random.uniform(-1, 1, (2, 2, 3, 4)).astype(np.float32)
    for mode in ("bilinear", "bicubic"):
        for align in (False, True):
            name = "upsample_%s_%s" % (mode, "align" if align else "noalign")
            save(name, Upsampler(mode, align, scale=2), x)
    # a size that is no integer multiple
    save("upsample_bilinear_size", Upsampler("bilinear", False, size=(5, 7)), x)


def transformer():
    layer = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
    encoder = torch.nn.TransformerEncoder(layer, 1, enable_nested_tensor=False).eval()
    x = np.random.uniform(-1, 1, (2, 4, 8)).astype(np.float32)
    save("transformer_encoder", encoder, x)
    with torch.no_grad():
        traced = torch.jit.trace(encoder, torch.from_numpy(x))
    traced.save(os.path.join(OUT, "transformer_encoder_nograd.pt"))
    print("traced under no_grad:", sorted({n.kind() for n in traced.inlined_graph.nodes() if "transformer" in n.kind()}))


class SmallConv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 3, 3, stride=2)
        self.fc = torch.nn.Linear(3 * 2 * 2, 5)

    def forward(self, x):
        h = torch.relu(self.conv1(x))
        h = torch.tanh(self.conv2(h))
        return torch.sigmoid(self.fc(h.flatten(1)))


def to_bfloat16_bits(a):
    """float32 -> bfloat16 bit patterns (round to nearest even), as uint16."""
    bits = a.astype(np.float32).view(np.uint32)
    rounded = bits + 0x7FFF + ((bits >> 16) & 1)
    return (rounded >> 16).astype(np.uint16)


def from_bfloat16_bits(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def half_model(src, dst, kind, io_half):
    """Rewrites a float32 ONNX model with float16 or bfloat16 weights (and, with io_half, float16 inputs/outputs)."""
    m = onnx.load(src)
    code = TensorProto.FLOAT16 if kind == "float16" else TensorProto.BFLOAT16
    inits = []
    for t in m.graph.initializer:
        a = numpy_helper.to_array(t)
        if a.dtype == np.float32:
            if kind == "float16":
                t = numpy_helper.from_array(a.astype(np.float16), t.name)
            else:
                t = onnx.helper.make_tensor(t.name, TensorProto.BFLOAT16, a.shape, to_bfloat16_bits(a).tobytes(), raw=True)
        inits.append(t)
    del m.graph.initializer[:]
    m.graph.initializer.extend(inits)
    nodes = list(m.graph.node)
    del m.graph.node[:]
    x = m.graph.input[0].name
    y = m.graph.output[0].name
    if io_half:
        m.graph.input[0].type.tensor_type.elem_type = code
        m.graph.output[0].type.tensor_type.elem_type = code
    else:
        # float32 at the boundary, the half type inside
        m.graph.node.append(onnx.helper.make_node("Cast", [x], [x + "_half"], to=code))
        for n in nodes:
            for i, name in enumerate(n.input):
                if name == x:
                    n.input[i] = x + "_half"
            for i, name in enumerate(n.output):
                if name == y:
                    n.output[i] = y + "_half"
    m.graph.node.extend(nodes)
    if not io_half:
        m.graph.node.append(onnx.helper.make_node("Cast", [y + "_half"], [y], to=TensorProto.FLOAT))
    del m.graph.value_info[:]
    onnx.save(m, dst)


def half_precision():
    net = SmallConv().eval()
    x = np.random.uniform(-1, 1, (2, 2, 5, 5)).astype(np.float32)
    fp32 = os.path.join(OUT, "conv_fp32.onnx")
    torch.onnx.export(net, torch.from_numpy(x), fp32, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    np.save(os.path.join(OUT, "conv.input.npy"), x)
    np.save(os.path.join(OUT, "conv.input.float16.npy"), x.astype(np.float16))
    np.save(os.path.join(OUT, "conv_fp32.jacobian.npy"), per_sample_jacobian(net, x))
    half_model(fp32, os.path.join(OUT, "conv_fp16.onnx"), "float16", io_half=True)
    half_model(fp32, os.path.join(OUT, "conv_fp16_io32.onnx"), "float16", io_half=False)
    half_model(fp32, os.path.join(OUT, "conv_bf16_io32.onnx"), "bfloat16", io_half=False)
    state = {k: v.clone() for k, v in net.state_dict().items()}
    for kind, rounding in (("fp16", lambda v: v.half().float()),
                           ("bf16", lambda v: torch.from_numpy(from_bfloat16_bits(to_bfloat16_bits(v.numpy()))))):
        twin = SmallConv()
        twin.load_state_dict({k: rounding(v) for k, v in state.items()})
        # fp16 inputs are rounded too; the float32 input feeds the io32 models
        xin = x.astype(np.float16).astype(np.float32) if kind == "fp16" else x
        np.save(os.path.join(OUT, "conv_%s.jacobian.npy" % kind), per_sample_jacobian(twin, xin))
    np.save(os.path.join(OUT, "conv_fp16_io32.jacobian.npy"),
            per_sample_jacobian(_rounded_twin(state), x))


def _rounded_twin(state):
    twin = SmallConv()
    twin.load_state_dict({k: v.half().float() for k, v in state.items()})
    return twin


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    recurrent()
    upsampling()
    transformer()
    half_precision()
