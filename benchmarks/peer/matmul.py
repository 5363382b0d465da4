#!/usr/bin/python3
"""Matrix products: chainrule against PyTorch (OpenBLAS), interleaved in one sitting.

Times C = op(A)·op(B) on the same shapes, layouts and precisions in PyTorch and in chainrule's
kernel (the Java side, io.chainrule.benchmarks.MatMulPeer, run as a child process), one thread
each. Each round times CALLS calls of every workload on each side, back to back, in alternating
order, so that both see the same load on a shared machine; a round's figure is the median call.
Before the rounds, each Java side runs the workloads untimed for 10 s (--warmup-seconds): until
the JIT has compiled the Vector API code, its vectors are heap objects and a product is tens of
times slower, and a few hundred calls of a small shape are not enough for that.
Prints, per workload, the median over rounds of each side's GFLOP/s (2·M·N·K / time) and the
median of the rounds' ratios chainrule / PyTorch in speed, with its quartiles.

Debian's OpenBLAS does not recognise every CPU and then falls back to slow generic kernels:
run with OPENBLAS_CORETYPE set (SkylakeX on an AVX-512 machine) and one OpenBLAS thread:

    mvn -B -q -DskipTests package
    OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peer/matmul.py

Layouts name how A and B are stored: N as is, T transposed (NT is a recurrent step's h·W_hhᵀ,
NN its input gradient g·W_hh, TN a weight gradient gᵀ·h). Several Java sides can be compared
at once (--java NAME=JAR, repeated), for instance the jar of a commit before a change.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import torch

DEFAULT_WORKLOADS = [
    "256x256x256:NN", "256x256x256:NT", "256x256x256:TN",
    "32x256x256:NN", "32x256x256:NT",
    "32x1024x1024:NN", "32x1024x1024:NT",
    "1024x256x1024:TN",
]


def parse_workload(text):
    shape, _, layout = text.partition(":")
    m, k, n = (int(v) for v in shape.split("x"))
    layout = layout or "NN"
    if layout not in ("NN", "NT", "TN", "TT") or min(m, k, n) <= 0:
        raise argparse.ArgumentTypeError("workload must be MxKxN[:LAYOUT], got " + text)
    return m, k, n, layout


class Torch:
    """PyTorch's side: operands made once per workload, stored as the layout says."""

    name = "pytorch"

    def __init__(self):
        self.operands = {}

    def describe(self):
        return "pytorch %s, %d thread(s), OPENBLAS_CORETYPE=%s" % (
            torch.__version__, torch.get_num_threads(), os.environ.get("OPENBLAS_CORETYPE", "(unset)"))

    def times(self, precision, m, k, n, layout, calls):
        key = (precision, m, k, n, layout)
        if key not in self.operands:
            dtype = torch.float32 if precision == "f32" else torch.float64
            g = torch.Generator().manual_seed(1)
            a = torch.randn(k, m, generator=g, dtype=dtype).t() if layout[0] == "T" \
                else torch.randn(m, k, generator=g, dtype=dtype)
            b = torch.randn(n, k, generator=g, dtype=dtype).t() if layout[1] == "T" \
                else torch.randn(k, n, generator=g, dtype=dtype)
            self.operands[key] = (a, b, torch.empty(m, n, dtype=dtype))
        a, b, c = self.operands[key]
        out = []
        for _ in range(calls):
            t0 = time.perf_counter_ns()
            torch.mm(a, b, out=c)
            out.append(time.perf_counter_ns() - t0)
        return out


