//! CI gates, exit codes and messages; `explain` against the verified edge cases; `lint`;
//! SARIF (validated against the SARIF 2.1.0 schema), GitHub annotations; compose; completions
//! and the man page.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ctxsize::analysis::{analyze, list_lines, Config};
use ctxsize::explain::{explain, Explainer, Reason};
use ctxsize::Builder;

use super::util::{bin, skip};

fn ctx(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (p, content) in files {
        let p = d.path().join(p);
        if p.to_string_lossy().ends_with('/') {
            std::fs::create_dir_all(&p).unwrap();
        } else {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, content).unwrap();
        }
    }
    d
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A context whose sent content is exactly 1000 bytes in 3 files (Dockerfile 13 + a 900 + .dockerignore 87).
fn sized() -> tempfile::TempDir {
    let ign = format!("{}\n", "#".repeat(86));
    let d = ctx(&[
        ("Dockerfile", "FROM scratch\n"),
        ("a", &"x".repeat(900)),
        (".dockerignore", &ign),
    ]);
    let o = run(d.path(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["content_bytes"], 1000);
    assert_eq!(v["files"], 3);
    d
}

#[test]
fn budget_exactly_at_limit_passes() {
    let d = sized();
    for b in ["1000", "1k", "1kB", "1000B"] {
        let o = run(d.path(), &["--budget", b]);
        assert_eq!(o.status.code(), Some(0), "{b}: {}", err(&o));
        assert!(err(&o).contains("check passed: budget"), "{}", err(&o));
    }
}

#[test]
fn budget_over_by_one_fails_with_one_line() {
    let d = sized();
    let o = run(d.path(), &["--budget", "999"]);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 1, "{e}");
    assert!(lines[0].starts_with("check failed: budget exceeded: sent content is 1 kB (1000 bytes), 1 B over the budget of 999 B (999 bytes)"), "{e}");
    // The report still goes to stdout.
    assert!(!out(&o).is_empty());
}

