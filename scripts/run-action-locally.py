#!/usr/bin/env python3
"""Runs the composite Action in action.yml here, with the environment GitHub's runner sets.

    scripts/run-action-locally.py [--input NAME=VALUE]... [--env NAME=VALUE]... --workspace DIR

Each `run` step of action.yml is run as the runner runs it (`bash --noprofile --norc -eo
pipefail FILE`), in the workspace directory, with GITHUB_ACTION_PATH (this repository),
GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT (a fresh file per step, read back into
`steps.ID.outputs`), GITHUB_PATH, RUNNER_TEMP, RUNNER_OS and RUNNER_ARCH set, and the step's
`env:` with `${{ inputs.* }}`, `${{ steps.*.outputs.* }}` and `${{ github.* }}` substituted (an
input not given takes its default from action.yml). Stops at the first failing step, as the
runner does, and exits with its status. Prints a JSON line at the end:
{"status": N, "summary": PATH, "outputs": {...}, "path": [...]}.

Needs PyYAML (to read action.yml).
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", action="append", default=[], help="NAME=VALUE")
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE (job environment)")
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--temp", help="RUNNER_TEMP and the files GitHub provides (default: a new temp dir)")
    a = ap.parse_args()

    with open(os.path.join(ROOT, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite", "action.yml is not a composite action"

    given = dict(kv.split("=", 1) for kv in a.input)
    declared = action.get("inputs") or {}
    unknown = set(given) - set(declared)
    if unknown:
        sys.exit(f"unknown inputs: {sorted(unknown)} (action.yml declares {sorted(declared)})")
    inputs = {k: str(given.get(k, (v or {}).get("default", ""))) for k, v in declared.items()}

    temp = a.temp or tempfile.mkdtemp(prefix="ctxsize-action-")
    os.makedirs(temp, exist_ok=True)
    summary = os.path.join(temp, "step_summary.md")
    path_file = os.path.join(temp, "github_path")
    for p in (summary, path_file):
        open(p, "a").close()

    machine = platform.machine().lower()
    job_env = dict(os.environ)
    job_env.update({
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": ROOT,
        "GITHUB_WORKSPACE": os.path.abspath(a.workspace),
        "GITHUB_STEP_SUMMARY": summary,
        "GITHUB_PATH": path_file,
        "RUNNER_TEMP": temp,
        "RUNNER_OS": {"Linux": "Linux", "Darwin": "macOS", "Windows": "Windows"}.get(platform.system(), platform.system()),
        "RUNNER_ARCH": "ARM64" if machine in ("aarch64", "arm64") else "X64",
    })
    job_env.update(dict(kv.split("=", 1) for kv in a.env))

    steps_out = {}

    def value(expr):
        expr = expr.strip()
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return steps_out.get(m.group(1), {}).get(m.group(2), "")
        if expr.startswith("github."):
            return ""
        raise SystemExit(f"action.yml uses an expression this runner does not know: {expr}")

    def subst(text):
        return EXPR.sub(lambda m: value(m.group(1)), str(text))

    status = 0
    for i, step in enumerate(action["runs"]["steps"]):
        if "run" not in step:
            sys.exit(f"step {i} is not a run step; this local runner only runs run steps")
        if step.get("shell") != "bash":
            sys.exit(f"step {i}: shell must be bash (the same on every runner OS)")
        out_file = os.path.join(temp, f"output_{i}")
        open(out_file, "w").close()
        env = dict(job_env)
        env.update({k: subst(v) for k, v in (step.get("env") or {}).items()})
        env["GITHUB_OUTPUT"] = out_file
        script = os.path.join(temp, f"step_{i}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(subst(step["run"]))
        print(f"--- step: {step.get('name', i)}", flush=True)
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                           cwd=a.workspace, env=env)
        steps_out[step.get("id", str(i))] = read_outputs(out_file)
        if r.returncode != 0:
            status = r.returncode
            break

    outputs = {k: subst(v.get("value", "")) for k, v in (action.get("outputs") or {}).items()}
    with open(path_file, encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    print(json.dumps({"status": status, "summary": summary, "outputs": outputs, "path": paths}))
    return status


def read_outputs(path):
    """Parses a GITHUB_OUTPUT file: NAME=VALUE lines and NAME<<DELIM heredocs."""
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body = []
            while i < len(lines) and lines[i] != delim:
                body.append(lines[i])
                i += 1
            i += 1
            out[name] = "\n".join(body)
        else:
            name, _, v = line.partition("=")
            out[name] = v
    return out


if __name__ == "__main__":
    sys.exit(main())
