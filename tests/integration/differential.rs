//! Differential test: `ctxsize` against the real docker CLI (classic builder).
//!
//! For each of several hundred generated cases this test
//!
//! 1. builds a random tree with an adversarial `.dockerignore` in a temp dir
//!    (under `/dev/shm` when it exists),
//! 2. runs `DOCKER_BUILDKIT=0 DOCKER_HOST=unix://<sock> docker build [-f F] <ctx>`
//!    against a fake docker daemon that lives on a thread of this test and keeps
//!    the build-context tar the CLI uploads,
//! 3. runs `ctxsize list --builder classic [-f F] <ctx>` and
//!    `ctxsize --format json --builder classic [-f F] <ctx>` (cwd = the context),
//! 4. compares: the byte-sorted tar entry names (directories ending in `/`) must
//!    equal the `list` output byte for byte, the tar length must equal
//!    `tar_bytes`, and the `dirs`/`symlinks`/`files` counts must agree. When the
//!    CLI fails, both ctxsize commands must fail with a message on stderr.
//!    (`files` may or may not count hardlink and FIFO entries; both are accepted.)
//!
//! The generator (a seeded splitmix64, no `rand`) covers: files of 0/1/511/512/
//! 513/…/70k bytes, empty and nested dirs (depth ≤ 5), symlinks (dangling,
//! absolute, to dirs, to themselves, long and non-ASCII targets), hardlinks,
//! FIFOs and sockets; names with spaces, `#`, `!`, `[`, `\`, `|`, `{}`,
//! Unicode, NBSP/ZWSP/BOM, control bytes, newlines, invalid UTF-8 and names of
//! 99–255 bytes, with paths on the ustar 100/155/256-byte limits; the
//! Dockerfile at the root, lowercase, in a (possibly excluded) subdir via
//! `-f` (relative, `./`, absolute, `x/../`), as a symlink, behind a symlinked
//! dir, with a glob or whitespace in its name, or missing; `.dockerignore`
//! absent, empty, a symlink or a directory, with comments, blank lines, CRLF,
//! a BOM, no final newline, leading `/` `./`, trailing `/`, `**` everywhere,
//! `*`, `?`, classes, RE2 escapes, `!` exceptions before and after, exceptions
//! reaching into excluded dirs (literal and wildcard prefixes), parent-cache
//! orderings, duplicates, patterns that hit the Dockerfile and `.dockerignore`,
//! ~64 KiB lines, and a few syntax errors (where both tools must fail).
//!
//! The test skips (passes, with a `SKIPPED:` line on stderr) when no `docker`
//! binary is on `PATH` or when the CLI cannot talk to the fake daemon.
//!
//! Environment knobs:
//!
//! | variable | meaning |
//! |---|---|
//! | `CTXSIZE_DIFF_CASES=N` | number of generated cases (default 512) |
//! | `CTXSIZE_DIFF_SEED=S` | base seed, decimal or `0x` hex |
//! | `CTXSIZE_DIFF_ONLY=I[,J..]` | run only these case indices (reproduce a report) |
//! | `CTXSIZE_DIFF_JOBS=N` | worker threads (default 2) |
//! | `CTXSIZE_DIFF_BUDGET_SECS=N` | start no new case after N s (default 240; 0 = no limit) |
//! | `CTXSIZE_DIFF_KEEP=1` | keep the trees of failing cases and print where |
//! | `CTXSIZE_DIFF_DUMP=DIR` | write each case's description, captured tar and parsed entries to DIR |
//! | `CTXSIZE_DIFF_DOCKER=PATH` | docker binary to use instead of the one on PATH |
//! | `CTXSIZE_BIN=PATH` | ctxsize binary to test instead of this crate's |
//!
//! Run: `cargo test --test integration differential -- --nocapture`.
//!
//! The extra `#[ignore]`d test `differential_harness_reproduces_conformance_cases`
//! checks the harness itself (daemon, tar reader, materializer) against the
//! recorded answers in `CTXSIZE_CONFORMANCE_DIR` (a `conformance/cases` dir).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{CString, OsStr, OsString};
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const DEFAULT_CASES: usize = 512;
const DEFAULT_SEED: u64 = 0xC7A5_1CE0_D1FF_2028;
const DEFAULT_JOBS: usize = 2;
/// Normally the suite takes 10–40 s; this only guards a badly overloaded host.
const DEFAULT_BUDGET_SECS: u64 = 240;
const MAX_REPORTED: usize = 10;
const DOCKER_TIMEOUT: Duration = Duration::from_secs(60);
const CTXSIZE_TIMEOUT: Duration = Duration::from_secs(20);
/// After this many ctxsize timeouts (e.g. a hang on FIFOs), later ctxsize runs
/// get only `CTXSIZE_SHORT_TIMEOUT`, so a hanging engine cannot stall the suite.
const MAX_FULL_TIMEOUTS: usize = 3;
const CTXSIZE_SHORT_TIMEOUT: Duration = Duration::from_secs(2);
/// Every read and write of the fake daemon gives up after this long.
const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// Refuse request bodies above this size (the generator stays far below).
const MAX_BODY: usize = 512 << 20;
const DOCKERFILE_TEXT: &[u8] = b"FROM scratch\nCOPY . /ctx/\n";
const BUILD_ARG: &str = "CTXSIZE_CASE";

// ============================================================================
// The test
// ============================================================================

#[test]
fn differential_against_docker_cli() {
    let Some(docker) = find_docker() else {
        eprintln!("SKIPPED: differential test needs the docker CLI (not found on PATH)");
        return;
    };
    let cfg = Config::from_env(docker);
    let tmp_root = scratch_root();
    let work = tempfile::Builder::new()
        .prefix("ctxdiff-")
        .tempdir_in(&tmp_root)
        .expect("create the work dir");
    let daemon = FakeDaemon::start(work.path()).expect("start the fake docker daemon");
    let denv = DockerEnv::new(&cfg.docker, work.path(), daemon.socket());
    if let Err(why) = preflight(&denv, &daemon, &tmp_root) {
        eprintln!(
            "SKIPPED: differential test: the docker CLI ({}) cannot talk to the fake daemon: {why}",
            cfg.docker.display()
        );
        return;
    }

    let indices: Vec<usize> = match &cfg.only {
        Some(list) => list.clone(),
        None => (0..cfg.cases).collect(),
    };
    let t0 = Instant::now();
    let runner = Runner {
        cfg: &cfg,
        ctxsize_timeouts: AtomicUsize::new(0),
        denv: &denv,
        daemon: &daemon,
        tmp_root: &tmp_root,
    };
    let outcomes = run_parallel(&runner, &indices);
    let elapsed = t0.elapsed();
    if outcomes.len() < indices.len() {
        eprintln!(
            "WARNING: time budget of {:?} used up: ran {} of {} cases (set CTXSIZE_DIFF_BUDGET_SECS=0 to run all)",
            cfg.budget.unwrap_or_default(),
            outcomes.len(),
            indices.len()
        );
    }

    let mut failures: Vec<&CaseOutcome> =
        outcomes.iter().filter(|o| !o.problems.is_empty()).collect();
    failures.sort_by_key(|o| o.index);
    let docker_errors = outcomes.iter().filter(|o| o.docker_failed).count();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &failures {
        for p in &f.problems {
            *kinds.entry(p.kind).or_default() += 1;
        }
    }
    for (n, f) in failures.iter().take(MAX_REPORTED).enumerate() {
        eprintln!("{}", f.report(n + 1, failures.len(), &cfg));
    }
    if failures.len() > MAX_REPORTED {
        let rest: Vec<String> = failures[MAX_REPORTED..]
            .iter()
            .map(|f| f.index.to_string())
            .collect();
        eprintln!("... {} more failing cases: {}", rest.len(), rest.join(","));
        for f in &failures[MAX_REPORTED..] {
            if let Some(k) = &f.kept {
                eprintln!("  case #{} kept at {}", f.index, k.display());
            }
        }
    }
    let kinds_text: Vec<String> = kinds.iter().map(|(k, n)| format!("{k}={n}")).collect();
    eprintln!(
        "differential: {} cases, {} mismatches ({} docker error cases; {:.1}s; seed {:#x}; ctxsize {}){}",
        outcomes.len(),
        failures.len(),
        docker_errors,
        elapsed.as_secs_f64(),
        cfg.seed,
        cfg.ctxsize.display(),
        if kinds_text.is_empty() { String::new() } else { format!(" [{}]", kinds_text.join(", ")) }
    );
    drop(daemon);
    assert!(
        failures.is_empty(),
        "{} of {} differential cases disagree with the docker CLI (details above)",
        failures.len(),
        outcomes.len()
    );
}

/// Harness self-check (not a ctxsize test): the recorded conformance answers
/// must be reproduced by this file's materializer + fake daemon + tar reader.
#[test]
#[ignore = "harness self-check; needs CTXSIZE_CONFORMANCE_DIR and the docker CLI"]
fn differential_harness_reproduces_conformance_cases() {
    let Some(dir) = std::env::var_os("CTXSIZE_CONFORMANCE_DIR").map(PathBuf::from) else {
        eprintln!("SKIPPED: set CTXSIZE_CONFORMANCE_DIR to a conformance/cases directory");
        return;
    };
    let Some(docker) = find_docker() else {
        eprintln!("SKIPPED: differential test needs the docker CLI (not found on PATH)");
        return;
    };
    let tmp_root = scratch_root();
    let work = tempfile::Builder::new()
        .prefix("ctxdiff-")
        .tempdir_in(&tmp_root)
        .unwrap();
    let daemon = FakeDaemon::start(work.path()).unwrap();
    let denv = DockerEnv::new(&docker, work.path(), daemon.socket());
    let filter = std::env::var("CTXSIZE_CONFORMANCE_ONLY").unwrap_or_default();
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.ends_with(".json")
                && !n.ends_with(".expected.json")
                && !n.starts_with('_')
                && n.contains(&filter)
        })
        .collect();
    names.sort();
    let key_counter = AtomicUsize::new(1_000_000);
    let (mut ok, mut bad, mut skipped) = (0, 0, 0);
    for path in &names {
        let case: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
        let exp_path = path.with_extension("").with_extension("expected.json");
        let expected: serde_json::Value =
            serde_json::from_slice(&fs::read(&exp_path).unwrap()).unwrap();
        let Some(case) = Case::from_conformance_json(&case) else {
            skipped += 1;
            continue;
        };
        let tmp = tempfile::Builder::new()
            .prefix("conf-")
            .tempdir_in(&tmp_root)
            .unwrap();
        let ctx = tmp.path().join("ctx");
        materialize(&case, &ctx).unwrap();
        let key = key_counter.fetch_add(1, Ordering::Relaxed).to_string();
        let res = run_docker(&denv, &daemon, &ctx, case.flag_arg(&ctx).as_deref(), &key);
        let want_ok = expected["status"] == "ok";
        let verdict = match (&res, want_ok) {
            (DockerOutcome::Sent { tar, entries, .. }, true) => {
                let mut got: Vec<String> = entries
                    .iter()
                    .map(|e| String::from_utf8_lossy(&e.name).into_owned())
                    .collect();
                got.sort();
                let want: Vec<String> = expected["names"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect();
                let want_bytes = expected["tar_bytes"].as_u64().unwrap();
                if got == want && tar.len() as u64 == want_bytes {
                    None
                } else {
                    Some(format!(
                        "names equal: {}, tar {} vs {want_bytes}",
                        got == want,
                        tar.len()
                    ))
                }
            }
            (DockerOutcome::Failed { .. }, false) => None,
            (other, _) => Some(format!(
                "expected status {}, got {}",
                expected["status"],
                other.short()
            )),
        };
        match verdict {
            None => ok += 1,
            Some(why) => {
                bad += 1;
                eprintln!("HARNESS MISMATCH {}: {why}", path.display());
            }
        }
    }
    eprintln!("conformance self-check: {ok} reproduced, {bad} differ, {skipped} skipped");
    assert_eq!(bad, 0);
}

