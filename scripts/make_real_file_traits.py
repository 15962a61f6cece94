#!/usr/bin/python3
"""Writes small ONNX models with the traits of files exported by other people's converters, and float64 references.

Run with Debian's interpreter (python3-onnx):  /usr/bin/python3 scripts/make_real_file_traits.py
Every model computes y = tanh(x W1 + b1) W2 + b2 (x [batch, 4], y [batch, 3]) and shows one trait:
- unused_domains.onnx: opset imports of domains (ai.onnx.ml, com.microsoft, a converter's own) that no node uses
- unsorted_nodes.onnx: nodes stored in reverse order (ONNX Runtime sorts them; onnx.checker refuses the file)
- float16_weights.onnx: float16 weights, each behind a Cast to float32 (the reference uses the rounded weights)
- minus_one_dims.onnx: the batch dimension written as dim_value -1 (TensorFlow converters)
- converter_dims.onnx: dynamic dimensions named 'unk__123' (tf2onnx) and 'p2o.DynamicDimension.0' (Paddle2ONNX)
- constant_weights.onnx: the weights as Constant nodes instead of initializers (Paddle2ONNX)
- subgraph_nodes.onnx: the network inside an If's branches (its else-branch holds a nested If with the network in
  both branches), reading x and the weights from the enclosing graph: 18 nodes in all (Constant 1, If 2, MatMul 6,
  Add 6, Tanh 3), of which the main graph holds 2
Also traits.input.npy (float32 [3, 4]), traits.jacobian.npy and float16_weights.jacobian.npy (float64 [3, 3, 4]:
per sample d y / d x) and traits.w2_jacobian.npy (float64 [3, 3, 6, 3]: per sample d y / d W2).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "real_files")

rng = np.random.default_rng(24)
W1 = rng.normal(size=(4, 6)).astype(np.float32)
B1 = rng.normal(size=6).astype(np.float32)
W2 = rng.normal(size=(6, 3)).astype(np.float32)
B2 = rng.normal(size=3).astype(np.float32)
WEIGHTS = {"W1": W1, "b1": B1, "W2": W2, "b2": B2}


def network_nodes(x="x", y="y", prefix=""):
    """MatMul, Add, Tanh, MatMul, Add."""
    p = prefix
    return [
        helper.make_node("MatMul", [x, "W1"], [p + "h0"], name=p + "matmul1"),
        helper.make_node("Add", [p + "h0", "b1"], [p + "h1"], name=p + "add1"),
        helper.make_node("Tanh", [p + "h1"], [p + "h2"], name=p + "tanh"),
        helper.make_node("MatMul", [p + "h2", "W2"], [p + "h3"], name=p + "matmul2"),
        helper.make_node("Add", [p + "h3", "b2"], [y], name=p + "add2"),
    ]


def io(batch):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 3])
    return x, y


def initializers():
    return [numpy_helper.from_array(v, k) for k, v in WEIGHTS.items()]


def model(graph, opsets=(("", 13),)):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
                          producer_name="jacobi-traits")
    m.ir_version = 8
    return m


def save(m, name, check=True):
    if check:
        onnx.checker.check_model(m)
    onnx.save(m, os.path.join(OUT, name))


def plain(batch="batch", nodes=None):
    x, y = io(batch)
    return helper.make_graph(nodes or network_nodes(), "traits", [x], [y], initializers())


def reference(w1, b1, w2, b2, x):
    w1, b1, w2, b2, x = (np.asarray(v, dtype=np.float64) for v in (w1, b1, w2, b2, x))
    slope = 1 - np.tanh(x @ w1 + b1) ** 2            # [batch, 6]
    jac = np.einsum("ko,bk,ik->boi", w2, slope, w1)  # [batch, 3, 4]
    h = np.tanh(x @ w1 + b1)                         # d y_o / d W2[k, j] = h_k delta_oj
    wjac = np.einsum("bk,oj->bokj", h, np.eye(3))    # [batch, 3, 6, 3]
    return jac, wjac


def main():
    os.makedirs(OUT, exist_ok=True)
    save(model(plain(), opsets=(("", 13), ("ai.onnx.ml", 3), ("com.microsoft", 1), ("org.converter.custom", 2))),
         "unused_domains.onnx")
    # onnx.checker refuses nodes out of topological order, as it should: that is the trait
    save(model(plain(nodes=list(reversed(network_nodes())))), "unsorted_nodes.onnx", check=False)

    x, y = io("batch")
    half = []
    casts = []
    for k, v in WEIGHTS.items():
        half.append(numpy_helper.from_array(v.astype(np.float16), k + "_f16"))
        casts.append(helper.make_node("Cast", [k + "_f16"], [k], to=TensorProto.FLOAT, name="cast_" + k))
    save(model(helper.make_graph(casts + network_nodes(), "traits", [x], [y], half)), "float16_weights.onnx")

    save(model(plain(batch=-1)), "minus_one_dims.onnx", check=False)
    x, _ = io("unk__123")
    _, y = io("p2o.DynamicDimension.0")
    save(model(helper.make_graph(network_nodes(), "traits", [x], [y], initializers())), "converter_dims.onnx")

    constants = [helper.make_node("Constant", [], [k], value=numpy_helper.from_array(v, k + "_value"), name="const_" + k)
                 for k, v in WEIGHTS.items()]
    x, y = io("batch")
    save(model(helper.make_graph(constants + network_nodes(), "traits", [x], [y])), "constant_weights.onnx")

    # If(true) whose then-branch holds the network; the else-branch holds another If (same condition) with the
    # network in both of its branches. Every branch reads x and the weights from the enclosing graph.
    def branch(name, nodes, out):
        return helper.make_graph(nodes, name, [], [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)])

    inner = helper.make_node("If", ["cond"], ["inner_y"], name="inner_if",
                             then_branch=branch("inner_then", network_nodes(y="it_y", prefix="it_"), "it_y"),
                             else_branch=branch("inner_else", network_nodes(y="ie_y", prefix="ie_"), "ie_y"))
    outer = helper.make_node("If", ["cond"], ["y"], name="outer_if",
                             then_branch=branch("then", network_nodes(y="t_y", prefix="t_"), "t_y"),
                             else_branch=branch("else", [inner], "inner_y"))
    cond = helper.make_node("Constant", [], ["cond"], value=numpy_helper.from_array(np.array(True), "cond_value"),
                            name="cond")
    x, y = io("batch")
    save(model(helper.make_graph([cond, outer], "traits", [x], [y], initializers())), "subgraph_nodes.onnx")

    xs = rng.normal(size=(3, 4)).astype(np.float32)
    np.save(os.path.join(OUT, "traits.input.npy"), xs)
    jac, wjac = reference(W1, B1, W2, B2, xs)
    np.save(os.path.join(OUT, "traits.jacobian.npy"), jac)
    np.save(os.path.join(OUT, "traits.w2_jacobian.npy"), wjac)
    rounded = [v.astype(np.float16).astype(np.float64) for v in (W1, B1, W2, B2)]
    np.save(os.path.join(OUT, "float16_weights.jacobian.npy"), reference(*rounded, xs)[0])


if __name__ == "__main__":
    main()
