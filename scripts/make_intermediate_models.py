#!/usr/bin/python3
"""Makes the models behind IntermediateValuesTest and StateBatchAxisTest (issue 24, items 3 to 5).

- token_transformer.onnx: int64 token ids [batch, 6] -> embedding (Gather) -> one self-attention block with an MLP
  -> mean over tokens -> 3 logits. Reference: the per-sample Jacobian of the logits with respect to the embedding
  lookup's output [batch, 6, 8], in float64: token_transformer.jacobian.npy [batch, 3, 6, 8]; the value's name in
  token_transformer.values.txt.
- seg_head.onnx: x [batch, 1, 8, 8] -> Conv 3x3 -> Relu -> Conv 1x1 (scaled so most logits lie beyond +-12) ->
  Sigmoid: a saturated segmentation head. Reference: d(logit)/dx per sample, seg_head.jacobian.npy
  [batch, 1, 8, 8, 1, 8, 8]; the logit's name in seg_head.values.txt.
- gru_state.onnx: x [batch, 5, 3] (batch first) and h0 [1, batch, 4] (batch on axis 1) -> nn.GRU -> the last hidden
  state [batch, 4]. References: gru_state.jacobian.x.npy [batch, 4, 5, 3] and gru_state.jacobian.h0.npy
  [batch, 4, 1, 4] (h0's sample without its batch axis). gru_state.pt: the same network as TorchScript.

Run with Debian's interpreter (torch 1.13, onnx 1.12): /usr/bin/python3 scripts/make_intermediate_models.py
"""
import os

import numpy as np
import onnx
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "models", "intermediate")
torch.manual_seed(0)
np.random.seed(0)
BATCH = 3


class TokenTransformer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(11, 8)
        self.attention = torch.nn.MultiheadAttention(8, 2, batch_first=True)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.GELU(), torch.nn.Linear(16, 8))
        self.norm = torch.nn.LayerNorm(8)
        self.head = torch.nn.Linear(8, 3)

    def after_embedding(self, e):
        a, _ = self.attention(e, e, e, need_weights=False)
        h = self.norm(e + a)
        h = h + self.mlp(h)
        return self.head(h.mean(dim=1))

    def forward(self, ids):
        return self.after_embedding(self.embed(ids))


class SegHead(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.score = torch.nn.Conv2d(4, 1, 1)
        with torch.no_grad():
            self.score.weight.mul_(20.0)
            self.score.bias.fill_(8.0)

    def logit(self, x):
        return self.score(torch.relu(self.conv(x)))

    def forward(self, x):
        return torch.sigmoid(self.logit(x))


class GruState(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(3, 4, batch_first=True)

    def forward(self, x, h0):
        _, h = self.gru(x, h0)
        return h[0]


def per_sample(f, x):
    """Stacks f's Jacobian at each sample (f maps one sample with a batch axis of 1 to an output with one too)."""
    rows = []
    for b in range(x.shape[0]):
        j = torch.autograd.functional.jacobian(f, x[b:b + 1])
        rows.append(j[0].reshape(j.shape[1:j.dim() - x.dim()] + x.shape[1:]))
    return torch.stack(rows).numpy()


def value_feeding(model_path, op_type, input_index):
    """The name of the value that is input `input_index` of the first (last for Sigmoid) node of `op_type`."""
    nodes = [n for n in onnx.load(model_path).graph.node if n.op_type == op_type]
    node = nodes[-1] if op_type == "Sigmoid" else nodes[0]
    return node.input[input_index] if input_index >= 0 else node.output[0]


def token_transformer():
    model = TokenTransformer().eval()
    ids = torch.randint(0, 11, (BATCH, 6), dtype=torch.int64)
    path = os.path.join(OUT, "token_transformer.onnx")
    torch.onnx.export(model, (ids,), path, input_names=["ids"], output_names=["logits"],
                      dynamic_axes={"ids": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17)
    np.save(os.path.join(OUT, "token_transformer.ids.npy"), ids.numpy())
    name = value_feeding(path, "Gather", -1)
    with open(os.path.join(OUT, "token_transformer.values.txt"), "w") as f:
        f.write(name + "\n")
    m64 = model.double()
    e = m64.embed(ids).detach()
    np.save(os.path.join(OUT, "token_transformer.jacobian.npy"), per_sample(m64.after_embedding, e))


def seg_head():
    model = SegHead().eval()
    x = torch.rand(BATCH, 1, 8, 8)
    path = os.path.join(OUT, "seg_head.onnx")
    torch.onnx.export(model, (x,), path, input_names=["x"], output_names=["mask"],
                      dynamic_axes={"x": {0: "batch"}, "mask": {0: "batch"}}, opset_version=13)
    np.save(os.path.join(OUT, "seg_head.input.npy"), x.numpy())
    with open(os.path.join(OUT, "seg_head.values.txt"), "w") as f:
        f.write(value_feeding(path, "Sigmoid", 0) + "\n")
    m64 = model.double()
    logits = m64.logit(x.double())
    print("seg_head: share of saturated probabilities", float((logits.abs() > 12).double().mean()))
    np.save(os.path.join(OUT, "seg_head.jacobian.npy"), per_sample(m64.logit, x.double()))


def gru_state():
    model = GruState().eval()
    x = torch.randn(BATCH, 5, 3)
    h0 = torch.randn(1, BATCH, 4)
    path = os.path.join(OUT, "gru_state.onnx")
    torch.onnx.export(model, (x, h0), path, input_names=["x", "h0"], output_names=["h"],
                      dynamic_axes={"x": {0: "batch"}, "h0": {1: "batch"}, "h": {0: "batch"}}, opset_version=14)
    # the same network as TorchScript, which declares no shapes: its state's batch axis is stated (--batch-axis h0=1)
    torch.jit.script(model).save(os.path.join(OUT, "gru_state.pt"))
    np.save(os.path.join(OUT, "gru_state.input.x.npy"), x.numpy())
    np.save(os.path.join(OUT, "gru_state.input.h0.npy"), h0.numpy())
    m64 = model.double()
    x64, h64 = x.double(), h0.double()
    jx, jh = [], []
    for b in range(BATCH):
        j = torch.autograd.functional.jacobian(m64, (x64[b:b + 1], h64[:, b:b + 1]))
        jx.append(j[0][0, :, 0])          # [4, 5, 3]
        jh.append(j[1][0, :, :, 0])       # [4, 1, 4]
    np.save(os.path.join(OUT, "gru_state.jacobian.x.npy"), torch.stack(jx).numpy())
    np.save(os.path.join(OUT, "gru_state.jacobian.h0.npy"), torch.stack(jh).numpy())


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    token_transformer()
    seg_head()
    gru_state()
