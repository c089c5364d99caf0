//! The command layer's behaviour: checked output, Dockerfile checks as findings that gates see,
//! `lint`'s exit status, `-f -`, contexts without a root Dockerfile, `--target`/`--build-arg`,
//! escapes, the gates' wording, the man page, and `--compose` through the one pipeline.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::formats::run_in;
use crate::util::{bin, text, TestEnv};

fn run(env: &TestEnv, args: &[&str]) -> Output {
    run_in(env.ctx(), args)
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}): {} {}",
            text(&o.stdout),
            text(&o.stderr)
        )
    })
}

fn rules(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Runs with stdout on /dev/full.
fn to_dev_full(env: &TestEnv, args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    Command::new(bin())
        .args(args)
        .current_dir(env.ctx())
        .env_remove("GITHUB_ACTIONS")
        .stdout(full)
        .stdin(Stdio::null())
        .output()
        .expect("run")
}

#[test]
fn a_full_disk_is_an_error_for_every_command() {
    if !std::path::Path::new("/dev/full").exists() {
        crate::util::skip("a_full_disk_is_an_error_for_every_command", "no /dev/full");
        return;
    }
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY a.txt /\n")
        .file("a.txt", "a");
    for args in [
        vec!["."],
        vec!["--format", "json", "."],
        vec!["--format", "sarif", "."],
        vec!["--format", "github", "."],
        vec!["list", "."],
        vec!["lint", "."],
        vec!["explain", "a.txt"],
        vec!["suggest", "."],
        vec!["man"],
        vec!["completions", "bash"],
        // Help and version text is output too (clap's own exit ignored the failed write).
        vec!["--help"],
        vec!["-h"],
        vec!["lint", "--help"],
        vec!["help", "suggest"],
        vec!["--version"],
    ] {
        let o = to_dev_full(&env, &args);
        assert_eq!(code(&o), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("no space left on device"),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
}

#[test]
fn a_closed_pipe_is_quiet() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n");
    for i in 0..3000 {
        env.file(format!("d/f{i:04}"), "");
    }
    let mut child = Command::new(bin())
        .args(["list", "."])
        .current_dir(env.ctx())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read one line, then close the pipe (as `| head -1` does).
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 16];
    let _ = std::io::Read::read(&mut stdout, &mut one).unwrap();
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
}

#[test]
fn a_missing_copy_source_fails_fail_on_error() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch\nCOPY missing.txt /\nCOPY a.txt /\n",
    )
    .file("a.txt", "a");
    let o = run(&env, &["--fail-on", "error", "."]);
    assert_eq!(code(&o), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("DF002 Dockerfile:2"),
        "{}",
        text(&o.stderr)
    );
    // The finding is in the JSON, SARIF and GitHub output, on the Dockerfile's line.
    let v = json(&run(&env, &["--format", "json", "."]));
    assert!(rules(&v).contains(&("DF002".into(), "high".into())), "{v}");
    let s = json(&run(&env, &["--format", "sarif", "."]));
    let r = &s["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "DF002");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    let g = text(&run(&env, &["--format", "github", "."]).stdout);
    assert!(
        g.starts_with("::error file=Dockerfile,line=2,title=ctxsize DF002 missing-source::"),
        "{g}"
    );
    // An excluded source too; a healthy Dockerfile passes.
    env.dockerignore("a.txt\n");
    let o = run(&env, &["--fail-on", "error", "--format", "json", "."]);
    assert_eq!(code(&o), Some(1));
    assert!(rules(&json(&o)).contains(&("DF001".into(), "high".into())));
    env.dockerignore("")
        .file("Dockerfile", "FROM scratch\nCOPY a.txt /\n");
    let o = run(&env, &["--fail-on", "error", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
}

/// A missing source that git ignores is build output a step before the build writes (traefik's
/// `COPY ./dist/$TARGETPLATFORM/traefik`): a warning (medium), so `--fail-on error` passes a
/// healthy checkout; an empty wildcard, which BuildKit copies as nothing, is medium too. A
/// missing file git does not ignore stays an error.
#[test]
fn a_missing_source_git_ignores_is_a_warning() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch\nCOPY dist/app /\nCOPY *.tar.gz /\nCOPY a.txt /\n",
    )
    .file("a.txt", "a")
    .file(".gitignore", "dist/\n");
    let o = run(&env, &["--fail-on", "error", "--format", "json", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let df: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DF002")
        .collect();
    assert_eq!(df.len(), 2, "{v:#}");
    assert!(df.iter().all(|f| f["severity"] == "medium"), "{v:#}");
    assert!(
        df[0]["message"]
            .as_str()
            .unwrap()
            .contains("git ignores that path"),
        "{v:#}"
    );
    let o = run(&env, &["--fail-on", "medium", "."]);
    assert_eq!(code(&o), Some(1), "{}", text(&o.stderr));
    env.file(".gitignore", "");
    let o = run(&env, &["--fail-on", "error", "."]);
    assert_eq!(code(&o), Some(1), "{}", text(&o.stderr));
}

/// A Dockerfile goreleaser builds (a `dockers` entry of `.goreleaser.yml`) gets the binaries it
/// copies in goreleaser's own build directory: a missing `COPY app /usr/bin` is a warning there,
/// so `--fail-on error` passes a healthy checkout. Another Dockerfile beside it keeps the error.
#[test]
fn a_missing_source_of_a_dockerfile_goreleaser_builds_is_a_warning() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app /usr/bin/app\n")
        .file("Dockerfile.dev", "FROM alpine\nCOPY app /usr/bin/app\n")
        .file(
            ".goreleaser.yml",
            "builds:\n  - binary: app\ndockers:\n  - image_templates: [\"x/app:{{ .Tag }}\"]\n    use: buildx\n    goarch: amd64\n",
        );
    let o = run(&env, &["--fail-on", "error", "--format", "json", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let df: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DF002")
        .collect();
    assert_eq!(df.len(), 1, "{v:#}");
    assert_eq!(df[0]["severity"], "medium", "{v:#}");
    assert!(
        df[0]["message"].as_str().unwrap().contains("goreleaser"),
        "{v:#}"
    );
    let o = run(&env, &["-f", "Dockerfile.dev", "--fail-on", "error", "."]);
    assert_eq!(code(&o), Some(1), "{}", text(&o.stderr));
    // Named explicitly, with `./`.
    env.file(
        ".goreleaser.yml",
        "dockers:\n  - dockerfile: ./Dockerfile.dev\n",
    );
    let o = run(&env, &["-f", "Dockerfile.dev", "--fail-on", "error", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    let o = run(&env, &["--fail-on", "error", "."]);
    assert_eq!(code(&o), Some(1), "{}", text(&o.stderr));
}

#[test]
fn lint_passes_a_healthy_ignore_file() {
    let env = TestEnv::new();
    // Defensive lines that match nothing today are not problems.
    env.file("Dockerfile", "FROM scratch\nCOPY src /src\n")
        .file("src/main.go", "package main\n")
        .file("node_modules/x/y.js", "y")
        .dockerignore(".env\n.git\nnode_modules\n**/*.log\n.DS_Store\n");
    let o = run(&env, &["lint", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stdout));
    let v = json(&run(&env, &["lint", "--format", "json", "."]));
    let r = rules(&v);
    assert!(
        r.iter().all(|(id, sev)| id == "DI002" && sev == "info"),
        "{r:?}"
    );
    // `.env`, `.git`, `**/*.log`, `.DS_Store`: defensive, nothing to match yet.
    assert_eq!(r.len(), 4, "{r:?}");
    // The README's pre-commit hook passes.
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{b} lint && {b} --budget 200MB --fail-on secret >/dev/null",
            b = bin()
        ))
        .current_dir(env.ctx())
        .output()
        .unwrap();
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    // A root-only name that lets through only an ordinary file (a test compose file) is info;
    // the same pattern letting a secret through is a problem.
    env.dockerignore("docker-compose.yml\n")
        .file("docker-compose.yml", "services: {}\n")
        .file("e2e/docker-compose.yml", "services: {}\n");
    let o = run(&env, &["lint", "--format", "json", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stdout));
    assert!(rules(&json(&o)).contains(&("DI003".into(), "info".into())));
    env.dockerignore(".env\n").file("config/.env", "A=1\n");
    let o = run(&env, &["lint", "--format", "json", "."]);
    assert_eq!(code(&o), Some(1), "{}", text(&o.stdout));
    assert!(rules(&json(&o)).contains(&("DI003".into(), "medium".into())));
    // A problem that changes what is sent still fails.
    env.dockerignore("*.log\n").file("src/a.log", "l");
    assert_eq!(code(&run(&env, &["lint", "."])), Some(1));
}

#[test]
fn a_binary_ignore_file_makes_a_short_error() {
    let env = TestEnv::new();
    let mut junk = Vec::new();
    for i in 0..30_000u32 {
        junk.push((i.wrapping_mul(2_654_435_761) >> 13) as u8);
    }
    junk[5] = 0;
    env.file("Dockerfile", "FROM scratch\n").dockerignore(&junk);
    let o = run(&env, &["lint", "."]);
    assert_eq!(code(&o), Some(1));
    assert!(
        o.stdout.len() + o.stderr.len() < 2000,
        "{}",
        text(&o.stdout)
    );
    let o = run(&env, &["."]);
    assert!(
        o.stdout.len() + o.stderr.len() < 2000,
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn dockerfile_from_stdin() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY a.txt /\n")
        .file("a.txt", "a");
    let mut child = Command::new(bin())
        .args(["-f", "-", "--format", "json", "."])
        .current_dir(env.ctx())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"FROM x\nCOPY from-stdin.txt /\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    assert_eq!(v["dockerfile"], "-");
    let checks = v["dockerfile_checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 1, "{v}");
    assert_eq!(checks[0]["source"], "from-stdin.txt");
}

#[test]
fn no_root_dockerfile_still_reports_and_lists() {
    let env = TestEnv::new();
    env.file("a.txt", "a")
        .file("docker/api/Dockerfile", "FROM scratch\n")
        .file("web.Dockerfile", "FROM scratch\n");
    // `list` says what `docker build` sends: it fails without a Dockerfile (the conformance
    // data records docker's error), and names the Dockerfiles found.
    let o = run(&env, &["list", "."]);
    assert_eq!(code(&o), Some(2), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    assert!(
        text(&o.stderr).contains("docker/api/Dockerfile, web.Dockerfile"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&env, &["."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("docker/api/Dockerfile, web.Dockerfile"));
    let v = json(&run(&env, &["--format", "json", "."]));
    assert_eq!(v["files"], 3);
    assert!(v["dockerfile_checks"].is_null());
    // lint and explain too.
    let o = run(&env, &["lint", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    // lint checks the Dockerfile discovery serves (qa42), and the classic builder's
    // comparison builds it: no classic builder's lstat.
    let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(
        all.contains("checked against the 1 Dockerfile built with this context that discovery finds: web.Dockerfile"),
        "{all}"
    );
    assert!(!all.contains("builder comparison skipped"), "{all}");
    assert!(!all.contains("lstat"), "{all}");
    // suggest serves the Dockerfiles found that are built with this context (`web.Dockerfile`
    // at the root; not `docker/api/Dockerfile`, which copies nothing from one).
    let o = run(&env, &["suggest", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("serves    web.Dockerfile (found in the context)")
            && err.contains("no Dockerfile at the context root and none given")
            && err.contains("docker/api/Dockerfile (found in the context) not served"),
        "{err}"
    );
    // When none is served (only one that copies nothing), it fails as docker does and names
    // the Dockerfiles found, as list does.
    std::fs::remove_file(env.path("web.Dockerfile")).unwrap();
    let o = run(&env, &["suggest", "."]);
    assert_eq!(code(&o), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("Dockerfiles in the context: docker/api/Dockerfile"),
        "{}",
        text(&o.stderr)
    );
    env.file("web.Dockerfile", "FROM scratch\n");
    let o = run(&env, &["explain", "a.txt"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("BuildKit: SENT"),
        "{}",
        text(&o.stdout)
    );
    // Dockerfiles the ignore file keeps out (an allowlist) are named too, as kept out.
    env.dockerignore("*\n!a.txt\n");
    let o = run(&env, &["."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout)
            .contains("keeps out of the context: docker/api/Dockerfile, web.Dockerfile ("),
        "{}",
        text(&o.stdout)
    );
    env.dockerignore("*\n!a.txt\n!web.Dockerfile\n");
    let o = run(&env, &["."]);
    assert!(
        text(&o.stdout).contains("in the context: web.Dockerfile; kept out of it by the ignore file: docker/api/Dockerfile ("),
        "{}",
        text(&o.stdout)
    );
    std::fs::remove_file(env.ctx().join(".dockerignore")).expect("remove .dockerignore");
    // `-f X list`: list is the command, not the context.
    let o = run(&env, &["-f", "web.Dockerfile", "list"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "a.txt\ndocker/\ndocker/api/\ndocker/api/Dockerfile\nweb.Dockerfile\n"
    );
    // A missing -f names the path given.
    let o = run(&env, &["-f", "/nope/Dockerfile", "."]);
    assert_eq!(code(&o), Some(2));
    assert!(
        text(&o.stderr).contains("/nope/Dockerfile"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn target_and_build_args_on_the_report() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch AS base\nARG DIR\nCOPY ${DIR}/x /\nFROM scratch AS other\nCOPY nope /\n",
    )
    .file("real/x", "x");
    let v = json(&run(
        &env,
        &[
            "--format",
            "json",
            "--target",
            "base",
            "--build-arg",
            "DIR=real",
            ".",
        ],
    ));
    assert!(
        v["dockerfile_checks"].as_array().unwrap().is_empty(),
        "{}",
        v["dockerfile_checks"]
    );
    assert_eq!(v["transfer_files"], 1);
    // Without --target the last stage counts, and its missing source is a check.
    let v = json(&run(
        &env,
        &["--format", "json", "--build-arg", "DIR=real", "."],
    ));
    assert_eq!(v["dockerfile_checks"][0]["check"], "missing-source");
}

#[test]
fn control_bytes_are_escaped_in_the_readme_form() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY a\x1bb /\n");
    let o = run(&env, &["."]);
    let out = text(&o.stdout);
    assert!(out.contains("a\\x1bb"), "{out}");
    assert!(!out.contains("\\u{"), "{out}");
    assert!(!o.stdout.contains(&0x1b), "{out}");
}

#[test]
fn gate_wording() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .file("a", vec![b'a'; 100]);
    let o = run(&env, &["--budget", "0", "."]);
    assert_eq!(code(&o), Some(1));
    let e = text(&o.stderr);
    assert!(e.contains("over the budget of 0 bytes\n"), "{e}");
    assert!(!e.contains("))"), "{e}");
    let o = run(&env, &["--budget", "5MiB", "."]);
    assert_eq!(code(&o), Some(0));
    assert!(
        text(&o.stderr).contains("of 5 MiB (5242880 bytes)"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn headers_say_what_each_builder_sends() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . .\n")
        .file("a", "a");
    let bk = text(&run(&env, &["."]).stdout);
    assert!(!bk.contains("classic builder's tar"), "{bk}");
    assert!(bk.contains("sends the whole context"), "{bk}");
    let classic = text(&run(&env, &["--builder", "classic", "."]).stdout);
    assert!(!classic.contains("Transfer"), "{classic}");
    assert!(!classic.contains("whole context"), "{classic}");
    assert!(
        classic.contains("the tar the classic builder sends"),
        "{classic}"
    );
}

#[test]
fn usage_errors_for_options_that_do_not_apply() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n").file("a", "a");
    let o = run(&env, &["explain", "--format", "sarif", "a"]);
    assert_eq!(code(&o), Some(2));
    assert!(o.stdout.is_empty());
    for args in [
        vec!["man", "--fail-on", "high"],
        vec!["completions", "bash", "--budget", "1MB"],
    ] {
        let o = run(&env, &args);
        assert_eq!(code(&o), Some(2), "{args:?}");
        assert!(text(&o.stderr).contains("cannot be used with"), "{args:?}");
    }
}

#[test]
fn man_page_has_exit_status_and_no_missing_pages() {
    let env = TestEnv::new();
    let o = run(&env, &["man"]);
    assert_eq!(code(&o), Some(0));
    let m = text(&o.stdout);
    assert!(m.contains(".SH EXIT STATUS"), "{m}");
    assert!(!m.contains("ctxsize\\-list(1)"), "{m}");
    assert!(m.contains("ctxsize list"), "{m}");
    // Every environment variable the code reads, and the files, have their sections.
    for needle in [
        ".SH ENVIRONMENT",
        ".SH FILES",
        "NO_COLOR",
        "DOCKER_BUILDKIT",
        "CTXSIZE_FULL_WALK",
        "XDG_CACHE_HOME",
        ".ctxsize.toml",
        "<Dockerfile>.dockerignore",
    ] {
        assert!(m.contains(needle), "{needle}: {m}");
    }
}

/// A multi-stage build without `--target`: the transfer set covers every stage the build runs
/// (the builder stage's `COPY src`, the final stage's `COPY README.md`; the final stage copies the
/// rest `--from=builder`), not the last stage alone, and not a stage nothing uses (BuildKit skips
/// it). The JSON figures and the human `Transfer` line agree; `--target builder` counts that
/// stage only.
#[test]
fn multi_stage_transfer_covers_every_stage_the_build_runs() {
    let env = TestEnv::new();
    env.sized("src/a.bin", 5000)
        .sized("src/b.bin", 3000)
        .sized("docs/big.bin", 7000)
        .file("README.md", "x\n")
        .file(
            "Dockerfile",
            "FROM alpine AS builder\nCOPY src /src\nRUN ls /src\nFROM alpine AS docs\nCOPY docs /docs\nFROM alpine\nCOPY --from=builder /src /app\nCOPY README.md /app/\n",
        );
    let v = json(&run(&env, &["--format", "json", "."]));
    assert_eq!(v["transfer_files"], 3, "{v:#}");
    assert_eq!(v["transfer_bytes"], 8002, "{v:#}");
    let human = text(&run(&env, &["--color", "never", "."]).stdout);
    let line = human
        .lines()
        .find(|l| l.starts_with("Transfer"))
        .unwrap_or_else(|| panic!("{human}"));
    assert!(line.contains("8.00 kB in 3 files"), "{line}\n{human}");
    let v = json(&run(
        &env,
        &["--format", "json", "--target", "builder", "."],
    ));
    assert_eq!(v["transfer_files"], 2, "{v:#}");
    assert_eq!(v["transfer_bytes"], 8000, "{v:#}");
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&env, &["completions", shell]);
        assert_eq!(code(&o), Some(0), "{shell}");
        let c = text(&o.stdout);
        for sub in ["list", "suggest", "bake", "hash", "diff", "check-ci"] {
            assert!(c.contains(sub), "{shell}: no {sub}");
        }
    }
    // PowerShell's script registers an argument completer for ctxsize.
    let ps = text(&run(&env, &["completions", "powershell"]).stdout);
    assert!(ps.contains("Register-ArgumentCompleter"), "{ps}");
}

#[test]
fn sarif_messages_and_rule_help() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY src /src\n")
        .file("src/a.txt", "a")
        .file("src/.env", "TOKEN=x\n")
        .file("other/.env", "TOKEN=y\n");
    let s = json(&run(&env, &["--format", "sarif", "--no-gitignore", "."]));
    let run0 = &s["runs"][0];
    for r in run0["results"].as_array().unwrap() {
        let m = r["message"]["text"].as_str().unwrap();
        if let Some(i) = m.find("Fix:") {
            assert!(m[..i].ends_with(". "), "{m}");
        }
    }
    // Each rule's help comes from the catalog, not from one of its findings (no path in it).
    for rule in run0["tool"]["driver"]["rules"].as_array().unwrap() {
        let h = rule["help"]["text"].as_str().unwrap();
        assert!(!h.contains("src/.env") && !h.contains("other/.env"), "{h}");
    }
}

#[test]
fn compose_human_shows_a_shared_context_once() {
    // Two services build one directory with one ignore file: the second section says so
    // instead of printing the sizes and the tree again; a third service with its own context
    // gets the full report.
    let env = TestEnv::new();
    env.file(
        "compose.yaml",
        "services:\n  a:\n    build: ./app\n  b:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.b\n  c:\n    build: ./other\n",
    )
    .file("app/Dockerfile", "FROM scratch\nCOPY x /\n")
    .file("app/Dockerfile.b", "FROM scratch\nCOPY missing /\n")
    .file("app/x", vec![b'x'; 100])
    .file("app/debug.log", "log\n")
    .file("other/Dockerfile", "FROM scratch\nCOPY . /\n")
    .file("other/y", "y");
    let o = run(&env, &["--compose", "--no-gitignore"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    let sections: Vec<&str> = s.split("\n== ").collect();
    assert_eq!(sections.len(), 4, "{s}");
    let (a, b, c) = (sections[1], sections[2], sections[3]);
    assert!(
        a.starts_with("services: a") && a.contains("Where the bytes go"),
        "{a}"
    );
    assert!(a.contains("debug.log"), "{a}");
    // b: its own Dockerfile, transfer and checks; the context's sizes and findings by reference.
    assert!(b.starts_with("services: b"), "{b}");
    assert!(b.contains("Dockerfile.b"), "{b}");
    assert!(b.contains("the same context as services: a"), "{b}");
    assert!(!b.contains("Where the bytes go"), "{b}");
    assert!(
        b.contains("missing"),
        "the Dockerfile check is its own: {b}"
    );
    assert!(
        b.contains("Findings the same 1 finding as services: a"),
        "{b}"
    );
    // c: another directory, in full.
    assert!(
        c.starts_with("services: c") && c.contains("Where the bytes go"),
        "{c}"
    );
    assert!(!c.contains("the same context"), "{c}");
}

#[test]
fn compose_runs_the_same_pipeline() {
    let env = TestEnv::new();
    env.file(
        "compose.yaml",
        "services:\n  a:\n    build: ./app\n  b:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.b\n      additional_contexts:\n        - lib=./lib\n  c:\n    build: ./app\n",
    )
    .file("app/Dockerfile", "FROM scratch\nCOPY x /\n")
    .file("app/Dockerfile.b", "FROM scratch\nCOPY missing /\n")
    .file("app/x", vec![b'x'; 100])
    .file("app/big.bin", vec![b'b'; 5000])
    .file("lib/l.txt", "l");
    let o = run(&env, &["--compose", "--format", "json", "--large", "1k"]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let ctxs = v["contexts"].as_array().unwrap();
    assert_eq!(ctxs.len(), 3, "{v}");
    // Transfer set and Dockerfile checks for each service; --large honoured.
    let a = &ctxs[0];
    assert_eq!(a["services"], serde_json::json!(["a", "c"]));
    assert_eq!(a["report"]["transfer_bytes"], 100);
    assert!(rules(&a["report"]).iter().any(|(id, _)| id == "CTX800"));
    assert_eq!(
        ctxs[1]["report"]["dockerfile_checks"][0]["check"],
        "missing-source"
    );
    assert_eq!(ctxs[1]["additional_contexts"][0]["name"], "lib");
    assert_eq!(ctxs[2]["named_context"], "lib");
    // app/ once (shared by three services and two Dockerfiles), lib/ once.
    let app_files = a["report"]["files"].as_u64().unwrap();
    assert_eq!(v["totals"]["contexts"], 2);
    assert_eq!(v["totals"]["files"].as_u64().unwrap(), app_files + 1);
    // A service's target and args select the stages and values its checks use.
    env.file(
        "compose.yaml",
        "services:\n  t:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.t\n      target: ok\n      args:\n        SRC: x\n",
    )
    .file(
        "app/Dockerfile.t",
        "FROM scratch AS ok\nARG SRC\nCOPY ${SRC} /\nFROM scratch AS bad\nCOPY missing /\n",
    );
    let v = json(&run(&env, &["--compose", "--format", "json"]));
    let r = &v["contexts"][0]["report"];
    assert_eq!(r["dockerfile_checks"], serde_json::json!([]), "{r}");
    assert_eq!(r["transfer_files"], 1, "{r}");
    env.file(
        "compose.yaml",
        "services:\n  a:\n    build: ./app\n  b:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.b\n",
    );
    // The gates see the Dockerfile checks of every service.
    let o = run(&env, &["--compose", "--fail-on", "error"]);
    assert_eq!(code(&o), Some(1), "{}", text(&o.stderr));
}

/// `explain` takes a name that is not UTF-8 as its bytes (clap refused it as a `String`), and
/// shows it escaped.
#[cfg(unix)]
#[test]
fn explain_takes_a_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .file(b"bad\xffname.log", "x")
        .dockerignore("*.log\n");
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname.log");
    let o = env.run([std::ffi::OsStr::new("explain"), name]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("bad\\xffname.log\n"), "{out}");
    assert!(out.contains("NOT SENT"), "{out}");
}

/// A path in an error message keeps the message on one line: a newline or an ESC in a name is
/// escaped, as everywhere else in human output.
#[cfg(unix)]
#[test]
fn an_error_path_with_control_characters_is_escaped() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\n")
        .file("x\ny\x1b[2J", "not a directory");
    let o = run(&env, &["x\ny\x1b[2J"]);
    assert_eq!(code(&o), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.starts_with("error: unable to prepare context: context must be a directory: "),
        "{err}"
    );
    assert!(err.contains("x\\ny\\x1b[2J\n"), "{err}");
    assert!(!err.contains('\x1b'), "{err}");
    // The explain command's own messages too.
    let o = run(&env, &["explain", "/elsewhere/a\nb"]);
    assert_eq!(code(&o), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).starts_with("error: /elsewhere/a\\nb is outside the build context "),
        "{}",
        text(&o.stderr)
    );
}

/// Runs with a deadline: a run that waits on a FIFO fails the test instead of hanging it.
#[cfg(unix)]
fn run_within(env: &TestEnv, args: &[&str]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(env.ctx())
        .env("NO_COLOR", "1")
        .env("DOCKER_CONFIG", crate::util::docker_config())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("{args:?} still running after 20 s (reading a FIFO?)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// A FIFO (or a link to a device) where the build reads its ignore file or its Dockerfile is
/// not read: opening a FIFO waits for a writer forever, and `/dev/zero` never ends.
#[cfg(unix)]
#[test]
fn an_ignore_file_or_dockerfile_that_is_a_fifo_is_not_read() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY a.txt /\n")
        .file("a.txt", "a")
        .fifo(".dockerignore");
    for args in [
        vec!["--builder", "classic", "."],
        vec!["--engine", "podman", "."],
    ] {
        let o = run_within(&env, &args);
        assert_eq!(code(&o), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(".dockerignore: not a regular file"),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
    // lint compares with the classic builder: that comparison is skipped, with the reason.
    let o = run_within(&env, &["lint", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("not a regular file: builder comparison skipped"),
        "{}",
        text(&o.stdout)
    );
    // suggest neither: it proposes a file for the Dockerfile and says the classic check could
    // not read the current one.
    let o = run_within(&env, &["suggest", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("!a.txt"), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains(".dockerignore: not a regular file"),
        "{}",
        text(&o.stderr)
    );
    let env = TestEnv::new();
    env.file("a.txt", "a").fifo("Dockerfile");
    let o = run_within(&env, &["--builder", "classic", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("cannot read the Dockerfile")
            && text(&o.stdout).contains("not a regular file"),
        "{}",
        text(&o.stdout)
    );
    let o = run_within(&env, &["--format", "json", "."]);
    assert_eq!(code(&o), Some(0), "{}", text(&o.stderr));
    // The other files ctxsize reads on its own: the config file (an error, as for any unreadable
    // one), a CI file's name (not a CI file: skipped), a Compose project's .env, git's index.
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch
COPY a.txt /
",
    )
    .file("a.txt", "a")
    .file(
        "compose.yaml",
        "services:
  a:
    build: .
",
    )
    .fifo(".env")
    .fifo(".github/workflows/ci.yml")
    .fifo("Makefile")
    .git(&["init", "-q"]);
    std::fs::remove_file(env.path(".git/index")).ok();
    env.fifo(".git/index");
    for args in [
        vec!["check-ci", "."],
        vec!["--compose"],
        vec!["--churn-commits", "0", "."],
    ] {
        let o = run_within(&env, &args);
        assert_eq!(code(&o), Some(0), "{args:?}: {}", text(&o.stderr));
    }
    env.fifo(".ctxsize.toml");
    let o = run_within(&env, &["--churn-commits", "0", "."]);
    assert_eq!(code(&o), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains(".ctxsize.toml: not a regular file"),
        "{}",
        text(&o.stderr)
    );
}

/// A fix in words that quotes code itself is not wrapped in backticks again in GitHub and SARIF
/// messages (nested, they broke the code span: "Fix: `move … `RUN --mount=type=secret``").
#[test]
fn a_fix_in_words_is_not_put_in_backticks() {
    let env = TestEnv::new();
    let key = ["AK", "IA", "Q7ZP4MXR2LWN5TBV"].concat();
    env.file("Dockerfile", "FROM scratch\nCOPY app.py /\n")
        .file("app.py", format!("KEY = \"{key}\"\n"));
    let gh = text(&run(&env, &["--format", "github", "."]).stdout);
    let line = gh
        .lines()
        .find(|l| l.contains("CTX151"))
        .unwrap_or_else(|| panic!("{gh}"));
    assert!(
        line.contains("Fix: move the secret out of the file"),
        "{line}"
    );
    assert!(!line.contains("Fix: `move"), "{line}");
    assert!(!gh.contains(&key), "{gh}");
    let s = json(&run(&env, &["--format", "sarif", "."]));
    let msg = s["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("Fix: move the secret"), "{msg}");
    assert!(msg.ends_with("`RUN --mount=type=secret`"), "{msg}");
}
