#!/usr/bin/env python3
"""Score and surviving mutants of a PIT run, as the Markdown docs/testing.md shows them.

Run from the repository root after the mutation profile (see docs/testing.md):

    python3 scripts/pit_survivors.py autodiff rnn

For each module it reads <module>/target/pit-reports/mutations.xml and prints the mutants by
status, the score (killed + timed out over all, PIT's definition), and one table row per mutant
that survived or had no covering test: class.method:line, the mutation, and an empty 'why'
column to fill in (keep the reasons of rows already in docs/testing.md).
"""
import re
import sys
from collections import Counter

ROW = re.compile(r"<mutation [^>]*status='(\w+)'[^>]*>.*?<mutatedClass>([^<]*)</mutatedClass>"
                 r"<mutatedMethod>([^<]*)</mutatedMethod>.*?<lineNumber>(\d+)</lineNumber>"
                 r".*?<description>([^<]*)</description>", re.S)


def main(modules):
    rows = []
    total = Counter()
    for module in modules:
        text = open(f"{module}/target/pit-reports/mutations.xml", encoding="utf-8").read()
        counts = Counter()
        for status, cls, method, line, what in ROW.findall(text):
            counts[status] += 1
            if status in ("SURVIVED", "NO_COVERAGE"):
                short = cls.replace("io.chainrule.", "")
                method = method.replace("&lt;", "<").replace("&gt;", ">")
                what = what.replace("&lt;", "<").replace("&gt;", ">")
                rows.append(f"| `{short}.{method}:{line}` | {what}{' (no coverage)' if status == 'NO_COVERAGE' else ''} | |")
        detected = counts["KILLED"] + counts["TIMED_OUT"] + counts["MEMORY_ERROR"]
        print(f"{module}: {sum(counts.values())} mutants, {dict(counts)}, "
              f"score {100.0 * detected / max(1, sum(counts.values())):.1f}%")
        total += counts
    detected = total["KILLED"] + total["TIMED_OUT"] + total["MEMORY_ERROR"]
    print(f"all: {sum(total.values())} mutants, {detected} detected, "
          f"score {100.0 * detected / max(1, sum(total.values())):.1f}%\n")
    print("| mutant | mutation | why it survives |\n|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main(sys.argv[1:] or ["autodiff", "rnn"])
