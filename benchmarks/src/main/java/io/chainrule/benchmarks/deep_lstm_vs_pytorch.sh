#!/bin/sh
# DeepLstmTiming (both forms) and deep_lstm_pytorch.py, alternately in one sitting: ROUNDS rounds of
# ITERATIONS timed iterations each; prints every round and the ratios chainrule / PyTorch.
# From the repository's root, after `mvn -B -q -DskipTests package`:
#   sh benchmarks/src/main/java/io/chainrule/benchmarks/deep_lstm_vs_pytorch.sh 5 20
set -e
ROUNDS=${1:-5}
ITERATIONS=${2:-20}
HERE=$(dirname "$0")
JAR=benchmarks/target/benchmarks.jar
OUT=$(mktemp)
for r in $(seq 1 "$ROUNDS"); do
  for form in layers stacked; do
    java --add-modules jdk.incubator.vector -cp "$JAR" io.chainrule.benchmarks.DeepLstmTiming "$form" "$ITERATIONS" 2>/dev/null \
      | sed "s/^/round $r /" | tee -a "$OUT"
  done
  OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 "$HERE/deep_lstm_pytorch.py" "$ITERATIONS" \
    | sed "s/^/round $r /" | tee -a "$OUT"
done
awk '{ ms[$2, $3] = $5; if ($2 > n) n = $2 }
     END { for (r = 1; r <= n; r++) printf "round %d: layers/pytorch %.3f, stacked/pytorch %.3f\n", r,
             ms[r, "chainrule-layers"] / ms[r, "pytorch"], ms[r, "chainrule-stacked"] / ms[r, "pytorch"] }' "$OUT"
rm -f "$OUT"
