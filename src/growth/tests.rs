use super::*;
use crate::commands::{run, Command as Cmd};
use crate::pipeline::Options;
use crate::render::Format;
use crate::testutil::git;
use crate::walk::Builder;

fn write(dir: &Path, p: &str, n: usize) {
    let f = dir.join(p);
    std::fs::create_dir_all(f.parent().unwrap()).unwrap();
    std::fs::write(f, vec![b'x'; n]).unwrap();
}

/// Commit 1: Dockerfile, .dockerignore (`.git`), src/a.js (100 B), src/old.js (40 B).
/// Commit 2: src/a.js 250 B, src/old.js removed, assets/big.bin 5,000 B, .env added.
fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    std::fs::write(d.path().join("Dockerfile"), "FROM node\nCOPY . .\n").unwrap();
    std::fs::write(d.path().join(".dockerignore"), ".git\n").unwrap();
    write(d.path(), "src/a.js", 100);
    write(d.path(), "src/old.js", 40);
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-q", "-m", "one"]);
    write(d.path(), "src/a.js", 250);
    std::fs::remove_file(d.path().join("src/old.js")).unwrap();
    write(d.path(), "assets/big.bin", 5000);
    std::fs::write(d.path().join(".env"), "TOKEN=1\n").unwrap();
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-q", "-m", "two"]);
    d
}

fn diff(dir: &Path, base: &str, max: Option<u64>) -> (i32, String, String) {
    let cmd = Cmd::Diff {
        config: crate::testutil::config(dir, Builder::Buildkit, 1),
        base: base.into(),
        max_growth: max,
        format: Format::Json,
        options: Options::default(),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&cmd, &mut out, &mut err).unwrap();
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn diff_against_a_revision_on_a_generated_repository() {
    let d = repo();
    let (code, out, _) = diff(d.path(), "HEAD~1", None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Sent at HEAD~1: Dockerfile (19), .dockerignore (5), src/a.js (100), src/old.js (40).
    assert_eq!(v["base_files"], 4);
    assert_eq!(v["base_content_bytes"], 164);
    // Now: Dockerfile, .dockerignore, src/a.js (250), assets/big.bin (5000), .env (8).
    assert_eq!(v["files"], 5);
    assert_eq!(v["content_bytes"], 19 + 5 + 250 + 5000 + 8);
    assert_eq!(v["growth_bytes"], 5282 - 164);
    let paths = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(paths("added"), ["assets/big.bin", ".env"]);
    assert_eq!(paths("removed"), ["src/old.js"]);
    assert_eq!(paths("grew"), ["src/a.js"]);
    let dirs: Vec<(String, i64)> = v["dirs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["path"].as_str().unwrap().to_string(),
                x["delta_bytes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dirs,
        [
            ("assets/".to_string(), 5000),
            ("src/".to_string(), 110),
            ("(files at the root)".to_string(), 8)
        ]
    );
    let new: Vec<&str> = v["new_findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(new.iter().any(|f| f.starts_with("CTX101 .env")), "{new:?}");
    // The working tree is untouched: src/old.js is still gone, nothing left behind.
    assert!(!d.path().join("src/old.js").exists());
    // The same revision: no growth.
    let (_, out, _) = diff(d.path(), "HEAD", None);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["growth_bytes"], 0);
    assert_eq!(v["added"].as_array().unwrap().len(), 0);
}

#[test]
fn max_growth_exit_codes() {
    let d = repo();
    let (code, _, err) = diff(d.path(), "HEAD~1", Some(5000));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("gate max-growth: FAILED"), "{err}");
    // Exactly the growth passes.
    let (code, _, err) = diff(d.path(), "HEAD~1", Some(5118));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("passed"), "{err}");
    let (code, _, _) = diff(d.path(), "HEAD~1", Some(5117));
    assert_eq!(code, 1);
}

#[test]
fn an_unknown_revision_or_no_repository_is_an_error() {
    let d = repo();
    let cmd = |dir: &Path, base: &str| Cmd::Diff {
        config: crate::testutil::config(dir, Builder::Buildkit, 1),
        base: base.into(),
        max_growth: None,
        format: Format::Human,
        options: Options::default(),
    };
    let (mut o, mut e) = (Vec::new(), Vec::new());
    assert!(run(&cmd(d.path(), "no-such-rev"), &mut o, &mut e).is_err());
    let plain = crate::testutil::ctx(&["Dockerfile"], "", b"FROM scratch\n");
    assert!(run(&cmd(plain.path(), "HEAD"), &mut o, &mut e).is_err());
}

#[test]
fn a_context_in_a_subdirectory_is_read_from_its_own_tree() {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    std::fs::create_dir_all(d.path().join("app")).unwrap();
    std::fs::write(d.path().join("app/Dockerfile"), "FROM x\nCOPY . .\n").unwrap();
    write(d.path(), "app/a", 10);
    write(d.path(), "other/b", 1000);
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-q", "-m", "one"]);
    write(d.path(), "app/a", 30);
    let (_, out, _) = diff(&d.path().join("app"), "HEAD", None);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["base_files"], 2);
    assert_eq!(v["growth_bytes"], 20);
}

