#!/bin/sh
# The recurrent workloads in chainrule (`chainrule bench`) and in PyTorch (recurrent_pytorch.py),
# alternately in one sitting, one thread each: the tanh RNN, GRU and LSTM with B=32, D=64, T=100
# at H=32 and H=256, and PyTorch's fastrnns LSTM (B=64, input = hidden = 512, T=100), forward and
# backward of (1/T) · Σ of every hidden state, in float64 and float32. Each round runs every
# workload in chainrule then in PyTorch; prints every round's medians, then per workload the median
# over rounds of each side's milliseconds an iteration and of the rounds' ratios chainrule / PyTorch.
#
# Needs PyTorch 1.13 from Debian (apt-get install -y python3-torch libopenblas0-pthread) and the
# program's jar; from the repository's root:
#   mvn -B -q -DskipTests package
#   sh benchmarks/peer/recurrent_vs_pytorch.sh [ROUNDS] [ITERATIONS] [DTYPES] [WORKLOADS]
# e.g. sh benchmarks/peer/recurrent_vs_pytorch.sh 3 10 "float64 float32"
#      sh benchmarks/peer/recurrent_vs_pytorch.sh 1 2 float32 "lstm:32:64:256:100"
# WORKLOADS: cell:B:D:H:T, space-separated (default: the seven below).
# Timing is the machine's: run it on a quiet machine, and quote the ratios of one sitting.
set -e
ROUNDS=${1:-3}
ITERATIONS=${2:-10}
DTYPES=${3:-"float64 float32"}
WORKLOADS=${4:-"rnn:32:64:32:100 rnn:32:64:256:100 gru:32:64:32:100 gru:32:64:256:100 lstm:32:64:32:100 lstm:32:64:256:100 lstm:64:512:512:100"}
WARMUP=${WARMUP:-5}
# chainrule warms up for at least this many seconds too: its kernels are compiled by the JIT while
# it runs (float32 takes longer: with 1 s, a GRU at H=32 measured 3 times its steady-state time)
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
HERE=$(dirname "$0")
JAR=${JAR:-examples/target/chainrule.jar}
PYTHON=${PYTHON:-/usr/bin/python3}

# one OpenBLAS thread, and on AVX-512 the kernels Debian's OpenBLAS does not pick by itself
export OPENBLAS_NUM_THREADS=1
if grep -q avx512f /proc/cpuinfo 2>/dev/null; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
if [ ! -f "$JAR" ]; then
  echo "no $JAR: build it first (mvn -B -q -DskipTests package)" >&2
  exit 1
fi
"$PYTHON" -c "import torch" 2>/dev/null || {
  echo "PyTorch is missing: apt-get install -y python3-torch libopenblas0-pthread" >&2
  exit 1
}

OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
echo "OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}; $ROUNDS rounds of $WARMUP untimed (chainrule: and at least $WARMUP_SECONDS s) and $ITERATIONS timed iterations"
for r in $(seq 1 "$ROUNDS"); do
  for w in $WORKLOADS; do
    IFS=: read -r cell batch input hidden steps <<EOW
$w
EOW
    for dtype in $DTYPES; do
      ms=$(java --add-modules jdk.incubator.vector -jar "$JAR" bench --cell "$cell" --batch "$batch" --input "$input" \
             --hidden "$hidden" --steps "$steps" --dtype "$dtype" --threads 1 --warmup "$WARMUP" --warmup-seconds "$WARMUP_SECONDS" \
             --iterations "$ITERATIONS" --json 2>/dev/null | sed -n 's/.*"msPerIteration" : \([0-9.eE+-]*\).*/\1/p')
      echo "round $r $w $dtype chainrule $ms" | tee -a "$OUT"
      ms=$("$PYTHON" "$HERE/recurrent_pytorch.py" --cell "$cell" --batch "$batch" --input "$input" --hidden "$hidden" \
             --steps "$steps" --dtype "$dtype" --warmup "$WARMUP" --iterations "$ITERATIONS" | sed -n 's/.* median_ms \([0-9.]*\) .*/\1/p')
      echo "round $r $w $dtype pytorch $ms" | tee -a "$OUT"
    done
  done
done
echo
awk '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { key = $3 " " $4; ms[key, $5] = ms[key, $5] " " $6; last[key, $2, $5] = $6
    if (!(key in seen)) { seen[key] = 1; order[++n] = key } if ($2 > rounds) rounds = $2 }
  END {
    printf "%-22s %-8s %14s %14s %16s\n", "workload (cell:B:D:H:T)", "dtype", "chainrule ms", "pytorch ms", "chainrule/pytorch"
    for (k = 1; k <= n; k++) {
      key = order[k]; ratios = ""
      for (r = 1; r <= rounds; r++) ratios = ratios " " last[key, r, "chainrule"] / last[key, r, "pytorch"]
      split(key, parts, " ")
      printf "%-22s %-8s %14.2f %14.2f %16.2f\n", parts[1], parts[2], median(ms[key, "chainrule"]), median(ms[key, "pytorch"]), median(ratios)
    }
  }' "$OUT"
