#!/usr/bin/env bash
# Redraws the app icon into assets/icons/: jacobi.svg, jacobi-SIZE.png (16..512), jacobi.png (256, the
# Linux installer icon), jacobi.ico (Windows) and jacobi.icns (macOS).
# Needs a JDK (java), ImageMagick (convert) and icnsutils (png2icns): apt-get install imagemagick icnsutils
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/assets/icons"
java -Djava.awt.headless=true "$root/scripts/MakeIcon.java" "$out"
cp "$out/jacobi-256.png" "$out/jacobi.png"
convert "$out/jacobi-16.png" "$out/jacobi-24.png" "$out/jacobi-32.png" "$out/jacobi-48.png" \
  "$out/jacobi-64.png" "$out/jacobi-128.png" "$out/jacobi-256.png" "$out/jacobi.ico"
# png2icns takes the sizes the ICNS format defines (16, 32, 48, 128, 256, 512).
png2icns "$out/jacobi.icns" "$out/jacobi-16.png" "$out/jacobi-32.png" "$out/jacobi-48.png" \
  "$out/jacobi-128.png" "$out/jacobi-256.png" "$out/jacobi-512.png" >/dev/null
echo "icons written to $out"
