#!/bin/sh
# Copies the ONNX backend node tests (Debian's libonnx-testdata) of the operators added for issue 11 into
# src/test/resources/onnx-backend/, for org.jacobi.autodiff.ExportOperatorsBackendTest: model.onnx and test_data_set_0 of each, float
# variants only (no float16/bfloat16/integer data: those carry no derivative here), at most 40 KB each.
# Trilu's backend tests hold integer data only, and CastLike's mix float types at input and output (the
# ONNX engine differentiates with respect to and of values of one float type), so neither is copied.
# Usage: sh scripts/copy_onnx_backend_tests.sh
set -e
SRC=/usr/share/libonnx-testdata/data/node
DST="$(dirname "$0")/../src/test/resources/onnx-backend"
rm -rf "$DST"
mkdir -p "$DST"
PATTERN='^test_(acos|acosh|asin|asinh|atan|atanh|cosh|sinh|tan|celu|cumsum|depthtospace|spacetodepth|einsum|gather_elements|gathernd_example_float32|globalmaxpool|mod_mixed_sign_float32|mod_mixed_sign_float64|mvn|reduce_l1|reduce_l2|reduce_log_sum|reduce_min|reduce_prod|reduce_sum_square|scatter_elements|scatternd|shrink|softsign|thresholdedrelu|top_k|max_example|max_float32|max_float64|max_one_input|max_two_inputs|min_example|min_float32|min_float64|min_one_input|min_two_inputs|mean_|sum_example|sum_one|sum_two)'
for dir in $(ls "$SRC" | grep -E "$PATTERN" | grep -v expanded | grep -v '^test_tanh'); do
  size=$(du -sk "$SRC/$dir" | cut -f1)
  if [ "$size" -le 40 ]; then
    mkdir -p "$DST/$dir/test_data_set_0"
    cp "$SRC/$dir/model.onnx" "$DST/$dir/"
    cp "$SRC/$dir/test_data_set_0/"*.pb "$DST/$dir/test_data_set_0/"
  else
    echo "skipped $dir ($size KB)"
  fi
done
ls "$DST" > "$DST/../onnx-backend-index.txt"
mv "$DST/../onnx-backend-index.txt" "$DST/index.txt"
echo "$(wc -l < "$DST/index.txt") tests, $(du -sh "$DST" | cut -f1)"
