#!/usr/bin/python3
"""Runs the ONNX backend test models (Debian's libonnx-testdata) of every operator Jacobi claims through Jacobi.

For each test case whose operators all have a rule in RuleRegistry.standard(): forward- and reverse-mode
Jacobians of the first output with respect to every float input must agree with each other, and with central
differences of a float64 copy of the model (the model itself where ONNX Runtime has no float64 kernel),
computed from the stored inputs. Where the two finite-difference steps disagree (Jacobi's Richardson
estimate is large) the case sits on a kink (ties in MaxPool, Relu at 0) and is reported as such.
Errors are reported as Jacobi gives them; INTERNAL marks an exception that is not one of Jacobi's.

Needs python3-onnx and the built jar (./mvnw -B -o -q -DskipTests package):
  /usr/bin/python3 scripts/onnx_backend_tests.py [--filter conv] [--summary docs-table.md]
"""
import argparse
import collections
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def claimed_operators():
    text = open(os.path.join(ROOT, "src/main/java/org/jacobi/autodiff/RuleRegistry.java")).read()
    body = text[text.index("buildStandard()"):]
    return set(re.findall(r'"([A-Z][A-Za-z]+)"', body))


def test_dirs():
    out = subprocess.run(["dpkg", "-L", "libonnx-testdata"], capture_output=True, text=True).stdout.split()
    return sorted({os.path.dirname(p) for p in out if p.endswith("/model.onnx") and "/node/" in p})


def to_float64(model):
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    for v in list(g.input) + list(g.output) + list(g.value_info):
        if v.type.tensor_type.elem_type == TensorProto.FLOAT:
            v.type.tensor_type.elem_type = TensorProto.DOUBLE
    for i, t in enumerate(g.initializer):
        if t.data_type == TensorProto.FLOAT:
            g.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float64), t.name))
    for n in g.node:
        for a in n.attribute:
            if n.op_type in ("Cast", "CastLike") and a.name == "to" and a.i == TensorProto.FLOAT:
                a.i = TensorProto.DOUBLE
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == TensorProto.FLOAT:
                a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(np.float64), a.t.name))
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filter", default="", help="only test directories whose name contains this")
    ap.add_argument("--summary", help="write a Markdown summary here")
    ap.add_argument("--classpath", default=os.path.join(ROOT, "target/jacobi.jar") + ":" + os.path.join(ROOT, "target/lib/*"))
    args = ap.parse_args()
    claimed = claimed_operators()
    cases, skipped = [], collections.Counter()
    work = tempfile.mkdtemp(prefix="jacobi-backend-")
    for d in test_dirs():
        name = os.path.basename(d)
        if args.filter not in name:
            continue
        model = onnx.load(os.path.join(d, "model.onnx"))
        ops = {n.op_type for n in model.graph.node}
        if any(n.domain not in ("", "ai.onnx") for n in model.graph.node) or not ops <= claimed:
            skipped["operator without a rule"] += 1
            continue
        data = os.path.join(d, "test_data_set_0")
        inputs = []
        init = {t.name for t in model.graph.initializer}
        graph_inputs = [v for v in model.graph.input if v.name not in init]
        ok = True
        for i, v in enumerate(graph_inputs):
            pb = os.path.join(data, f"input_{i}.pb")
            if not os.path.exists(pb) or not v.type.HasField("tensor_type"):
                ok = False
                break
            t = TensorProto()
            t.ParseFromString(open(pb, "rb").read())
            arr = numpy_helper.to_array(t)
            path = os.path.join(work, f"{name}.in{i}.npy")
            np.save(path, arr)
            inputs.append((v.name, path, arr.dtype))
        if not ok or not any(dt in (np.float32, np.float64) for _, _, dt in inputs):
            skipped["no float tensor input"] += 1
            continue
        out = model.graph.output[0]
        if out.type.tensor_type.elem_type not in (TensorProto.FLOAT, TensorProto.DOUBLE):
            skipped["no float output"] += 1
            continue
        m64 = "-"
        if any(dt == np.float32 for _, _, dt in inputs):
            m64 = os.path.join(work, f"{name}.f64.onnx")
            onnx.save(to_float64(model), m64)
        cases.append((name, os.path.join(d, "model.onnx"), m64, out.name, ",".join(f"{n}={p}" for n, p, _ in inputs)))
    manifest = os.path.join(work, "manifest.tsv")
    with open(manifest, "w") as f:
        for c in cases:
            f.write("\t".join(c) + "\n")
    # one JVM for every case: the largest (NLLLoss over 5-D inputs) holds two 840 MB Jacobians and their float64 copies
    p = subprocess.run(["java", "-Xss8m", "-Xmx12g", "-cp", args.classpath, os.path.join(HERE, "BackendCheck.java"), manifest],
                       capture_output=True, text=True)
    shutil.rmtree(work, ignore_errors=True)
    results = collections.Counter()
    rows = []
    for line in p.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        results[parts[1]] += 1
        rows.append(parts)
        if parts[1] not in ("pass",):
            print(line)
    if p.returncode != 0:
        print(p.stderr[-3000:], file=sys.stderr)
    print(f"{len(cases)} cases of claimed operators: " + ", ".join(f"{v} {k}" for k, v in sorted(results.items()))
          + "; skipped " + ", ".join(f"{v} ({k})" for k, v in skipped.items()))
    if args.summary:
        with open(args.summary, "w") as f:
            f.write("| case | result | details |\n|---|---|---|\n")
            for r in rows:
                f.write(f"| {r[0]} | {r[1]} | {r[2] if len(r) > 2 else ''} |\n")
    return 1 if results["FAIL"] or results["INTERNAL"] else 0


if __name__ == "__main__":
    sys.exit(main())
