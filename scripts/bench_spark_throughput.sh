#!/usr/bin/env bash
# Throughput of one process against a standalone cluster of 1 and 2 workers (docs/scale.md, "Throughput"):
# Sobol' indices of Ishigami (2^20 base rows) and Integrated Gradients on cnn_small (10^4 samples, 50 steps).
# Run on a quiet machine: scripts/bench_spark_throughput.sh [ROUNDS]   (needs /usr/bin/python3 with numpy and onnx)
# Prints each command's own summary line (its job time and rate); wall times come from `date`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
rounds="${1:-2}"
work="$(mktemp -d)"
trap 'scripts/spark-standalone.sh stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
/usr/bin/python3 scripts/make_ishigami_onnx.py "$work/ishigami.onnx"
/usr/bin/python3 - "$work" <<'PY'
import sys, os, numpy as np
work = sys.argv[1]
x = np.random.default_rng(1).standard_normal((10000, 1, 28, 28)).astype(np.float32)
np.save(f"{work}/cnn10k.npy", x)
os.makedirs(f"{work}/cnn10k", exist_ok=True)
for i in range(8):
    np.save(f"{work}/cnn10k/part{i}.npy", x[i * 1250:(i + 1) * 1250])
PY
# built by the launcher itself (untimed), so that no timed command below starts with a build
./jacobi info src/test/resources/fixtures/mlp_tanh.onnx >/dev/null
./jacobi jacobian-stats --help >/dev/null
gsa=(--dist uniform:-3.14159,3.14159 --method sobol --samples 1048576 --bootstrap 100 --seed 1)
ig=(--method ig --steps 50 --of 'y[top]')
timed() {  # label, command...
  local label="$1"; shift
  local start end
  start=$(date +%s.%N)
  local line
  line="$("$@" 2>&1 | tail -1)"
  end=$(date +%s.%N)
  printf '%s | wall %.1f s | %s\n' "$label" "$(echo "$end - $start" | bc)" "$line"
}
for round in $(seq "$rounds"); do
  echo "# round $round, load $(cut -d' ' -f1-3 /proc/loadavg)"
  timed "gsa one process" ./jacobi gsa "$work/ishigami.onnx" "${gsa[@]}" --out "$work/one.json" --force
  timed "ig one process" ./jacobi attribute src/test/resources/fixtures/cnn_small.onnx --input "$work/cnn10k.npy" \
      "${ig[@]}" --out "$work/ig-one.npy" --force
  for workers in 1 2; do
    master="$(SPARK_WORKER_CORES=1 scripts/spark-standalone.sh start "$workers" | sed -n 's/^MASTER=//p')"
    timed "gsa $workers worker(s)" ./jacobi gsa "$work/ishigami.onnx" "${gsa[@]}" --spark "$master" --partitions 8 \
        --out "$work/w$workers.json" --force
    timed "ig $workers worker(s)" ./jacobi attribute src/test/resources/fixtures/cnn_small.onnx --input "$work/cnn10k" \
        "${ig[@]}" --spark "$master" --out "$work/ig-w$workers.npy" --force
    scripts/spark-standalone.sh stop >/dev/null
  done
  # the same indices to the last digit; only "device" (CPU or the master's URL) and the timing may differ
  /usr/bin/python3 - "$work/one.json" "$work/w1.json" "$work/w2.json" <<'PY'
import json, sys
docs = [json.load(open(p)) for p in sys.argv[1:]]
keys = sorted(set().union(*docs))
differ = [k for k in keys if len({json.dumps(d.get(k), sort_keys=True) for d in docs}) > 1]
print("gsa JSON: keys that differ between one process and the clusters:", differ or "none")
PY
done