class Java:
    """A chainrule build's side: MatMulPeer from its benchmarks jar, answering one line a request."""

    def __init__(self, name, jar, java_options):
        for entry in jar.split(os.pathsep):
            if not os.path.exists(entry):
                sys.exit("no such jar or directory: %s (build it with mvn -B -q -DskipTests package)" % entry)
        self.name = name
        self.process = subprocess.Popen(
            ["java", "--add-modules", "jdk.incubator.vector", *java_options, "-cp", jar,
             "io.chainrule.benchmarks.MatMulPeer"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.description = self.process.stdout.readline().strip()
        if not self.description:
            sys.exit("%s: the Java side did not start (%s)" % (name, jar))

    def describe(self):
        return self.description

    def times(self, precision, m, k, n, layout, calls):
        self.process.stdin.write("%s %s %d %d %d %d\n" % (precision, layout, m, k, n, calls))
        self.process.stdin.flush()
        line = self.process.stdout.readline().strip()
        if not line or line.startswith("error"):
            sys.exit("%s: %s" % (self.name, line or "the Java side stopped"))
        return [int(v) for v in line.split()]

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def quartiles(values):
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return q[0], q[1], q[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--java", action="append", metavar="NAME=CLASSPATH",
                        help="a chainrule build to time: its benchmarks jar, or a class path "
                             "(default chainrule=benchmarks/target/benchmarks.jar)")
    parser.add_argument("--java-option", action="append", default=[], metavar="OPTION",
                        help="an option for the Java sides' JVM (repeatable)")
    parser.add_argument("--workload", action="append", type=parse_workload, metavar="MxKxN:LAYOUT",
                        help="a workload (repeatable; default: %s)" % " ".join(DEFAULT_WORKLOADS))
    parser.add_argument("--precision", action="append", choices=["f64", "f32"],
                        help="f64 or f32 (repeatable; default both)")
    parser.add_argument("--rounds", type=int, default=21, help="measured rounds (default 21)")
    parser.add_argument("--warmup", type=int, default=6, help="rounds run first and discarded (default 6)")
    parser.add_argument("--calls", type=int, default=15, help="calls per workload, side and round (default 15)")
    parser.add_argument("--warmup-seconds", type=float, default=10.0,
                        help="seconds each Java side first runs the workloads, untimed, for the JIT to "
                             "compile its vector code (default 10)")
    args = parser.parse_args()

    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print("warning: OPENBLAS_NUM_THREADS is not 1", file=sys.stderr)
    if "OPENBLAS_CORETYPE" not in os.environ:
        print("warning: OPENBLAS_CORETYPE is unset: Debian's OpenBLAS may use slow generic kernels", file=sys.stderr)
    torch.set_num_threads(1)
    workloads = args.workload or [parse_workload(w) for w in DEFAULT_WORKLOADS]
    precisions = args.precision or ["f64", "f32"]
    sides = [Torch()]
    for spec in args.java or ["chainrule=benchmarks/target/benchmarks.jar"]:
        name, _, jar = spec.partition("=")
        sides.append(Java(name, jar, args.java_option))
    try:
        for side in sides:
            print("%s: %s" % (side.name, side.describe()))
        for side in sides[1:]:
            start = time.monotonic()
            while time.monotonic() - start < args.warmup_seconds:
                for precision in precisions:
                    for (m, k, n, layout) in workloads:
                        side.times(precision, m, k, n, layout, args.calls)
        print("load average before: %.1f %.1f %.1f" % os.getloadavg())
        medians = {}
        for r in range(args.warmup + args.rounds):
            order = sides if r % 2 == 0 else sides[::-1]
            for precision in precisions:
                for (m, k, n, layout) in workloads:
                    for side in order:
                        t = statistics.median(side.times(precision, m, k, n, layout, args.calls))
                        if r >= args.warmup:
                            medians.setdefault((precision, m, k, n, layout, side.name), []).append(t)
        print("load average after: %.1f %.1f %.1f" % os.getloadavg())
        print()
        header = "| precision | M×K×N | layout | " + " | ".join("%s GFLOP/s" % s.name for s in sides) + " | " + \
                 " | ".join("%s / pytorch (quartiles)" % s.name for s in sides[1:]) + " |"
        print(header)
        print("|" + "---|" * (header.count("|") - 1))
        for precision in precisions:
            for (m, k, n, layout) in workloads:
                flops = 2.0 * m * n * k
                cells = []
                for side in sides:
                    cells.append("%.1f" % (flops / statistics.median(medians[(precision, m, k, n, layout, side.name)])))
                base = medians[(precision, m, k, n, layout, "pytorch")]
                for side in sides[1:]:
                    ratios = [b / t for b, t in zip(base, medians[(precision, m, k, n, layout, side.name)])]
                    lo, mid, hi = quartiles(ratios)
                    cells.append("%.2f (%.2f–%.2f)" % (mid, lo, hi))
                print("| %s | %dx%dx%d | %s | %s |" % (precision, m, k, n, layout, " | ".join(cells)))
        print()
        print("%d rounds after %g s of warm-up for the Java sides and %d warm-up rounds, the median of %d calls a round"
              % (args.rounds, args.warmup_seconds, args.warmup, args.calls))
    finally:
        for side in sides[1:]:
            side.close()


if __name__ == "__main__":
    main()
