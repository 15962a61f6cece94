"""Writes ishigami.onnx: y = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1, x [batch, 3] -> y [batch, 1].

The same graph as the tests' GsaGraphs.ishigami, for trying `./jacobi gsa` (and `--spark`) by hand and for the
throughput table in docs/scale.md. Run with Debian's interpreter: /usr/bin/python3 scripts/make_ishigami_onnx.py OUT.onnx
"""
import sys

import onnx
from onnx import TensorProto, helper


def main(out):
    scalar = lambda name, v: helper.make_tensor(name, TensorProto.FLOAT, [], [v])
    nodes = [
        helper.make_node("Split", ["x"], ["x1", "x2", "x3"], axis=1),
        helper.make_node("Sin", ["x1"], ["s1"]),
        helper.make_node("Sin", ["x2"], ["s2"]),
        helper.make_node("Mul", ["s2", "s2"], ["s2sq"]),
        helper.make_node("Mul", ["s2sq", "a"], ["t2"]),
        helper.make_node("Pow", ["x3", "four"], ["x3p4"]),
        helper.make_node("Mul", ["x3p4", "b"], ["bx3p4"]),
        helper.make_node("Mul", ["bx3p4", "s1"], ["t3"]),
        helper.make_node("Add", ["s1", "t2"], ["t12"]),
        helper.make_node("Add", ["t12", "t3"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "ishigami",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 1])],
        [scalar("a", 7.0), scalar("b", 0.1), scalar("four", 4.0)])
    model = helper.make_model(graph, producer_name="jacobi scripts", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    helper.set_model_props(model, {"jacobi.labels.x": "x1,x2,x3", "jacobi.labels.y": "y"})
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ishigami.onnx")