// ============================================================================
// Configuration and orchestration
// ============================================================================

struct Config {
    cases: usize,
    seed: u64,
    only: Option<Vec<usize>>,
    jobs: usize,
    /// Stop starting new cases after this long (a heavily loaded machine).
    budget: Option<Duration>,
    keep: bool,
    dump: Option<PathBuf>,
    docker: PathBuf,
    ctxsize: PathBuf,
}

impl Config {
    fn from_env(docker: PathBuf) -> Config {
        let num = |name: &str| -> Option<u64> {
            let v = std::env::var(name).ok()?;
            let v = v.trim();
            let parsed = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            };
            Some(parsed.unwrap_or_else(|_| panic!("{name}={v:?} is not a number")))
        };
        let only = std::env::var("CTXSIZE_DIFF_ONLY")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                s.split(',')
                    .map(|x| {
                        x.trim()
                            .parse()
                            .unwrap_or_else(|_| panic!("bad CTXSIZE_DIFF_ONLY entry {x:?}"))
                    })
                    .collect()
            });
        Config {
            cases: num("CTXSIZE_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize),
            seed: num("CTXSIZE_DIFF_SEED").unwrap_or(DEFAULT_SEED),
            only,
            jobs: num("CTXSIZE_DIFF_JOBS").map_or(DEFAULT_JOBS, |n| (n as usize).max(1)),
            budget: match num("CTXSIZE_DIFF_BUDGET_SECS").unwrap_or(DEFAULT_BUDGET_SECS) {
                0 => None,
                secs => Some(Duration::from_secs(secs)),
            },
            keep: std::env::var_os("CTXSIZE_DIFF_KEEP").is_some_and(|v| !v.is_empty() && v != "0"),
            dump: std::env::var_os("CTXSIZE_DIFF_DUMP")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            docker,
            ctxsize: std::env::var_os("CTXSIZE_BIN")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_ctxsize"))),
        }
    }
}

fn find_docker() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CTXSIZE_DIFF_DOCKER").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("docker"))
        .find(|p| {
            use std::os::unix::fs::PermissionsExt;
            fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

fn scratch_root() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && tempfile::Builder::new()
            .prefix("ctxdiff-probe-")
            .tempdir_in(shm)
            .is_ok()
    {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// Per-case seed: a pure function of the base seed and the case index, so a
/// single case can be re-run with `CTXSIZE_DIFF_ONLY`.
fn case_seed(base: u64, index: usize) -> u64 {
    let mut r = Rng(base ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64();
    r.next_u64()
}

struct Runner<'a> {
    cfg: &'a Config,
    ctxsize_timeouts: AtomicUsize,
    denv: &'a DockerEnv,
    daemon: &'a FakeDaemon,
    tmp_root: &'a Path,
}

fn run_parallel(runner: &Runner<'_>, indices: &[usize]) -> Vec<CaseOutcome> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(indices.len()));
    let t0 = Instant::now();
    thread::scope(|s| {
        for _ in 0..runner.cfg.jobs.min(indices.len().max(1)) {
            s.spawn(|| loop {
                if runner.cfg.budget.is_some_and(|b| t0.elapsed() > b) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&index) = indices.get(i) else { break };
                let outcome = run_case(runner, index);
                results.lock().unwrap().push(outcome);
            });
        }
    });
    results.into_inner().unwrap()
}

/// Runs docker on a trivial context: proves the CLI reaches the fake daemon.
fn preflight(denv: &DockerEnv, daemon: &FakeDaemon, tmp_root: &Path) -> Result<(), String> {
    let case = Case {
        index: usize::MAX,
        seed: 0,
        entries: vec![
            Entry::file(
                b"Dockerfile",
                DOCKERFILE_TEXT.len(),
                Some(DOCKERFILE_TEXT.to_vec()),
            ),
            Entry::file(b"a.txt", 3, None),
        ],
        ignore: IgnoreFile::Absent,
        flag: DfFlag::None,
        notes: vec![],
    };
    let tmp = tempfile::Builder::new()
        .prefix("ctxdiff-pre-")
        .tempdir_in(tmp_root)
        .map_err(|e| e.to_string())?;
    let ctx = tmp.path().join("ctx");
    materialize(&case, &ctx).map_err(|e| format!("materialize: {e}"))?;
    match run_docker(denv, daemon, &ctx, None, "preflight") {
        DockerOutcome::Sent { entries, tar, .. } => {
            let mut names: Vec<&[u8]> = entries.iter().map(|e| e.name.as_slice()).collect();
            names.sort();
            if names == [b"Dockerfile".as_slice(), b"a.txt"] && tar.len() == 3072 {
                Ok(())
            } else {
                Err(format!(
                    "unexpected context for a 2-file tree: {:?}, {} bytes",
                    names.iter().map(|n| esc(n)).collect::<Vec<_>>(),
                    tar.len()
                ))
            }
        }
        other => Err(format!(
            "{}; daemon log: {}",
            other.short(),
            daemon.errors().join("; ")
        )),
    }
}

// ============================================================================
// One case: materialize, run both tools, compare
// ============================================================================

struct Problem {
    kind: &'static str,
    detail: String,
}

struct CaseOutcome {
    index: usize,
    case: Case,
    problems: Vec<Problem>,
    docker_failed: bool,
    docker_summary: String,
    kept: Option<PathBuf>,
}

impl CaseOutcome {
    fn report(&self, n: usize, total: usize, cfg: &Config) -> String {
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

fn run_case(runner: &Runner<'_>, index: usize) -> CaseOutcome {
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

fn last_line(b: &[u8]) -> String {
    let text = String::from_utf8_lossy(b);
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string()
}

// ============================================================================
// Running processes with a timeout
// ============================================================================

struct CmdOutput {
    status: Option<ExitStatus>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    timed_out: bool,
    spawn_error: Option<String>,
}

impl CmdOutput {
    fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }
    fn status_text(&self) -> String {
        if let Some(e) = &self.spawn_error {
            return format!("could not start ({e})");
        }
        if self.timed_out {
            return "timed out (killed)".to_string();
        }
        match self.status {
            Some(s) if s.success() => "exited 0".to_string(),
            Some(s) => format!("failed ({s})"),
            None => "did not finish".to_string(),
        }
    }
}

fn run_with_timeout(mut cmd: Command, timeout: Duration) -> CmdOutput {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return CmdOutput {
                status: None,
                stdout: vec![],
                stderr: vec![],
                timed_out: false,
                spawn_error: Some(e.to_string()),
            }
        }
    };
    let mut so = child.stdout.take().expect("piped stdout");
    let mut se = child.stderr.take().expect("piped stderr");
    let t_out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let t_err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let mut nap = Duration::from_micros(500);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill(); // only the child we spawned
                break child.wait().ok();
            }
            Ok(None) => {
                thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(10));
            }
            Err(_) => {
                let _ = child.kill();
                break child.wait().ok();
            }
        }
    };
    CmdOutput {
        status: if timed_out { None } else { status },
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
        timed_out,
        spawn_error: None,
    }
}

fn run_ctxsize(runner: &Runner<'_>, args: &[&str], flag: Option<&OsStr>, ctx: &Path) -> CmdOutput {
    let mut cmd = Command::new(&runner.cfg.ctxsize);
    cmd.current_dir(ctx).args(args);
    if let Some(f) = flag {
        cmd.arg("-f").arg(f);
    }
    cmd.arg(ctx);
    let timeout = if runner.ctxsize_timeouts.load(Ordering::Relaxed) < MAX_FULL_TIMEOUTS {
        CTXSIZE_TIMEOUT
    } else {
        CTXSIZE_SHORT_TIMEOUT
    };
    let out = run_with_timeout(cmd, timeout);
    if out.timed_out {
        runner.ctxsize_timeouts.fetch_add(1, Ordering::Relaxed);
    }
    out
}

struct DockerEnv {
    docker: PathBuf,
    home: PathBuf,
    config: PathBuf,
    host: String,
    path_var: OsString,
}

impl DockerEnv {
    fn new(docker: &Path, work: &Path, socket: &Path) -> DockerEnv {
        let home = work.join("home");
        let config = home.join(".docker");
        fs::create_dir_all(&config).expect("create docker config dir");
        DockerEnv {
            docker: docker.to_path_buf(),
            home,
            config,
            host: format!("unix://{}", socket.display()),
            path_var: std::env::var_os("PATH")
                .unwrap_or_else(|| OsString::from("/usr/local/bin:/usr/bin:/bin")),
        }
    }
}

enum DockerOutcome {
    /// The CLI exited 0 and the fake daemon received this tar.
    Sent {
        tar: Vec<u8>,
        entries: Vec<TarEntry>,
        stdout: Vec<u8>,
    },
    /// The CLI exited non-zero (its error is what ctxsize must reproduce).
    Failed { status: String, stderr: Vec<u8> },
    /// Something is wrong with the harness, not with ctxsize.
    Harness(String),
}

impl DockerOutcome {
    fn short(&self) -> String {
        match self {
            DockerOutcome::Sent { tar, entries, .. } => {
                format!("sent {} bytes, {} entries", tar.len(), entries.len())
            }
            DockerOutcome::Failed { status, stderr } => format!("{status}: {}", last_line(stderr)),
            DockerOutcome::Harness(why) => format!("harness problem: {why}"),
        }
    }
    fn summary(&self) -> String {
        match self {
            DockerOutcome::Sent { stdout, .. } => {
                let sending = String::from_utf8_lossy(stdout)
                    .split(['\r', '\n'])
                    .rfind(|l| l.contains("Sending build context"))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                format!("{} ({sending})", self.short())
            }
            _ => self.short(),
        }
    }
}

