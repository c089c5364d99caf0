use super::*;
use crate::pipeline::{build, DockerfileInput, Options};
use crate::testutil::git;
use crate::walk::Builder;

fn commit(dir: &Path, files: &[(&str, &str)], msg: &str) {
    for (p, c) in files {
        let f = dir.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, c).unwrap();
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", msg]);
}

const DF: &str =
    "FROM node\nCOPY package.json ./\nRUN npm ci\nCOPY src/ ./src/\nCOPY . .\nRUN npm run build\n";

/// A repository with a known history (oldest first):
/// 1. Dockerfile, package.json, src/a.js, README.md
/// 2. src/a.js
/// 3. src/a.js, src/b.js
/// 4. README.md
/// 5. package.json
fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    commit(
        d.path(),
        &[
            ("Dockerfile", DF),
            ("package.json", "{}"),
            ("src/a.js", "1"),
            ("README.md", "r"),
        ],
        "one",
    );
    commit(d.path(), &[("src/a.js", "2")], "two");
    commit(d.path(), &[("src/a.js", "3"), ("src/b.js", "b")], "three");
    commit(d.path(), &[("README.md", "r2")], "four");
    commit(d.path(), &[("package.json", "{\"a\":1}")], "five");
    d
}

fn churn_of(
    dir: &Path,
    n: Option<u64>,
    builder: Builder,
) -> (Vec<(usize, Option<u64>)>, Vec<String>) {
    let opts = Options {
        dockerfile: DockerfileInput {
            churn_commits: n,
            ..Default::default()
        },
        ..Default::default()
    };
    let r = build(&crate::testutil::config(dir, builder, 1), &opts, None)
        .unwrap()
        .report;
    let steps = r.layers.unwrap()[0]
        .steps
        .iter()
        .filter(|s| s.instruction == "COPY")
        .map(|s| (s.line, s.churn_commits))
        .collect();
    (steps, r.notes)
}

#[test]
fn commits_per_copy_on_a_known_history() {
    let d = repo();
    let (c, _) = churn_of(d.path(), None, Builder::Buildkit);
    // package.json: commits 1, 5; src/: 1, 2, 3; `COPY . .`: all five.
    assert_eq!(c, [(2, Some(2)), (4, Some(3)), (5, Some(5))]);
    let (c, _) = churn_of(d.path(), Some(2), Builder::Buildkit);
    // The last two commits: 4 (README.md) and 5 (package.json).
    assert_eq!(c, [(2, Some(1)), (4, Some(0)), (5, Some(2))]);
    let (c, _) = churn_of(d.path(), Some(0), Builder::Buildkit);
    assert_eq!(c, [(2, None), (4, None), (5, None)]);
}

#[test]
fn a_context_in_a_subdirectory_counts_its_own_paths() {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    commit(
        d.path(),
        &[
            ("app/Dockerfile", DF),
            ("app/package.json", "{}"),
            ("app/src/a.js", "1"),
            ("other/x", "1"),
        ],
        "one",
    );
    commit(d.path(), &[("other/x", "2")], "two");
    commit(d.path(), &[("app/src/a.js", "2")], "three");
    let (c, _) = churn_of(&d.path().join("app"), None, Builder::Buildkit);
    assert_eq!(c, [(2, Some(1)), (4, Some(2)), (5, Some(2))]);
}

#[test]
fn no_history_is_skipped_with_a_note_when_asked() {
    let d = crate::testutil::ctx(&["package.json", "src/a.js"], "", b"x");
    std::fs::write(d.path().join("Dockerfile"), DF).unwrap();
    let (c, notes) = churn_of(d.path(), Some(50), Builder::Buildkit);
    assert!(c.iter().all(|x| x.1.is_none()));
    assert!(
        notes.iter().any(|n| n.contains("churn skipped")),
        "{notes:?}"
    );
    let (_, notes) = churn_of(d.path(), None, Builder::Buildkit);
    assert!(!notes.iter().any(|n| n.contains("churn")), "{notes:?}");
}

