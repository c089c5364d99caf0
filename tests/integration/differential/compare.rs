//! One case: materialize it, run docker and both ctxsize commands, compare the results.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use super::case::{esc, materialize, Case};
use super::gen_ignore::generate_case;
use super::process::{last_line, run_ctxsize, run_docker, CmdOutput, DockerOutcome};
use super::tar_reader::TarEntry;
use super::{case_seed, Config, Runner};

pub(super) struct Problem {
    pub(super) kind: &'static str,
    detail: String,
}

pub(super) struct CaseOutcome {
    pub(super) index: usize,
    case: Case,
    pub(super) problems: Vec<Problem>,
    pub(super) docker_failed: bool,
    docker_summary: String,
    pub(super) kept: Option<PathBuf>,
}

impl CaseOutcome {
    pub(super) fn report(&self, n: usize, total: usize, cfg: &Config) -> String {
        let mut s = String::new();
        let c = &self.case;
        let _ = writeln!(
            s,
            "\n=== mismatch {n}/{total}: case #{} (case seed {:#018x}) ===",
            c.index, c.seed
        );
        let kinds: Vec<&str> = self.problems.iter().map(|p| p.kind).collect();
        let _ = writeln!(s, "kinds: {}", kinds.join(", "));
        let _ = writeln!(
            s,
            "reproduce: CTXSIZE_DIFF_SEED={:#x} CTXSIZE_DIFF_ONLY={} CTXSIZE_DIFF_KEEP=1 cargo test --test integration differential -- --nocapture",
            cfg.seed, self.index
        );
        if !c.notes.is_empty() {
            let _ = writeln!(s, "notes: {}", c.notes.join("; "));
        }
        let _ = writeln!(
            s,
            "command: ctxsize list --builder classic {}<ctx>",
            c.flag_display()
        );
        let _ = write!(s, "{}", c.describe_ignore());
        let _ = writeln!(s, "tree ({} entries):", c.entries.len());
        for line in c.describe_tree() {
            let _ = writeln!(s, "  {line}");
        }
        let _ = writeln!(s, "docker: {}", self.docker_summary);
        for p in &self.problems {
            let _ = writeln!(s, "[{}] {}", p.kind, p.detail.trim_end());
        }
        if let Some(k) = &self.kept {
            let _ = writeln!(s, "tree kept at {}", k.display());
        }
        s
    }
}

pub(super) fn run_case(runner: &Runner<'_>, index: usize) -> CaseOutcome {
    let seed = case_seed(runner.cfg.seed, index);
    let case = generate_case(index, seed);
    let mut outcome = CaseOutcome {
        index,
        case,
        problems: Vec::new(),
        docker_failed: false,
        docker_summary: String::new(),
        kept: None,
    };
    let tmp = match tempfile::Builder::new()
        .prefix("case-")
        .tempdir_in(runner.tmp_root)
    {
        Ok(t) => t,
        Err(e) => {
            outcome.problems.push(Problem {
                kind: "harness",
                detail: format!("temp dir: {e}"),
            });
            return outcome;
        }
    };
    let ctx = tmp.path().join("ctx");
    if let Err(e) = materialize(&outcome.case, &ctx) {
        outcome.problems.push(Problem {
            kind: "harness",
            detail: format!("materialize: {e}"),
        });
        return outcome;
    }
    let flag = outcome.case.flag_arg(&ctx);
    let key = format!("case-{index}");
    let docker = run_docker(runner.denv, runner.daemon, &ctx, flag.as_deref(), &key);
    outcome.docker_summary = docker.summary();
    if let Some(dir) = &runner.cfg.dump {
        let _ = fs::create_dir_all(dir);
        let text = format!(
            "case #{index} seed {seed:#x}\nnotes: {}\nflag: {}\n{}tree:\n  {}\ndocker: {}\n",
            outcome.case.notes.join("; "),
            outcome.case.flag_display(),
            outcome.case.describe_ignore(),
            outcome.case.describe_tree().join("\n  "),
            outcome.docker_summary
        );
        let _ = fs::write(dir.join(format!("{key}.txt")), text);
    }
    if let (Some(dir), DockerOutcome::Sent { tar, entries, .. }) = (&runner.cfg.dump, &docker) {
        let _ = fs::write(dir.join(format!("{key}.tar")), tar);
        let mut listing = Vec::new();
        for e in entries {
            listing.extend_from_slice(&[e.typeflag]);
            listing.push(b' ');
            listing.extend_from_slice(e.size.to_string().as_bytes());
            listing.push(b' ');
            listing.extend_from_slice(&e.name);
            listing.push(0);
        }
        let _ = fs::write(dir.join(format!("{key}.entries")), listing);
    }

    let list = run_ctxsize(
        runner,
        &["list", "--builder", "classic"],
        flag.as_deref(),
        &ctx,
    );
    let json = run_ctxsize(
        runner,
        &["--format", "json", "--builder", "classic"],
        flag.as_deref(),
        &ctx,
    );
    match &docker {
        DockerOutcome::Harness(why) => outcome.problems.push(Problem {
            kind: "harness",
            detail: why.clone(),
        }),
        DockerOutcome::Failed { stderr, .. } => {
            outcome.docker_failed = true;
            check_both_fail(&mut outcome.problems, &list, &json, stderr);
        }
        DockerOutcome::Sent { tar, entries, .. } => {
            compare_sent(&mut outcome.problems, tar, entries, &list, &json)
        }
    }
    if !outcome.problems.is_empty() && runner.cfg.keep {
        outcome.kept = Some(tmp.keep());
    }
    outcome
}