fn run_docker(
    denv: &DockerEnv,
    daemon: &FakeDaemon,
    ctx: &Path,
    flag: Option<&OsStr>,
    key: &str,
) -> DockerOutcome {
    let mut cmd = Command::new(&denv.docker);
    cmd.env_clear()
        .env("PATH", &denv.path_var)
        .env("HOME", &denv.home)
        .env("DOCKER_CONFIG", &denv.config)
        .env("DOCKER_HOST", &denv.host)
        .env("DOCKER_BUILDKIT", "0")
        .env("DOCKER_CLI_HINTS", "false")
        .env("LANG", "C.UTF-8")
        .current_dir(ctx)
        .arg("build")
        .arg("--build-arg")
        .arg(format!("{BUILD_ARG}={key}"));
    if let Some(f) = flag {
        cmd.arg("-f").arg(f);
    }
    cmd.arg(ctx);
    let out = run_with_timeout(cmd, DOCKER_TIMEOUT);
    let capture = daemon.take_capture(key);
    if out.spawn_error.is_some() || out.timed_out {
        return DockerOutcome::Harness(format!(
            "docker {}; stderr: {}",
            out.status_text(),
            esc(&out.stderr)
        ));
    }
    if !out.success() {
        return DockerOutcome::Failed {
            status: out.status_text(),
            stderr: out.stderr,
        };
    }
    let Some(cap) = capture else {
        return DockerOutcome::Harness(format!(
            "docker exited 0 but the fake daemon got no build request for {key}; stderr: {}; daemon errors: {}",
            esc(&out.stderr),
            daemon.errors().join("; ")
        ));
    };
    match parse_tar(&cap.body) {
        Ok(entries) => DockerOutcome::Sent {
            tar: cap.body,
            entries,
            stdout: out.stdout,
        },
        Err(e) => DockerOutcome::Harness(format!(
            "cannot parse the {}-byte tar docker sent: {e}",
            cap.body.len()
        )),
    }
}

// ============================================================================
// Fake docker daemon (HTTP/1.1 on a unix socket)
// ============================================================================

struct Capture {
    body: Vec<u8>,
}

#[derive(Default)]
struct DaemonState {
    captures: Mutex<HashMap<String, Capture>>,
    errors: Mutex<Vec<String>>,
}

struct FakeDaemon {
    socket: PathBuf,
    stop: Arc<AtomicBool>,
    state: Arc<DaemonState>,
    accept_thread: Option<JoinHandle<()>>,
}

impl FakeDaemon {
    fn start(dir: &Path) -> io::Result<FakeDaemon> {
        let socket = dir.join("docker.sock");
        let listener = UnixListener::bind(&socket)?;
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let state = Arc::new(DaemonState::default());
        let (stop2, state2) = (stop.clone(), state.clone());
        let accept_thread = thread::Builder::new()
            .name("fakedockerd".into())
            .spawn(move || accept_loop(listener, stop2, state2))?;
        Ok(FakeDaemon {
            socket,
            stop,
            state,
            accept_thread: Some(accept_thread),
        })
    }

    fn socket(&self) -> &Path {
        &self.socket
    }

    fn take_capture(&self, key: &str) -> Option<Capture> {
        self.state.captures.lock().unwrap().remove(key)
    }

    fn errors(&self) -> Vec<String> {
        self.state.errors.lock().unwrap().clone()
    }
}

impl Drop for FakeDaemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
        let _ = fs::remove_file(&self.socket);
    }
}

fn accept_loop(listener: UnixListener, stop: Arc<AtomicBool>, state: Arc<DaemonState>) {
    let fd = listener.as_raw_fd();
    while !stop.load(Ordering::SeqCst) {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `pfd` is a valid, exclusively borrowed pollfd for the whole call.
        let ready = unsafe { libc::poll(&mut pfd, 1, 100) };
        if ready <= 0 {
            continue;
        }
        match listener.accept() {
            Ok((stream, _)) => {
                let st = state.clone();
                let spawned = thread::Builder::new()
                    .name("fakedockerd-conn".into())
                    .spawn(move || {
                        if let Err(e) = serve_connection(stream, &st) {
                            let mut errs = st.errors.lock().unwrap();
                            if errs.len() < 50 {
                                errs.push(e.to_string());
                            }
                        }
                    });
                if let Err(e) = spawned {
                    state.errors.lock().unwrap().push(format!("spawn: {e}"));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => {
                state.errors.lock().unwrap().push(format!("accept: {e}"));
                thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// Reads one line ending in `\n` (the `\r\n` or `\n` is removed). `None` at a clean EOF.
fn read_http_line(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let n = r.by_ref().take(64 * 1024).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.pop() != Some(b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "HTTP line too long or truncated",
        ));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(buf))
}

fn serve_connection(stream: UnixStream, state: &DaemonState) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut out = stream.try_clone()?;
    let mut inp = BufReader::with_capacity(1 << 16, stream);
    loop {
        let Some(line) = read_http_line(&mut inp)? else {
            return Ok(());
        };
        if line.is_empty() {
            continue;
        }
        let request_line = String::from_utf8_lossy(&line).into_owned();
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            let h = read_http_line(&mut inp)?.ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, "EOF in HTTP headers")
            })?;
            if h.is_empty() {
                break;
            }
            if headers.len() > 256 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "too many headers",
                ));
            }
            let h = String::from_utf8_lossy(&h).into_owned();
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let body = read_body(
            &mut inp,
            header("transfer-encoding"),
            header("content-length"),
        )?;
        let close = header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        let head = method == "HEAD";
        match (method.as_str(), path) {
            ("HEAD" | "GET", p) if p.ends_with("/_ping") => respond(
                &mut out,
                200,
                "text/plain; charset=utf-8",
                b"OK",
                head,
                &[("Cache-Control", "no-cache, no-store, must-revalidate")],
            )?,
            ("GET", p) if p.ends_with("/version") => {
                let v = br#"{"Version":"28.2.2","ApiVersion":"1.50","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}"#;
                respond(&mut out, 200, "application/json", v, false, &[])?
            }
            ("POST", p) if p.ends_with("/build") => {
                let key = build_key(query);
                let n = body.len();
                state.captures.lock().unwrap().insert(key, Capture { body });
                let reply = format!(
                    "{{\"stream\":\"captured {n} bytes\\n\"}}\r\n{{\"aux\":{{\"ID\":\"sha256:{}\"}}}}\r\n",
                    "0".repeat(64)
                );
                respond(
                    &mut out,
                    200,
                    "application/json",
                    reply.as_bytes(),
                    false,
                    &[],
                )?
            }
            (_, p) => {
                let msg = format!(
                    "{{\"message\":\"fakedockerd: not implemented: {}\"}}",
                    p.replace('"', "'")
                );
                respond(&mut out, 404, "application/json", msg.as_bytes(), head, &[])?
            }
        }
        if close {
            return Ok(());
        }
    }
}

fn read_body(
    inp: &mut impl BufRead,
    transfer_encoding: Option<&str>,
    content_length: Option<&str>,
) -> io::Result<Vec<u8>> {
    let bad = |m: String| io::Error::new(io::ErrorKind::InvalidData, m);
    let mut body = Vec::new();
    if transfer_encoding.is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        loop {
            let line = read_http_line(inp)?.ok_or_else(|| bad("EOF before a chunk size".into()))?;
            let text = String::from_utf8_lossy(&line);
            let hex = text.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(hex, 16)
                .map_err(|_| bad(format!("bad chunk size {hex:?}")))?;
            if size == 0 {
                // Optional trailers, then the empty line.
                while let Some(t) = read_http_line(inp)? {
                    if t.is_empty() {
                        break;
                    }
                }
                return Ok(body);
            }
            if body.len() + size > MAX_BODY {
                return Err(bad("request body too large".into()));
            }
            let start = body.len();
            body.resize(start + size, 0);
            inp.read_exact(&mut body[start..])?;
            let crlf = read_http_line(inp)?.ok_or_else(|| bad("EOF after a chunk".into()))?;
            if !crlf.is_empty() {
                return Err(bad("chunk not followed by CRLF".into()));
            }
        }
    }
    let len: usize = match content_length {
        None => 0,
        Some(v) => v
            .parse()
            .map_err(|_| bad(format!("bad Content-Length {v:?}")))?,
    };
    if len > MAX_BODY {
        return Err(bad("request body too large".into()));
    }
    body.resize(len, 0);
    inp.read_exact(&mut body)?;
    Ok(body)
}

fn respond(
    out: &mut impl Write,
    code: u16,
    ctype: &str,
    body: &[u8],
    head: bool,
    extra: &[(&str, &str)],
) -> io::Result<()> {
    let reason = if code == 200 { "OK" } else { "Not Found" };
    let mut h = format!(
        "HTTP/1.1 {code} {reason}\r\nServer: ctxsize-fakedockerd\r\nApi-Version: 1.50\r\nBuilder-Version: 1\r\nOstype: linux\r\nDocker-Experimental: false\r\n"
    );
    for (k, v) in extra {
        let _ = write!(h, "{k}: {v}\r\n");
    }
    let _ = write!(
        h,
        "Content-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut msg = h.into_bytes();
    if !head {
        msg.extend_from_slice(body);
    }
    out.write_all(&msg)?;
    out.flush()
}

/// The capture key: the `CTXSIZE_CASE` build arg from the `buildargs` query parameter.
fn build_key(query: &str) -> String {
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if percent_decode(k) != b"buildargs" {
            continue;
        }
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(&percent_decode(v)) {
            if let Some(serde_json::Value::String(s)) = m.get(BUILD_ARG) {
                return s.clone();
            }
        }
    }
    String::new()
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

// ============================================================================
// Tar reader (ustar, PAX `x` records; GNU long names tolerated)
// ============================================================================

#[derive(Clone, Debug)]
struct TarEntry {
    /// Full name; directories always end in `/`.
    name: Vec<u8>,
    typeflag: u8,
    size: u64,
    #[allow(dead_code)]
    link: Vec<u8>,
    /// A PAX extended header preceded this entry.
    pax: bool,
}

fn nul_terminated(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

fn parse_tar_number(field: &[u8]) -> Result<u64, String> {
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        // base-256
        let mut v: u64 = (field[0] & 0x7f) as u64;
        for &b in &field[1..] {
            v = v.checked_mul(256).ok_or("base-256 number overflows")? + b as u64;
        }
        return Ok(v);
    }
    let text = nul_terminated(field);
    let text: Vec<u8> = text.iter().copied().filter(|&c| c != b' ').collect();
    if text.is_empty() {
        return Ok(0);
    }
    let s = std::str::from_utf8(&text).map_err(|_| format!("bad octal field {:?}", esc(field)))?;
    u64::from_str_radix(s, 8).map_err(|_| format!("bad octal field {s:?}"))
}

/// PAX records as (key, value) pairs, in stream order.
type PaxRecords = Vec<(Vec<u8>, Vec<u8>)>;

fn parse_pax(body: &[u8]) -> Result<PaxRecords, String> {
    let mut recs = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let sp = rest
            .iter()
            .position(|&b| b == b' ')
            .ok_or("PAX record without a length")?;
        let len: usize = std::str::from_utf8(&rest[..sp])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad PAX record length {:?}", esc(&rest[..sp])))?;
        if len <= sp + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(format!(
                "malformed PAX record {:?}",
                esc(&rest[..rest.len().min(80)])
            ));
        }
        let rec = &rest[sp + 1..len - 1];
        let eq = rec
            .iter()
            .position(|&b| b == b'=')
            .ok_or("PAX record without '='")?;
        recs.push((rec[..eq].to_vec(), rec[eq + 1..].to_vec()));
        rest = &rest[len..];
    }
    Ok(recs)
}

