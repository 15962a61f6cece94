#!/usr/bin/env bash
# Builds Jacobi's installers with jpackage (JDK 17+): an application image with a jlink-trimmed Java runtime,
# then the platform's installer made from it.
#
#   installers/build.sh                  Linux: app-image + .deb;  macOS: app-image + .dmg;  Windows: app-image + .msi
#   installers/build.sh --type rpm       any type jpackage knows on this OS: app-image, deb, rpm, dmg, pkg, msi, exe
#   installers/build.sh --gpu            the CUDA build (Maven profile gpu) instead of the CPU one
#   installers/build.sh --skip-build     package the existing target/jacobi.jar and target/lib/ as they are
#
# Output: target/installer/ (the app image in target/installer/image/, installers beside it).
# Environment: MVN (Maven command, default mvn, else ./mvnw), MVN_FLAGS (extra Maven flags, e.g. -o),
# JACOBI_APP_VERSION (overrides the version from the build), JPACKAGE_EXTRA (extra jpackage options,
# e.g. signing). Runs in bash 3.2 (macOS) and Git Bash (Windows) as well.
# Not part of `mvn verify`: installers are built on demand or in a release job.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

types=""
gpu=0
skip_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --type) types="$types ${2:?--type needs a value}"; shift 2 ;;
    --gpu) gpu=1; shift ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "installers/build.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

case "$(uname -s)" in
  Linux*) os=linux; default_types="app-image deb" ;;
  Darwin*) os=macos; default_types="app-image dmg" ;;
  MINGW*|MSYS*|CYGWIN*) os=windows; default_types="app-image msi" ;;
  *) echo "installers/build.sh: unsupported system $(uname -s)" >&2; exit 2 ;;
esac
[ -n "$types" ] || types="$default_types"

command -v jpackage >/dev/null 2>&1 || {
  echo "installers/build.sh: jpackage not found; it comes with JDK 17 or newer (put the JDK's bin on PATH)" >&2
  exit 1
}

# 1. The application: target/jacobi.jar (manifest class path lib/) and target/lib/*.jar.
if [ "$skip_build" -eq 0 ]; then
  if [ -n "${MVN:-}" ]; then mvn_cmd="$MVN"; elif command -v mvn >/dev/null 2>&1; then mvn_cmd=mvn; else mvn_cmd="$root/mvnw"; fi
  profile=""
  [ "$gpu" -eq 1 ] && profile="-Pgpu"
  echo "installers/build.sh: building the application ($mvn_cmd ${MVN_FLAGS:-} -DskipTests $profile package)"
  rm -rf target/lib   # a jar left over from the other profile (CPU vs GPU ONNX Runtime) must not be packaged
  # shellcheck disable=SC2086  # MVN_FLAGS and profile are deliberately split into words
  "$mvn_cmd" -q -B ${MVN_FLAGS:-} -DskipTests $profile package
fi
[ -f target/jacobi.jar ] && [ -d target/lib ] || {
  echo "installers/build.sh: target/jacobi.jar or target/lib/ is missing; run without --skip-build" >&2
  exit 1
}

version="${JACOBI_APP_VERSION:-}"
if [ -z "$version" ]; then
  version="$(sed -n 's/^version=//p' target/classes/org/jacobi/build.properties 2>/dev/null | tr -d '\r')"
  version="${version%%-*}"   # jpackage takes numbers only: 0.2.0-SNAPSHOT -> 0.2.0
  if [ "$os" = macos ] && [ "${version%%.*}" = 0 ]; then
    # macOS refuses a version whose first number is 0.
    echo "installers/build.sh: macOS needs a version >= 1; packaging $version as 1.0.0 (set JACOBI_APP_VERSION)" >&2
    version=1.0.0
  fi
fi
[ -n "$version" ] || { echo "installers/build.sh: cannot read the version from the build" >&2; exit 1; }

out="$root/target/installer"
rm -rf "$out"
mkdir -p "$out/input"
cp target/jacobi.jar "$out/input/"
cp -R target/lib "$out/input/lib"
rm -f "$out/input/lib/.complete"   # the ./jacobi launcher's marker, not part of the app

# Reads an options file: one option per line, "--option value-with-spaces" or "--flag"; # starts a comment.
opts=()
read_opts() {
  local line option value
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    case "$line" in ''|'#'*) continue ;; esac
    option="${line%% *}"
    opts+=("$option")
    if [ "$option" != "$line" ]; then
      value="${line#* }"
      opts+=("$value")
    fi
  done <"$1"
}

extra=()
# shellcheck disable=SC2206  # JPACKAGE_EXTRA is a list of words on purpose
[ -n "${JPACKAGE_EXTRA:-}" ] && extra=(${JPACKAGE_EXTRA})

# 2. The application image, with the jlink-trimmed runtime.
opts=()
read_opts installers/jpackage/about.opts
read_opts installers/jpackage/app-image.opts
read_opts "installers/jpackage/app-image-$os.opts"
echo "installers/build.sh: jpackage app-image (Jacobi $version, $os)"
jpackage --type app-image --name Jacobi --app-version "$version" \
  --input "$out/input" --dest "$out/image" "${opts[@]}" ${extra[@]+"${extra[@]}"}
case "$os" in
  macos) image="$out/image/Jacobi.app" ;;
  *) image="$out/image/Jacobi" ;;
esac

# 3. Installers made from that image.
for type in $types; do
  [ "$type" = app-image ] && continue
  opts=()
  read_opts installers/jpackage/about.opts
  read_opts "installers/jpackage/package-$os.opts"
  echo "installers/build.sh: jpackage $type"
  jpackage --type "$type" --name Jacobi --app-version "$version" --app-image "$image" --dest "$out" \
    "${opts[@]}" ${extra[@]+"${extra[@]}"}
done

rm -rf "$out/input"
echo "installers/build.sh: done:"
ls -1 "$out" | sed 's/^/  target\/installer\//'