fn check_both_fail(
    problems: &mut Vec<Problem>,
    list: &CmdOutput,
    json: &CmdOutput,
    docker_stderr: &[u8],
) {
    for (what, out) in [("list", list), ("json", json)] {
        if out.success() || out.stderr.iter().all(u8::is_ascii_whitespace) {
            problems.push(Problem {
                kind: "should-fail",
                detail: format!(
                    "docker failed with {:?} but `ctxsize {what}` {} (stderr {}; stdout starts {})",
                    last_line(docker_stderr),
                    out.status_text(),
                    esc(&out.stderr[..out.stderr.len().min(300)]),
                    esc(&out.stdout[..out.stdout.len().min(300)]),
                ),
            });
        }
    }
}

fn compare_sent(
    problems: &mut Vec<Problem>,
    tar: &[u8],
    entries: &[TarEntry],
    list: &CmdOutput,
    json: &CmdOutput,
) {
    let mut names: Vec<&[u8]> = entries.iter().map(|e| e.name.as_slice()).collect();
    names.sort();
    let mut expected = Vec::new();
    for n in &names {
        expected.extend_from_slice(n);
        expected.push(b'\n');
    }
    if !list.success() {
        problems.push(Problem {
            kind: "unexpected-error",
            detail: format!(
                "docker sent a context but `ctxsize list` {}: {}",
                list.status_text(),
                esc(&list.stderr)
            ),
        });
    } else if list.stdout != expected {
        problems.push(Problem {
            kind: "names",
            detail: diff_names(&names, &list.stdout),
        });
    }

    if !json.success() {
        problems.push(Problem {
            kind: "unexpected-error",
            detail: format!(
                "docker sent a context but `ctxsize --format json` {}: {}",
                json.status_text(),
                esc(&json.stderr)
            ),
        });
        return;
    }
    let v: serde_json::Value = match serde_json::from_slice(&json.stdout) {
        Ok(v) => v,
        Err(e) => {
            problems.push(Problem {
                kind: "json",
                detail: format!(
                    "stdout is not JSON ({e}): {:?}",
                    esc(&json.stdout[..json.stdout.len().min(400)])
                ),
            });
            return;
        }
    };
    match v.get("tar_bytes").and_then(serde_json::Value::as_u64) {
        None => problems.push(Problem {
            kind: "json",
            detail: format!("no integer `tar_bytes` in {v}"),
        }),
        Some(n) if n != tar.len() as u64 => problems.push(Problem {
            kind: "tar_bytes",
            detail: format!(
                "docker sent {} bytes, ctxsize says {n} ({:+}); docker entries (walk order): {}",
                tar.len(),
                n as i64 - tar.len() as i64,
                describe_tar_entries(entries)
            ),
        }),
        Some(_) => {}
    }
    let count = |pred: fn(u8) -> bool| entries.iter().filter(|e| pred(e.typeflag)).count() as u64;
    let regular = count(|t| matches!(t, b'0' | 0 | b'7'));
    let hardlinks = count(|t| t == b'1');
    let specials = count(|t| matches!(t, b'3' | b'4' | b'6'));
    let dirs = count(|t| t == b'5');
    let symlinks = count(|t| t == b'2');
    let mut bad = Vec::new();
    for (key, ok) in [
        ("dirs", &[dirs][..]),
        ("symlinks", &[symlinks][..]),
        // Whether hardlink entries and FIFOs/devices count as files is the
        // engine's choice; every reasonable reading is accepted.
        (
            "files",
            &[
                regular,
                regular + hardlinks,
                regular + specials,
                regular + hardlinks + specials,
            ][..],
        ),
    ] {
        match v.get(key).and_then(serde_json::Value::as_u64) {
            Some(n) if ok.contains(&n) => {}
            got => bad.push(format!("{key}: ctxsize {got:?}, docker tar {ok:?}")),
        }
    }
    if !bad.is_empty() {
        problems.push(Problem {
            kind: "counts",
            detail: format!(
                "{} (tar has {regular} regular, {hardlinks} hardlink, {specials} special entries)",
                bad.join("; ")
            ),
        });
    }
}