fn pad512(n: u64) -> u64 {
    n.div_ceil(512) * 512
}

/// Parses a whole tar stream. The stream must end with exactly two zero blocks
/// (that is what the docker CLI sends); anything else is reported as an error.
fn parse_tar(data: &[u8]) -> Result<Vec<TarEntry>, String> {
    let mut out = Vec::new();
    let mut off = 0usize;
    let mut pax: Option<PaxRecords> = None;
    let mut long_name: Option<Vec<u8>> = None;
    let mut long_link: Option<Vec<u8>> = None;
    loop {
        let h = data.get(off..off + 512).ok_or_else(|| {
            format!(
                "truncated: no end-of-archive marker (stream is {} bytes, next header at {off})",
                data.len()
            )
        })?;
        if h.iter().all(|&b| b == 0) {
            let rest = &data[off..];
            if rest.len() != 1024 || rest.iter().any(|&b| b != 0) {
                return Err(format!(
                    "after the last entry (offset {off}) came {} bytes, expected exactly 1024 zero bytes",
                    rest.len()
                ));
            }
            if pax.is_some() || long_name.is_some() || long_link.is_some() {
                return Err("extended header without a following entry".into());
            }
            return Ok(out);
        }
        let stored = parse_tar_number(&h[148..156])?;
        let sum: u64 = h
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    b as u64
                }
            })
            .sum();
        if stored != sum {
            return Err(format!(
                "bad header checksum at offset {off}: stored {stored}, computed {sum}"
            ));
        }
        let typeflag = h[156];
        let mut size = parse_tar_number(&h[124..136])?;
        off += 512;
        if matches!(typeflag, b'x' | b'g' | b'L' | b'K') {
            let body = data
                .get(off..off + size as usize)
                .ok_or("truncated extended header")?;
            off += pad512(size) as usize;
            match typeflag {
                b'x' => pax = Some(parse_pax(body)?),
                b'g' => {}
                b'L' => long_name = Some(nul_terminated(body).to_vec()),
                _ => long_link = Some(nul_terminated(body).to_vec()),
            }
            continue;
        }
        let mut name = nul_terminated(&h[0..100]).to_vec();
        let mut link = nul_terminated(&h[157..257]).to_vec();
        if &h[257..263] == b"ustar\0" {
            let prefix = nul_terminated(&h[345..500]);
            if !prefix.is_empty() {
                name = [prefix, b"/", &name].concat();
            }
        }
        let had_pax = pax.is_some();
        for (k, v) in pax.take().unwrap_or_default() {
            match k.as_slice() {
                b"path" => name = v,
                b"linkpath" => link = v,
                b"size" => {
                    size = std::str::from_utf8(&v)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or("bad PAX size record")?
                }
                _ => {}
            }
        }
        if let Some(n) = long_name.take() {
            name = n;
        }
        if let Some(l) = long_link.take() {
            link = l;
        }
        if typeflag == b'5' && !name.ends_with(b"/") {
            name.push(b'/');
        }
        // Like Go's archive/tar: these types never carry data.
        let header_only = matches!(typeflag, b'1'..=b'6');
        if !header_only {
            if off as u64 + size > data.len() as u64 {
                return Err(format!("truncated data for {:?}", esc(&name)));
            }
            off += pad512(size) as usize;
        }
        out.push(TarEntry {
            name,
            typeflag,
            size: if header_only { 0 } else { size },
            link,
            pax: had_pax,
        });
    }
}

// ============================================================================
// Case model and materialization
// ============================================================================

#[derive(Clone, Debug)]
enum Kind {
    File {
        size: usize,
        content: Option<Vec<u8>>,
    },
    Dir,
    Symlink(Vec<u8>),
    /// Second name of an earlier regular file (its context-relative path).
    Hardlink(Vec<u8>),
    Fifo,
    Socket,
}

#[derive(Clone, Debug)]
struct Entry {
    path: Vec<u8>,
    kind: Kind,
    mode: Option<u32>,
}

impl Entry {
    fn file(path: &[u8], size: usize, content: Option<Vec<u8>>) -> Entry {
        Entry {
            path: path.to_vec(),
            kind: Kind::File { size, content },
            mode: None,
        }
    }
}

#[derive(Clone, Debug)]
enum IgnoreFile {
    Absent,
    Text(Vec<u8>),
    /// `.dockerignore` is a symlink to this (context-relative) file, which holds the patterns.
    Symlink(Vec<u8>),
    /// `.dockerignore` is a directory (an error for the CLI).
    Directory,
}

#[derive(Clone, Debug)]
enum DfFlag {
    None,
    /// `-f` value, relative to the context dir (which is also the cwd).
    Rel(Vec<u8>),
    /// `-f <ctx>/<this>`: an absolute path inside the context.
    AbsInCtx(Vec<u8>),
}

#[derive(Clone, Debug)]
struct Case {
    index: usize,
    seed: u64,
    entries: Vec<Entry>,
    ignore: IgnoreFile,
    flag: DfFlag,
    notes: Vec<String>,
}

impl Case {
    fn flag_arg(&self, ctx: &Path) -> Option<OsString> {
        match &self.flag {
            DfFlag::None => None,
            DfFlag::Rel(f) => Some(OsStr::from_bytes(f).to_os_string()),
            DfFlag::AbsInCtx(f) => Some(ctx.join(OsStr::from_bytes(f)).into_os_string()),
        }
    }

    fn flag_display(&self) -> String {
        match &self.flag {
            DfFlag::None => String::new(),
            DfFlag::Rel(f) => format!("-f {} ", esc(f)),
            DfFlag::AbsInCtx(f) => format!("-f <ctx>/{} ", esc(f)),
        }
    }

    fn ignore_text(&self) -> Option<&[u8]> {
        match &self.ignore {
            IgnoreFile::Text(t) => Some(t),
            IgnoreFile::Symlink(target) => self
                .entries
                .iter()
                .find(|e| &e.path == target)
                .and_then(|e| match &e.kind {
                    Kind::File { content, .. } => content.as_deref(),
                    _ => None,
                }),
            _ => None,
        }
    }

    fn describe_ignore(&self) -> String {
        let mut s = String::new();
        match &self.ignore {
            IgnoreFile::Absent => s.push_str(".dockerignore: (none)\n"),
            IgnoreFile::Directory => s.push_str(".dockerignore: (a directory)\n"),
            IgnoreFile::Symlink(t) => {
                let _ = writeln!(s, ".dockerignore: symlink to {}", esc(t));
            }
            IgnoreFile::Text(_) => {}
        }
        if let Some(text) = self.ignore_text() {
            let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
            let _ = writeln!(
                s,
                ".dockerignore ({} bytes, {} lines{}):",
                text.len(),
                lines.len() - usize::from(text.is_empty() || text.ends_with(b"\n")),
                if text.is_empty() || text.ends_with(b"\n") {
                    ""
                } else {
                    ", no final newline"
                }
            );
            for (i, line) in lines.iter().enumerate() {
                if i + 1 == lines.len() && line.is_empty() {
                    break;
                }
                if line.len() > 600 {
                    let (head, tail) = (&line[..120], &line[line.len() - 120..]);
                    let _ = writeln!(
                        s,
                        "  {:>3}| {} ... {} ({} bytes)",
                        i + 1,
                        esc(head),
                        esc(tail),
                        line.len()
                    );
                } else {
                    let _ = writeln!(s, "  {:>3}| {}", i + 1, esc(line));
                }
            }
        }
        s
    }

    fn describe_tree(&self) -> Vec<String> {
        let mut v: Vec<(Vec<u8>, String)> = self
            .entries
            .iter()
            .map(|e| {
                let line = match &e.kind {
                    Kind::File { size, .. } => format!("file {} ({size} B)", esc(&e.path)),
                    Kind::Dir => format!("dir  {}/", esc(&e.path)),
                    Kind::Symlink(t) => format!("link {} -> {}", esc(&e.path), esc(t)),
                    Kind::Hardlink(t) => format!("hard {} == {}", esc(&e.path), esc(t)),
                    Kind::Fifo => format!("fifo {}", esc(&e.path)),
                    Kind::Socket => format!("sock {}", esc(&e.path)),
                };
                (e.path.clone(), line)
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, l)| l).collect()
    }

    /// A case from the shared conformance format (`conformance/README.md`).
    fn from_conformance_json(v: &serde_json::Value) -> Option<Case> {
        let mut entries = Vec::new();
        for e in v["entries"].as_array()? {
            let path = e["path"].as_str()?.as_bytes().to_vec();
            let mode = e["mode"].as_u64().map(|m| m as u32);
            if mode.is_some_and(|m| m & 0o444 == 0 || m & 0o100 == 0 && e["type"] == "dir") {
                return None; // permission cases do not reproduce as root
            }
            let kind = match e["type"].as_str().unwrap_or("file") {
                "file" => {
                    let content = e["content"].as_str().map(|c| c.as_bytes().to_vec());
                    let size = content
                        .as_ref()
                        .map_or(e["size"].as_u64().unwrap_or(0) as usize, Vec::len);
                    Kind::File { size, content }
                }
                "dir" => Kind::Dir,
                "symlink" => Kind::Symlink(e["target"].as_str()?.as_bytes().to_vec()),
                "hardlink" => Kind::Hardlink(e["target"].as_str()?.as_bytes().to_vec()),
                _ => return None,
            };
            entries.push(Entry { path, kind, mode });
        }
        let ignore = match (
            v["dockerignore"].as_str(),
            v["dockerignore_file_name"].as_str(),
        ) {
            (None, _) => IgnoreFile::Absent,
            (Some(t), None) => IgnoreFile::Text(t.as_bytes().to_vec()),
            (Some(t), Some(name)) => {
                entries.push(Entry::file(
                    name.as_bytes(),
                    t.len(),
                    Some(t.as_bytes().to_vec()),
                ));
                IgnoreFile::Absent
            }
        };
        let flag = match v["dockerfile_flag"].as_str() {
            Some(f) => DfFlag::Rel(f.as_bytes().to_vec()),
            None => DfFlag::None,
        };
        Some(Case {
            index: 0,
            seed: 0,
            entries,
            ignore,
            flag,
            notes: vec![],
        })
    }
}