#[test]
fn volatile_files_are_named_per_copy_with_the_layers_after() {
    let d = repo();
    std::fs::create_dir_all(d.path().join(".vscode")).unwrap();
    std::fs::write(d.path().join(".vscode/settings.json"), "{}").unwrap();
    std::fs::write(d.path().join("npm-debug.log"), "x").unwrap();
    // A `logs` module of source code is not a log (atuin: `src/logs/mod.rs`); a log beside it is.
    std::fs::create_dir_all(d.path().join("lib/logs")).unwrap();
    std::fs::write(d.path().join("lib/logs/mod.rs"), "pub fn f() {}\n").unwrap();
    std::fs::write(d.path().join("lib/logs/run.log"), "x").unwrap();
    // Nor is the placeholder that keeps a Laravel `storage/logs/` in git.
    std::fs::create_dir_all(d.path().join("storage/logs")).unwrap();
    std::fs::write(d.path().join("storage/logs/.gitignore"), "*\n!.gitignore\n").unwrap();
    let r = build(
        &crate::testutil::config(d.path(), Builder::Buildkit, 1),
        &Options::default(),
        None,
    )
    .unwrap()
    .report;
    let f: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == "DF011").collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].line, Some(5));
    assert_eq!(f[0].severity, "low", "no install after line 5");
    assert!(
        f[0].message.contains(".git/ (version-control state)"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message
            .contains(".vscode/ (IDE or language-server state), 1 file"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message.contains("npm-debug.log (logs), 1 file"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message.contains("lib/logs/ (logs), 1 file"),
        "{}",
        f[0].message
    );
    assert!(!f[0].message.contains("storage/logs"), "{}", f[0].message);
    assert!(
        f[0].message.contains("neither does the step after it"),
        "{}",
        f[0].message
    );
    assert!(
        !f[0].message.contains("Dockerfile"),
        "BuildKit: {}",
        f[0].message
    );
    // The classic builder sends the Dockerfile with the context.
    let r = build(
        &crate::testutil::config(d.path(), Builder::Classic, 1),
        &Options::default(),
        None,
    )
    .unwrap()
    .report;
    let f: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == "DF011").collect();
    assert!(
        f[0].message.contains("Dockerfile (the Dockerfile), 1 file"),
        "{}",
        f[0].message
    );
}

#[test]
fn an_install_after_a_volatile_copy_is_medium() {
    let d = crate::testutil::ctx(
        &[
            "package.json",
            "package-lock.json",
            "logs/app.log",
            "src/a.js",
        ],
        "",
        b"x",
    );
    std::fs::write(
        d.path().join("Dockerfile"),
        "FROM node\nCOPY . .\nRUN npm ci\n",
    )
    .unwrap();
    let r = build(
        &crate::testutil::config(d.path(), Builder::Buildkit, 1),
        &Options::default(),
        None,
    )
    .unwrap()
    .report;
    let f: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == "DF011").collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, "medium");
    assert!(
        f[0].message.contains("the npm install at line 3"),
        "{}",
        f[0].message
    );
}

#[test]
fn log_parsing() {
    let h = parse_log(b"\x01\na\0we ird\0\0\x01\nsub/a\0\0\x01\n");
    assert_eq!(
        h.commits,
        vec![
            vec![b"a".to_vec(), b"we ird".to_vec()],
            vec![b"sub/a".to_vec()],
            vec![]
        ]
    );
}

/// A repository whose commits are dated `days_ago` before now (committer and author date):
/// 1. 40 days ago: Dockerfile, package.json, src/a.js, README.md
/// 2. 20 days ago: src/a.js
/// 3. 10 days ago: src/a.js, src/b.js
/// 4. 3 days ago: README.md
/// 5. 1 day ago: package.json
fn dated_repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let steps: [(u64, &[(&str, &str)]); 5] = [
        (
            40,
            &[
                ("Dockerfile", DF),
                ("package.json", "{}"),
                ("src/a.js", "1"),
                ("README.md", "r"),
            ],
        ),
        (20, &[("src/a.js", "2")]),
        (10, &[("src/a.js", "3"), ("src/b.js", "b")]),
        (3, &[("README.md", "r2")]),
        (1, &[("package.json", "{\"a\":1}")]),
    ];
    for (days_ago, files) in steps {
        for (p, c) in files {
            let f = d.path().join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, c).unwrap();
        }
        let date = format!("@{} +0000", now - days_ago * 86_400);
        let env = [
            ("GIT_COMMITTER_DATE", date.as_str()),
            ("GIT_AUTHOR_DATE", date.as_str()),
        ];
        crate::testutil::git_env(d.path(), &["add", "-A"], &env);
        crate::testutil::git_env(d.path(), &["commit", "-q", "-m", "c"], &env);
    }
    d
}

/// (line, churn_commits, churn_days) of a COPY.
type StepChurn = (usize, Option<u64>, Option<u64>);

