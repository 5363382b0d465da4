#!/usr/bin/python3
"""Golden outputs and gradients of PyTorch's nn.RNN (tanh), nn.GRU and nn.LSTM, for GoldenCellTest (float64)
and GoldenFloat32CellTest (float32, --float32).

An implementation of the cells' equations independent of chainrule: a cell whose forward is wrong
but self-consistent (a gate moved or swapped) passes finite differences, but not these fixtures.

Run by hand from the repository root, with Debian's PyTorch (apt-get install -y python3-torch;
the system interpreter, not a pyenv one):

    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=Sandybridge \
        /usr/bin/python3 rnn/src/test/python/golden_cells.py             # float64: {rnn,gru,lstm}.txt
    OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SkylakeX \
        /usr/bin/python3 rnn/src/test/python/golden_cells.py --float32   # float32: {rnn,gru,lstm}-f32.txt

Without an option it rewrites rnn/src/test/resources/golden/{rnn,gru,lstm}.txt (float64 throughout,
for GoldenCellTest); with --float32 it writes only {rnn,gru,lstm}-f32.txt (for GoldenFloat32CellTest)
and leaves the float64 files alone; commit them. Written with Debian's PyTorch 1.13.0a0.
OpenBLAS's kernel changes the last bits: the committed float64 files are reproduced byte for byte
with the command above (OPENBLAS_CORETYPE=Sandybridge), while OPENBLAS_CORETYPE=SkylakeX changes
some values of each file in their last bits. The float32 files were written with SkylakeX (their
third line says so); with Sandybridge every tensor stays within 2.2e-7 of its largest entry.

float32 (--float32): the same problem with the module in float32 (.float()) and the same draws
(the weights are the module's own float32 initialization, as in the float64 files; x, the initial
state(s) and R are the float64 draws rounded to float32); forward and backward run in float32, and
every value written is a float32 value (exact in the hexadecimal format).

Problem (one layer, batch first = False): T=5 steps, B=3 sequences, D=4 inputs, H=6 hidden units,
weights from the module's own initialization after torch.manual_seed, inputs x ~ N(0, 1) [T, B, D],
initial state(s) ~ N(0, 0.25) [B, H], and the loss

    L = (1/T) sum_t sum_{b,j} R[t, b, j] * h_t[b, j]        R ~ N(0, 1) [T, B, H] fixed

(chainrule's Unroll.loss with the step loss sum(h_t * R_t)). Recorded: every parameter under its
PyTorch name, x, the initial state(s), R, every h_t (and every c_t for the LSTM, by stepping the
same module one step at a time), L, and dL/d of every parameter, of x and of the initial state(s).

Format, one tensor a line:  name d0 d1 ... : v0 v1 ...   with the shape, then the row-major
values as hexadecimal floats (float.hex, read exactly by Java's Double.parseDouble); '#' comments.
"""
import os
import sys
import torch

T, B, D, H = 5, 3, 4, 6
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")


def line(name, t):
    t = t.detach().contiguous()
    shape = " ".join(str(s) for s in t.shape)
    values = " ".join(float(v).hex() for v in t.reshape(-1).tolist())
    return f"{name} {shape} : {values}".replace("  ", " ")


def golden(kind, seed, dtype=torch.float64):
    """Writes golden/<kind>.txt (float64) or golden/<kind>-f32.txt (float32): the same draws either way."""
    torch.manual_seed(seed)
    module = {"rnn": lambda: torch.nn.RNN(D, H, nonlinearity="tanh"),
              "gru": lambda: torch.nn.GRU(D, H),
              "lstm": lambda: torch.nn.LSTM(D, H)}[kind]().to(dtype)
    x = torch.randn(T, B, D, dtype=torch.float64).to(dtype).requires_grad_()
    h0 = (0.5 * torch.randn(B, H, dtype=torch.float64)).to(dtype).requires_grad_()
    c0 = (0.5 * torch.randn(B, H, dtype=torch.float64)).to(dtype).requires_grad_() if kind == "lstm" else None
    r = torch.randn(T, B, H, dtype=torch.float64).to(dtype)

    state = (h0.unsqueeze(0), c0.unsqueeze(0)) if kind == "lstm" else h0.unsqueeze(0)
    output, _ = module(x, state)
    loss = (output * r).sum() / T
    loss.backward()

    lines = [f"# PyTorch {torch.__version__} nn.{module.__class__.__name__}, seed {seed}, T={T} B={B} D={D} H={H}",
             "# L = (1/T) sum_t sum(R_t * h_t); grad_* = dL/d*"]
    if dtype == torch.float32:
        lines.append("# float32 throughout (module.float(), inputs rounded to float32); OPENBLAS_CORETYPE="
                     + os.environ.get("OPENBLAS_CORETYPE", "(unset)") + " OPENBLAS_NUM_THREADS="
                     + os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"))
    for name, p in module.named_parameters():
        lines.append(line(name, p))
    lines += [line("x", x), line("h0", h0)]
    if c0 is not None:
        lines.append(line("c0", c0))
    lines += [line("R", r), line("h", output), line("loss", loss)]
    if kind == "lstm":  # every c_t: the same module one step at a time
        with torch.no_grad():
            s = (h0.unsqueeze(0), c0.unsqueeze(0))
            cs = []
            for t in range(T):
                _, s = module(x[t:t + 1], s)
                cs.append(s[1][0])
        lines.append(line("c", torch.stack(cs)))
    for name, p in module.named_parameters():
        lines.append(line("grad_" + name, p.grad))
    lines += [line("grad_x", x.grad), line("grad_h0", h0.grad)]
    if c0 is not None:
        lines.append(line("grad_c0", c0.grad))
    tensors = list(module.parameters()) + [x, h0, r, output, loss] + [p.grad for p in module.parameters()]
    assert all(t.dtype == dtype for t in tensors), "a tensor left " + str(dtype)
    os.makedirs(OUT, exist_ok=True)
    suffix = "-f32" if dtype == torch.float32 else ""
    with open(os.path.join(OUT, kind + suffix + ".txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["--float32"]):
        sys.exit("usage: golden_cells.py [--float32]")
    precision = torch.float32 if sys.argv[1:] == ["--float32"] else torch.float64
    golden("rnn", 1, precision)
    golden("gru", 2, precision)
    golden("lstm", 3, precision)