fn file_bytes(path: &[u8], size: usize) -> Vec<u8> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in path {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let mut r = Rng(h);
    let mut v = Vec::with_capacity(size);
    while v.len() < size {
        v.extend_from_slice(&r.next_u64().to_le_bytes());
    }
    v.truncate(size);
    v
}

fn materialize(case: &Case, root: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(root)?;
    let abs = |p: &[u8]| root.join(OsStr::from_bytes(p));
    let mut later = Vec::new();
    for e in &case.entries {
        let p = abs(&e.path);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        match &e.kind {
            Kind::Dir => fs::create_dir_all(&p)?,
            Kind::File { size, content } => {
                let data = content
                    .clone()
                    .unwrap_or_else(|| file_bytes(&e.path, *size));
                fs::write(&p, data)?;
                if let Some(m) = e.mode {
                    fs::set_permissions(&p, fs::Permissions::from_mode(m))?;
                }
            }
            _ => later.push(e),
        }
    }
    for e in later {
        let p = abs(&e.path);
        match &e.kind {
            Kind::Symlink(t) => std::os::unix::fs::symlink(OsStr::from_bytes(t), &p)?,
            Kind::Hardlink(t) => fs::hard_link(abs(t), &p)?,
            Kind::Fifo => {
                let c = CString::new(p.as_os_str().as_bytes())?;
                // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
                if unsafe { libc::mkfifo(c.as_ptr(), 0o644) } != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            Kind::Socket => {
                // The listener is dropped at once; the socket file stays. A path
                // too long for sun_path just leaves the socket out of the tree.
                let _ = UnixListener::bind(&p);
            }
            Kind::Dir | Kind::File { .. } => unreachable!(),
        }
    }
    let di = root.join(".dockerignore");
    match &case.ignore {
        IgnoreFile::Absent => {}
        IgnoreFile::Text(t) => fs::write(&di, t)?,
        IgnoreFile::Symlink(target) => std::os::unix::fs::symlink(OsStr::from_bytes(target), &di)?,
        IgnoreFile::Directory => {
            fs::create_dir(&di)?;
            fs::write(di.join("x"), b"*\n")?;
        }
    }
    Ok(())
}

/// Printable form of a byte string: Rust-style escapes for control bytes,
/// invalid UTF-8 (`\xNN`) and invisible characters, inside double quotes.
fn esc(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                '\t' => s.push_str("\\t"),
                c if c.is_control()
                    || matches!(
                        c,
                        '\u{a0}' | '\u{200b}' | '\u{feff}' | '\u{85}' | '\u{2028}' | '\u{2029}'
                    ) =>
                {
                    let _ = write!(s, "\\u{{{:x}}}", c as u32);
                }
                c => s.push(c),
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(s, "\\x{byte:02x}");
        }
    }
    s.push('"');
    s
}

// ============================================================================
// Deterministic generator
// ============================================================================

