//! The content scan's cache (src/findings/cache.rs) seen from the command line: a second run
//! reuses what the first found and prints the same report; a file rewritten behind the cache's
//! back, with its size and modification time put back, is read again (its change time moved);
//! `--no-scan-cache` agrees. And `--gates-only`: the gates' lines, no report.

use std::process::{Command, Output};

use crate::util::{bin, text, TestEnv};

fn run(env: &TestEnv, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(env.ctx())
        .env("XDG_CACHE_HOME", env.tmp().join("cache"))
        .env_remove("DOCKER_BUILDKIT")
        .output()
        .expect("run ctxsize")
}

fn secrets(o: &Output) -> Vec<(String, String, u64)> {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let mut out: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "secret")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    out.sort();
    out
}

/// Rewrites a file with `text` (same length), then puts its modification time back.
fn rewrite_keeping_mtime(env: &TestEnv, rel: &str, text: &str) {
    let p = env.path(rel);
    let before = std::fs::metadata(&p).unwrap();
    assert_eq!(before.len(), text.len() as u64, "same size");
    std::fs::write(&p, text).unwrap();
    let f = std::fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(before.modified().unwrap()).unwrap();
    drop(f);
    let after = std::fs::metadata(&p).unwrap();
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
    assert_eq!(after.len(), before.len());
}

/// Sleeps until every file written so far is older than the walk's two-second settle time.
fn wait_until_settled() {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
    };
    let until = now().floor() + 3.05;
    while now() < until {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

// The fake tokens are assembled at run time so that this file itself holds none
// (the repository's own build context is checked for secrets in CI).
fn aws() -> String {
    ["const key = \"", "AKIA", "Q3EGRTXQWPLMZK7R\";\n"].concat()
}
const CLEAN: &str = "const key = \"not-a-key-at-all-000\";\n";
fn token() -> String {
    ["// ", "ghp_", "Zq8wX2mN4vB7cK1pL9sD3fG6hJ0tY5rE8uI2\n"].concat()
}

#[test]
fn a_second_run_reuses_the_scan_and_sees_every_change() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n");
    for i in 0..1100 {
        env.file(
            format!("src/m{}/f{i}.ts", i % 10),
            format!("export const x{i} = {i};\n"),
        );
    }
    env.file("src/secret.ts", format!("// config\n{}", aws()));
    let padded = format!("//{}\n", ".".repeat(token().len() - 3));
    env.file("src/m7/later.ts", &padded);
    let args = ["--format", "json", "."];
    let first = secrets(&run(&env, &args));
    assert_eq!(first, vec![("CTX151".into(), "src/secret.ts".into(), 2)]);
    // Files changed in the two seconds before a walk get no fingerprint and are not stored:
    // wait them out, then the second run stores every file and the third reuses them.
    wait_until_settled();
    let second = run(&env, &args);
    assert_eq!(secrets(&second), first);
    let cached: Vec<_> = std::fs::read_dir(env.tmp().join("cache/ctxsize/scan"))
        .expect("the cache directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".bin"))
        .collect();
    assert_eq!(cached.len(), 1);
    assert!(
        cached[0].metadata().unwrap().len() >= 1100 * 19,
        "one entry per file"
    );
    let third = run(&env, &args);
    assert_eq!(
        third.stdout, second.stdout,
        "the same report from the cache"
    );
    // The cache holds no content: neither the key nor any of its characters' runs.
    let bytes = std::fs::read(cached[0].path()).unwrap();
    assert!(!bytes.windows(8).any(|w| w == b"AKIAQ3EG"));

    // Same size, same modification time, new content: read again.
    rewrite_keeping_mtime(&env, "src/secret.ts", &format!("// config\n{CLEAN}"));
    rewrite_keeping_mtime(&env, "src/m7/later.ts", &token());
    wait_until_settled();
    let after = secrets(&run(&env, &args));
    assert_eq!(after, vec![("CTX152".into(), "src/m7/later.ts".into(), 1)]);
    let fresh = secrets(&run(&env, &["--format", "json", "--no-scan-cache", "."]));
    assert_eq!(fresh, after);
}

#[test]
fn gates_only_prints_the_gates_and_needs_one() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n");
    env.file("src/secret.ts", aws());
    env.sized("big.bin", 5000);
    let o = run(&env, &["--gates-only", "--budget", "1MB", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "no report: {}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("check passed: budget"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&env, &["--gates-only", "--budget", "1kB", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("budget exceeded"),
        "{}",
        text(&o.stderr)
    );
    // A finding gate computes the findings, content scan included.
    let o = run(&env, &["--gates-only", "--fail-on", "secret", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("src/secret.ts"),
        "{}",
        text(&o.stderr)
    );
    // From the config file too.
    env.file(".ctxsize.toml", "fail_on = \"secret\"\n");
    let o = run(&env, &["--gates-only", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    std::fs::remove_file(env.path(".ctxsize.toml")).unwrap();
    // Nothing to check: an error, not a silent pass.
    let o = run(&env, &["--gates-only", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no gate is set"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&env, &["--gates-only", "--budget", "1MB", "list", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}
