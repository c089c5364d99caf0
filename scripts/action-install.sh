#!/usr/bin/env bash
# The ctxsize GitHub Action's install step (action.yml runs it).
#
# Puts a ctxsize binary on the job's PATH (through $GITHUB_PATH) and prints its path as the
# step output `bin`. INSTALL (the `install` input) chooses how:
#   release  the release archive for this runner's OS and CPU, checked against its .sha256
#   cargo    `cargo install --locked --path` of the Action's own checkout (the source)
#   auto     release, and cargo when no archive can be had (default)
# VERSION (the `version` input): a tag such as v0.1.0, or `latest`; by default the Action's own
# ref when that is a version tag (uses: ctxsize/ctxsize@v0.1.0), else latest.
# CTXSIZE_BIN set: that binary is used as it is (tests, and jobs that built ctxsize before).
set -euo pipefail

action_dir=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
repo=${CTXSIZE_REPO:-ctxsize/ctxsize}
install=${INSTALL:-auto}
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
dest="$tmp/ctxsize-action"

found() {
  local bin=$1
  "$bin" --version
  echo "bin=$bin" >> "${GITHUB_OUTPUT:-/dev/null}"
  dirname "$bin" >> "${GITHUB_PATH:-/dev/null}"
  exit 0
}

if [ -n "${CTXSIZE_BIN:-}" ]; then
  echo "using CTXSIZE_BIN=$CTXSIZE_BIN"
  found "$CTXSIZE_BIN"
fi

target=""
ext=""
archive_ext=".tar.gz"
case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
  Linux/X64 | Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64 | Linux/aarch64) target=aarch64-unknown-linux-musl ;;
  macOS/X64 | Darwin/x86_64) target=x86_64-apple-darwin ;;
  macOS/ARM64 | Darwin/arm64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc; ext=".exe"; archive_ext=".zip" ;;
esac

sha256() {
  if command -v sha256sum > /dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

from_release() {
  [ -n "$target" ] || { echo "no release archive for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"; return 1; }
  local version=${VERSION:-}
  if [ -z "$version" ]; then
    case "${GITHUB_ACTION_REF:-}" in
      v[0-9]*.[0-9]*.[0-9]*) version=$GITHUB_ACTION_REF ;;
      *) version=latest ;;
    esac
  fi
  if [ "$version" = latest ]; then
    # /releases/latest redirects to /releases/tag/vX.Y.Z.
    local url
    url=$(curl -sSfL -o /dev/null -w '%{url_effective}' "https://github.com/$repo/releases/latest") || return 1
    version=${url##*/}
    case "$version" in v[0-9]*) ;; *) echo "no release found for $repo"; return 1 ;; esac
  fi
  local name="ctxsize-$version-$target"
  local base="https://github.com/$repo/releases/download/$version/$name$archive_ext"
  mkdir -p "$dest"
  echo "downloading $base"
  curl -sSfL --retry 3 -o "$dest/$name$archive_ext" "$base" || return 1
  curl -sSfL --retry 3 -o "$dest/$name$archive_ext.sha256" "$base.sha256" || return 1
  local want got
  want=$(cut -d' ' -f1 < "$dest/$name$archive_ext.sha256")
  got=$(sha256 "$dest/$name$archive_ext")
  if [ "$want" != "$got" ]; then
    echo "::error title=ctxsize install::checksum mismatch for $name$archive_ext: expected $want, got $got"
    exit 2
  fi
  echo "sha256 $got OK"
  case "$archive_ext" in
    .zip)
      # Git Bash on Windows runners may lack unzip; 7-Zip and PowerShell are there.
      if command -v unzip > /dev/null; then
        (cd "$dest" && unzip -oq "$name$archive_ext")
      elif command -v 7z > /dev/null; then
        (cd "$dest" && 7z x -y "$name$archive_ext" > /dev/null)
      else
        (cd "$dest" && powershell -NoProfile -Command "Expand-Archive -Force -Path '$name$archive_ext' -DestinationPath .")
      fi
      ;;
    *) tar -xzf "$dest/$name$archive_ext" -C "$dest" ;;
  esac
  found "$dest/$name/ctxsize$ext"
}

from_source() {
  command -v cargo > /dev/null || { echo "::error title=ctxsize install::cargo is not installed"; exit 2; }
  echo "building ctxsize from $action_dir with cargo"
  cargo install --locked --path "$action_dir" --root "$dest/cargo"
  found "$dest/cargo/bin/ctxsize$ext"
}

case "$install" in
  release) from_release || { echo "::error title=ctxsize install::no release archive could be installed"; exit 2; } ;;
  cargo) from_source ;;
  auto) from_release || { echo "::warning title=ctxsize install::no release archive; building from source"; from_source; } ;;
  *) echo "::error title=ctxsize install::install must be auto, release or cargo, not '$install'"; exit 2 ;;
esac
