#!/usr/bin/python3
"""Makes the control-flow models behind ControlFlowModelsTest, with float64 references from PyTorch autograd.

Each model is written by hand with onnx.helper (opset 17) and mirrored by a PyTorch function in float64:
- nested_if: a network inside nested If branches, chosen by an int64 input `sr` (like a voice-activity detector's
  sample rate): the branches read `x`, a value of the enclosing graph (`s = sin(p)`) and one of the enclosing branch
  (`h`) without naming them as inputs; sibling branches reuse value names, as exporters do. References for sr =
  16000 (then/then), 12000 (then/else) and 8000 (else): per-sample Jacobians, Hessians of output element 0, and the
  Jacobian with respect to the weight W1 (read inside the branches).
- loop_rnn: a Loop with a fixed trip count (4) carrying a recurrent state, reading the input sequence from the
  enclosing graph by the iteration number, with a scan output.
- scan_rnn: a Scan over axis 1 of the input carrying a recurrent state.
- while_loop: a Loop whose condition is computed from the data (a while loop): refused.
- if_without_rule: an If whose taken branch holds an operator without a rule (Det): refused, naming the node.
- independent: an output computed from `z` only, inside an If; its derivative with respect to `x` does not exist.
- vad: a voice-activity detector shaped like Silero's: audio `x` [batch, 64], `sr` (int64) and a recurrent state
  `state` [2, batch, 128] (batch on axis 1). Its whole network (two Conv1d, an LSTM reading h and c from `state`, a
  Linear and a Sigmoid; exported by torch.onnx) sits inside If branches that read `x` and `state` from the enclosing
  graph: for sr 16000 in the outer If's then branch, for sr 8000 one level deeper, in a nested If. Outputs `prob`
  [batch, 1] and `stateN` [2, batch, 128]. References per sample (the state's sample without its batch axis):
  vad.jacobian.{x,state}.sr{16000,8000} of `prob`, and vad.jacobian.stateN.{x,state}.sr16000 of `stateN` (its
  samples on axis 1 as well).
- loop_lstm: a Loop with a fixed trip count (2) whose body holds an LSTM over the input sequence (read from the
  enclosing graph), started from the carried hidden state: the LSTM is expanded once the Loop is unrolled.
- loop_in_if: an If on ReduceSum(x) > 0 whose then branch holds a for-Loop (trip count 4 from a Constant node of the
  branch, condition a branch initializer, a body initializer) carrying h = tanh(x_i U + h W + b), x read from the
  main graph, and whose else branch holds a nested If (on ReduceMax(x) > -10, true for these inputs) whose then
  branch holds a Scan over axis 1 of x (weights as that branch's initializers). References per sample for one
  batch whose every sample takes the then branch and one whose every sample takes the else branch: Jacobians, and
  Hessians of output element 0.
- while_in_if: a while loop (no trip count) inside an If's branch: refused, naming the node.

Run with Debian's interpreter (torch 1.13, onnx 1.12): /usr/bin/python3 scripts/make_control_flow_models.py
"""
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "models", "control_flow")
OPSET = 17
rng = np.random.default_rng(0)
F = TensorProto.FLOAT