#[test]
fn depfile_lists_every_sent_file_escaped() {
    let d = crate::testutil::ctx(
        &["Dockerfile", "a b.txt", "d/$x", "skip.log"],
        "*.log\n",
        b"x",
    );
    let cmd = Cmd::List {
        config: crate::analysis::Config {
            context: d.path().to_path_buf(),
            ..crate::testutil::config(d.path(), Builder::Buildkit, 1)
        },
        null: false,
        depfile: Some("out/img.stamp".into()),
        named: None,
    };
    let (mut o, mut e) = (Vec::new(), Vec::new());
    assert_eq!(run(&cmd, &mut o, &mut e).unwrap(), 0);
    let root = d.path().display().to_string();
    let got = String::from_utf8(o).unwrap();
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines[0], "out/img.stamp: \\");
    assert_eq!(lines[1], format!("  {root}/Dockerfile \\"));
    assert_eq!(lines[2], format!("  {root}/.dockerignore \\"));
    assert!(
        lines.contains(&format!("  {root}/a\\ b.txt \\").as_str()),
        "{got}"
    );
    assert!(lines.contains(&format!("  {root}/d/$$x").as_str()), "{got}");
    assert!(!got.contains("skip.log"), "{got}");
    assert_eq!(
        lines.len(),
        5,
        "target, Dockerfile, .dockerignore, a b.txt, d/$x: {got}"
    );
}

/// The JSON report of `dir`, as `ctxsize --format json --top TOP DIR > base.json` saves it.
fn save_report(dir: &Path, top: usize, to: &Path) {
    let mut options = Options::default();
    options.report.top = top;
    options.report.depth = 2;
    let cmd = Cmd::Report {
        config: crate::testutil::config(dir, Builder::Buildkit, 1),
        format: Format::Json,
        options,
        ui: Default::default(),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run(&cmd, &mut out, &mut err).unwrap(), 0);
    std::fs::write(to, out).unwrap();
}

/// The generated repository's first commit, then its second, without git: the base is the
/// report saved at the first state.
fn saved_case(top: usize) -> (tempfile::TempDir, tempfile::TempDir) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("Dockerfile"), "FROM node\nCOPY . .\n").unwrap();
    write(d.path(), "src/a.js", 100);
    write(d.path(), "src/old.js", 40);
    let saved = tempfile::tempdir().unwrap();
    save_report(d.path(), top, &saved.path().join("base.json"));
    write(d.path(), "src/a.js", 250);
    std::fs::remove_file(d.path().join("src/old.js")).unwrap();
    write(d.path(), "assets/big.bin", 5000);
    std::fs::write(d.path().join(".env"), "TOKEN=1\n").unwrap();
    (d, saved)
}

