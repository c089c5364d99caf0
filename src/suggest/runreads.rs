//! Optional files a build reads from the tree `COPY . DEST` put into the image: a `RUN` step
//! that tests for a file there (`COPY . /usr/src/sentry`, then `RUN if [ -s
//! /usr/src/sentry/enhance-image.sh ]; then /usr/src/sentry/enhance-image.sh; fi`, getsentry's
//! self-hosted `sentry/Dockerfile`) reads the context's `enhance-image.sh` whenever the user
//! creates it. A `COPY . .` allowlist lists the top-level entries that exist today, so without a
//! line for it such a file would be left out once it exists, and the step would skip it without
//! a word. Each tested path below such a destination that the context does not hold yet becomes
//! a source of its own, kept in the file like a `COPY` source not generated yet.
//!
//! The path is followed as the plain `rm` warning follows its operands ([`super::rmcheck`]): a
//! relative one against the stage's `WORKDIR` (none after a `cd` in the step), then back into
//! the context through the whole-context copies before the step. A variable, a glob, or a name
//! the re-exclusions protect (`.env`, `*.pem`, `node_modules`) is never added.

use std::path::Path;

use crate::dockerfile::{ContextSource, Sources, StageSteps};

use super::shellwords::{commands, join, IMG};

/// The instruction name of such a source.
pub(crate) const RUN_TEST: &str = "RUN file test";

/// The operands of the file tests of one command: `[ -f X ]`, `[[ -s X ]]`, `test -e X`.
fn tested(cmd: &[String]) -> Vec<&str> {
    const TESTS: &[&str] = &["-f", "-s", "-e", "-r", "-x", "-d", "-L", "-h"];
    let Some(at) = cmd
        .iter()
        .position(|w| matches!(w.as_str(), "[" | "[[" | "test"))
    else {
        return Vec::new();
    };
    cmd[at + 1..]
        .windows(2)
        .filter(|w| TESTS.contains(&w[0].as_str()))
        .map(|w| w[1].as_str())
        .filter(|op| !matches!(*op, "]" | "]]"))
        .collect()
}

/// The sources to add for `steps`, given the evaluated `sources` (which say which `COPY`/`ADD`
/// steps copy the whole context) and the context `root` (a path it holds needs no line).
pub(super) fn optional_reads(
    steps: &[StageSteps],
    sources: &Sources,
    root: &Path,
) -> Vec<ContextSource> {
    let mut out: Vec<ContextSource> = Vec::new();
    for st in steps {
        let mut wd: Option<String> = Some(if st.base.eq_ignore_ascii_case("scratch") {
            "/".to_string()
        } else {
            IMG.to_string()
        });
        // Where this stage's whole-context copies put the context, resolved.
        let mut dests: Vec<String> = Vec::new();
        for step in &st.steps {
            match step.keyword.as_str() {
                "WORKDIR" => {
                    let d = step.text.trim().trim_matches(['"', '\'']);
                    wd = if d.contains('$') {
                        None
                    } else if d.starts_with('/') {
                        join("/", d)
                    } else {
                        wd.as_deref().and_then(|w| join(w, d))
                    };
                }
                "COPY" | "ADD" if step.from.is_none() && !step.dest.contains('$') => {
                    let whole = sources.items.iter().any(|i| {
                        i.line == step.line
                            && i.stage == st.index
                            && i.instruction == step.keyword
                            && i.path.is_empty()
                            && !i.unresolved
                    });
                    let d = if step.dest.starts_with('/') {
                        join("/", &step.dest)
                    } else {
                        wd.as_deref().and_then(|w| join(w, &step.dest))
                    };
                    if let Some(d) = d.filter(|d| whole && d != "/") {
                        dests.push(d);
                    }
                }
                "RUN" if !dests.is_empty() => {
                    let mut cwd_known = true;
                    for cmd in commands(step) {
                        if cmd[0] == "cd" {
                            cwd_known = false;
                            continue;
                        }
                        for op in tested(&cmd) {
                            if op.contains(['$', '`', '*', '?', '[', '{', '~', '\\']) {
                                continue;
                            }
                            let img = if op.starts_with('/') {
                                join("/", op)
                            } else if cwd_known {
                                wd.as_deref().and_then(|w| join(w, op))
                            } else {
                                None
                            };
                            let Some(img) = img else { continue };
                            for d in &dests {
                                let Some(rel) = img
                                    .strip_prefix(d.as_str())
                                    .and_then(|r| r.strip_prefix('/'))
                                    .filter(|r| !r.is_empty())
                                else {
                                    continue;
                                };
                                if super::protect::protective(rel)
                                    || std::fs::symlink_metadata(root.join(rel)).is_ok()
                                    || out.iter().any(|s| s.path == rel && s.line == step.line)
                                {
                                    continue;
                                }
                                out.push(ContextSource {
                                    line: step.line,
                                    instruction: RUN_TEST.into(),
                                    stage: st.index,
                                    raw: op.to_string(),
                                    path: rel.to_string(),
                                    has_wildcard: false,
                                    unresolved: false,
                                    varies: false,
                                    excludes: Vec::new(),
                                    parents: false,
                                });
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tested;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn file_test_operands() {
        assert_eq!(tested(&words("if [ -s /a/b.sh ]")), vec!["/a/b.sh"]);
        assert_eq!(tested(&words("test -f x -a -e y")), vec!["x", "y"]);
        assert_eq!(tested(&words("[[ -d conf ]]")), vec!["conf"]);
        assert!(tested(&words("rm -f x")).is_empty());
        assert!(tested(&words("[ -n x ]")).is_empty());
    }
}
