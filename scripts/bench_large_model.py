#!/usr/bin/python3
"""Time to first picture and peak memory on a large U-Net-like model (scripts/make_large_unet.py), CLI and app.

Usage: /usr/bin/python3 scripts/bench_large_model.py [ROUNDS]     (JACOBI=path/to/jacobi, default ./jacobi)

Makes target/large_unet/unet_large.onnx (1024 x 1024, six sigmoid outputs, float16 weights behind Casts) when it is
missing, then per round:
- CLI refusal: `jacobi jacobian` of the whole output d0 (3.3e12 entries), wall time until the refusal;
- CLI region: `jacobi jacobian --of 'd1[0,400:600,300:500]'` (one reverse pass), wall time;
- app: `jacobi MODEL INPUT` with -Djacobi.timeline=exit, under $DISPLAY (or an Xvfb :94 this script starts):
  seconds from the JVM's start to the model's output (the forward run behind the output picture) and to the first
  saliency map, after which the app quits.
Peak memory is each process's maximum resident set size (wait4's ru_maxrss: the JVM itself, the launcher script
execs it). Prints a Markdown table (docs/benchmarks.md, "A 1024 x 1024 segmentation model"). Run on a quiet machine.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
JACOBI = os.environ.get("JACOBI", os.path.join(ROOT, "jacobi"))
MODEL = os.path.join(ROOT, "target", "large_unet", "unet_large.onnx")
INPUT = os.path.join(ROOT, "target", "large_unet", "unet_large.input.npy")
REGION = "d1[0,400:600,300:500]"
APP_TIMEOUT_S = 600


def run(cmd, env=None, timeout=APP_TIMEOUT_S):
    """Runs cmd; returns (wall seconds, peak RSS in MB, exit code, stdout + stderr)."""
    out = tempfile.TemporaryFile()
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            pid, status, usage = os.wait4(p.pid, 0)
            break
        time.sleep(0.05)
    wall = time.monotonic() - start
    out.seek(0)
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), out.read().decode(errors="replace")


def display():
    """$DISPLAY, or an Xvfb :94 started here (returned to be stopped), or exits saying what is missing."""
    if os.environ.get("DISPLAY"):
        return os.environ["DISPLAY"], None
    if not shutil.which("Xvfb"):
        sys.exit("bench_large_model: the app needs a display: set DISPLAY or install Xvfb")
    xvfb = subprocess.Popen(["Xvfb", ":94", "-screen", "0", "1600x1000x24"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(1)
    return ":94", xvfb


def cli_round(scratch):
    refusal = run([JACOBI, "jacobian", MODEL, "--input", INPUT, "--out", os.path.join(scratch, "whole.npy"), "--force"])
    if refusal[2] == 0 or "elements" not in refusal[3]:
        sys.exit("bench_large_model: the whole Jacobian was not refused:\n" + refusal[3][-500:])
    region = run([JACOBI, "jacobian", MODEL, "--input", INPUT, "--of", REGION,
                  "--out", os.path.join(scratch, "region.npy"), "--force"])
    if region[2] != 0:
        sys.exit("bench_large_model: the region target failed:\n" + region[3][-500:])
    return refusal, region


def app_round(disp):
    env = dict(os.environ, DISPLAY=disp,
               JACOBI_JAVA_OPTS=(os.environ.get("JACOBI_JAVA_OPTS", "") + " -Djacobi.timeline=exit").strip())
    wall, rss, code, text = run([JACOBI, MODEL, INPUT], env=env)
    marks = dict((m, float(s)) for m, s in re.findall(r"jacobi-timeline: (\w+) ([\d.]+)", text))
    if "saliency" not in marks:
        sys.exit("bench_large_model: the app showed no saliency map within %d s:\n%s" % (APP_TIMEOUT_S, text[-800:]))
    return marks["output"], marks["saliency"], rss


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    if not os.path.exists(MODEL):
        subprocess.run([sys.executable, os.path.join(HERE, "make_large_unet.py")], check=True)
    disp, xvfb = display()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for r in range(rounds):
                (rw, rr, _, _), (gw, gr, _, _) = cli_round(scratch)
                out_s, sal_s, app_rss = app_round(disp)
                rows.append((rw, rr, gw, gr, out_s, sal_s, app_rss))
                print("round %d: refusal %.2f s %.0f MB, region %.2f s %.0f MB, app output %.2f s, saliency %.2f s, %.0f MB"
                      % ((r + 1,) + rows[-1]), flush=True)
    finally:
        if xvfb:
            xvfb.terminate()
    print()
    print("| round | CLI whole-Jacobian refusal, s | peak MB | CLI region target, s | peak MB "
          "| app: output shown, s | app: first saliency, s | app peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    for i, row in enumerate(rows):
        print("| %d | %.2f | %.0f | %.2f | %.0f | %.2f | %.2f | %.0f |" % ((i + 1,) + row))


if __name__ == "__main__":
    main()