/// splitmix64: small, fast, good enough, and stable across platforms.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `p` per mille.
    fn pm(&mut self, p: usize) -> bool {
        self.below(1000) < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const COMMON_NAMES: &[&str] = &[
    "a",
    "b",
    "c",
    "d",
    "x",
    "y",
    "ab",
    "a-b",
    "a.c",
    "a_b",
    "src",
    "lib",
    "docs",
    "build",
    "dist",
    "node_modules",
    "vendor",
    "tmp",
    "logs",
    "sub",
    "keep",
    "keep.txt",
    "keep.md",
    "a.txt",
    "b.txt",
    "x.log",
    "app.log",
    "debug.log",
    "main.go",
    "index.js",
    "README.md",
    ".env",
    ".env.local",
    ".git",
    ".hidden",
    "Dockerfile",
    "dockerfile",
    "Dockerfile.dev",
    ".dockerignore",
    "file1",
    "file2",
    "filed",
    "foo",
    "foobar",
    "fo",
    "out.o",
    "data",
    "cache",
    "test",
    "tests",
    "__pycache__",
    "x.pyc",
    "secret.key",
    "empty",
    "deep",
    "util",
    "web",
    "docker",
];

const WEIRD_NAMES: &[&str] = &[
    "with space",
    " lead",
    "trail ",
    "  ",
    " ",
    "#hash",
    "a#b",
    "#",
    "!bang",
    "a!b",
    "!",
    "[br]",
    "a[1]",
    "]x",
    "ü.txt",
    "déjà",
    "日本語.md",
    "emoji😀",
    "tab\there",
    "back\\slash",
    "a\\b",
    "{a,b}.txt",
    "^ab",
    "$dollar",
    "a+b",
    "(p)",
    "%20",
    "'q'",
    "\"dq\"",
    "a,b",
    "semi;colon",
    "-dash",
    "~tilde",
    "a=b",
    "@at",
    "nbsp\u{a0}",
    "\u{a0}lead-nbsp",
    "zw\u{200b}sp",
    "\u{feff}bom",
    "...",
    "..x",
    "q?",
    "?",
    "a|b",
    "<lt>",
    "x.",
    "Keep.TXT",
    "UPPER",
    "ctl\u{1}",
    "del\u{7f}",
    "İ",
    "Ω",
    "e\u{301}",
    "a.b.c",
    "-",
    "--x",
];

const NON_UTF8_NAMES: &[&[u8]] = &[
    b"lat\xe9n",
    b"\xff",
    b"a\x80b",
    b"\xc3(",
    b"\xe2\x82",
    b"ok\xfe.txt",
    b"\xed\xa0\x80s",
];

const NEWLINE_NAMES: &[&[u8]] = &[b"nl\nx", b"\n", b"trail\n", b"a\nb.txt"];

const SIZES_SMALL: &[usize] = &[0, 0, 1, 1, 2, 7, 10, 100, 255, 256];
const SIZES_EDGE: &[usize] = &[511, 512, 513, 1023, 1024, 1025, 1536, 2047, 2048, 2049];
const SIZES_MID: &[usize] = &[4095, 4096, 4097, 8192, 10240, 10241, 32768];
const SIZES_BIG: &[usize] = &[65535, 65536, 65537, 70000, 70001, 71680];

fn gen_size(rng: &mut Rng, big_budget: &mut usize) -> usize {
    match rng.below(1000) {
        0..=399 => *rng.pick(SIZES_SMALL),
        400..=599 => rng.range(3, 600),
        600..=819 => *rng.pick(SIZES_EDGE),
        820..=949 => *rng.pick(SIZES_MID),
        _ if *big_budget > 0 => {
            *big_budget -= 1;
            *rng.pick(SIZES_BIG)
        }
        _ => *rng.pick(SIZES_EDGE),
    }
}

/// A name of exactly `len` bytes (≤ 255), sometimes with multi-byte characters.
fn long_name(rng: &mut Rng, len: usize) -> Vec<u8> {
    let unicode = rng.pm(250);
    let mut v = Vec::with_capacity(len);
    let alphabet = b"long-name_abcdefghij0123456789";
    let mut i = 0;
    while v.len() < len {
        if unicode && len - v.len() >= 2 && rng.pm(60) {
            v.extend_from_slice("ü".as_bytes());
        } else {
            v.push(alphabet[i % alphabet.len()]);
            i += 1;
        }
    }
    v
}

fn gen_name(rng: &mut Rng) -> Vec<u8> {
    match rng.below(1000) {
        0..=419 => rng.pick(COMMON_NAMES).as_bytes().to_vec(),
        420..=679 => {
            let mut v = Vec::new();
            for _ in 0..rng.range(1, 3) {
                v.push(*rng.pick(b"abcxyz"));
            }
            if rng.pm(300) {
                v.push(*rng.pick(b"0129"));
            }
            v.extend_from_slice(
                rng.pick(&[
                    "", "", "", ".txt", ".log", ".md", ".py", ".js", ".o", ".tmp", ".TXT",
                ])
                .as_bytes(),
            );
            v
        }
        680..=859 => rng.pick(WEIRD_NAMES).as_bytes().to_vec(),
        860..=904 => rng.pick(NON_UTF8_NAMES).to_vec(),
        905..=914 => rng.pick(NEWLINE_NAMES).to_vec(),
        915..=964 => {
            let len = if rng.pm(500) {
                *rng.pick(&[99, 100, 101, 154, 155, 156, 157, 254, 255])
            } else {
                rng.range(90, 255)
            };
            long_name(rng, len)
        }
        _ => {
            let mut v = rng.pick(COMMON_NAMES).as_bytes().to_vec();
            v.extend_from_slice(rng.pick(WEIRD_NAMES).as_bytes());
            v.truncate(255);
            v
        }
    }
}

fn depth(path: &[u8]) -> usize {
    if path.is_empty() {
        0
    } else {
        path.iter().filter(|&&b| b == b'/').count() + 1
    }
}

fn join(parent: &[u8], name: &[u8]) -> Vec<u8> {
    if parent.is_empty() {
        name.to_vec()
    } else {
        [parent, b"/", name].concat()
    }
}

struct TreeGen {
    entries: Vec<Entry>,
    used: HashSet<Vec<u8>>,
    dirs: Vec<Vec<u8>>,
    files: Vec<Vec<u8>>,
    big_budget: usize,
}

impl TreeGen {
    fn new() -> TreeGen {
        TreeGen {
            entries: Vec::new(),
            used: HashSet::new(),
            dirs: vec![Vec::new()],
            files: Vec::new(),
            big_budget: 3,
        }
    }

    fn add(&mut self, path: Vec<u8>, kind: Kind) -> bool {
        if path.is_empty() || self.used.contains(&path) || path.len() > 3000 {
            return false;
        }
        // Every ancestor must be a directory we created.
        let mut prefix = Vec::new();
        for comp in path.split(|&b| b == b'/').take(depth(&path) - 1) {
            prefix = join(&prefix, comp);
            if !self.dirs.contains(&prefix) {
                if self.used.contains(&prefix) {
                    return false; // ancestor exists but is not a directory
                }
                self.add(prefix.clone(), Kind::Dir);
            }
        }
        match &kind {
            Kind::Dir => self.dirs.push(path.clone()),
            Kind::File { .. } => self.files.push(path.clone()),
            _ => {}
        }
        self.used.insert(path.clone());
        self.entries.push(Entry {
            path,
            kind,
            mode: None,
        });
        true
    }

    fn file_kind(&mut self, rng: &mut Rng) -> Kind {
        Kind::File {
            size: gen_size(rng, &mut self.big_budget),
            content: None,
        }
    }

    /// A fresh, non-reserved name under `parent`.
    fn fresh_child(&mut self, rng: &mut Rng, parent: &[u8]) -> Option<Vec<u8>> {
        for _ in 0..20 {
            let name = gen_name(rng);
            if parent.is_empty()
                && matches!(
                    name.as_slice(),
                    b"Dockerfile" | b"dockerfile" | b".dockerignore"
                )
            {
                continue;
            }
            let p = join(parent, &name);
            if !self.used.contains(&p) && p.len() < 1800 {
                return Some(p);
            }
        }
        None
    }
}

/// A symlink target, as written by `ln -s`, for a link created at `path`.
fn gen_symlink_target(rng: &mut Rng, t: &TreeGen, path: &[u8]) -> Vec<u8> {
    let up = b"../".repeat(depth(path).saturating_sub(1));
    match rng.below(100) {
        0..=39 if !t.entries.is_empty() => [up.as_slice(), &rng.pick(&t.entries).path].concat(),
        40..=49 if t.dirs.len() > 1 => {
            [up.as_slice(), &t.dirs[rng.range(1, t.dirs.len() - 1)]].concat()
        }
        50..=62 => rng
            .pick(&[&b"missing-target"[..], b"nope/x", b"./dangling"])
            .to_vec(),
        63..=71 => rng
            .pick(&[&b"/etc/passwd"[..], b"/nonexistent/x", b"/", b"/dev/null"])
            .to_vec(),
        72..=79 => {
            let n = rng.range(95, 140);
            [
                b"../".repeat(n / 6).as_slice(),
                &long_name(rng, n - 3 * (n / 6)),
            ]
            .concat()
        }
        80..=86 => rng
            .pick(&["ziel-ü", "日本", "a b", "x\\y"])
            .as_bytes()
            .to_vec(),
        87..=92 => rng.pick(&[&b"."[..], b"..", b"../.."]).to_vec(),
        _ => path
            .rsplit(|&b| b == b'/')
            .next()
            .unwrap_or(b"self")
            .to_vec(), // itself: a loop
    }
}

/// Where the Dockerfile lives and how it is named on the command line.
/// Returns the Dockerfile's context-relative path (for pattern generation).
fn place_dockerfile(
    rng: &mut Rng,
    t: &mut TreeGen,
    notes: &mut Vec<String>,
) -> (DfFlag, Option<Vec<u8>>) {
    let df = || Kind::File {
        size: DOCKERFILE_TEXT.len(),
        content: Some(DOCKERFILE_TEXT.to_vec()),
    };
    let subdir = |rng: &mut Rng| -> Vec<u8> {
        let mut p = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let mut name: Vec<u8> = if rng.pm(600) {
                rng.pick(&[
                    "docker",
                    "build",
                    "ci",
                    "deploy",
                    "sub",
                    "x y",
                    "ü",
                    "src",
                    "node_modules",
                    "a",
                ])
                .as_bytes()
                .to_vec()
            } else {
                gen_name(rng)
            };
            if p.is_empty()
                && matches!(
                    name.as_slice(),
                    b"Dockerfile" | b"dockerfile" | b".dockerignore"
                )
            {
                name = b"docker".to_vec();
            }
            p = join(&p, &name);
        }
        p
    };
    let roll = rng.below(1000);
    match roll {
        0..=639 => {
            t.add(b"Dockerfile".to_vec(), df());
            let flag = match rng.below(100) {
                0..=3 => DfFlag::Rel(b"Dockerfile".to_vec()),
                4..=5 => DfFlag::Rel(b"./Dockerfile".to_vec()),
                6 => DfFlag::AbsInCtx(b"Dockerfile".to_vec()),
                _ => DfFlag::None,
            };
            if rng.pm(100) {
                t.add(b"dockerfile".to_vec(), df());
            }
            (flag, Some(b"Dockerfile".to_vec()))
        }
        640..=709 => {
            notes.push("lowercase dockerfile only".into());
            t.add(b"dockerfile".to_vec(), df());
            (DfFlag::None, Some(b"dockerfile".to_vec()))
        }
        710..=879 => {
            let dir = subdir(rng);
            let name = rng.pick(&[
                "Dockerfile",
                "Dockerfile",
                "Dockerfile.prod",
                "app.Dockerfile",
                "df with space",
                "Dockerfile.ü",
                "#df",
                "!df",
                " lead-df",
                "trail-df ",
                "\u{a0}nbsp-df",
            ]);
            let rel = join(&dir, name.as_bytes());
            if !t.add(rel.clone(), df()) {
                t.add(b"Dockerfile".to_vec(), df());
                return (DfFlag::None, Some(b"Dockerfile".to_vec()));
            }
            if rng.pm(150) {
                t.add(b"Dockerfile".to_vec(), df());
            }
            notes.push("Dockerfile in a subdir".into());
            let flag = match rng.below(100) {
                0..=74 => DfFlag::Rel(rel.clone()),
                75..=84 => DfFlag::Rel([b"./".as_slice(), &rel].concat()),
                85..=94 => DfFlag::AbsInCtx(rel.clone()),
                _ => DfFlag::Rel([b"nonexistent/../".as_slice(), &rel].concat()),
            };
            (flag, Some(rel))
        }
        880..=919 => {
            let target = join(&subdir(rng), b"Dockerfile.real");
            if !t.add(target.clone(), df()) {
                t.add(b"Dockerfile".to_vec(), df());
                return (DfFlag::None, Some(b"Dockerfile".to_vec()));
            }
            notes.push("Dockerfile is a symlink".into());
            t.add(b"Dockerfile".to_vec(), Kind::Symlink(target.clone()));
            let flag = if rng.pm(300) {
                DfFlag::Rel(b"Dockerfile".to_vec())
            } else {
                DfFlag::None
            };
            (flag, Some(target))
        }
        920..=944 => {
            notes.push("-f name is a glob".into());
            t.add(b"Dockerfile".to_vec(), df());
            t.add(b"a[1].Dockerfile".to_vec(), df());
            if rng.pm(700) {
                t.add(b"a1.Dockerfile".to_vec(), df());
            }
            (
                DfFlag::Rel(b"a[1].Dockerfile".to_vec()),
                Some(b"a[1].Dockerfile".to_vec()),
            )
        }
        945..=954 => {
            notes.push("-f names a directory".into());
            let dir = subdir(rng);
            t.add(join(&dir, b"Dockerfile"), df());
            (DfFlag::Rel(dir.clone()), Some(dir))
        }
        955..=979 => {
            let name = rng.pick(&[
                " Dockerfile",
                "  df",
                "\tdf",
                "Dockerfile ",
                "\u{a0}df",
                "x\ny.Dockerfile",
                "--df",
                "-df",
                "#df",
                "!df",
                "df.ü",
            ]);
            notes.push(format!("root Dockerfile named {}", esc(name.as_bytes())));
            t.add(name.as_bytes().to_vec(), df());
            (
                DfFlag::Rel(name.as_bytes().to_vec()),
                Some(name.as_bytes().to_vec()),
            )
        }
        980..=989 => {
            notes.push("Dockerfile missing".into());
            let flag = if rng.pm(500) {
                DfFlag::Rel(b"nope/Dockerfile".to_vec())
            } else {
                DfFlag::None
            };
            (flag, None)
        }
        _ => {
            // -f through a symlinked directory: the CLI resolves it.
            let dir = subdir(rng);
            let real = join(&dir, b"Dockerfile");
            if !t.add(real.clone(), df()) || !t.add(b"dflink".to_vec(), Kind::Symlink(dir.clone()))
            {
                t.add(b"Dockerfile".to_vec(), df());
                return (DfFlag::None, Some(b"Dockerfile".to_vec()));
            }
            notes.push("-f through a symlinked dir".into());
            (DfFlag::Rel(b"dflink/Dockerfile".to_vec()), Some(real))
        }
    }
}

fn gen_tree(rng: &mut Rng, t: &mut TreeGen) {
    // Long-path profile: a chain of long directory names and files whose full
    // paths sit on the ustar limits (100-byte name, 155-byte prefix, 256).
    if rng.pm(150) {
        let mut dir = Vec::new();
        for _ in 0..rng.range(1, 4) {
            let len = *rng.pick(&[30, 49, 50, 60, 98, 99, 100, 101, 120]);
            dir = join(&dir, &long_name(rng, len));
            if dir.len() > 600 {
                break;
            }
            t.add(dir.clone(), Kind::Dir);
            for target in [99usize, 100, 101, 155, 156, 157, 256, 257] {
                if rng.pm(350) && target > dir.len() + 1 && target - dir.len() - 1 <= 255 {
                    let name = long_name(rng, target - dir.len() - 1);
                    let kind = if rng.pm(300) {
                        Kind::Dir
                    } else {
                        t.file_kind(rng)
                    };
                    t.add(join(&dir, &name), kind);
                }
            }
        }
    }
    let n = match rng.below(100) {
        0..=2 => rng.range(0, 3),
        3..=62 => rng.range(5, 20),
        63..=92 => rng.range(20, 45),
        _ => rng.range(45, 90),
    };
    let mut last_dir: Vec<u8> = Vec::new();
    for _ in 0..n {
        let parent = if rng.pm(400) {
            last_dir.clone()
        } else {
            rng.pick(&t.dirs).clone()
        };
        let pd = depth(&parent);
        let roll = rng.below(1000);
        let Some(path) = t.fresh_child(rng, &parent) else {
            continue;
        };
        if roll < 260 && pd < 5 {
            if t.add(path.clone(), Kind::Dir) {
                last_dir = path;
            }
            continue;
        }
        let kind = match roll {
            0..=669 => t.file_kind(rng),
            670..=809 => Kind::Symlink(gen_symlink_target(rng, t, &path)),
            810..=939 if !t.files.is_empty() => Kind::Hardlink(rng.pick(&t.files).clone()),
            940..=959 => Kind::Fifo,
            960..=969 if pd <= 1 => Kind::Socket,
            _ => t.file_kind(rng),
        };
        t.add(path, kind);
    }
}

// ---- .dockerignore generation ----------------------------------------------