def weights(*shape, scale=0.6):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def vinfo(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def save_model(name, graph):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make_control_flow_models")
    model.ir_version = 8
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def npy(name, array):
    np.save(os.path.join(OUT, name + ".npy"), array)


def per_sample(f, x):
    """Per-sample Jacobian [B, *out, *in] of f (batched) at x, in float64."""
    rows = []
    for b in range(x.shape[0]):
        xb = torch.from_numpy(x[b:b + 1]).double()
        j = torch.autograd.functional.jacobian(lambda v: f(v)[0], xb)
        rows.append(j.reshape(f(xb)[0].shape + xb.shape[1:]).numpy())
    return np.stack(rows)


def per_sample_hessian(f, x, element):
    rows = []
    for b in range(x.shape[0]):
        xb = torch.from_numpy(x[b]).double()
        h = torch.autograd.functional.hessian(lambda v: f(v[None]).reshape(-1)[element], xb)
        rows.append(h.reshape(xb.numel(), xb.numel()).numpy())
    return np.stack(rows)


def t(a):
    return torch.from_numpy(np.asarray(a)).double()


def tanh_step(xt, h_in, w, u, b, h_out, p=""):
    """The nodes of one recurrent step h_out = tanh(xt w + h_in u + b), intermediate values named with prefix p."""
    return [
        helper.make_node("MatMul", [xt, w], [p + "xw"]),
        helper.make_node("MatMul", [h_in, u], [p + "hu"]),
        helper.make_node("Add", [p + "xw", p + "hu"], [p + "a0"]),
        helper.make_node("Add", [p + "a0", b], [p + "a"]),
        helper.make_node("Tanh", [p + "a"], [h_out]),
    ]


def mean_state(v, h0, p=""):
    """The nodes of h0 = tanh(mean(x, axis 1) v), intermediate values named with prefix p."""
    return [
        helper.make_node("ReduceMean", ["x"], [p + "xm"], axes=[1], keepdims=0),
        helper.make_node("MatMul", [p + "xm", v], [p + "xmv"]),
        helper.make_node("Tanh", [p + "xmv"], [h0]),
    ]


# ---- nested_if ----

P, W1, B1, W2, W3, W4 = weights(4, 4), weights(4, 6), weights(6), weights(6, 3), weights(6, 3), weights(4, 3)


def nested_if():
    then_then = helper.make_graph([
        helper.make_node("MatMul", ["h", "W2"], ["u"]),
        helper.make_node("MatMul", ["s", "W4"], ["sw"]),
        helper.make_node("Mul", ["u", "sw"], ["v"]),
    ], "then_then", [], [vinfo("v", F, None)])
    then_else = helper.make_graph([
        helper.make_node("Sigmoid", ["h"], ["g"]),
        helper.make_node("MatMul", ["g", "W3"], ["u"]),
        helper.make_node("Identity", ["u"], ["v"]),
    ], "then_else", [], [vinfo("v", F, None)])
    then = helper.make_graph([
        helper.make_node("MatMul", ["x", "W1"], ["xw"]),
        helper.make_node("Add", ["xw", "b1"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["h"]),
        helper.make_node("Equal", ["sr", "sr16000"], ["c2"]),
        helper.make_node("If", ["c2"], ["inner"], then_branch=then_then, else_branch=then_else),
    ], "then", [], [vinfo("inner", F, None)])
    otherwise = helper.make_graph([
        helper.make_node("Mul", ["p", "p"], ["pp"]),
        helper.make_node("MatMul", ["pp", "W4"], ["u"]),
        helper.make_node("Mul", ["u", "half"], ["v"]),
    ], "else", [], [vinfo("v", F, None)])
    graph = helper.make_graph([
        helper.make_node("MatMul", ["x", "P"], ["px"]),
        helper.make_node("Tanh", ["px"], ["p"]),
        helper.make_node("Sin", ["p"], ["s"]),
        helper.make_node("Greater", ["sr", "sr8000"], ["c1"]),
        helper.make_node("If", ["c1"], ["branch_out"], then_branch=then, else_branch=otherwise),
        helper.make_node("Tanh", ["branch_out"], ["y"]),
    ], "nested_if", [vinfo("x", F, ["batch", 4]), vinfo("sr", TensorProto.INT64, [])], [vinfo("y", F, ["batch", 3])],
        [init("P", P), init("W1", W1), init("b1", B1), init("W2", W2), init("W3", W3), init("W4", W4),
         init("half", np.float32(0.5)), init("sr8000", np.int64(8000)), init("sr16000", np.int64(16000))])
    save_model("nested_if", graph)


def nested_if_torch(sr, w1=None):
    w1 = t(W1) if w1 is None else w1

    def f(x):
        p = torch.tanh(x @ t(P))
        s = torch.sin(p)
        if sr > 8000:
            h = torch.tanh(x @ w1 + t(B1))
            out = (h @ t(W2)) * (s @ t(W4)) if sr == 16000 else torch.sigmoid(h) @ t(W3)
        else:
            out = ((p * p) @ t(W4)) * 0.5
        return torch.tanh(out)
    return f


# ---- loop_rnn and scan_rnn ----

W, U, BR, V = weights(3, 5), weights(5, 5, scale=0.4), weights(5), weights(3, 5)


def loop_rnn():
    body = helper.make_graph([
        helper.make_node("Gather", ["x", "i"], ["xt"], axis=1),
        *tanh_step("xt", "h_in", "W", "U", "b", "h_out"),
        helper.make_node("Identity", ["cond_in"], ["cond_out"]),
        helper.make_node("Identity", ["h_out"], ["h_seq"]),
    ], "body", [vinfo("i", TensorProto.INT64, []), vinfo("cond_in", TensorProto.BOOL, []), vinfo("h_in", F, None)],
        [vinfo("cond_out", TensorProto.BOOL, []), vinfo("h_out", F, None), vinfo("h_seq", F, None)])
    graph = helper.make_graph([
        helper.make_node("Gather", ["x", "zero"], ["x0"], axis=1),
        helper.make_node("MatMul", ["x0", "V"], ["x0v"]),
        helper.make_node("Tanh", ["x0v"], ["h0"]),
        helper.make_node("Loop", ["M", "cond", "h0"], ["h_final", "hs"], body=body),
        helper.make_node("Transpose", ["hs"], ["hs_t"], perm=[1, 0, 2]),
        helper.make_node("Unsqueeze", ["h_final", "one"], ["hf"]),
        helper.make_node("Add", ["hs_t", "hf"], ["y"]),
    ], "loop_rnn", [vinfo("x", F, ["batch", 4, 3])], [vinfo("y", F, ["batch", 4, 5])],
        [init("W", W), init("U", U), init("b", BR), init("V", V), init("M", np.int64(4)), init("cond", np.bool_(True)),
         init("zero", np.int64(0)), init("one", np.array([1], dtype=np.int64))])
    save_model("loop_rnn", graph)


def loop_rnn_torch(x):
    h = torch.tanh(x[:, 0] @ t(V))
    hs = []
    for i in range(4):
        h = torch.tanh(x[:, i] @ t(W) + h @ t(U) + t(BR))
        hs.append(h)
    return torch.stack(hs, 1) + h[:, None]


def scan_rnn():
    body = helper.make_graph([
        *tanh_step("xt", "h_in", "W", "U", "b", "h_out"),
        helper.make_node("Mul", ["h_out", "h_out"], ["o"]),
    ], "body", [vinfo("h_in", F, None), vinfo("xt", F, None)], [vinfo("h_out", F, None), vinfo("o", F, None)])
    graph = helper.make_graph([
        *mean_state("V", "h0"),
        helper.make_node("Scan", ["h0", "x"], ["h_final", "os"], body=body, num_scan_inputs=1, scan_input_axes=[1],
                         scan_output_axes=[1]),
        helper.make_node("Unsqueeze", ["h_final", "one"], ["hf"]),
        helper.make_node("Add", ["os", "hf"], ["y"]),
    ], "scan_rnn", [vinfo("x", F, ["batch", 4, 3])], [vinfo("y", F, ["batch", 4, 5])],
        [init("W", W), init("U", U), init("b", BR), init("V", V), init("one", np.array([1], dtype=np.int64))])
    save_model("scan_rnn", graph)


def scan_rnn_torch(x):
    h = torch.tanh(x.mean(1) @ t(V))
    os_ = []
    for i in range(4):
        h = torch.tanh(x[:, i] @ t(W) + h @ t(U) + t(BR))
        os_.append(h * h)
    return torch.stack(os_, 1) + h[:, None]


# ---- refused and independent ----

def halving_body(p=""):
    """A while loop's body: halves the carried value while its largest magnitude exceeds a tenth (names prefixed p)."""
    return helper.make_graph([
        helper.make_node("Mul", [p + "h_in", "half"], [p + "h_out"]),
        helper.make_node("Abs", [p + "h_out"], [p + "mag"]),
        helper.make_node("ReduceMax", [p + "mag"], [p + "largest"], keepdims=0),
        helper.make_node("Greater", [p + "largest", "tenth"], [p + "cond_out"]),
    ], "body", [vinfo(p + "i", TensorProto.INT64, []), vinfo(p + "cond_in", TensorProto.BOOL, []), vinfo(p + "h_in", F, None)],
        [vinfo(p + "cond_out", TensorProto.BOOL, []), vinfo(p + "h_out", F, None)])


def while_loop():
    body = halving_body()
    graph = helper.make_graph([
        helper.make_node("Loop", ["", "cond", "x"], ["y"], name="halve_until_small", body=body),
    ], "while_loop", [vinfo("x", F, ["batch", 3])], [vinfo("y", F, ["batch", 3])],
        [init("cond", np.bool_(True)), init("half", np.float32(0.5)), init("tenth", np.float32(0.1))])
    save_model("while_loop", graph)


def if_without_rule():
    then = helper.make_graph([
        helper.make_node("Reshape", ["x", "square"], ["xr"]),
        helper.make_node("Det", ["xr"], ["d"], name="det"),
        helper.make_node("Unsqueeze", ["d", "one"], ["v"]),
    ], "then", [], [vinfo("v", F, None)])
    otherwise = helper.make_graph([helper.make_node("ReduceSum", ["x", "one"], ["v"], keepdims=1)], "else", [],
                                  [vinfo("v", F, None)])
    graph = helper.make_graph([
        helper.make_node("If", ["cond"], ["y"], name="choose", then_branch=then, else_branch=otherwise),
    ], "if_without_rule", [vinfo("x", F, ["batch", 4])], [vinfo("y", F, ["batch", 1])],
        [init("cond", np.bool_(True)), init("square", np.array([-1, 2, 2], dtype=np.int64)),
         init("one", np.array([1], dtype=np.int64))])
    save_model("if_without_rule", graph)


def independent():
    then = helper.make_graph([helper.make_node("Tanh", ["z"], ["v"])], "then", [], [vinfo("v", F, None)])
    otherwise = helper.make_graph([helper.make_node("Sin", ["z"], ["v"])], "else", [], [vinfo("v", F, None)])
    graph = helper.make_graph([
        helper.make_node("ReduceSum", ["z"], ["zs"], keepdims=0),
        helper.make_node("Greater", ["zs", "zero"], ["c"]),
        helper.make_node("If", ["c"], ["y"], then_branch=then, else_branch=otherwise),
        helper.make_node("Mul", ["x", "three"], ["w"]),
    ], "independent", [vinfo("x", F, ["batch", 3]), vinfo("z", F, ["batch", 3])],
        [vinfo("y", F, ["batch", 3]), vinfo("w", F, ["batch", 3])],
        [init("zero", np.float32(0)), init("three", np.float32(3))])
    save_model("independent", graph)


# ---- vad ----

class Vad(torch.nn.Module):
    """The network of one sample rate: audio [batch, 64] and state [2, batch, 128] -> prob [batch, 1], stateN."""

    def __init__(self, stride):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(1, 8, 8, stride=stride)
        self.conv2 = torch.nn.Conv1d(8, 16, 3, stride=2)
        self.lstm = torch.nn.LSTM(16, 128)
        self.head = torch.nn.Linear(128, 1)

    def forward(self, x, state):
        f = torch.relu(self.conv2(torch.relu(self.conv1(x[:, None, :]))))
        out, (h, c) = self.lstm(f.permute(2, 0, 1), (state[0:1], state[1:2]))
        return torch.sigmoid(self.head(out[-1])), torch.cat([h, c], 0)


def vad_branch(net, prefix):
    """`net` exported by torch.onnx, as a graph without inputs that reads `x` and `state` from the enclosing graph."""
    path = os.path.join(OUT, "vad.part.onnx")
    torch.onnx.export(net, (torch.zeros(2, 64), torch.zeros(2, 2, 128)), path, input_names=["x", "state"],
                      output_names=["prob", "stateN"], opset_version=OPSET,
                      dynamic_axes={"x": {0: "batch"}, "state": {1: "batch"}, "prob": {0: "batch"}, "stateN": {1: "batch"}})
    graph = onnx.load(path).graph
    os.remove(path)
    outer = {"x", "state"}
    names = {}
    for n in graph.node:
        n.name = prefix + n.name
        for i, v in enumerate(n.input):
            if v and v not in outer:
                n.input[i] = names.setdefault(v, prefix + v)
        for i, v in enumerate(n.output):
            n.output[i] = names.setdefault(v, prefix + v)
    for t in graph.initializer:
        t.name = names.setdefault(t.name, prefix + t.name)
    outputs = [vinfo(names[o.name], F, None) for o in graph.output]
    return helper.make_graph(list(graph.node), prefix + "net", [], outputs, list(graph.initializer))


def vad():
    torch.manual_seed(1)
    nets = {16000: Vad(4).eval(), 8000: Vad(2).eval(), 0: Vad(2).eval()}
    nested = helper.make_graph([
        helper.make_node("Equal", ["sr", "sr8000"], ["is8000"]),
        helper.make_node("If", ["is8000"], ["prob8", "stateN8"], name="if8000",
                         then_branch=vad_branch(nets[8000], "sr8000/"), else_branch=vad_branch(nets[0], "other/")),
    ], "not16000", [], [vinfo("prob8", F, None), vinfo("stateN8", F, None)])
    graph = helper.make_graph([
        helper.make_node("Equal", ["sr", "sr16000"], ["is16000"]),
        helper.make_node("If", ["is16000"], ["prob", "stateN"], name="if16000",
                         then_branch=vad_branch(nets[16000], "sr16000/"), else_branch=nested),
    ], "vad", [vinfo("x", F, ["batch", 64]), vinfo("sr", TensorProto.INT64, []), vinfo("state", F, [2, "batch", 128])],
        [vinfo("prob", F, ["batch", 1]), vinfo("stateN", F, [2, "batch", 128])],
        [init("sr8000", np.int64(8000)), init("sr16000", np.int64(16000))])
    save_model("vad", graph)
    x = torch.rand(3, 64) * 2 - 1
    state = torch.randn(3, 2, 128).permute(1, 0, 2).contiguous() * 0.5
    npy("vad.input.x", x.numpy())
    npy("vad.input.state", state.numpy())
    for sr in (16000, 8000):
        npy(f"vad.sr{sr}", np.int64(sr))
        net = nets[sr].double()
        jx, js = [], []
        for b in range(3):
            xb, sb = x[b:b + 1].double(), state[:, b:b + 1].double()
            (px, ps), _ = torch.autograd.functional.jacobian(net, (xb, sb))
            jx.append(px[0, :, 0])          # [1, 64]
            js.append(ps[0, :, :, 0])       # [1, 2, 128]
        npy(f"vad.jacobian.x.sr{sr}", torch.stack(jx).numpy())
        npy(f"vad.jacobian.state.sr{sr}", torch.stack(js).numpy())
    # the new state holds its samples on axis 1, as the state does: d stateN / d x [3, 2, 128, 64] (float64) and
    # d stateN / d state [3, 2, 128, 2, 128] (float32, to keep the file under 1 MB; its rounding is far below 1e-5)
    net = nets[16000].double()
    nx, ns = [], []
    for b in range(3):
        xb, sb = x[b:b + 1].double(), state[:, b:b + 1].double()
        _, (dx, ds) = torch.autograd.functional.jacobian(net, (xb, sb))
        nx.append(dx[:, 0, :, 0])           # [2, 128, 64]
        ns.append(ds[:, 0, :, :, 0])        # [2, 128, 2, 128]
    npy("vad.jacobian.stateN.x.sr16000", torch.stack(nx).numpy())
    npy("vad.jacobian.stateN.state.sr16000", torch.stack(ns).numpy().astype(np.float32))


# ---- loop_lstm ----

# its own generator, so that the models above keep their weights and references
_lstm_rng = np.random.default_rng(7)
LW, LR, LB, LV = [(_lstm_rng.standard_normal(shape) * scale).astype(np.float32)
                  for shape, scale in (((1, 16, 3), 0.5), ((1, 16, 4), 0.5), ((1, 32), 0.3), ((3, 4), 0.6))]


def loop_lstm():
    body = helper.make_graph([
        helper.make_node("Unsqueeze", ["h_in", "zero_axis"], ["h_init"]),
        helper.make_node("LSTM", ["xs", "LW", "LR", "LB", "", "h_init"], ["", "h_last"], hidden_size=4),
        helper.make_node("Squeeze", ["h_last", "zero_axis"], ["h_out"]),
        helper.make_node("Identity", ["cond_in"], ["cond_out"]),
    ], "body", [vinfo("i", TensorProto.INT64, []), vinfo("cond_in", TensorProto.BOOL, []), vinfo("h_in", F, None)],
        [vinfo("cond_out", TensorProto.BOOL, []), vinfo("h_out", F, None)])
    graph = helper.make_graph([
        helper.make_node("Transpose", ["x"], ["xs"], perm=[1, 0, 2]),
        helper.make_node("ReduceMean", ["x"], ["xm"], axes=[1], keepdims=0),
        helper.make_node("MatMul", ["xm", "LV"], ["xv"]),
        helper.make_node("Tanh", ["xv"], ["h0"]),
        helper.make_node("Loop", ["M", "cond", "h0"], ["y"], body=body),
    ], "loop_lstm", [vinfo("x", F, ["batch", 4, 3])], [vinfo("y", F, ["batch", 4])],
        [init("LW", LW), init("LR", LR), init("LB", LB), init("LV", LV), init("M", np.int64(2)), init("cond", np.bool_(True)),
         init("zero_axis", np.array([0], dtype=np.int64))])
    save_model("loop_lstm", graph)


def loop_lstm_torch(x):
    """The ONNX LSTM's equations (gates in the order i, o, f, c; initial cell state zero), twice from the carried h."""
    h = torch.tanh(x.mean(1) @ t(LV))
    w, r, b = t(LW)[0], t(LR)[0], t(LB)[0]
    for _ in range(2):
        c = torch.zeros_like(h)
        for step in range(x.shape[1]):
            g = x[:, step] @ w.T + h @ r.T + b[:16] + b[16:]
            i, o, f, cc = g[:, 0:4], g[:, 4:8], g[:, 8:12], g[:, 12:16]
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(cc)
            h = torch.sigmoid(o) * torch.tanh(c)
    return h


# ---- loop_in_if and while_in_if ----

# its own generator, so that the models above keep their weights and references
_if_rng = np.random.default_rng(11)
IV, IU, IW, IB, SV, SW, SU, SB = [(_if_rng.standard_normal(shape) * scale).astype(np.float32) for shape, scale in (
    ((3, 5), 0.6), ((3, 5), 0.6), ((5, 5), 0.4), ((5,), 0.6), ((3, 5), 0.6), ((3, 5), 0.6), ((5, 5), 0.4), ((5,), 0.6))]


def loop_in_if():
    loop_body = helper.make_graph([
        helper.make_node("Gather", ["x", "li_i"], ["li_xt"], axis=1),
        *tanh_step("li_xt", "li_h_in", "IU", "IW", "IB", "li_h_out", "li_"),
        helper.make_node("Identity", ["li_cond_in"], ["li_cond_out"]),
        helper.make_node("Identity", ["li_h_out"], ["li_h_seq"]),
    ], "loop_body", [vinfo("li_i", TensorProto.INT64, []), vinfo("li_cond_in", TensorProto.BOOL, []),
                     vinfo("li_h_in", F, None)],
        [vinfo("li_cond_out", TensorProto.BOOL, []), vinfo("li_h_out", F, None), vinfo("li_h_seq", F, None)],
        [init("IB", IB)])
    then = helper.make_graph([
        *mean_state("IV", "t_h0", "t_"),
        helper.make_node("Constant", [], ["t_trips"], value=helper.make_tensor("trips", TensorProto.INT64, [], [4])),
        helper.make_node("Loop", ["t_trips", "t_go", "t_h0"], ["t_h_final", "t_hs"], name="recur", body=loop_body),
        helper.make_node("ReduceMean", ["t_hs"], ["t_hm"], axes=[0], keepdims=0),
        helper.make_node("Add", ["t_h_final", "t_hm"], ["t_y"]),
    ], "then", [], [vinfo("t_y", F, None)], [init("t_go", np.bool_(True))])
    scan_body = helper.make_graph([
        *tanh_step("sc_xt", "sc_h_in", "SW", "SU", "SB", "sc_h_out", "sc_"),
        helper.make_node("Mul", ["sc_h_out", "sc_h_out"], ["sc_o"]),
    ], "scan_body", [vinfo("sc_h_in", F, None), vinfo("sc_xt", F, None)], [vinfo("sc_h_out", F, None), vinfo("sc_o", F, None)])
    scanning = helper.make_graph([
        *mean_state("SV", "s_h0", "s_"),
        helper.make_node("Scan", ["s_h0", "x"], ["s_h_final", "s_os"], name="scan_steps", body=scan_body,
                         num_scan_inputs=1, scan_input_axes=[1], scan_output_axes=[1]),
        helper.make_node("ReduceMean", ["s_os"], ["s_om"], axes=[1], keepdims=0),
        helper.make_node("Add", ["s_h_final", "s_om"], ["s_y"]),
    ], "scanning", [], [vinfo("s_y", F, None)], [init("SW", SW), init("SU", SU), init("SB", SB)])
    plain = helper.make_graph([
        helper.make_node("ReduceMean", ["x"], ["p_xm"], axes=[1], keepdims=0),
        helper.make_node("MatMul", ["p_xm", "SV"], ["p_y"]),
    ], "plain", [], [vinfo("p_y", F, None)])
    otherwise = helper.make_graph([
        helper.make_node("ReduceMax", ["x"], ["e_max"], keepdims=0),
        helper.make_node("Greater", ["e_max", "minus_ten"], ["e_c"]),
        helper.make_node("If", ["e_c"], ["e_y"], name="inner", then_branch=scanning, else_branch=plain),
    ], "else", [], [vinfo("e_y", F, None)])
    graph = helper.make_graph([
        helper.make_node("ReduceSum", ["x"], ["xs"], keepdims=0),
        helper.make_node("Greater", ["xs", "zero"], ["c"]),
        helper.make_node("If", ["c"], ["y"], name="choose", then_branch=then, else_branch=otherwise),
    ], "loop_in_if", [vinfo("x", F, ["batch", 4, 3])], [vinfo("y", F, ["batch", 5])],
        [init("IV", IV), init("IU", IU), init("IW", IW), init("SV", SV), init("zero", np.float32(0)),
         init("minus_ten", np.float32(-10))])
    save_model("loop_in_if", graph)


def loop_in_if_torch(x):
    def recur(v, u, w, b, out):
        h = torch.tanh(x.mean(1) @ t(v))
        outs = []
        for i in range(4):
            h = torch.tanh(x[:, i] @ t(u) + h @ t(w) + t(b))
            outs.append(out(h))
        return h + torch.stack(outs, 1).mean(1)
    if x.sum() > 0:
        return recur(IV, IU, IW, IB, lambda h: h)
    return recur(SV, SW, SU, SB, lambda h: h * h)


def while_in_if():
    then = helper.make_graph([helper.make_node("Loop", ["", "go", "x"], ["t_y"], name="halve_in_branch",
                                               body=halving_body("w_"))],
                             "then", [], [vinfo("t_y", F, None)])
    otherwise = helper.make_graph([helper.make_node("Neg", ["x"], ["e_y"])], "else", [], [vinfo("e_y", F, None)])
    graph = helper.make_graph([
        helper.make_node("ReduceSum", ["x"], ["xs"], keepdims=0),
        helper.make_node("Greater", ["xs", "zero"], ["c"]),
        helper.make_node("If", ["c"], ["y"], name="choose", then_branch=then, else_branch=otherwise),
    ], "while_in_if", [vinfo("x", F, ["batch", 3])], [vinfo("y", F, ["batch", 3])],
        [init("go", np.bool_(True)), init("half", np.float32(0.5)), init("tenth", np.float32(0.1)),
         init("zero", np.float32(0))])
    save_model("while_in_if", graph)


def loop_in_if_inputs():
    """One batch whose every sample sums to 2.4 (then branch) and one whose every sample sums to -2.4 (else branch)."""
    x = _if_rng.uniform(-1, 1, (3, 4, 3))
    centred = x - x.mean(axis=(1, 2), keepdims=True)
    return {"then": (centred + 0.2).astype(np.float32), "else": (centred - 0.2).astype(np.float32)}


def main():
    os.makedirs(OUT, exist_ok=True)
    nested_if()
    x = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    npy("nested_if.input", x)
    for sr in (16000, 12000, 8000):
        npy(f"nested_if.sr{sr}", np.int64(sr))
        npy(f"nested_if.jacobian.sr{sr}", per_sample(nested_if_torch(sr), x))
        npy(f"nested_if.hessian.sr{sr}", per_sample_hessian(nested_if_torch(sr), x, 0))
    # d y / d W1 per sample at sr 16000: [B, 3, 4, 6]
    rows = []
    for b in range(x.shape[0]):
        xb = t(x[b:b + 1])
        rows.append(torch.autograd.functional.jacobian(lambda w: nested_if_torch(16000, w)(xb)[0], t(W1)).numpy())
    npy("nested_if.wrt.W1.sr16000", np.stack(rows))

    seq = rng.uniform(-1, 1, (2, 4, 3)).astype(np.float32)
    loop_rnn()
    scan_rnn()
    npy("rnn.input", seq)
    npy("loop_rnn.jacobian", per_sample(loop_rnn_torch, seq))
    npy("scan_rnn.jacobian", per_sample(scan_rnn_torch, seq))
    while_loop()
    if_without_rule()
    independent()
    npy("independent.x", rng.uniform(-1, 1, (2, 3)).astype(np.float32))
    npy("independent.z", rng.uniform(-1, 1, (2, 3)).astype(np.float32))
    vad()
    loop_lstm()
    npy("loop_lstm.jacobian", per_sample(loop_lstm_torch, seq))
    loop_in_if()
    while_in_if()
    for branch, x in loop_in_if_inputs().items():
        npy(f"loop_in_if.input.{branch}", x)
        npy(f"loop_in_if.jacobian.{branch}", per_sample(loop_in_if_torch, x))
        npy(f"loop_in_if.hessian.{branch}", per_sample_hessian(loop_in_if_torch, x, 0).reshape(x.shape + x.shape[1:]))


if __name__ == "__main__":
    main()