fn diff_names(docker_sorted: &[&[u8]], got: &[u8]) -> String {
    let mut s = String::from(
        "`list` output differs from the tar (- only in docker's tar, + only in ctxsize list):\n",
    );
    let want: HashSet<&[u8]> = docker_sorted.iter().copied().collect();
    let trimmed = got.strip_suffix(b"\n").unwrap_or(got);
    let got_lines: Vec<&[u8]> = if got.is_empty() {
        vec![]
    } else {
        trimmed.split(|&b| b == b'\n').collect()
    };
    let have: HashSet<&[u8]> = got_lines.iter().copied().collect();
    let mut shown = 0;
    for n in docker_sorted.iter().filter(|n| !have.contains(*n)) {
        if shown < 40 {
            let _ = writeln!(s, "  - {}", esc(n));
        }
        shown += 1;
    }
    for n in got_lines.iter().filter(|n| !want.contains(*n)) {
        if shown < 40 {
            let _ = writeln!(s, "  + {}", esc(n));
        }
        shown += 1;
    }
    if shown > 40 {
        let _ = writeln!(s, "  ... {} more differing lines", shown - 40);
    }
    if shown == 0 {
        let pos = docker_sorted
            .iter()
            .zip(&got_lines)
            .position(|(a, b)| a != b)
            .unwrap_or(docker_sorted.len().min(got_lines.len()));
        let _ = writeln!(
            s,
            "  same names, different bytes: order/duplicates/terminator (first difference at line {pos}; {} vs {} lines; output ends with newline: {})",
            docker_sorted.len(),
            got_lines.len(),
            got.ends_with(b"\n")
        );
        for (i, line) in got_lines
            .iter()
            .enumerate()
            .skip(pos.saturating_sub(2))
            .take(6)
        {
            let want_line = docker_sorted
                .get(i)
                .map_or("<none>".to_string(), |w| esc(w));
            let _ = writeln!(
                s,
                "    line {i}: ctxsize {} | docker {want_line}",
                esc(line)
            );
        }
    }
    s
}

fn describe_tar_entries(entries: &[TarEntry]) -> String {
    let mut v = Vec::new();
    for e in entries.iter().take(60) {
        let kind = match e.typeflag {
            b'5' => "dir",
            b'2' => "sym",
            b'1' => "hard",
            b'0' | 0 | b'7' => "file",
            b'6' => "fifo",
            _ => "other",
        };
        v.push(format!(
            "{kind}{}:{}{}",
            if e.pax { "+pax" } else { "" },
            esc(&e.name),
            if kind == "file" {
                format!("({})", e.size)
            } else {
                String::new()
            }
        ));
    }
    if entries.len() > 60 {
        v.push(format!("... {} more", entries.len() - 60));
    }
    v.join(" ")
}
