#!/usr/bin/env python3
"""Summarises ONNX Runtime profiles (written by any Jacobi command run with JACOBI_JAVA_OPTS=-Djacobi.ortProfile=PREFIX):
time per operator type and the slowest nodes, over all runs in the file. Standard library only.

    JACOBI_JAVA_OPTS=-Djacobi.ortProfile=/tmp/ort ./jacobi bench MODEL.onnx --batch 64
    python3 scripts/ort_profile_summary.py /tmp/ort*.json
"""
import collections
import json
import sys


def summarise(path, top=15):
    events = json.load(open(path))
    by_op, by_node, runs = collections.Counter(), collections.Counter(), 0
    shapes = {}
    for e in events:
        if e.get("cat") == "Session" and e.get("name") == "model_run":
            runs += 1
        if e.get("cat") != "Node" or not e.get("name", "").endswith("_kernel_time"):
            continue
        args = e.get("args", {})
        op = args.get("op_name", "?")
        node = e["name"][: -len("_kernel_time")]
        by_op[op] += e["dur"]
        by_node[(op, node)] += e["dur"]
        shapes[(op, node)] = args.get("output_type_shape", "")
    total = sum(by_op.values())
    if not total:
        return
    print(f"== {path}: {runs} runs, kernels {total / 1e3 / max(runs, 1):.2f} ms per run")
    for op, us in by_op.most_common():
        print(f"  {op:24s} {100 * us / total:5.1f} %  {us / 1e3 / max(runs, 1):8.3f} ms/run")
    print("  slowest nodes:")
    for (op, node), us in by_node.most_common(top):
        print(f"    {100 * us / total:5.1f} %  {op:16s} {node[:60]:60s} {str(shapes[(op, node)])[:80]}")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        summarise(p)