fn char_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for chunk in b.utf8_chunks() {
        let base = chunk.valid().as_ptr() as usize - b.as_ptr() as usize;
        for (i, c) in chunk.valid().char_indices() {
            v.push((base + i, base + i + c.len_utf8()));
        }
        let ibase = base + chunk.valid().len();
        for j in 0..chunk.invalid().len() {
            v.push((ibase + j, ibase + j + 1));
        }
    }
    v
}

/// A bracket expression that does (or on purpose does not) match ASCII alnum `c`.
fn class_for(rng: &mut Rng, c: u8) -> Vec<u8> {
    let other = *rng.pick(b"abcxyz019");
    let (lo_lim, hi_lim) = match c {
        b'a'..=b'z' => (b'a', b'z'),
        b'A'..=b'Z' => (b'A', b'Z'),
        _ => (b'0', b'9'),
    };
    let lo = c.saturating_sub(rng.range(0, 2) as u8).max(lo_lim);
    let hi = (c + rng.range(0, 2) as u8).min(hi_lim);
    match rng.below(9) {
        0 => vec![b'[', c, b']'],
        1 => vec![b'[', c, other, b']'],
        2 | 3 => vec![b'[', lo, b'-', hi, b']'],
        4 => vec![b'[', b'^', c, b']'],
        5 => vec![b'[', b'^', other, b']'],
        6 => vec![b'[', b'!', c, b']'],
        7 => vec![b'[', b'!', other, b']'],
        _ => {
            if c.is_ascii_digit() {
                b"[[:digit:]]".to_vec()
            } else {
                b"[[:alpha:]]".to_vec()
            }
        }
    }
}

fn mutate_component(rng: &mut Rng, c: &[u8]) -> Vec<u8> {
    let spans = char_spans(c);
    if spans.is_empty() {
        return b"*".to_vec();
    }
    let (s, e) = spans[rng.below(spans.len())];
    let ch = &c[s..e];
    let cut = spans[rng.below(spans.len())].0;
    match rng.below(12) {
        0 => b"*".to_vec(),
        1 | 2 => [&c[..cut], b"*"].concat(),
        3 => [b"*", &c[cut..]].concat(),
        4 | 5 => [&c[..s], b"?", &c[e..]].concat(),
        6 | 7 if ch.len() == 1 && ch[0].is_ascii_alphanumeric() => {
            [&c[..s], &class_for(rng, ch[0]), &c[e..]].concat()
        }
        8 if ch.len() == 1 => {
            let b = ch[0];
            let rep: Vec<u8> = if b.is_ascii_punctuation() || b == b' ' && rng.pm(300) {
                vec![b'\\', b]
            } else if b.is_ascii_digit() {
                b"\\d".to_vec()
            } else if b.is_ascii_alphabetic() || b == b'_' {
                b"\\w".to_vec()
            } else if b == b' ' || b == b'\t' {
                b"\\s".to_vec()
            } else {
                b"?".to_vec()
            };
            [&c[..s], &rep, &c[e..]].concat()
        }
        9 => [b"*", c, b"*"].concat(),
        10 => c
            .iter()
            .map(|b| {
                if b.is_ascii_lowercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                }
            })
            .collect(),
        _ => c.to_vec(),
    }
}

/// A pattern derived from an existing path: literal, wildcarded, globstarred.
fn pattern_from_path(rng: &mut Rng, path: &[u8]) -> Vec<u8> {
    let mut comps: Vec<Vec<u8>> = path.split(|&b| b == b'/').map(<[u8]>::to_vec).collect();
    if comps.len() > 1 && rng.pm(250) {
        let k = rng.range(1, comps.len() - 1);
        comps.truncate(k);
    }
    for c in comps.iter_mut() {
        if rng.pm(180) {
            *c = mutate_component(rng, c);
        }
    }
    let joined = comps.join(&b'/');
    let last = comps.last().cloned().unwrap_or_default();
    match rng.below(100) {
        0..=7 => {
            let j = rng.below(comps.len());
            [b"**/".as_slice(), &comps[j..].join(&b'/')].concat()
        }
        8..=13 => [joined.as_slice(), b"/**"].concat(),
        14..=17 => [joined.as_slice(), b"/*"].concat(),
        18..=21 if comps.len() >= 2 => {
            let j = rng.range(1, comps.len() - 1);
            let skip = rng.below(2).min(comps.len() - 1 - j);
            [
                comps[..j].join(&b'/').as_slice(),
                b"/**/",
                &comps[j + skip..].join(&b'/'),
            ]
            .concat()
        }
        22..=24 => {
            let spans = char_spans(&last);
            let cut = if spans.is_empty() {
                0
            } else {
                spans[rng.below(spans.len())].0
            };
            [b"**".as_slice(), &last[cut..]].concat()
        }
        25..=27 => {
            let spans = char_spans(&joined);
            let cut = if spans.is_empty() {
                0
            } else {
                spans[rng.below(spans.len())].1
            };
            [&joined[..cut], b"**"].concat()
        }
        28..=29 => {
            let ext = last
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(&last[..0], |i| &last[i..]);
            [b"**/*".as_slice(), ext].concat()
        }
        30 => b"**".to_vec(),
        _ => joined,
    }
}

const SPECIAL_LINES: &[&str] = &[
    "*",
    "**",
    ".*",
    "*/*",
    "**/*",
    ".dockerignore",
    "!.dockerignore",
    "Dockerfile",
    "!Dockerfile",
    "dockerfile",
    "Dockerfile*",
    "**/Dockerfile",
    "..",
    "/",
    ".",
    "./",
    "../x",
    "!!a",
    "\\!bang",
    "{a,b}.txt",
    "^a*",
    "[a*]",
    "[[:alpha:]]*",
    "*.log",
    "**/*.log",
    "**.log",
    "!**/*.log",
    "!*.txt",
    "**/node_modules",
    "node_modules",
    "!**/keep*",
    "*~",
    "a/**/b",
    "*/",
    "!*/",
    "**/.git",
    "!src",
    "src/*",
    "**/sub/**",
    "a?",
    "?",
    "??",
    "[a-c]*",
    "[^a]*",
    "[!a]*",
    "file\\d",
    "\\*",
    "x*y",
    "#hash",
    "\\#hash",
    "!#hash",
    "**/**",
    "*/**",
    "**/a/**",
    "a**",
    "**a",
    "!docs",
    "docs/**",
    "!docs/**/*.md",
    "*.md",
    "!README.md",
    "**/.*",
    ".env*",
    "!.env.example",
    "[[:digit:]]*",
    "\\w*",
    "*\\.txt",
    "a\\.c",
    "**/[ab]",
    "[a-c]/**",
    "x/../a",
    "a/./b",
    "//a//",
    "./*",
    // patternmatcher escapes only `. + ( ) $` (its escape bitmap drops `|{}`),
    // so these are regex alternations / counted repetitions in REGEX patterns.
    "a|b*",
    "*.log|*.md",
    "b|*",
    "x{2}*",
    "a{2}*",
    "{a,b}*",
    "(a|b)*",
    "*a{1,2}",
    "a+*",
    "(p)*",
    "q$*",
    "x{2,}*",
    "x{1001}*",
    "\\p{Greek}*",
    "\\x{61}*",
    "\\p{L}?",
    // RE2 escapes that Rust's regex crate lacks or spells differently.
    "\\Qa.\\E*",
    "\\101*",
    "\\x61*",
    "\\pL*",
    "\\PL*",
    "[[:^alpha:]]*",
    "[\\d]*",
    "*\\z",
    "\\A*",
    "a\\b*",
    "b\\B*",
    "\\W*",
    "\\C*",
    "\\e*",
    "\\N*",
];

const ERROR_LINES: &[&str] = &[
    "[",
    "a[",
    "[]",
    "[^]",
    "[a-]",
    "[]a]",
    "[-a]",
    "x\\",
    "!",
    "!/",
    "! ",
    "a\\ ",
    "[z-a]",
    "foo[z-a]*",
    "\\k",
    "[[:foo:]]",
    "!!",
    "**/[",
    "\\",
];

fn gen_comment(rng: &mut Rng) -> Vec<u8> {
    rng.pick(&[
        "# comment",
        "#",
        "#!.dockerignore",
        "# *",
        " # x",
        "\t#y",
        "#\t*",
        "##",
        "#node_modules",
    ])
    .as_bytes()
    .to_vec()
}

/// Surface decorations that must not change the meaning (or change it in
/// documented ways): leading `/`, `./`, trailing `/`, whitespace, `!`.
fn decorate(rng: &mut Rng, mut p: Vec<u8>, exception: bool) -> Vec<u8> {
    let r = rng.below(1000);
    if r < 70 {
        p.insert(0, b'/');
    } else if r < 120 {
        p.splice(0..0, b"./".iter().copied());
    } else if r < 140 {
        p.splice(0..0, b"nonexistent/../".iter().copied());
    } else if r < 160 {
        if let Some(i) = p.iter().position(|&b| b == b'/') {
            p.insert(i, b'/');
        }
    }
    if rng.pm(80) && !p.ends_with(b"/") {
        p.push(b'/');
    }
    if exception {
        let pre: &[u8] = if rng.pm(100) {
            b"! "
        } else if rng.pm(30) {
            b"!\t"
        } else {
            b"!"
        };
        p.splice(0..0, pre.iter().copied());
    }
    let r = rng.below(1000);
    if r < 40 {
        let ws = *rng.pick(&[&b" "[..], b"  ", b"\t", b" \t"]);
        p.splice(0..0, ws.iter().copied());
    } else if r < 80 {
        let ws = *rng.pick(&[&b" "[..], b"  ", b"\t", b" \t "]);
        p.extend_from_slice(ws);
    } else if r < 95 {
        p.extend_from_slice("\u{a0}".as_bytes());
    } else if r < 103 {
        p.extend_from_slice("\u{200b}".as_bytes());
    } else if r < 108 {
        p.splice(0..0, "\u{3000}".bytes());
    }
    p
}

struct IgnoreCtx<'a> {
    /// (path, is_dir) of every tree entry.
    subjects: Vec<(&'a [u8], bool)>,
    dirs_with_children: Vec<&'a [u8]>,
    df: Option<&'a [u8]>,
    /// Exclude (nearly) everything more often, so the force-include of an
    /// oddly named Dockerfile is exercised.
    star_bias: bool,
}

fn pick_subject<'a>(rng: &mut Rng, cx: &IgnoreCtx<'a>) -> &'a [u8] {
    let r = rng.below(100);
    if r < 8 {
        if let Some(df) = cx.df {
            return df;
        }
    }
    if r < 12 {
        return b".dockerignore";
    }
    if r < 18 || cx.subjects.is_empty() {
        return rng.pick(COMMON_NAMES).as_bytes();
    }
    rng.pick(&cx.subjects).0
}