#[test]
fn diff_against_a_saved_report() {
    let (d, saved) = saved_case(10);
    let base = saved.path().join("base.json");
    let (code, out, _) = diff(d.path(), base.to_str().unwrap(), None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["base_kind"], "report");
    // Base: Dockerfile (19), src/a.js (100), src/old.js (40). Now: Dockerfile, src/a.js (250),
    // assets/big.bin (5000), .env (8).
    assert_eq!(
        (v["base_files"].as_u64(), v["base_content_bytes"].as_u64()),
        (Some(3), Some(159))
    );
    assert_eq!(
        (v["files"].as_u64(), v["content_bytes"].as_u64()),
        (Some(4), Some(5277))
    );
    assert_eq!(v["growth_bytes"], 5277 - 159);
    // src/ is listed in the base (140 B in 2 files) and measured now (250 B in 1 file).
    let src = &v["dirs"][0];
    assert_eq!(src["path"], "src");
    assert_eq!(
        [
            &src["base_bytes"],
            &src["bytes"],
            &src["base_files"],
            &src["files"],
            &src["delta_bytes"]
        ],
        [140, 250, 2, 1, 110]
    );
    assert_eq!(v["dirs_not_in_base"][0]["path"], "assets");
    let files: Vec<(String, u64, Option<u64>)> = v["largest_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["base_bytes"].as_u64().unwrap(),
                f["bytes"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("src/a.js".to_string(), 100, Some(250)),
            ("src/old.js".to_string(), 40, None),
            ("Dockerfile".to_string(), 19, Some(19))
        ]
    );
    // The base listed all 3 files it sent: the two new ones are known to be added.
    assert_eq!(v["base_files_complete"], true);
    assert_eq!(v["files_not_in_base"].as_array().unwrap().len(), 2);
    assert!(v["new_findings"][0]
        .as_str()
        .unwrap()
        .starts_with("CTX101 .env"));
    let not_shown: Vec<&str> = v["not_shown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        !not_shown
            .iter()
            .any(|n| n.contains("outside the base report's")),
        "{not_shown:?}"
    );
    assert!(
        not_shown.iter().any(|n| n.contains("git revision")),
        "{not_shown:?}"
    );
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn a_truncated_saved_report_says_what_it_cannot_show() {
    let (d, saved) = saved_case(1);
    let base = saved.path().join("base.json");
    let cmd = Cmd::Diff {
        config: crate::testutil::config(d.path(), Builder::Buildkit, 1),
        base: base.display().to_string(),
        max_growth: None,
        format: Format::Human,
        options: Options::default(),
    };
    let (mut o, mut e) = (Vec::new(), Vec::new());
    assert_eq!(run(&cmd, &mut o, &mut e).unwrap(), 0);
    let out = String::from_utf8(o).unwrap();
    // The base listed src/a.js only (its --top 1).
    assert!(out.contains("src/a.js  100 B → 250 B"), "{out}");
    assert!(
        out.contains("outside the base report's 1 largest files (of 3 sent)"),
        "{out}"
    );
    assert!(
        out.contains("assets/big.bin  5 kB now; not in the base report's list: added, or smaller than 100 B at the base"),
        "{out}"
    );
    assert!(!out.contains("src/old.js"), "{out}");
}

#[test]
fn max_growth_against_a_saved_report() {
    let (d, saved) = saved_case(10);
    let base = saved.path().join("base.json");
    let base = base.to_str().unwrap();
    let (code, _, err) = diff(d.path(), base, Some(5118));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("gate max-growth: passed (+5.12 kB since"),
        "{err}"
    );
    let (code, _, err) = diff(d.path(), base, Some(5117));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("gate max-growth: FAILED: the context grew by 5.12 kB (5,118 bytes)"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_report_is_an_error() {
    let (d, saved) = saved_case(10);
    for (name, text) in [
        ("notes.txt", "hello\n"),
        ("compose.json", "{\"contexts\": []}\n"),
    ] {
        let p = saved.path().join(name);
        std::fs::write(&p, text).unwrap();
        let cmd = Cmd::Diff {
            config: crate::testutil::config(d.path(), Builder::Buildkit, 1),
            base: p.display().to_string(),
            max_growth: None,
            format: Format::Json,
            options: Options::default(),
        };
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let err = run(&cmd, &mut o, &mut e).unwrap_err().to_string();
        assert!(err.contains("not a"), "{err}");
        assert!(o.is_empty());
    }
    // A classic-builder base is compared, with a warning.
    let p = saved.path().join("base.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    v["builder"] = "classic".into();
    std::fs::write(&p, v.to_string()).unwrap();
    let (_, out, _) = diff(d.path(), p.to_str().unwrap(), None);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["warnings"][0]
        .as_str()
        .unwrap()
        .contains("--builder classic"));
}

/// A tracked `logs/` (only a `.gitkeep`) is not a finding in the working tree (tracked on
/// purpose); the base, unpacked from the revision without its repository, is judged the same
/// way: diffing a clean checkout against its own HEAD shows no new or gone findings.
#[test]
fn the_base_is_judged_as_tracked_like_the_working_tree() {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    std::fs::write(d.path().join("Dockerfile"), "FROM node\nCOPY . .\n").unwrap();
    std::fs::write(d.path().join(".dockerignore"), ".git\n").unwrap();
    write(d.path(), "logs/.gitkeep", 0);
    write(d.path(), "build/out.js", 10);
    write(d.path(), "src/a.js", 10);
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-q", "-m", "one"]);
    let (code, out, _) = diff(d.path(), "HEAD", None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["new_findings"], serde_json::json!([]), "{v:#}");
    assert_eq!(v["gone_findings"], serde_json::json!([]), "{v:#}");
}
