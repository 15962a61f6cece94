#!/usr/bin/env python3
"""Writes the NumPy files that the tensor-file tests read (src/test/resources/io).

Run with Debian's interpreter: /usr/bin/python3 scripts/make_io_fixtures.py
"""
import os
import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "io")
os.makedirs(out, exist_ok=True)
a = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8.0
np.save(os.path.join(out, "f64_fortran.npy"), np.asfortranarray(a))
np.save(os.path.join(out, "f32_bigendian.npy"), a.astype(">f4"))
np.save(os.path.join(out, "i64_bigendian.npy"), np.arange(6, dtype=">i8").reshape(2, 3))
np.save(os.path.join(out, "i32.npy"), np.arange(5, dtype="<i4"))
np.save(os.path.join(out, "bool.npy"), np.array([True, False, True]))
np.save(os.path.join(out, "f16.npy"), np.ones(3, dtype=np.float16))
np.save(os.path.join(out, "u8.npy"), np.ones(3, dtype=np.uint8))
np.savez_compressed(os.path.join(out, "two_inputs.npz"),
                    x1=np.ones((2, 6), dtype=np.float32), x2=np.full((2, 3), 0.5, dtype=np.float32))
np.savez(os.path.join(out, "plain.npz"), a=a, b=np.arange(3, dtype=np.int64))
x = np.zeros((3, 8), dtype=np.float32)
x[1, 5] = np.nan
np.save(os.path.join(out, "mlp_nan.npy"), x)
x = np.zeros((3, 8), dtype=np.float32)
x[2, 0] = np.inf
np.save(os.path.join(out, "mlp_inf.npy"), x)
np.save(os.path.join(out, "mlp_wrong_shape.npy"), np.zeros((3, 7), dtype=np.float32))
np.save(os.path.join(out, "mlp_int.npy"), np.zeros((3, 8), dtype=np.int64))
with open(os.path.join(out, "mlp_header.csv"), "w") as f:
    f.write(",".join(f"x{i}" for i in range(8)) + "\n")
    f.write(",".join(str(v) for v in np.linspace(-1, 1, 8)) + "\n")
    f.write(",".join(str(v) for v in np.linspace(1, -1, 8)) + "\n")
