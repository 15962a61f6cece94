#!/usr/bin/python3
"""Writes the bodies of the standard ONNX operators that the specification defines as functions (with a
fixed body, not one that depends on the node) to src/main/resources/org/jacobi/autodiff/expand/
standard-functions.onnx, for org.jacobi.autodiff.expand.StandardFunctions. Each body is a FunctionProto in
ModelProto.functions named after its operator, with doc_string "since_version=N"
(empty for versions of such an operator that have no fixed body).

Run with Debian's interpreter (it has onnx): /usr/bin/python3 scripts/make_standard_functions.py
"""
import os
import onnx
import onnx.defs

out = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "org", "jacobi", "autodiff",
                   "expand", "standard-functions.onnx")
schemas = [s for s in onnx.defs.get_all_schemas_with_history() if s.domain == ""]
with_body = {s.name for s in schemas if s.has_function}
functions = []
for schema in schemas:
    if schema.name not in with_body:
        continue
    # A version without a fixed body is written as an empty function, so that an older body is not used for it.
    body = onnx.FunctionProto()
    if schema.has_function:
        body.CopyFrom(schema.function_body)
    body.name = schema.name
    body.domain = ""
    body.doc_string = "since_version=%d" % schema.since_version
    functions.append(body)
functions.sort(key=lambda f: (f.name, f.doc_string))
model = onnx.ModelProto(ir_version=8, producer_name="onnx %s schemas" % onnx.__version__, functions=functions)
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "wb") as f:
    f.write(model.SerializeToString())
print("%d function bodies from onnx %s: %s" % (len(functions), onnx.__version__,
      ", ".join("%s(%s%s)" % (f.name, f.doc_string.split("=")[1], "" if f.node else ", no body")
                for f in functions)))
