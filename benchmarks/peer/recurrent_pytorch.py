#!/usr/bin/python3
"""PyTorch's side of the recurrent workloads: one forward + backward of nn.RNN (tanh), nn.GRU or
nn.LSTM on x [T, B, D] from a zero state, loss (1/T) · Σ of every output (out.sum() / T, the loss
of `chainrule bench`), one thread; prints the median milliseconds of the timed iterations.

    /usr/bin/python3 recurrent_pytorch.py --cell lstm --batch 32 --input 64 --hidden 256 --steps 100 \
        --dtype float32 --warmup 5 --iterations 10

prints `pytorch lstm B=32 D=64 H=256 T=100 float32 median_ms 88.20 all 87.9 88.2 ...`.

PyTorch 1.13 from Debian (apt-get install -y python3-torch libopenblas0-pthread; PyPI is not
needed). Run it with one OpenBLAS thread and, on a CPU with AVX-512, the kernels OpenBLAS does not
pick by itself (Debian's OpenBLAS falls back to slow generic kernels on CPUs it does not recognise):
    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 recurrent_pytorch.py ...
recurrent_vs_pytorch.sh sets both.
"""
import argparse
import time

import torch

CELLS = {
    "rnn": lambda d, h: torch.nn.RNN(d, h, nonlinearity="tanh"),
    "gru": lambda d, h: torch.nn.GRU(d, h),
    "lstm": lambda d, h: torch.nn.LSTM(d, h),
}
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cell", choices=sorted(CELLS), default="rnn")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--input", type=int, default=64)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--dtype", choices=sorted(DTYPES), default="float64")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    dtype = DTYPES[a.dtype]
    layer = CELLS[a.cell](a.input, a.hidden).to(dtype)
    x = torch.randn(a.steps, a.batch, a.input, dtype=dtype)

    def once():
        layer.zero_grad(set_to_none=True)
        out, _ = layer(x)
        loss = out.sum() / a.steps
        loss.backward()
        return loss.item()

    for _ in range(a.warmup):
        once()
    ms = []
    for _ in range(a.iterations):
        t0 = time.perf_counter()
        once()
        ms.append((time.perf_counter() - t0) * 1e3)
    median = sorted(ms)[len(ms) // 2] if len(ms) % 2 else sum(sorted(ms)[len(ms) // 2 - 1:len(ms) // 2 + 1]) / 2
    print("pytorch %s B=%d D=%d H=%d T=%d %s median_ms %.3f all %s" % (
        a.cell, a.batch, a.input, a.hidden, a.steps, a.dtype, median, " ".join("%.2f" % m for m in ms)))


if __name__ == "__main__":
    main()