/// "exclude a directory, then try to re-include something inside it".
fn gen_exclusion_with_exceptions(rng: &mut Rng, cx: &IgnoreCtx<'_>, lines: &mut Vec<Vec<u8>>) {
    let Some(&dir) = (if cx.dirs_with_children.is_empty() {
        None
    } else {
        Some(rng.pick(&cx.dirs_with_children))
    }) else {
        return;
    };
    let inside: Vec<&[u8]> = cx
        .subjects
        .iter()
        .map(|s| s.0)
        .filter(|p| p.len() > dir.len() && p.starts_with(dir) && p[dir.len()] == b'/')
        .collect();
    let excl = match rng.below(10) {
        0..=4 => dir.to_vec(),
        5 => [dir, b"/"].concat(),
        6 => [dir, b"/**"].concat(),
        7 => [dir, b"/*"].concat(),
        8 => [b"**/", dir.rsplit(|&b| b == b'/').next().unwrap_or(dir)].concat(),
        _ => pattern_from_path(rng, dir),
    };
    lines.push(decorate(rng, excl, false));
    for _ in 0..rng.range(1, 3) {
        let Some(&target) = (if inside.is_empty() {
            None
        } else {
            Some(rng.pick(&inside))
        }) else {
            break;
        };
        let rest = &target[dir.len() + 1..];
        let base = target.rsplit(|&b| b == b'/').next().unwrap_or(target);
        let first = dir.split(|&b| b == b'/').next().unwrap_or(dir);
        let exc = match rng.below(12) {
            0..=3 => target.to_vec(),
            4 => [b"**/", base].concat(),
            5 => [b"*/", rest].concat(),
            6 => [dir, b"/*/", base].concat(),
            7 => {
                let spans = char_spans(rest);
                let cut = if spans.is_empty() {
                    0
                } else {
                    spans[rng.below(spans.len())].1
                };
                [dir, b"/", &rest[..cut], b"*"].concat()
            }
            8 => [dir, b"/**"].concat(),
            9 => dir.to_vec(),
            10 => [
                first,
                b"*/",
                target[first.len()..].strip_prefix(b"/").unwrap_or(b""),
            ]
            .concat(),
            _ => [dir, b"/**/", base].concat(),
        };
        lines.push(decorate(rng, exc, true));
    }
    if rng.pm(250) && !inside.is_empty() {
        let target = *rng.pick(&inside);
        let again = pattern_from_path(rng, target);
        lines.push(decorate(rng, again, false));
    }
}

/// Orderings that exercise the parent-result caching of the tar walker.
fn gen_quirk(rng: &mut Rng, cx: &IgnoreCtx<'_>, lines: &mut Vec<Vec<u8>>) {
    let Some(&dir) = (if cx.dirs_with_children.is_empty() {
        None
    } else {
        Some(rng.pick(&cx.dirs_with_children))
    }) else {
        return;
    };
    let child = cx
        .subjects
        .iter()
        .map(|s| s.0)
        .find(|p| p.len() > dir.len() && p.starts_with(dir) && p[dir.len()] == b'/')
        .unwrap_or(b"x");
    let set: Vec<Vec<u8>> = match rng.below(5) {
        0 => vec![[dir, b"/*"].concat(), [b"!", dir].concat()],
        1 => vec![dir.to_vec(), [b"!", child].concat(), dir.to_vec()],
        2 => vec![b"**/*.txt".to_vec(), [b"!", dir].concat()],
        3 => vec![b"**".to_vec(), [b"!", dir].concat(), child.to_vec()],
        _ => vec![b"*".to_vec(), [b"!", child].concat()],
    };
    lines.extend(set);
}

fn gen_dockerignore(rng: &mut Rng, cx: &IgnoreCtx<'_>, notes: &mut Vec<String>) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let n = match rng.below(100) {
        0..=4 => 0,
        5..=24 => rng.range(1, 3),
        25..=84 => rng.range(3, 8),
        _ => rng.range(8, 16),
    };
    while lines.len() < n {
        match rng.below(1000) {
            0..=479 => {
                let subject = pick_subject(rng, cx);
                let p = pattern_from_path(rng, subject);
                let exc = rng.pm(260);
                lines.push(decorate(rng, p, exc));
            }
            480..=599 => gen_exclusion_with_exceptions(rng, cx, &mut lines),
            600..=649 => gen_quirk(rng, cx, &mut lines),
            650..=799 => {
                let s = rng.pick(SPECIAL_LINES).as_bytes().to_vec();
                let p = if rng.pm(200) {
                    decorate(rng, s, false)
                } else {
                    s
                };
                lines.push(p);
            }
            800..=869 => lines.push(gen_comment(rng)),
            870..=929 => lines.push(rng.pick(&[&b""[..], b"", b"   ", b"\t", b" \t "]).to_vec()),
            930..=979 if !lines.is_empty() => {
                let l = rng.pick(&lines).clone();
                lines.push(l);
            }
            _ => {
                let subject = pick_subject(rng, cx);
                let p = pattern_from_path(rng, subject);
                lines.push(p);
            }
        }
    }
    if cx.star_bias && rng.pm(600) {
        let at = rng.range(0, lines.len());
        lines.insert(at, rng.pick(&[&b"*"[..], b"?*", b"**", b" *"]).to_vec());
    }
    // Names may hold newlines; a pattern cannot. `?` still matches them.
    for l in lines.iter_mut() {
        for b in l.iter_mut() {
            if *b == b'\n' {
                *b = b'?';
            }
        }
    }
    if rng.pm(55) {
        let e = rng.pick(ERROR_LINES).as_bytes().to_vec();
        notes.push(format!("error line {}", esc(&e)));
        let at = rng.range(0, lines.len());
        lines.insert(at, e);
    }
    if rng.pm(20) {
        let len = *rng.pick(&[65533usize, 65534, 65535, 65536, 65537]);
        notes.push(format!("{len}-byte line"));
        let at = rng.range(0, lines.len());
        lines.insert(at, long_name(rng, 1).repeat(len));
    }
    let crlf = rng.pm(100);
    let mut text = Vec::new();
    if rng.pm(80) {
        text.extend_from_slice("\u{feff}".as_bytes());
        notes.push("BOM".into());
    }
    for (i, l) in lines.iter().enumerate() {
        text.extend_from_slice(l);
        if i + 1 < lines.len() || rng.pm(780) {
            text.extend_from_slice(if crlf || rng.pm(25) { b"\r\n" } else { b"\n" });
        }
    }
    text
}

fn generate_case(index: usize, seed: u64) -> Case {
    let mut rng = Rng(seed);
    let mut t = TreeGen::new();
    let mut notes = Vec::new();
    let (flag, df_rel) = place_dockerfile(&mut rng, &mut t, &mut notes);
    gen_tree(&mut rng, &mut t);

    let subjects_owned: Vec<(Vec<u8>, bool)> = t
        .entries
        .iter()
        .map(|e| (e.path.clone(), matches!(e.kind, Kind::Dir)))
        .collect();
    let subjects: Vec<(&[u8], bool)> = subjects_owned
        .iter()
        .map(|(p, d)| (p.as_slice(), *d))
        .collect();
    let dirs_with_children: Vec<&[u8]> = subjects
        .iter()
        .filter(|(p, d)| {
            *d && subjects
                .iter()
                .any(|(q, _)| q.len() > p.len() && q.starts_with(p) && q[p.len()] == b'/')
        })
        .map(|(p, _)| *p)
        .collect();
    let star_bias = notes.iter().any(|n| n.starts_with("root Dockerfile named"));
    let cx = IgnoreCtx {
        subjects,
        dirs_with_children,
        df: df_rel.as_deref(),
        star_bias,
    };
    let ignore = match rng.below(1000) {
        0..=59 => IgnoreFile::Absent,
        60..=79 => IgnoreFile::Text(Vec::new()),
        80..=83 => {
            notes.push(".dockerignore is a directory".into());
            IgnoreFile::Directory
        }
        84..=99 => {
            let text = gen_dockerignore(&mut rng, &cx, &mut notes);
            notes.push(".dockerignore is a symlink".into());
            let target = b"ignore-rules.txt".to_vec();
            t.add(
                target.clone(),
                Kind::File {
                    size: text.len(),
                    content: Some(text),
                },
            );
            IgnoreFile::Symlink(target)
        }
        _ => IgnoreFile::Text(gen_dockerignore(&mut rng, &cx, &mut notes)),
    };
    Case {
        index,
        seed,
        entries: t.entries,
        ignore,
        flag,
        notes,
    }
}

// ============================================================================
// Unit tests of the harness pieces (no docker needed)
// ============================================================================

#[test]
fn differential_tar_reader_handles_ustar_prefix_and_pax() {
    fn header(name: &[u8], prefix: &[u8], typeflag: u8, size: u64) -> Vec<u8> {
        let mut h = vec![0u8; 512];
        h[..name.len()].copy_from_slice(name);
        h[100..107].copy_from_slice(b"0000644");
        h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
        h[156] = typeflag;
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[345..345 + prefix.len()].copy_from_slice(prefix);
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| b as u32).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        h
    }
    let mut tar = Vec::new();
    tar.extend(header(b"b", b"a", b'0', 3));
    tar.extend(b"xyz");
    tar.extend([0u8; 509]);
    let rec = "16 path=d\u{e9}j\u{e0}/\n".as_bytes().to_vec();
    let rec_len = rec.len() as u64;
    assert_eq!(rec_len, 16);
    tar.extend(header(b"PaxHeaders/x", b"", b'x', rec_len));
    let mut body = rec.clone();
    body.resize(512, 0);
    tar.extend(body);
    tar.extend(header(b"dummy/", b"", b'5', 0));
    tar.extend([0u8; 1024]);
    let entries = parse_tar(&tar).expect("valid tar");
    let names: Vec<&[u8]> = entries.iter().map(|e| e.name.as_slice()).collect();
    assert_eq!(names, [b"a/b".as_slice(), "déjà/".as_bytes()]);
    assert_eq!(entries[0].size, 3);
    assert!(entries[1].pax);
    assert!(parse_tar(&tar[..tar.len() - 512]).is_err());
}

#[test]
fn differential_generator_is_deterministic() {
    let a = generate_case(7, case_seed(DEFAULT_SEED, 7));
    let b = generate_case(7, case_seed(DEFAULT_SEED, 7));
    assert_eq!(format!("{:?}", a.entries), format!("{:?}", b.entries));
    assert_eq!(a.ignore_text(), b.ignore_text());
    assert_eq!(percent_decode("a%20b+c%7B"), b"a b c{");
    assert_eq!(
        build_key("t=x&buildargs=%7B%22CTXSIZE_CASE%22%3A%22case-3%22%7D"),
        "case-3"
    );
}
