#!/usr/bin/env bash
# bench-hash.sh - `ctxsize hash` vs b3sum and sha256sum over the SAME files, interleaved rounds.
#
#   scripts/bench-hash.sh CTXSIZE_BIN CORPUS_DIR [ROUNDS]
#
# The file list is what ctxsize sends (`ctxsize list -0`, regular files only), so every tool
# reads exactly the same bytes. b3sum and sha256sum get the list through `xargs -0 -P2 -n 2000`
# (two processes, as many as the machine has cores; b3sum also hashes large files with its own
# threads). ctxsize's time includes its walk and the .dockerignore matching; the peers' times
# do not include making the list. Each round runs every tool once in a rotating order; the
# median of the per-round ratios is printed (ctxsize / peer: below 1 is faster).
set -euo pipefail
BIN="$1"; D="$2"; ROUNDS="${3:-5}"
command -v b3sum >/dev/null || { echo "b3sum missing: cargo install b3sum --locked" >&2; exit 2; }
LIST="$(mktemp)"; trap 'rm -f "$LIST"' EXIT
( cd "$D" && "$BIN" list -0 . ) | python3 -c '
import os, sys
root = sys.argv[1]
data = sys.stdin.buffer.read().split(b"\0")
out = [p for p in data if p and not p.endswith(b"/") and os.path.isfile(os.path.join(root.encode(), p)) and not os.path.islink(os.path.join(root.encode(), p))]
sys.stdout.buffer.write(b"\0".join(out) + b"\0")
' "$D" > "$LIST"
echo "files: $(tr -cd '\0' < "$LIST" | wc -c)  corpus: $D"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
run_ctx() { "$BIN" hash "$D"; }
run_b3() { cd "$D" && xargs -0 -P2 -n 2000 b3sum < "$LIST"; }
run_sha() { cd "$D" && xargs -0 -P2 -n 2000 sha256sum < "$LIST"; }
declare -a RB RS
for r in $(seq "$ROUNDS"); do
  case $((r % 3)) in
    0) c=$(t run_ctx); b=$(t run_b3); s=$(t run_sha) ;;
    1) b=$(t run_b3); s=$(t run_sha); c=$(t run_ctx) ;;
    2) s=$(t run_sha); c=$(t run_ctx); b=$(t run_b3) ;;
  esac
  RB+=("$(echo "$c / $b" | bc -l)"); RS+=("$(echo "$c / $s" | bc -l)")
  printf 'round %d: ctxsize %.2fs  b3sum %.2fs  sha256sum %.2fs\n' "$r" "$c" "$b" "$s"
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'median ratio ctxsize/b3sum %.2f   ctxsize/sha256sum %.2f\n' "$(med "${RB[@]}")" "$(med "${RS[@]}")"