fn churn_window(
    dir: &Path,
    commits: Option<u64>,
    days: Option<u64>,
) -> (Vec<StepChurn>, Vec<String>) {
    let opts = Options {
        dockerfile: DockerfileInput {
            churn_commits: commits,
            churn_days: days,
            ..Default::default()
        },
        ..Default::default()
    };
    let r = build(
        &crate::testutil::config(dir, Builder::Buildkit, 1),
        &opts,
        None,
    )
    .unwrap()
    .report;
    let steps = r.layers.unwrap()[0]
        .steps
        .iter()
        .filter(|s| s.instruction == "COPY")
        .map(|s| (s.line, s.churn_commits, s.churn_days))
        .collect();
    (steps, r.notes)
}

#[test]
fn churn_by_days_on_a_dated_history() {
    let d = dated_repo();
    // COPY package.json (line 2), COPY src/ (line 4), COPY . . (line 5).
    // All of it: package.json 1, 5; src/ 1, 2, 3; everything 5.
    let (c, _) = churn_window(d.path(), None, Some(365));
    assert_eq!(
        c,
        [
            (2, Some(2), Some(365)),
            (4, Some(3), Some(365)),
            (5, Some(5), Some(365))
        ]
    );
    // The last 15 days: commits 3, 4, 5.
    let (c, _) = churn_window(d.path(), None, Some(15));
    assert_eq!(
        c,
        [
            (2, Some(1), Some(15)),
            (4, Some(1), Some(15)),
            (5, Some(3), Some(15))
        ]
    );
    // The last 2 days: commit 5 only.
    let (c, _) = churn_window(d.path(), None, Some(2));
    assert_eq!(
        c,
        [
            (2, Some(1), Some(2)),
            (4, Some(0), Some(2)),
            (5, Some(1), Some(2))
        ]
    );
    // Both limits: the last 15 days, at most 2 commits (4 and 5).
    let (c, _) = churn_window(d.path(), Some(2), Some(15));
    assert_eq!(
        c,
        [
            (2, Some(1), Some(15)),
            (4, Some(0), Some(15)),
            (5, Some(2), Some(15))
        ]
    );
    // Without --churn-days the commit window alone, and no days on the steps.
    let (c, _) = churn_window(d.path(), Some(3), None);
    assert_eq!(
        c,
        [(2, Some(1), None), (4, Some(1), None), (5, Some(3), None)]
    );
    // 0 days: off.
    let (c, _) = churn_window(d.path(), None, Some(0));
    assert_eq!(c, [(2, None, None), (4, None, None), (5, None, None)]);
}

#[test]
fn window_from_the_flags() {
    assert_eq!(Window::new(None, None).unwrap().commits, Some(100));
    assert_eq!(Window::new(None, None).unwrap().since, None);
    let w = Window::new(None, Some(7)).unwrap();
    assert_eq!(w.commits, None);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let since = w.since.unwrap();
    assert!(now - since >= 7 * 86_400 && now - since < 7 * 86_400 + 60);
    assert_eq!(Window::new(Some(5), Some(7)).unwrap().commits, Some(5));
    assert_eq!(Window::new(Some(0), Some(7)), None);
    assert_eq!(Window::new(Some(5), Some(0)), None);
}

#[test]
fn churn_days_outside_a_repository_is_a_note() {
    let d = crate::testutil::ctx(&["package.json", "src/a.js"], "", b"x");
    std::fs::write(d.path().join("Dockerfile"), DF).unwrap();
    let (c, notes) = churn_window(d.path(), None, Some(30));
    assert!(c.iter().all(|x| x.1.is_none() && x.2.is_none()));
    assert!(
        notes.iter().any(|n| n.contains("churn skipped")),
        "{notes:?}"
    );
}

/// The count of the steps after the copy reads as English: none is not mentioned, one is "the
/// step", more are counted.
#[test]
fn steps_after_a_volatile_copy_are_counted_grammatically() {
    let msg = |dockerfile: &str| {
        let d = crate::testutil::ctx(&["logs/app.log", "src/a.js"], "", b"x");
        std::fs::write(d.path().join("Dockerfile"), dockerfile).unwrap();
        let r = build(
            &crate::testutil::config(d.path(), Builder::Buildkit, 1),
            &Options::default(),
            None,
        )
        .unwrap()
        .report;
        let f: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == "DF011").collect();
        assert_eq!(f.len(), 1, "{:?}", r.findings);
        f[0].message.clone()
    };
    let m = msg("FROM x\nCOPY . .\n");
    assert!(m.ends_with("it never hits the cache"), "{m}");
    assert!(!m.contains("0 steps") && !m.contains("neither"), "{m}");
    let m = msg("FROM x\nCOPY . .\nRUN make\n");
    assert!(m.ends_with("and neither does the step after it"), "{m}");
    let m = msg("FROM x\nCOPY . .\nRUN make\nRUN make test\n");
    assert!(m.ends_with("and neither do the 2 steps after it"), "{m}");
}
