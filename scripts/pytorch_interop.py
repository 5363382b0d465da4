#!/usr/bin/env python3
"""chainrule <-> PyTorch state dicts, both ways (float64, one-layer GRU and LSTM).

Run by hand from the repository's root with Debian's PyTorch (apt-get install -y python3-torch):

    mvn -B -q -DskipTests package
    /usr/bin/python3 scripts/pytorch_interop.py check

  `check` runs chainrule's Example07PyTorchInterop, which saves a GRU's and an LSTM's state dict
  (cell.stateDict().save) with its inputs and every hidden state h_t; loads each state into
  torch.nn.GRU / torch.nn.LSTM with load_state_dict as is (strict); runs PyTorch on the same
  inputs; and compares the hidden states (largest |difference| must be at most 1e-12).

    /usr/bin/python3 scripts/pytorch_interop.py fixture

  `fixture` rewrites the committed reverse-direction fixture in
  rnn/src/test/resources/io/chainrule/rnn/pytorch/: state dicts of a torch.nn.GRU (float32) and a
  torch.nn.LSTM (float64) as safetensors, and inputs and PyTorch's hidden states (float64, the
  float32 weights widened exactly) that PyTorchFixtureTest reproduces with chainrule's cells.

The safetensors files are read and written here by this script's own code (struct, json, numpy),
to the published format, so neither side's reader checks only its own writer.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE_DIR = os.path.join(ROOT, "rnn", "src", "test", "resources", "io", "chainrule", "rnn", "pytorch")
JAR = os.path.join(ROOT, "examples", "target", "chainrule.jar")
DTYPES = {"F64": np.dtype("<f8"), "F32": np.dtype("<f4")}


def read_safetensors(path):
    """name -> numpy array, from the 8-byte header length, the JSON header and the data section."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=DTYPES[e["dtype"]]).reshape(e["shape"]).copy()
    return out


def write_safetensors(path, tensors, metadata=None):
    """Writes name -> numpy array (float32 or float64), tensors in name order, header padded to 8 bytes."""
    names = sorted(tensors)
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    chunks = []
    for name in names:
        a = np.ascontiguousarray(tensors[name])
        dtype = {np.dtype("float64"): "F64", np.dtype("float32"): "F32"}[a.dtype]
        b = a.astype(DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        chunks.append(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def module(kind, input_size, hidden_size):
    cls = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[kind]
    return cls(input_size, hidden_size)


def hidden_states(m, x):
    """Every h_t, [T, B, H], from zero initial states (PyTorch's default)."""
    with torch.no_grad():
        out, _ = m(x)
    return out


def check():
    if not os.path.exists(JAR):
        sys.exit("no " + JAR + "; build it first: mvn -B -q -DskipTests package")
    worst = 0.0
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["java", "-cp", JAR, "io.chainrule.examples.numbered.Example07PyTorchInterop", d],
                       check=True, stdout=subprocess.DEVNULL)
        for kind in ("gru", "lstm"):
            state = {k: torch.from_numpy(v) for k, v in read_safetensors(os.path.join(d, kind + ".safetensors")).items()}
            io = read_safetensors(os.path.join(d, kind + "-io.safetensors"))
            x = torch.from_numpy(io["x"])
            m = module(kind, x.shape[2], state["weight_hh_l0"].shape[1]).double()
            m.load_state_dict(state)  # strict: exactly the module's keys and shapes
            diff = float(np.max(np.abs(hidden_states(m, x).numpy() - io["h"])))
            worst = max(worst, diff)
            print("%-4s load_state_dict as is; h_t of %s steps: largest |chainrule - PyTorch| = %.3g"
                  % (kind, x.shape[0], diff))
    if worst > 1e-12:
        sys.exit("FAILED: the hidden states differ by %.3g > 1e-12" % worst)
    print("PyTorch %s reproduces chainrule's hidden states within 1e-12" % torch.__version__)


def fixture():
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    torch.manual_seed(17)
    steps, batch, input_size, hidden_size = 5, 2, 3, 4
    x = torch.randn(steps, batch, input_size, dtype=torch.float64)
    for kind, dtype in (("gru", torch.float32), ("lstm", torch.float64)):
        m = module(kind, input_size, hidden_size).to(dtype)
        tag = {torch.float32: "f32", torch.float64: "f64"}[dtype]
        state = {k: v.detach().numpy() for k, v in m.state_dict().items()}
        write_safetensors(os.path.join(FIXTURE_DIR, "%s-%s.safetensors" % (kind, tag)), state, {"format": "pt"})
        h = hidden_states(m.double(), x)  # float32 weights widen to float64 exactly
        write_safetensors(os.path.join(FIXTURE_DIR, "%s-%s-io.safetensors" % (kind, tag)),
                          {"x": x.numpy(), "h": h.numpy()}, {"torch": torch.__version__})
        print("wrote %s (%s state dict) and its inputs and hidden states" % (kind, tag))


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("check", "fixture"):
        sys.exit(__doc__)
    {"check": check, "fixture": fixture}[sys.argv[1]]()
