"""PyTorch's side of DeepLstmTiming: one forward + backward of nn.LSTM(64, 256, num_layers=2),
B=32, T=100, float64, one thread; prints the median milliseconds of the timed iterations.

Run with Debian's python3-torch (the interpreter /usr/bin/python3) on OpenBLAS, told the CPU
(apt-get install python3-torch libopenblas0-pthread: without OpenBLAS, Debian's torch multiplies
with the reference BLAS, some twenty times slower):
    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 deep_lstm_pytorch.py 20
"""
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 20
lstm = torch.nn.LSTM(64, 256, num_layers=2).double()
x = torch.randn(100, 32, 64, dtype=torch.float64)


def once():
    lstm.zero_grad(set_to_none=True)
    out, _ = lstm(x)
    (out.sum() / 100).backward()


for _ in range(5):
    once()
ms = []
for _ in range(iterations):
    t0 = time.perf_counter()
    once()
    ms.append((time.perf_counter() - t0) * 1e3)
print("pytorch median_ms %.2f all %s" % (sorted(ms)[iterations // 2], " ".join("%.1f" % m for m in ms)))
