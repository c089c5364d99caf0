//! The walk without kept-out sizes (`list`, `explain`, `--no-excluded-sizes`): what is sent is
//! byte for byte what the full walk (`CTXSIZE_FULL_WALK=1`) finds, on trees with exceptions,
//! `**` exceptions (B4: BuildKit then never prunes) and nested dependency directories.

use std::process::Output;

use crate::util::{ok_stdout, text, TestEnv};

fn tree() -> TestEnv {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM scratch\nCOPY node_modules /nm/\nCOPY src /src/\n",
    )
    .file("src/main.rs", "fn main() {}\n")
    .file("src/build/out.o", "0123456789")
    .file("src/pkg/node_modules/dep/index.js", "x")
    .file("node_modules/a/index.js", "aaaa")
    .file("node_modules/a/node_modules/b/index.js", "bbbbbbbb")
    .file("node_modules/keep/README.md", "keep")
    .file("target/debug/app", "1234567890123")
    .file(".git/HEAD", "ref: refs/heads/main\n")
    .file("docs/build/q.html", "q")
    .file("logs/a.log", "log");
    env
}

const IGNORES: &[&str] = &[
    "node_modules\ntarget\n.git\n",
    "node_modules\n!node_modules/keep\ntarget\n",
    "**/node_modules\n.git\n!src/pkg/node_modules/dep/index.js\n",
    "node_modules\n!**/README.md\ntarget\n",
    "*\n!src\n!Dockerfile\nsrc/build\n",
    "**/build\n!docs/**/q.html\nlogs\n",
    "node_modules\n!node_modules/*/index.js\n",
];

fn run_env(env: &TestEnv, full: Option<&str>, args: &[&str]) -> Output {
    let mut c = std::process::Command::new(crate::util::bin());
    c.args(args)
        .current_dir(env.ctx())
        .env_remove("DOCKER_BUILDKIT")
        .env("NO_COLOR", "1");
    match full {
        Some(v) => c.env("CTXSIZE_FULL_WALK", v),
        None => c.env_remove("CTXSIZE_FULL_WALK"),
    };
    c.output().expect("run ctxsize")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&ok_stdout(o)).expect("json")
}

#[test]
fn list_is_byte_identical_with_and_without_the_full_walk() {
    let env = tree();
    for ignore in IGNORES {
        env.dockerignore(ignore);
        for builder in ["buildkit", "classic"] {
            let args = ["list", "--builder", builder, "."];
            let pruned = ok_stdout(&run_env(&env, None, &args));
            let forced = ok_stdout(&run_env(&env, Some("0"), &args));
            let full = ok_stdout(&run_env(&env, Some("1"), &args));
            assert!(!full.is_empty());
            assert_eq!(text(&pruned), text(&full), "{builder}: {ignore:?}");
            assert_eq!(forced, full, "{builder}: {ignore:?}");
        }
    }
}

#[test]
fn the_report_without_excluded_sizes_keeps_every_sent_figure() {
    let env = tree();
    for ignore in IGNORES {
        env.dockerignore(ignore);
        for builder in ["buildkit", "classic"] {
            let base = ["--format", "json", "--builder", builder, "."];
            let full = json(&run_env(&env, None, &base));
            let mut args = base.to_vec();
            args.push("--no-excluded-sizes");
            let fast = json(&run_env(&env, None, &args));
            let forced = json(&run_env(&env, Some("1"), &args));
            assert_eq!(
                forced, full,
                "CTXSIZE_FULL_WALK=1 wins: {builder} {ignore:?}"
            );
            assert_eq!(full["excluded_measured"], true);
            let (mut a, mut b) = (full.clone(), fast.clone());
            for k in ["excluded_files", "excluded_bytes", "excluded_measured"] {
                a.as_object_mut().unwrap().remove(k);
                b.as_object_mut().unwrap().remove(k);
            }
            // Sent totals, tar size, transfer set, Dockerfile checks (with their file counts),
            // findings: all equal.
            assert_eq!(a, b, "{builder}: {ignore:?}");
            let measured = fast["excluded_measured"].as_bool().unwrap();
            let (ff, fb) = (
                full["excluded_files"].as_u64().unwrap(),
                full["excluded_bytes"].as_u64().unwrap(),
            );
            let (gf, gb) = (
                fast["excluded_files"].as_u64().unwrap(),
                fast["excluded_bytes"].as_u64().unwrap(),
            );
            if measured {
                assert_eq!((gf, gb), (ff, fb), "{builder}: {ignore:?}");
            } else {
                // Only what was met is counted, never more than there is.
                assert!(
                    gf <= ff && gb <= fb && (gf, gb) != (ff, fb),
                    "{builder}: {ignore:?}"
                );
            }
        }
    }
    // node_modules, target and .git excluded without exceptions: not opened.
    env.dockerignore(IGNORES[0]);
    let fast = json(&run_env(
        &env,
        None,
        &["--format", "json", "--no-excluded-sizes", "."],
    ));
    assert_eq!(fast["excluded_measured"], false);
    assert_eq!(fast["excluded_files"], 0);
    let human = ok_stdout(&run_env(
        &env,
        None,
        &["--no-excluded-sizes", "--color", "never", "."],
    ));
    assert!(
        text(&human).contains("Kept out  not measured"),
        "{}",
        text(&human)
    );
}

#[test]
fn the_config_key_turns_the_sizes_off_and_gates_still_hold() {
    let env = tree();
    env.dockerignore(IGNORES[0]);
    env.file(".ctxsize.toml", "excluded_sizes = false\n");
    let o = run_env(&env, None, &["--format", "json", "."]);
    assert_eq!(json(&o)["excluded_measured"], false);
    let o = run_env(&env, Some("1"), &["--format", "json", "."]);
    assert_eq!(json(&o)["excluded_measured"], true);
    // A gate that fails fails the same way in both modes.
    for full in ["0", "1"] {
        let o = run_env(
            &env,
            Some(full),
            &["--quiet", "--budget", "10B", "--no-excluded-sizes", "."],
        );
        assert_eq!(o.status.code(), Some(1), "{full}: {}", text(&o.stderr));
    }
}
