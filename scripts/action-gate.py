#!/usr/bin/env python3
"""The ctxsize GitHub Action's gate step (action.yml runs it; .ci/test-action.sh tests it).

Reads the Action's inputs from the environment the composite step passes (INPUT_PATH,
INPUT_DOCKERFILE, INPUT_BUILDER, INPUT_BUDGET, INPUT_MAX_FILES, INPUT_MAX_FILE_SIZE,
INPUT_FAIL_ON, INPUT_BASELINE, INPUT_SARIF, INPUT_ARGS) and the binary from CTXSIZE_BIN
(default: `ctxsize` on PATH). Then:

  1. runs `ctxsize --format github ...`: the gates decide the exit status, and the workflow
     commands on stdout become annotations on the pull request;
  2. runs `ctxsize --format json ...` and writes a job summary to $GITHUB_STEP_SUMMARY: the
     totals, the gates' verdict, the largest directories and the findings as Markdown tables;
  3. with `sarif`, runs `ctxsize --format sarif ...` into that file (for code scanning);
  4. writes step outputs to $GITHUB_OUTPUT (exit-code, files, content-bytes, tar-bytes,
     excluded-bytes, findings, sarif);

and exits with the gate's status (0 fine, 1 a gate failed, 2 an error), so the job fails when
the gate does. Python 3 standard library only (GitHub's runners have python3 on every OS).
"""

import json
import os
import secrets
import shlex
import subprocess
import sys

MAX_FINDING_ROWS = 100


def env(name, default=""):
    return os.environ.get(name, default).strip()


def gate_args():
    """The ctxsize flags the inputs ask for (the context path last)."""
    args = []
    if env("INPUT_DOCKERFILE"):
        args += ["--file", env("INPUT_DOCKERFILE")]
    if env("INPUT_BUILDER"):
        args += ["--builder", env("INPUT_BUILDER")]
    if env("INPUT_BUDGET"):
        args += ["--budget", env("INPUT_BUDGET")]
    if env("INPUT_MAX_FILES"):
        args += ["--max-files", env("INPUT_MAX_FILES")]
    if env("INPUT_MAX_FILE_SIZE"):
        args += ["--max-file-size", env("INPUT_MAX_FILE_SIZE")]
    if env("INPUT_FAIL_ON"):
        args += ["--fail-on", env("INPUT_FAIL_ON")]
    # The baseline is a .ctxsize.toml with [[baseline]] entries (and optionally budgets and rule
    # severities); flags given as inputs override what it says.
    if env("INPUT_BASELINE"):
        args += ["--config", env("INPUT_BASELINE")]
    if env("INPUT_ARGS"):
        args += shlex.split(env("INPUT_ARGS"))
    args.append(env("INPUT_PATH") or ".")
    return args


def human_size(n):
    """Decimal units with two decimals, as ctxsize and docker print sizes."""
    if n < 1000:
        return f"{n} B"
    for unit in ("kB", "MB", "GB", "TB", "PB"):
        n /= 1000.0
        if n < 1000 or unit == "PB":
            return f"{n:.2f} {unit}"
    return f"{n:.2f} PB"


# Characters that Markdown or HTML would read inside a table cell (markup, code spans, emphasis,
# links, math, extra columns); written as numeric entities so a file name shows as it is and can
# never inject anything. Control and bidi characters are shown as escapes.
_MD_SPECIAL = set("\\`*_[]<>|~&$")


def md(text):
    out = []
    for ch in str(text):
        o = ord(ch)
        if o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0:
            out.append(f"\\x{o:02x}")
        elif ch in "\u200e\u200f" or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
            out.append(f"\\u{{{o:x}}}")
        elif ch in _MD_SPECIAL:
            out.append(f"&#{o};")
        else:
            out.append(ch)
    return "".join(out)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(r) + " |")
    return "\n".join(lines)