#[test]
fn budget_on_tar_and_transfer() {
    let d = sized();
    let o = run(d.path(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let tar = v["tar_bytes"].as_u64().unwrap();
    let o = run(
        d.path(),
        &["--budget", &tar.to_string(), "--budget-on", "tar"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(
        d.path(),
        &["--budget", &(tar - 1).to_string(), "--budget-on", "tar"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("the context tar is"), "{}", err(&o));
    let o = run(d.path(), &["--budget", "1MB", "--budget-on", "transfer"]);
    if v.get("transfer_bytes").is_some() {
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    } else {
        assert_eq!(o.status.code(), Some(2));
        assert!(
            err(&o).contains("needs a Dockerfile analysis"),
            "{}",
            err(&o)
        );
    }
}

#[test]
fn bad_sizes_are_errors() {
    let d = sized();
    for b in ["12parsecs", "-1", "1.2.3", "", "k"] {
        let o = run(d.path(), &["--budget", b]);
        assert_eq!(o.status.code(), Some(2), "{b}");
        assert!(err(&o).contains("error:"), "{}", err(&o));
    }
}

#[test]
fn max_files_and_max_file_size() {
    let d = sized();
    assert_eq!(run(d.path(), &["--max-files", "3"]).status.code(), Some(0));
    let o = run(d.path(), &["--max-files", "2"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("too many files: 3 files sent, 1 over the limit of 2"),
        "{}",
        err(&o)
    );
    assert_eq!(
        run(d.path(), &["--max-file-size", "900"]).status.code(),
        Some(0)
    );
    let o = run(d.path(), &["--max-file-size", "899"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("file too large: a is 900 B (900 bytes), 1 B over the limit of 899 B"),
        "{}",
        err(&o)
    );
}

fn leaky() -> tempfile::TempDir {
    ctx(&[
        ("Dockerfile", "FROM scratch\n"),
        (".env", "A=1\n"),
        ("src/main.rs", "fn main() {}\n"),
    ])
}

fn findings_of(dir: &Path) -> Vec<serde_json::Value> {
    let o = run(dir, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn fail_on_severity_and_category() {
    let d = leaky();
    let f = findings_of(d.path());
    let Some(secret) = f.iter().find(|x| x["category"] == "secret") else {
        skip(
            "fail_on_severity_and_category",
            "no secret rule fired on .env yet",
        );
        return;
    };
    let rule = secret["rule"].as_str().unwrap().to_string();
    let o = run(d.path(), &["--fail-on", "secret"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains(&format!("of category secret: {rule} .env")),
        "{}",
        err(&o)
    );
    let o = run(d.path(), &["--fail-on", "info"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(d.path(), &["--fail-on", "media-archive"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(d.path(), &["--fail-on", "secret", "--warn-only"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(err(&o).contains("warning:"), "{}", err(&o));
    let o = run(d.path(), &["--fail-on", "loud"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn config_file_budget_baseline_and_override() {
    let d = sized();
    std::fs::write(d.path().join(".ctxsize.toml"), "budget = \"999\"\n").unwrap();
    let o = run(d.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("over the budget of 999 B"), "{}", err(&o));
    // Flags override the file.
    let o = run(d.path(), &["--budget", "1MB"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    std::fs::write(
        d.path().join(".ctxsize.toml"),
        "budget = \"999\"\nwarn_only = true\n",
    )
    .unwrap();
    assert_eq!(run(d.path(), &[]).status.code(), Some(0));
    // Unknown keys are errors naming the key.
    std::fs::write(d.path().join(".ctxsize.toml"), "budgett = \"1k\"\n").unwrap();
    let o = run(d.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("budgett"), "{}", err(&o));
    // --config elsewhere.
    let other = tempfile::tempdir().unwrap();
    let cfg = other.path().join("ci.toml");
    std::fs::write(&cfg, "max_files = 3\n").unwrap();
    let o = run(d.path(), &["--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("too many files"), "{}", err(&o));
    let o = run(d.path(), &["--config", "/nonexistent/x.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn config_file_rules_and_baseline() {
    let d = leaky();
    let f = findings_of(d.path());
    let Some(secret) = f.iter().find(|x| x["category"] == "secret").cloned() else {
        skip(
            "config_file_rules_and_baseline",
            "no secret rule fired on .env yet",
        );
        return;
    };
    let rule = secret["rule"].as_str().unwrap();
    std::fs::write(
        d.path().join(".ctxsize.toml"),
        format!("fail_on = \"secret\"\n[[baseline]]\nrule = \"{rule}\"\npath = \".env\"\nreason = \"test\"\n"),
    )
    .unwrap();
    let o = run(d.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["rule"] != rule));
    std::fs::write(
        d.path().join(".ctxsize.toml"),
        format!("fail_on = \"high\"\n[rules]\n{rule} = \"low\"\n"),
    )
    .unwrap();
    let o = run(d.path(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let x = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == rule)
        .unwrap();
    assert_eq!(x["severity"], "low");
    std::fs::write(
        d.path().join(".ctxsize.toml"),
        format!("[rules]\n{rule} = \"off\"\n"),
    )
    .unwrap();
    let o = run(d.path(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["rule"] != rule));
}

// ---------------------------------------------------------------------------------------------
// SARIF and GitHub output.

fn sarif_validator() -> jsonschema::Validator {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

pub(crate) fn assert_valid_sarif(v: &serde_json::Value) {
    let val = sarif_validator();
    let errors: Vec<String> = val
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}\n{v:#}");
}

#[test]
fn schema_rejects_invalid_sarif() {
    let val = sarif_validator();
    assert!(!val.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"tool": {}}]})));
    assert!(!val.is_valid(&serde_json::json!({"version": "9", "runs": []})));
}

#[test]
fn sarif_report_validates() {
    let d = leaky();
    std::fs::write(d.path().join(".dockerignore"), "*.log\n").unwrap();
    std::fs::write(d.path().join("sub.log"), "x").unwrap();
    let o = run(
        d.path(),
        &["--format", "sarif", "--budget", "1", "--max-files", "1"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&v);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "gate/budget"));
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        assert!(
            r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{r}"
        );
    }
    for r in results {
        let rid = r["ruleId"].as_str().unwrap();
        assert!(rules.iter().any(|x| x["id"] == rid), "{rid} has no rule");
    }
}

#[test]
fn sarif_uris_name_the_bytes_of_odd_file_names() {
    // A name with a backslash and one that is not UTF-8: the report string escapes them
    // (`\\`, `\xff`), the URI percent-encodes the bytes themselves.
    let d = ctx(&[("Dockerfile", "FROM scratch\nCOPY . /\n")]);
    let log = "x\n".repeat(10);
    std::fs::write(d.path().join("back\\slash.log"), &log).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"bad\xff.log");
        std::fs::write(d.path().join(name), &log).unwrap();
    }
    let o = run(d.path(), &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let uris: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(uris.iter().any(|u| u == "back%5Cslash.log"), "{uris:?}");
    assert!(!uris.iter().any(|u| u.contains("%5C%5C")), "{uris:?}");
    #[cfg(unix)]
    assert!(uris.iter().any(|u| u == "bad%FF.log"), "{uris:?}");
}

fn lint_fixture() -> tempfile::TempDir {
    ctx(&[
        ("Dockerfile", "FROM scratch\n"),
        ("a.log", "x"),
        ("logs/b.log", "x"),
        ("build", "x"),
        ("sub/keep.txt", "x"),
        ("sub/drop.txt", "x"),
        ("k.txt", "x"),
        ("nested/.dockerignore", "x\n"),
        (
            ".dockerignore",
            "*.log\nmissing\nbuild/\n  # not a comment\nfoo # trailing\n!k.txt\nk.txt\nsub\n!**/keep.txt\nDockerfile\n.dockerignore\n",
        ),
    ])
}

#[test]
fn sarif_lint_validates_with_lines() {
    let d = lint_fixture();
    let o = run(d.path(), &["lint", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid_sarif(&v);
    let results = v["runs"][0]["results"].as_array().unwrap();
    let di003 = results.iter().find(|r| r["ruleId"] == "DI003").unwrap();
    let loc = &di003["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], ".dockerignore");
    assert_eq!(loc["region"]["startLine"], 1);
}

#[test]
fn github_annotations_and_auto_format() {
    let d = lint_fixture();
    let o = Command::new(bin())
        .args(["lint"])
        .current_dir(d.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let s = out(&o);
    assert!(
        s.lines().any(|l| l.starts_with(
            "::warning file=.dockerignore,line=1,title=ctxsize DI003 root-only-pattern::"
        )),
        "{s}"
    );
    let d = sized();
    let o = Command::new(bin())
        .args(["--budget", "999"])
        .current_dir(d.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let s = out(&o);
    assert!(
        s.contains("::error file=.dockerignore,title=ctxsize budget::budget exceeded"),
        "{s}"
    );
    // An explicit format wins.
    let o = Command::new(bin())
        .args(["--format", "json"])
        .current_dir(d.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
}

// ---------------------------------------------------------------------------------------------
// lint.

#[test]
fn lint_flags_each_problem_with_ids_and_lines() {
    let d = lint_fixture();
    let o = run(
        d.path(),
        &["lint", "--builder", "classic", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(String, Option<u64>)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["line"].as_u64()))
        .collect();
    for (id, line) in [
        ("DI003", Some(1)),
        ("DI002", Some(2)),
        ("DI005", Some(3)),
        ("DI004", Some(4)),
        ("DI004", Some(5)),
        ("DI006", Some(6)),
        ("DI007", Some(9)),
        ("DI008", Some(10)),
        ("DI009", Some(11)),
        ("DI010", None),
        ("DI011", None),
    ] {
        assert!(
            got.contains(&(id.to_string(), line)),
            "{id}:{line:?} missing from {got:?}"
        );
    }
    let invalid = ctx(&[
        ("Dockerfile", "FROM scratch\n"),
        (".dockerignore", "a\n[abc\n"),
    ]);
    let o = run(invalid.path(), &["lint"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o).contains(".dockerignore:2: high DI001"),
        "{}",
        out(&o)
    );
}

#[test]
fn lint_is_silent_on_a_clean_file() {
    let d = ctx(&[
        ("Dockerfile", "FROM scratch\n"),
        ("src/main.rs", "x"),
        ("node_modules/x/y.js", "x"),
        ("logs/a.log", "x"),
        ("target/t", "x"),
        (".env", "x"),
        (".env.example", "x"),
        (
            ".dockerignore",
            "# deps and output\nnode_modules\ntarget\n**/*.log\n.env*\n!.env.example\n",
        ),
    ]);
    for b in ["buildkit", "classic"] {
        let o = run(d.path(), &["lint", "--builder", b]);
        assert_eq!(o.status.code(), Some(0), "{b}: {}", out(&o));
        assert!(out(&o).contains("no problems found"), "{}", out(&o));
    }
}

#[test]
fn lint_ignore_file_not_in_effect_buildkit() {
    let d = ctx(&[
        ("app.Dockerfile", "FROM scratch\n"),
        ("app.Dockerfile.dockerignore", "x\n"),
        ("x", "x"),
        (".dockerignore", "x\n"),
    ]);
    let o = run(
        d.path(),
        &["lint", "-f", "app.Dockerfile", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert!(
        f.iter()
            .any(|x| x["rule"] == "DI010" && x["path"] == ".dockerignore"),
        "{f:?}"
    );
    let o = run(
        d.path(),
        &[
            "lint",
            "-f",
            "app.Dockerfile",
            "--builder",
            "classic",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert!(
        f.iter()
            .any(|x| x["rule"] == "DI010" && x["path"] == "app.Dockerfile.dockerignore"),
        "{f:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// explain.

#[test]
fn explain_cli() {
    let d = ctx(&[
        ("Dockerfile", "FROM scratch\n"),
        ("sub/keep.txt", "x"),
        ("sub/drop.txt", "x"),
        (".dockerignore", "sub\n!**/keep.txt\n"),
    ]);
    let o = run(d.path(), &["explain", "sub/keep.txt", "sub/drop.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let s = out(&o);
    assert!(
        s.contains("BuildKit: SENT — re-included by .dockerignore:2: `!**/keep.txt`"),
        "{s}"
    );
    assert!(s.contains("classic builder: NOT SENT — sub is excluded by .dockerignore:1: `sub` and never walked into"), "{s}");
    assert!(s.contains("the two builders disagree"), "{s}");
    let o = run(d.path(), &["explain", "--format", "json", "sub/drop.txt"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["verdicts"][0]["deciding"]["line"], 1);
    assert_eq!(v[0]["verdicts"][0]["reason"], "excluded-by");
    let o = run(d.path(), &["explain", "../outside"]);
    assert_eq!(o.status.code(), Some(2));
}

struct EdgeCase {
    name: String,
    dockerfile: Option<String>,
    files: Vec<String>,
    ignore: Option<Vec<u8>>,
    expected: Option<Vec<String>>,
    skip: Option<&'static str>,
}

fn parse_edge_cases(text: &str) -> Vec<EdgeCase> {
    let mut cases = Vec::new();
    let mut cur: Option<EdgeCase> = None;
    let mut section = "";
    for line in text.lines() {
        if line.starts_with("SECTION") {
            break;
        }
        if let Some(rest) = line.strip_prefix("CASE ") {
            cases.extend(cur.take());
            cur = Some(EdgeCase {
                name: rest.to_string(),
                dockerfile: None,
                files: Vec::new(),
                ignore: None,
                expected: None,
                skip: None,
            });
            section = "";
            continue;
        }
        let Some(c) = cur.as_mut() else { continue };
        if let Some(a) = line.strip_prefix("args: ") {
            match a.strip_prefix("-f ") {
                Some(f) => c.dockerfile = Some(f.to_string()),
                None => c.skip = Some("args"),
            }
        } else if line.starts_with("setup:") {
            c.skip = Some("setup command");
        } else if line == "files:" {
            section = "files";
        } else if line == ".dockerignore:" {
            section = "ignore";
        } else if line.starts_with("expected included paths") {
            section = "expected";
            c.expected = Some(Vec::new());
        } else if line.starts_with("expected:") {
            section = "";
            c.skip = Some("error case");
        } else if let Some(item) = line.strip_prefix("  ") {
            match section {
                "files" => {
                    if item.contains('\\')
                        || item.contains("[mode")
                        || item.contains("[fifo]")
                        || item.contains("[sock]")
                        || item.contains("[chr]")
                    {
                        c.skip = Some("special file");
                    }
                    c.files.push(item.to_string());
                }
                "ignore" => {
                    if let Some(j) = item.strip_prefix("JSON: ") {
                        let s: String = serde_json::from_str(j).unwrap();
                        c.ignore = Some(s.into_bytes());
                    }
                }
                "expected" => {
                    let name = item.split("   [").next().unwrap().to_string();
                    if name.contains('\\') || name.contains("...(") {
                        c.skip = Some("escaped name");
                    }
                    c.expected.as_mut().unwrap().push(name);
                }
                _ => {}
            }
        } else {
            section = match line {
                l if l.starts_with("tar bytes")
                    || l.starts_with("why:")
                    || l.starts_with("CLI prints")
                    || l.starts_with("=====") =>
                {
                    ""
                }
                _ => section,
            };
        }
    }
    cases.extend(cur);
    cases
}

fn materialize(c: &EdgeCase, root: &Path) {
    for f in &c.files {
        let mut spec = f.clone();
        let mut size = None;
        let mut df = false;
        while spec.ends_with(']') {
            let Some(open) = spec.rfind(" [") else { break };
            let tok = spec[open + 2..spec.len() - 1].to_string();
            if let Some(n) = tok.strip_prefix("size=") {
                size = Some(n.parse::<usize>().unwrap());
            } else if tok == "content=df" {
                df = true;
            }
            spec.truncate(open);
        }
        if let Some((a, b)) = spec.split_once(" -> ") {
            let p = root.join(a);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(b, &p).unwrap();
        } else if let Some((a, b)) = spec.split_once(" => ") {
            let p = root.join(a);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::hard_link(root.join(b), &p).unwrap();
        } else if let Some(d) = spec.strip_suffix('/') {
            std::fs::create_dir_all(root.join(d)).unwrap();
        } else {
            let p = root.join(&spec);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            let base = spec.rsplit('/').next().unwrap();
            let content = if df || base == "Dockerfile" || base.ends_with(".Dockerfile") {
                b"FROM scratch\n".to_vec()
            } else if let Some(n) = size {
                vec![b'x'; n]
            } else {
                format!("{spec}\n").into_bytes()
            };
            std::fs::write(&p, content).unwrap();
        }
    }
    if let Some(i) = &c.ignore {
        std::fs::write(root.join(".dockerignore"), i).unwrap();
    }
}

fn all_entries(root: &Path) -> Vec<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .flatten()
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .as_os_str()
                .as_bytes()
                .to_vec()
        })
        .collect()
}

/// The ignore file's line `n` (1-based) as written, for checking the line explain names.
fn ignore_line(text: &[u8], n: usize) -> String {
    let mut lines = text.split(|&b| b == b'\n');
    let mut l = lines.nth(n - 1).unwrap_or_default().to_vec();
    if l.last() == Some(&b'\r') {
        l.pop();
    }
    if n == 1 && l.starts_with(&[0xEF, 0xBB, 0xBF]) {
        l.drain(..3);
    }
    String::from_utf8_lossy(&l).into_owned()
}

#[test]
fn explain_agrees_with_the_engine_on_every_edge_case() {
    let text = crate::edge_cases::read_spec();
    let cases = parse_edge_cases(&text);
    assert!(cases.len() >= 100, "parsed only {} cases", cases.len());
    let mut checked_cases = 0;
    let mut checked_paths = 0;
    let mut failures = Vec::new();
    for c in &cases {
        if let Some(why) = c.skip {
            skip(&c.name, why);
            continue;
        }
        let d = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(d.path()).unwrap();
        materialize(c, &root);
        let entries = all_entries(&root);
        let cfg = |b| Config {
            context: root.clone(),
            dockerfile: c.dockerfile.as_ref().map(PathBuf::from),
            builder: b,
            cwd: root.clone(),
            threads: 1,
            excluded_sizes: true,
            engine: ctxsize::engine::Engine::Docker,
        };
        let (Ok(classic), Ok(buildkit)) = (
            analyze(&cfg(Builder::Classic)),
            analyze(&cfg(Builder::Buildkit)),
        ) else {
            skip(&c.name, "an analysis fails");
            continue;
        };
        checked_cases += 1;
        let (ce, be) = (Explainer::new(&classic), Explainer::new(&buildkit));
        let expected: Option<BTreeSet<String>> = c.expected.as_ref().map(|v| {
            v.iter()
                .map(|s| s.trim_end_matches('/').to_string())
                .collect()
        });
        for path in &entries {
            checked_paths += 1;
            let e = explain(&ce, Some(&be), None, path);
            for (v, a) in e.verdicts.iter().zip([&classic, &buildkit]) {
                let sent_set: BTreeSet<Vec<u8>> = list_lines(&a.tree)
                    .into_iter()
                    .map(|mut l| {
                        if l.last() == Some(&b'/') {
                            l.pop();
                        }
                        l
                    })
                    .collect();
                let engine = sent_set.contains(path);
                let who = format!("{} {:?} {}", c.name, v.builder, e.path);
                if v.sent != Some(engine) {
                    failures.push(format!(
                        "{who}: explain says sent={:?}, the engine {engine}",
                        v.sent
                    ));
                    continue;
                }
                let ok = match (v.reason, &v.deciding) {
                    (Some(Reason::NotMatched), None) => engine,
                    (Some(Reason::IncludedBy), Some(l)) => engine && l.exception,
                    (Some(Reason::ExcludedBy), Some(l)) => !engine && !l.exception,
                    (Some(Reason::PrunedParent), _) => {
                        let at = v.pruned_at.clone().unwrap_or_default();
                        !engine
                            && path.starts_with(at.as_bytes())
                            && v.pruned_by.as_ref().is_some_and(|l| !l.exception)
                    }
                    (Some(Reason::ParentOfSent), Some(l)) => {
                        engine && !l.exception && v.builder == Builder::Buildkit
                    }
                    _ => false,
                };
                if !ok {
                    failures.push(format!(
                        "{who}: reason {:?} with deciding {:?} disagrees with sent={engine}",
                        v.reason, v.deciding
                    ));
                }
                for l in v
                    .deciding
                    .iter()
                    .chain(v.pruned_by.iter())
                    .chain(v.steps.iter().flat_map(|s| s.matched.iter()))
                {
                    if l.line > 0 {
                        let want = ignore_line(c.ignore.as_deref().unwrap_or_default(), l.line);
                        if want != l.text {
                            failures.push(format!(
                                "{who}: line {} is {want:?}, explain quotes {:?}",
                                l.line, l.text
                            ));
                        }
                    }
                }
                // The classic verdict is also docker's (the case file is real docker output).
                if v.builder == Builder::Classic {
                    if let Some(exp) = &expected {
                        let p = String::from_utf8_lossy(path).into_owned();
                        if exp.contains(&p) != engine {
                            failures.push(format!(
                                "{who}: docker {} it",
                                if exp.contains(&p) {
                                    "sends"
                                } else {
                                    "does not send"
                                }
                            ));
                        }
                    }
                }
            }
            let disagree = e.verdicts[0].sent != e.verdicts[1].sent;
            if disagree != e.builders_disagree {
                failures.push(format!("{} {}: builders_disagree wrong", c.name, e.path));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked_cases >= 60, "only {checked_cases} cases checked");
    eprintln!("explain: {checked_cases} cases, {checked_paths} paths checked");
}

// ---------------------------------------------------------------------------------------------
// compose, completions, man.

#[test]
fn compose_reports_each_context_once() {
    let d = ctx(&[
        ("api/Dockerfile", "FROM scratch\n"),
        ("api/main.go", &"x".repeat(100)),
        ("web/Dockerfile.dev", "FROM scratch\n"),
        ("web/index.html", &"y".repeat(50)),
        (
            "compose.yaml",
            "services:\n  api:\n    build: ./api\n  worker:\n    build:\n      context: api\n  web:\n    build:\n      context: ./web\n      dockerfile: Dockerfile.dev\n  db:\n    image: postgres\n",
        ),
    ]);
    let o = run(d.path(), &["--compose", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cs = v["contexts"].as_array().unwrap();
    assert_eq!(cs.len(), 2);
    assert_eq!(cs[0]["services"], serde_json::json!(["api", "worker"]));
    assert_eq!(cs[1]["services"], serde_json::json!(["web"]));
    assert_eq!(v["totals"]["contexts"], 2);
    assert_eq!(v["totals"]["content_bytes"], 100 + 13 + 50 + 13);
    // The gate applies to each context.
    let o = run(d.path(), &["--compose", "compose.yaml", "--budget", "100"]);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.contains("[api, worker]: check failed: budget exceeded"),
        "{e}"
    );
    assert!(e.contains("[web]: check passed: budget"), "{e}");
    let o = run(d.path(), &["--compose", "nope.yaml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn completions_and_man() {
    let d = tempfile::tempdir().unwrap();
    for sh in ["bash", "zsh", "fish"] {
        let o = run(d.path(), &["completions", sh]);
        assert_eq!(o.status.code(), Some(0));
        let s = out(&o);
        assert!(s.contains("ctxsize") && s.contains("budget"), "{sh}");
    }
    assert_eq!(
        run(d.path(), &["completions", "tcsh"]).status.code(),
        Some(2)
    );
    let o = run(d.path(), &["man"]);
    assert_eq!(o.status.code(), Some(0));
    let s = out(&o);
    assert!(
        s.starts_with(".ie") || s.contains(".TH ctxsize"),
        "{}",
        &s[..100.min(s.len())]
    );
    assert!(s.contains("budget"));
}
