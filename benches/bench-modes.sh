#!/usr/bin/env bash
# bench-modes.sh - ctxsize's walk modes side by side with diskus -b on one corpus (a
# narrower ../shared/bench/bench.sh: interleaved rounds in rotating order, ratios taken round by
# round, the median quoted with the min-max range).
#
#   bench-modes.sh CTXSIZE_BIN [CORPUS_DIR]
#   env: ROUNDS (default 11), PATTERNS=30|1000 (which .dockerignore variant to use),
#        MODES (default: report list gate) - report: `--format json` (full walk, kept-out sizes,
#        every sent text file scanned; files unchanged since the last run come from the scan
#        cache), fresh: the same with `--no-scan-cache` (every file read, as on a first run),
#        noscan: the same with `--no-content-scan`, gates: `--budget 10GB --gates-only` (the
#        gate's lines only: the walk opens only what docker opens, no findings to compute),
#        list: `list`, gate: `--budget 10GB --quiet --no-excluded-sizes`, full-list: `list`
#        with CTXSIZE_FULL_WALK=1; report1000, list1000: the same with the 1000-line ignore
#        file beside the 30-line one in the same run (BuildKit's per-Dockerfile ignore file:
#        `Dockerfile.p1000` and `Dockerfile.p1000.dockerignore` are put in the corpus for the
#        run and removed after; the ratios X1000/X are printed too, taken round by round);
#        statwalk: the C floor (../shared/bench/statwalk.c, two threads; STATWALK names the
#        binary); readfloor: the C floor of what a first run adds (benches/readfloor.c, two
#        threads: open, read and close every sent file, the list taken from `list` once;
#        READFLOOR names the binary, else it is compiled with cc). With both, the line
#        statwalk+rf adds their walls round by round: the floor of a first-run report.
set -euo pipefail
BIN="${1:?ctxsize binary}"
D="${2:-/tmp/ctxbench/corpora/mono}"
ROUNDS="${ROUNDS:-11}"
PATTERNS="${PATTERNS:-30}"
MODES="${MODES:-report list gate}"
[ -d "$D" ] || { echo "no corpus at $D" >&2; exit 2; }
if [ -f "$D/.dockerignore.$PATTERNS" ]; then cp "$D/.dockerignore.$PATTERNS" "$D/.dockerignore"; fi
WORK="$(mktemp -d /tmp/ctxbench-modes.XXXXXX)"
trap 'rm -rf "$WORK" "$D/Dockerfile.p1000" "$D/Dockerfile.p1000.dockerignore"' EXIT
if [[ " $MODES " == *1000* ]]; then
  cp "$D/Dockerfile" "$D/Dockerfile.p1000"
  cp "$D/.dockerignore.1000" "$D/Dockerfile.p1000.dockerignore"
fi

names=(diskus); cmds=("diskus -b $D")
for m in $MODES; do
  case $m in
    report) cmds+=("$BIN --format json --quiet $D") ;;
    noscan) cmds+=("$BIN --format json --quiet --no-content-scan $D") ;;
    fresh) cmds+=("$BIN --format json --quiet --no-scan-cache $D") ;;
    gates) cmds+=("$BIN --budget 10GB --gates-only $D") ;;
    list) cmds+=("$BIN list $D") ;;
    gate) cmds+=("$BIN --budget 10GB --quiet --no-excluded-sizes $D") ;;
    full-list) cmds+=("env CTXSIZE_FULL_WALK=1 $BIN list $D") ;;
    report1000) cmds+=("$BIN --format json --quiet -f $D/Dockerfile.p1000 $D") ;;
    list1000) cmds+=("$BIN list -f $D/Dockerfile.p1000 $D") ;;
    statwalk) cmds+=("${STATWALK:-statwalk} $D 2") ;;
    readfloor)
      RF="${READFLOOR:-}"
      if [ -z "$RF" ]; then
        RF="$WORK/readfloor"
        cc -O2 -pthread -o "$RF" "$(dirname "$0")/readfloor.c"
      fi
      "$BIN" list "$D" | grep -v '/$' > "$WORK/sent"
      cmds+=("$RF $WORK/sent $D 2") ;;
    *) echo "unknown mode $m" >&2; exit 2 ;;
  esac
  names+=("$m")
done
N=${#names[@]}
run1() {
  local i=$1 t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$WORK/t" ${cmds[$i]} >/dev/null 2>&1 || echo "WARN: ${names[$i]} exited non-zero" >&2
  t1=$(date +%s%N)
  echo "${names[$i]} $(( (t1 - t0) / 1000 )) $(tail -1 "$WORK/t")" >> "$WORK/runs"
}
echo "corpus: $D (.dockerignore.$PATTERNS), $(nproc) cores, $(date -u +%FT%TZ), $ROUNDS rounds"
for i in $(seq 0 $((N - 1))); do ${cmds[$i]} >/dev/null 2>&1 || true; done
: > "$WORK/runs"
for r in $(seq 0 $((ROUNDS - 1))); do
  for k in $(seq 0 $((N - 1))); do run1 $(( (k + r) % N )); done
done
awk -v list="${names[*]}" '
  function med(a, n,   t, i, j, v) { for (i = 1; i <= n; i++) t[i] = a[i]
    for (i = 2; i <= n; i++) { v = t[i]; for (j = i - 1; j >= 1 && t[j] > v; j--) t[j + 1] = t[j]; t[j + 1] = v }
    return (n % 2) ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2 }
  { k = ++c[$1]; W[$1, k] = $2 / 1e6; M[$1, k] = $3 / 1024 }
  END { n = c["diskus"]; split(list, tl, " ")
    for (j = 1; j in tl; j++) { t = tl[j]; lo = 1e9; hi = 0
      for (i = 1; i <= n; i++) { w[i] = W[t, i]; m[i] = M[t, i]; r[i] = W[t, i] / W["diskus", i]
        if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
      printf "%-10s wall %7.3f s  rss %6.1f MiB  ratio/diskus %6.3f [%.3f-%.3f]\n", t, med(w, n), med(m, n), med(r, n), lo, hi }
    # X1000 against X, round by round (the 1000-line ignore file against the 30-line one).
    for (j = 1; j in tl; j++) { t = tl[j]; b = t; sub(/1000$/, "", b)
      if (b == t || c[b] == 0) continue; lo = 1e9; hi = 0
      for (i = 1; i <= n; i++) { r[i] = W[t, i] / W[b, i]; if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
      printf "%-10s / %-10s %6.3f [%.3f-%.3f]\n", t, b, med(r, n), lo, hi }
    # The floor of a first run: the stat walk and the reads, one after the other.
    if (c["statwalk"] && c["readfloor"]) { lo = 1e9; hi = 0
      for (i = 1; i <= n; i++) { r[i] = (W["statwalk", i] + W["readfloor", i]) / W["diskus", i]
        if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
      printf "%-10s ratio/diskus %6.3f [%.3f-%.3f]\n", "statwalk+rf", med(r, n), lo, hi } }' "$WORK/runs"