def summary(report, status, failures, sarif_path=None, errors=()):
    """The job summary (Markdown) for one report, the gate's exit status and its failure lines."""
    r = report
    out = []
    out.append(f"## ctxsize: build context {md(r.get('context', ''))}")
    builder = "BuildKit" if r.get("builder") == "buildkit" else "classic builder"
    out.append("")
    out.append(
        f"Builder: {builder} · Dockerfile: {md(r.get('dockerfile', ''))} · ignore file: "
        + (md(r["ignore_file"]) if r.get("ignore_file") else "none")
    )
    out.append("")
    if status == 0:
        out.append("**Gate: passed** ✅")
    elif status == 1:
        out.append("**Gate: failed** ❌")
    else:
        out.append(f"**ctxsize stopped with an error (exit status {status})** ❌")
    if failures or errors:
        out.append("")
        for line in [*failures, *errors]:
            out.append(f"- {md(line)}")
    out.append("")
    out.append("### Totals")
    out.append("")
    rows = [
        ["Sent", str(r.get("files", 0)), human_size(r.get("content_bytes", 0)), str(r.get("content_bytes", 0))],
        ["Tar (classic upload)", "", human_size(r.get("tar_bytes", 0)), str(r.get("tar_bytes", 0))],
        ["Kept out by the ignore file", str(r.get("excluded_files", 0)),
         human_size(r.get("excluded_bytes", 0)), str(r.get("excluded_bytes", 0))],
    ]
    if r.get("transfer_bytes") is not None:
        rows.append(["Transferred for COPY/ADD", str(r.get("transfer_files") or 0),
                     human_size(r["transfer_bytes"]), str(r["transfer_bytes"])])
    out.append(table(["", "files", "size", "bytes"], rows))
    out.append("")

    dirs = r.get("largest_dirs") or []
    out.append("### Largest directories")
    out.append("")
    if dirs:
        total = r.get("content_bytes", 0) or 1
        rows = []
        for d in dirs:
            indent = "&nbsp;&nbsp;" * (max(d.get("depth", 1), 1) - 1)
            rows.append([indent + md(d["path"]) + "/", human_size(d["bytes"]), str(d["files"]),
                         f"{100.0 * d['bytes'] / total:.1f}%"])
        out.append(table(["directory", "size", "files", "share"], rows))
    else:
        out.append("No directories are sent.")
    out.append("")

    files = r.get("largest_files") or []
    if files:
        out.append("### Largest files")
        out.append("")
        out.append(table(["file", "size"], [[md(f["path"]), human_size(f["bytes"])] for f in files]))
        out.append("")

    findings = r.get("findings") or []
    out.append(f"### Findings ({len(findings)})")
    out.append("")
    if findings:
        rows = []
        for f in findings[:MAX_FINDING_ROWS]:
            where = md(f["path"]) + (f":{f['line']}" if f.get("line") else "")
            rows.append([md(f["severity"]), md(f["rule"]), md(f["category"]), where,
                         str(f["files"]), human_size(f["bytes"]), md(f["message"]),
                         md(f["fix"]) if f.get("fix") else ""])
        out.append(table(["severity", "rule", "category", "path", "files", "size", "message",
                          ".dockerignore fix"], rows))
        if len(findings) > MAX_FINDING_ROWS:
            out.append("")
            out.append(f"{len(findings) - MAX_FINDING_ROWS} more findings are in the JSON or SARIF output.")
    else:
        out.append("Nothing that looks out of place.")
    out.append("")

    checks = [c for c in (r.get("dockerfile_checks") or []) if c.get("severity") in ("error", "warning")]
    if checks:
        out.append("### Dockerfile sources")
        out.append("")
        rows = [[md(c["severity"]), str(c["line"]), md(c["instruction"]), md(c["source"]), md(c["message"])]
                for c in checks]
        out.append(table(["severity", "line", "instruction", "source", "problem"], rows))
        out.append("")
    if sarif_path:
        out.append(f"SARIF written to {md(sarif_path)}.")
        out.append("")
    return "\n".join(out) + "\n"


def append(path, text):
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)


def set_outputs(values):
    path = env("GITHUB_OUTPUT")
    if not path:
        return
    text = ""
    for k, v in values.items():
        v = str(v)
        if "\n" in v or "\r" in v:
            delim = "ctxsize_" + secrets.token_hex(8)
            text += f"{k}<<{delim}\n{v}\n{delim}\n"
        else:
            text += f"{k}={v}\n"
    append(path, text)


def main():
    binary = env("CTXSIZE_BIN") or "ctxsize"
    args = gate_args()
    sarif_path = env("INPUT_SARIF")

    # 1. The gate, as annotations. stdout carries the workflow commands (GitHub reads them from
    #    the step's output); stderr the "check failed:" lines.
    print(f"::group::ctxsize {' '.join(shlex.quote(a) for a in args)}", flush=True)
    gate = subprocess.run([binary, "--quiet", "--format", "github", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, errors="replace")
    print("::endgroup::", flush=True)
    sys.stdout.write(gate.stdout)
    sys.stderr.write(gate.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    status = gate.returncode
    failures = [line[len("check failed: "):] for line in gate.stderr.splitlines()
                if line.startswith("check failed: ")]
    errors = [line for line in gate.stderr.splitlines() if status == 2 and line.strip()]

    # 2. The report, for the summary and the outputs. Its exit status repeats the gate's.
    rep = subprocess.run([binary, "--quiet", "--format", "json", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, errors="replace")
    report = None
    if rep.stdout.strip():
        try:
            report = json.loads(rep.stdout)
        except json.JSONDecodeError as e:
            errors.append(f"ctxsize --format json printed no valid JSON: {e}")

    # 3. SARIF, also when the gate fails (that is when it matters).
    if sarif_path:
        with open(sarif_path, "w", encoding="utf-8") as f:
            s = subprocess.run([binary, "--quiet", "--format", "sarif", *args], stdout=f,
                               stderr=subprocess.PIPE, text=True, errors="replace")
        if s.returncode == 2:
            errors.append("ctxsize --format sarif failed: " + s.stderr.strip())
            status = 2

    # 4. Summary and outputs.
    if report is not None:
        text = summary(report, status, failures, sarif_path or None, errors)
    else:
        text = "## ctxsize\n\n**ctxsize stopped with an error** ❌\n\n" + "\n".join(
            f"- {md(e)}" for e in errors) + "\n"
    append(env("GITHUB_STEP_SUMMARY"), text)
    outputs = {"exit-code": status, "sarif": sarif_path}
    if report is not None:
        outputs.update({
            "files": report.get("files", 0),
            "content-bytes": report.get("content_bytes", 0),
            "tar-bytes": report.get("tar_bytes", 0),
            "excluded-bytes": report.get("excluded_bytes", 0),
            "findings": len(report.get("findings") or []),
        })
    set_outputs(outputs)
    if status not in (0, 1) and not errors:
        print(f"::error title=ctxsize::ctxsize exited with status {status}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
