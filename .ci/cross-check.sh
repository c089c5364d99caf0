#!/usr/bin/env bash
# Checks that ctxsize compiles, and is clippy-clean, for the targets we do not run tests on here:
# macOS (Intel and Apple silicon), Windows (GNU toolchain) and FreeBSD. `cargo check` needs no
# linker or SDK for the target, only the target's standard library, which rustup installs.
#
# A target rustup cannot install (no network, no rustup) is SKIPPED with a visible message; the
# script then still exits 0 for it, but the summary says so. A failed check or clippy exits 1.
#
#   .ci/cross-check.sh                     # the four targets
#   CROSS_TARGETS="x86_64-pc-windows-gnu" .ci/cross-check.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

targets=${CROSS_TARGETS:-"x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-gnu x86_64-unknown-freebsd"}
# Build jobs: 1 on a shared development machine, 2 in CI (CI=true), or CROSS_JOBS.
if [ "${CI:-}" = true ]; then jobs=${CROSS_JOBS:-2}; else jobs=${CROSS_JOBS:-1}; fi

declare -a passed=() failed=() skipped=()

have_target() {
  rustup target list --installed 2>/dev/null | grep -qx "$1"
}

for t in $targets; do
  printf '\n== %s\n' "$t"
  if ! command -v rustup >/dev/null 2>&1; then
    echo "SKIPPED $t: rustup is not installed, so its standard library cannot be added"
    skipped+=("$t (no rustup)")
    continue
  fi
  if ! have_target "$t"; then
    echo "rustup target add $t"
    if ! rustup target add "$t"; then
      echo "SKIPPED $t: rustup could not install the target (offline?)"
      skipped+=("$t (rustup target add failed)")
      continue
    fi
  fi
  ok=1
  echo "cargo check --target $t --all-targets"
  if ! cargo check -j "$jobs" --quiet --target "$t" --all-targets; then
    ok=0
  fi
  echo "cargo clippy --target $t -- -D warnings"
  if ! cargo clippy -j "$jobs" --quiet --target "$t" -- -D warnings; then
    ok=0
  fi
  if [ "$ok" = 1 ]; then
    echo "OK $t"
    passed+=("$t")
  else
    echo "FAILED $t"
    failed+=("$t")
  fi
done

printf '\n== cross-check summary\n'
for t in "${passed[@]+"${passed[@]}"}"; do echo "  passed   $t (cargo check --all-targets, clippy -D warnings)"; done
for t in "${skipped[@]+"${skipped[@]}"}"; do echo "  SKIPPED  $t"; done
for t in "${failed[@]+"${failed[@]}"}"; do echo "  FAILED   $t"; done
n=$(wc -w <<< "$targets")
echo "cross-check: ${#passed[@]} of $n targets clean (${#failed[@]} failing, ${#skipped[@]} skipped)"
[ "${#failed[@]}" -eq 0 ]
