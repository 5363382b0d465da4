"""Writes the PyTorch fixtures of PyTorchParityTest: a 2-layer bidirectional nn.LSTM and nn.GRU
(dropout 0) in float64, their weights, inputs, initial states, outputs, final states and the
gradients of L = sum(out * R) + sum(h_n * R_h) (+ sum(c_n * R_c)) with respect to every weight,
the inputs and the initial states. The Java test loads the same weights by their PyTorch names
into a RecurrentNetwork and compares everything at 1e-12 (relative to each tensor's largest entry).

Run by hand with Debian's python3-torch, from the repository's root:
    /usr/bin/python3 rnn/src/test/python/pytorch_parity.py
then `mvn -B -pl rnn -am verify -Dtest=PyTorchParityTest -Dsurefire.failIfNoSpecifiedTests=false`
prints the largest differences it found.

Format: for each tensor a line `name d0,d1,...` and a line of its values in row-major order,
written exactly as hexadecimal floats (float.hex), which Java's Double.parseDouble reads back
bit for bit.
"""
import os

import torch

T, B, D, H, LAYERS = 5, 3, 4, 3, 2
OUT = os.path.join("rnn", "src", "test", "resources", "io", "chainrule", "rnn", "layers")


def write(f, name, t):
    t = t.detach().contiguous()
    f.write("%s %s\n" % (name, ",".join(str(d) for d in t.shape)))
    f.write(" ".join(float(v).hex() for v in t.reshape(-1).tolist()) + "\n")


def fixture(kind, seed):
    torch.manual_seed(seed)
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    net = cls(D, H, num_layers=LAYERS, bidirectional=True, dropout=0.0).double()
    x = torch.randn(T, B, D, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(LAYERS * 2, B, H, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(LAYERS * 2, B, H, dtype=torch.float64, requires_grad=True)
    r = torch.randn(T, B, 2 * H, dtype=torch.float64)
    rh = torch.randn(LAYERS * 2, B, H, dtype=torch.float64)
    rc = torch.randn(LAYERS * 2, B, H, dtype=torch.float64)
    if kind == "lstm":
        out, (hn, cn) = net(x, (h0, c0))
        loss = (out * r).sum() + (hn * rh).sum() + (cn * rc).sum()
    else:
        out, hn = net(x, h0)
        loss = (out * r).sum() + (hn * rh).sum()
    loss.backward()
    path = os.path.join(OUT, "pytorch-%s-2-bidirectional.txt" % kind)
    with open(path, "w") as f:
        f.write("# %s %s: nn.%s(%d, %d, num_layers=%d, bidirectional=True), float64, seed %d\n"
                % (os.path.basename(__file__), torch.__version__, cls.__name__, D, H, LAYERS, seed))
        write(f, "x", x)
        write(f, "h0", h0)
        if kind == "lstm":
            write(f, "c0", c0)
        write(f, "r", r)
        write(f, "r_h", rh)
        if kind == "lstm":
            write(f, "r_c", rc)
        for name, p in net.named_parameters():
            write(f, name, p)
        write(f, "out", out)
        write(f, "h_n", hn)
        if kind == "lstm":
            write(f, "c_n", cn)
        write(f, "loss", loss)
        for name, p in net.named_parameters():
            write(f, "grad." + name, p.grad)
        write(f, "grad.x", x.grad)
        write(f, "grad.h0", h0.grad)
        if kind == "lstm":
            write(f, "grad.c0", c0.grad)
    print("wrote", path)


fixture("lstm", 21)
fixture("gru", 22)
