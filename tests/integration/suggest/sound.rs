//! Issue 16, a sound suggest: each test builds a tree, runs suggest, writes the file and
//! measures what is sent with the engine (both builders).

use super::*;
// ---------------------------------------------------------------------------------------------
// Issue 16: a sound suggest. Each test builds a tree, runs suggest, writes the file and
// measures what is sent with the engine (both builders).
// ---------------------------------------------------------------------------------------------

pub(super) fn opts() -> SuggestOptions {
    SuggestOptions {
        discover: true,
        ..SuggestOptions::default()
    }
}

/// Suggests, checks the proof, writes the file where it goes, returns the suggestion.
pub(super) fn suggest_and_write(env: &TestEnv, df: Option<&str>, o: &SuggestOptions) -> Suggestion {
    let s = suggest(&env.config(Builder::Buildkit, df), o).expect("suggest");
    assert!(s.proven(), "not proven: {:?}\n{}", s.failures, s.text);
    std::fs::write(&s.destination, &s.text).unwrap();
    s
}

pub(super) fn sent_both(env: &TestEnv, df: Option<&str>) -> [BTreeSet<String>; 2] {
    [Builder::Buildkit, Builder::Classic].map(|b| env.list(b, df).into_iter().collect())
}

#[test]
fn reexclusions_are_exact_and_case_sensitive() {
    let env = TestEnv::new();
    let kept = [
        "src/Logs/Handler.php",
        "src/Tmp/x.php",
        "src/temp/y.php",
        "src/Coverage/z.php",
        "src/fixtures/f.json",
        "src/test-data/t.json",
        "app/Http/Logs/L.php",
        "src/app.LOG",
        "src/.ENV",
        "src/tmp/cache.bin",
        "src/.env.example",
        "src/.env.development-example",
        "src/certs/ca.pem",
    ];
    for f in kept {
        env.file(f, "x");
    }
    env.sized("src/fixtures/big.bin", 2_000_000);
    env.file("src/.env", "SECRET=1\n")
        .file("src/debug.log", "log\n")
        .file("src/.DS_Store", "ds")
        .file(
            "src/keys/deploy.pem",
            "-----BEGIN RSA PRIVATE KEY-----\nabc\n",
        )
        .file("src/.git/HEAD", "ref")
        .file("src/node_modules/a/index.js", "a")
        .file(
            "Dockerfile",
            "FROM php\nCOPY src/ /app/src/\nCOPY app/ /app/app/\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        for f in kept {
            assert!(sent.contains(f), "{f} dropped:\n{}", s.text);
        }
        assert!(sent.contains("src/fixtures/big.bin"));
        // No npm install step: node_modules may be what the image runs.
        assert!(sent.contains("src/node_modules/a/index.js"), "{}", s.text);
        for f in [
            "src/.env",
            "src/debug.log",
            "src/.DS_Store",
            "src/keys/deploy.pem",
            "src/.git/HEAD",
        ] {
            assert!(!sent.contains(f), "{f} still sent:\n{}", s.text);
        }
    }
    let removed: Vec<&str> = s.removals.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        removed,
        [
            "src/.DS_Store",
            "src/.env",
            "src/.git/HEAD",
            "src/debug.log",
            "src/keys/deploy.pem"
        ]
    );
    // What stays but looks suspicious is reported with its size.
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("src/fixtures/") && n.contains("MB")),
        "{:?}",
        s.notes
    );
}

#[test]
fn dependency_trees_go_only_when_the_dockerfile_reinstalls_them() {
    let env = TestEnv::new();
    env.file("package.json", "{}")
        .file("node_modules/a/index.js", "a")
        .file("web/node_modules/b/index.js", "b")
        .file("src/index.js", "x")
        .file("Dockerfile", "FROM node\nCOPY . .\nRUN npm ci\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(!sent.contains("node_modules/a/index.js"), "{}", s.text);
        assert!(!sent.contains("web/node_modules/b/index.js"), "{}", s.text);
        assert!(sent.contains("src/index.js") && sent.contains("package.json"));
    }
    // `web/node_modules/` has no package.json beside it: the install never writes it again,
    // so it goes as a stray tree, not as one "the Dockerfile re-installs".
    assert!(
        s.removals.iter().all(|(p, why)| if p.starts_with("web/") {
            why.contains("stray dependency tree") && !why.contains("re-installs")
        } else {
            why.contains("re-installs")
        }),
        "{:?}",
        s.removals
    );
}

#[test]
fn python_tool_caches_go_like_pycache() {
    let env = TestEnv::new();
    env.file("pyproject.toml", "[project]\nname = \"a\"\n")
        .file("app/main.py", "x = 1\n")
        .file("app/__pycache__/main.cpython-312.pyc", "b")
        .file(".pytest_cache/v/cache/lastfailed", "{}")
        .file(".mypy_cache/3.12/main.data.json", "{}")
        .file("app/.pytest_cache/README.md", "x")
        .file("Dockerfile", "FROM python\nCOPY . /src\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("app/main.py") && sent.contains("pyproject.toml"));
        for f in [
            "app/__pycache__/main.cpython-312.pyc",
            ".pytest_cache/v/cache/lastfailed",
            ".mypy_cache/3.12/main.data.json",
            "app/.pytest_cache/README.md",
        ] {
            assert!(!sent.contains(f), "{f} still sent:\n{}", s.text);
        }
    }
}

#[test]
fn protective_lines_survive_and_an_invalid_line_drops_alone() {
    let env = TestEnv::new();
    env.file("src/app.ts", "x")
        .file("package.json", "{}")
        .file("Dockerfile", "FROM node\nWORKDIR /app\nCOPY . .\n")
        .dockerignore(".env\n.DS_Store\n.idea\n*.pem\n[\nnode_modules\n");
    let s = suggest_and_write(&env, None, &opts());
    for l in [".env", ".DS_Store", ".idea", "*.pem", "node_modules"] {
        assert!(
            s.carried.iter().any(|c| c == l),
            "{l} lost: {:?}",
            s.carried
        );
        assert!(s.protective.iter().any(|c| c == l));
    }
    assert_eq!(s.dropped_lines.len(), 1, "{:?}", s.dropped_lines);
    assert_eq!(s.dropped_lines[0].0, 5);
    assert!(
        summary(&s).contains("dropped line 5 `[`"),
        "{}",
        summary(&s)
    );
    // Files created after the write stay out.
    env.file(".env", "SECRET=1\n")
        .file("key.pem", "k")
        .file("node_modules/x/i.js", "x")
        .file(".idea/ws.xml", "x");
    for sent in sent_both(&env, None) {
        for f in [".env", "key.pem", "node_modules/x/i.js", ".idea/ws.xml"] {
            assert!(!sent.contains(f), "{f} sent after the write:\n{}", s.text);
        }
        assert!(sent.contains("src/app.ts"));
    }
}

#[test]
fn globs_are_mirrored_and_future_sources_kept() {
    let env = TestEnv::new();
    env.file("package.json", "{}")
        .file("tsconfig.json", "{}")
        .file("README.md", "r")
        .file("Makefile", "all:\n\tmkdir -p generated\n")
        .file(
            "Dockerfile",
            "FROM node\nCOPY *.json ./\nCOPY generated/ /gen/\nCOPY bin/tool /usr/bin/\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.text.lines().collect();
    for l in ["*", "!*.json", "!generated", "!bin/tool"] {
        assert!(lines.contains(&l), "{l} missing:\n{}", s.text);
    }
    assert!(!lines.contains(&"!package.json"), "{}", s.text);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("generated") && w.contains("may be generated")),
        "{:?}",
        s.warnings
    );
    // Later: a new JSON file and the generated outputs are sent, README still is not.
    env.file("app.json", "{}")
        .file("generated/api.ts", "x")
        .file("bin/tool", "t");
    for sent in sent_both(&env, None) {
        for f in ["app.json", "package.json", "generated/api.ts", "bin/tool"] {
            assert!(sent.contains(f), "{f} not sent:\n{}", s.text);
        }
        assert!(!sent.contains("README.md"));
    }
}

/// Two Dockerfiles copy one directory in two ways (all of it; only its `gradlew*` files): the
/// directory's keep line serves both, and the mirrored glob inside it is left out.
#[test]
fn a_glob_inside_a_directory_kept_whole_is_left_out() {
    let env = TestEnv::new();
    env.file("svc/gradlew", "g")
        .file("svc/gradlew.bat", "b")
        .file("svc/src/Main.java", "m")
        .file("README.md", "r")
        .file("Dockerfile", "FROM scratch\nCOPY svc/ /svc/\n")
        .file(
            "tools.Dockerfile",
            "FROM scratch\nCOPY svc/gradlew* /bin/\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.text.lines().collect();
    assert!(lines.contains(&"!svc"), "{}", s.text);
    assert!(!lines.iter().any(|l| l.contains("gradlew")), "{}", s.text);
    for sent in sent_both(&env, None) {
        for f in ["svc/gradlew", "svc/gradlew.bat", "svc/src/Main.java"] {
            assert!(sent.contains(f), "{f} not sent:\n{}", s.text);
        }
        assert!(!sent.contains("README.md"));
    }
}

#[test]
fn copy_dot_allowlist_excludes_new_top_level_entries() {
    let env = TestEnv::new();
    env.file("src/main.py", "x")
        .file("setup.py", "s")
        .file(".env", "S=1")
        .file(".git/HEAD", "ref")
        .file("Dockerfile", "FROM python\nCOPY . /app\n");
    let s = suggest_and_write(&env, None, &opts());
    assert!(s.whole_context);
    let pat: Vec<&str> = s
        .text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(pat, ["*", "!Dockerfile", "!setup.py", "!src"], "{}", s.text);
    env.file("scratch/dump.sql", "x").file("src/new.py", "n");
    for sent in sent_both(&env, None) {
        assert!(!sent.contains("scratch/dump.sql"));
        assert!(sent.contains("src/new.py") && sent.contains("setup.py"));
        assert!(!sent.contains(".env") && !sent.contains(".git/HEAD"));
    }
}

#[test]
fn every_dockerfile_sharing_the_file_is_served() {
    let env = TestEnv::new();
    env.file("src/index.ts", "x")
        .file("package.json", "{}")
        .file("docs/guide.md", "g")
        .file("tools/gen.sh", "s")
        .file(
            "Dockerfile",
            "FROM node\nCOPY package.json ./\nCOPY src/ ./src/\n",
        )
        .file("Dockerfile.base", "FROM node\nCOPY . .\n")
        .file(
            "docker/tools.Dockerfile",
            "FROM alpine\nCOPY tools/gen.sh /\n",
        )
        // Built with its own directory as the context: not served.
        .file("other/Dockerfile", "FROM alpine\nCOPY only-here.txt /\n")
        .file("other/only-here.txt", "o");
    let s = suggest_and_write(&env, None, &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    for d in ["Dockerfile", "Dockerfile.base", "docker/tools.Dockerfile"] {
        assert!(served.contains(&d), "{d} not served: {served:?}");
    }
    assert!(!served.contains(&"other/Dockerfile"), "{served:?}");
    // The transfer figure is one Dockerfile's: the summary says which.
    let summary = ctxsize::suggest::summary(&s);
    assert!(
        summary
            .lines()
            .any(|l| l.contains("transfer") && l.ends_with(&format!("({})", served[0]))),
        "{summary}"
    );
    assert!(
        s.notes.iter().any(|n| n.contains("other/Dockerfile")),
        "{:?}",
        s.notes
    );
    for df in [
        None,
        Some("Dockerfile.base"),
        Some("docker/tools.Dockerfile"),
    ] {
        for sent in sent_both(&env, df) {
            assert!(
                sent.contains("docs/guide.md") && sent.contains("tools/gen.sh"),
                "{df:?}"
            );
        }
    }
    // Without discovery only the given Dockerfile counts.
    env.dockerignore("");
    let s = suggest(
        &env.config(Builder::Buildkit, None),
        &SuggestOptions::default(),
    )
    .unwrap();
    assert_eq!(s.served.len(), 1);
    assert!(!s.text.lines().any(|l| l == "!docs"), "{}", s.text);
}

#[test]
fn repeated_f_and_per_dockerfile_files() {
    let env = TestEnv::new();
    env.file("api/main.go", "x")
        .file("web/index.html", "w")
        .file("junk/big.bin", "j")
        .file("api.Dockerfile", "FROM golang\nCOPY api/ /src/\n")
        .file(
            "web.Dockerfile",
            "FROM nginx\nCOPY web/ /usr/share/nginx/html/\n",
        );
    let both = SuggestOptions {
        dockerfiles: vec!["api.Dockerfile".into(), "web.Dockerfile".into()],
        ..SuggestOptions::default()
    };
    let s = suggest_and_write(&env, Some("api.Dockerfile"), &both);
    assert_eq!(s.served.len(), 2);
    for df in ["api.Dockerfile", "web.Dockerfile"] {
        for sent in sent_both(&env, Some(df)) {
            assert!(sent.contains("api/main.go") && sent.contains("web/index.html"));
            assert!(!sent.contains("junk/big.bin"));
        }
    }
    // --per-dockerfile: one file each, BuildKit reads it; the CLI says which.
    std::fs::remove_file(env.path(".dockerignore")).unwrap();
    let o = env.run([
        "suggest",
        "--per-dockerfile",
        "--write",
        "-f",
        "api.Dockerfile",
        "-f",
        "web.Dockerfile",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("api.Dockerfile.dockerignore") && err.contains("web.Dockerfile.dockerignore"),
        "{err}"
    );
    let api = env.list(Builder::Buildkit, Some("api.Dockerfile"));
    assert!(api.iter().any(|p| p == "api/main.go"));
    assert!(!api.iter().any(|p| p == "web/index.html"), "{api:?}");
    let web = env.list(Builder::Buildkit, Some("web.Dockerfile"));
    assert!(web.iter().any(|p| p == "web/index.html") && !web.iter().any(|p| p == "api/main.go"));
}

#[test]
fn compose_services_add_their_dockerfiles() {
    let env = TestEnv::new();
    env.file("api/main.go", "x")
        .file("worker/run.py", "w")
        .file("junk.bin", "j")
        .file("Dockerfile", "FROM golang\nCOPY api/ /src/\n")
        .file("docker/worker.Dockerfile", "FROM python\nCOPY worker/ /w/\n")
        .file(
            "compose.yaml",
            "services:\n  api:\n    build: .\n  worker:\n    build:\n      context: .\n      dockerfile: docker/worker.Dockerfile\n",
        );
    let o = SuggestOptions {
        compose: Some(None),
        ..SuggestOptions::default()
    };
    let s = suggest_and_write(&env, None, &o);
    assert!(
        s.served
            .iter()
            .any(|(p, why)| p == "docker/worker.Dockerfile"
                && why.contains("compose service worker")),
        "{:?}",
        s.served
    );
    // The root Dockerfile the api service builds (`build: .`) says so too.
    assert!(
        s.served
            .iter()
            .any(|(p, why)| p == "Dockerfile" && why == "default, compose service api"),
        "{:?}",
        s.served
    );
    for sent in sent_both(&env, Some("docker/worker.Dockerfile")) {
        assert!(sent.contains("worker/run.py") && !sent.contains("junk.bin"));
    }
}

/// `--compose` with no `-f` and no Dockerfile at the context root (a monorepo's `web/` and
/// `worker/` Dockerfiles, both built with the root as context): the services' Dockerfiles are
/// served, the first by name leading, instead of a "no Dockerfile" error; both still get what
/// they copy under both builders.
#[test]
fn compose_serves_its_dockerfiles_without_a_root_one() {
    let env = TestEnv::new();
    env.file("web/app.js", "w")
        .file("worker/run.py", "r")
        .file("junk.bin", "j")
        .file("web/Dockerfile", "FROM node\nCOPY web/ /w/\n")
        .file("worker/Dockerfile", "FROM python\nCOPY worker/ /r/\n")
        .file(
            "compose.yaml",
            "services:\n  web:\n    build:\n      context: .\n      dockerfile: web/Dockerfile\n  worker:\n    build:\n      context: .\n      dockerfile: worker/Dockerfile\n",
        );
    let o = SuggestOptions {
        compose: Some(None),
        ..SuggestOptions::default()
    };
    let s = suggest_and_write(&env, None, &o);
    let served: Vec<(&str, &str)> = s
        .served
        .iter()
        .map(|(p, why)| (p.as_str(), why.as_str()))
        .collect();
    assert_eq!(
        served,
        [
            ("web/Dockerfile", "compose service web"),
            ("worker/Dockerfile", "compose service worker")
        ]
    );
    for (df, used) in [
        ("web/Dockerfile", "web/app.js"),
        ("worker/Dockerfile", "worker/run.py"),
    ] {
        for sent in sent_both(&env, Some(df)) {
            assert!(
                sent.contains(used) && !sent.contains("junk.bin"),
                "{df}: {sent:?}"
            );
        }
    }
    // Without --compose, discovery serves the same two, found in the context.
    let o = env.run(["suggest", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("serves    web/Dockerfile (found in the context)")
            && err.contains("serves    worker/Dockerfile (found in the context)"),
        "{err}"
    );
}

/// `suggest --compose --write` with no Dockerfile at the context root: the file the proof
/// accepted is written (the context and the backup check resolve with the services'
/// Dockerfile, as the proposal did), not refused after `proven:` with "open Dockerfile".
#[test]
fn compose_write_without_a_root_dockerfile_writes() {
    let env = TestEnv::new();
    env.file("web/app.js", "w")
        .file("junk.bin", "j")
        .file(".dockerignore", "junk.bin\n")
        .file("web/Dockerfile", "FROM node\nCOPY web/ /w/\n")
        .file(
            "compose.yaml",
            "services:\n  web:\n    build:\n      context: .\n      dockerfile: web/Dockerfile\n",
        );
    let o = env.run(["suggest", "--compose", "--write", "."]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("  wrote ") && !err.contains("open Dockerfile"),
        "{err}"
    );
    let written = std::fs::read_to_string(env.path(".dockerignore")).expect("written");
    assert!(
        written.lines().any(|l| l == "*") && written.lines().any(|l| l == "!web"),
        "{written}"
    );
    for sent in sent_both(&env, Some("web/Dockerfile")) {
        assert!(
            sent.contains("web/app.js") && !sent.contains("junk.bin"),
            "{sent:?}"
        );
    }
}

/// A `COPY . .` Dockerfile in a directory of Dockerfiles only (`docker/Dockerfile.agent` beside
/// `docker/Dockerfile.server`) is built with the root as its context, as `COPY . .` from its
/// own directory would copy only Dockerfiles: served with the other, so the proposal for
/// `-f docker/Dockerfile.server` still sends the agent's sources. One beside its own sources
/// (`api/Dockerfile` with `api/main.go`) may be built with its directory: not served.
#[test]
fn a_whole_context_dockerfile_among_dockerfiles_only_is_served() {
    let env = TestEnv::new();
    env.file("Makefile", "all:\n")
        .file("cmd/agent/main.go", "package main\n")
        .file("dist/server/app", "bin")
        .file(
            "docker/Dockerfile.agent",
            "FROM golang\nCOPY . .\nRUN make\n",
        )
        .file(
            "docker/Dockerfile.server",
            "FROM alpine\nCOPY dist/server/app /bin/\n",
        )
        .file("api/Dockerfile", "FROM golang\nCOPY . .\n")
        .file("api/main.go", "package main\n");
    let s = suggest_and_write(&env, Some("docker/Dockerfile.server"), &opts());
    let served: Vec<&str> = s.served.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        served,
        ["docker/Dockerfile.server", "docker/Dockerfile.agent"]
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("api/Dockerfile (found in the context) not served")),
        "{:?}",
        s.notes
    );
    for sent in sent_both(&env, Some("docker/Dockerfile.agent")) {
        assert!(
            sent.contains("cmd/agent/main.go") && sent.contains("Makefile"),
            "{sent:?}"
        );
    }
}

#[test]
fn platform_args_keep_every_platform() {
    let env = TestEnv::new();
    env.file("bin/amd64/app", "a")
        .file("bin/arm64/app", "b")
        .file("bin/README", "r")
        .file("notes.txt", "n")
        .file(
            "Dockerfile",
            "FROM --platform=$BUILDPLATFORM alpine\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/app /app\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    assert!(
        !s.warnings.iter().any(|w| w.contains("ARG with no value")),
        "{:?}",
        s.warnings
    );
    for sent in sent_both(&env, None) {
        assert!(
            sent.contains("bin/amd64/app") && sent.contains("bin/arm64/app"),
            "{}",
            s.text
        );
        assert!(!sent.contains("notes.txt") && !sent.contains("bin/README"));
    }
    // linux/arm/v7 has TARGETARCH=arm: its binary does not exist yet but keeps its line.
    assert!(
        s.text.lines().any(|l| l == "!bin/arm/app"),
        "armv7 missing:\n{}",
        s.text
    );
}

#[test]
fn named_sources_are_never_excluded() {
    let env = TestEnv::new();
    env.file(".env.example", "A=")
        .file("app.log", "l")
        .file("config/server.key", "-----BEGIN PRIVATE KEY-----\n")
        .file("src/a.py", "a")
        .file(
            "Dockerfile",
            "FROM python\nCOPY .env.example /app/.env\nCOPY app.log config/server.key /x/\nCOPY src/ /src/\n",
        )
        .dockerignore(".env*\n*.key\n**/*.key\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        for f in [".env.example", "app.log", "config/server.key", "src/a.py"] {
            assert!(sent.contains(f), "{f} not sent:\n{}", s.text);
        }
    }
    // The protective lines stay and the named files are kept again after them.
    for l in [".env*", "**/*.key"] {
        assert!(s.carried.iter().any(|c| c == l), "{l}: {:?}", s.carried);
    }
    env.file(".env", "S=1").file("src/extra.key", "k");
    for sent in sent_both(&env, None) {
        assert!(
            !sent.contains(".env") && !sent.contains("src/extra.key"),
            "{}",
            s.text
        );
    }
}

#[test]
fn copy_exclude_is_respected_in_the_proof() {
    let env = TestEnv::new();
    env.file("docs/a.md", "a").file("docs/b.txt", "b").file(
        "Dockerfile",
        "# syntax=docker/dockerfile:1.7-labs\nFROM alpine\nCOPY --exclude=*.md docs/ /d/\n",
    );
    let s = suggest_and_write(&env, None, &opts());
    assert_eq!(s.used_files, 1, "only docs/b.txt is copied");
}

#[test]
fn backup_goes_outside_the_context_without_git() {
    let env = TestEnv::new();
    env.file("src/a.py", "a")
        .file("Dockerfile", "FROM python\nCOPY src/ /app/\n")
        .dockerignore("*.log\n");
    let cache = env.tmp().join("cache");
    let o = Command::new(crate::util::bin())
        .args(["suggest", "--write"])
        .current_dir(env.ctx())
        .env("XDG_CACHE_HOME", &cache)
        .env_remove("DOCKER_BUILDKIT")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let found: Vec<PathBuf> = walkdir(&cache);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(std::fs::read(&found[0]).unwrap(), b"*.log\n");
    assert!(std::fs::read_dir(env.ctx())
        .unwrap()
        .flatten()
        .all(|e| !e.file_name().to_string_lossy().contains("bak")));
}

/// A Dockerfile symlink is read as BuildKit reads it (B14: followed inside its own directory),
/// not through the host path: `sub/Dockerfile -> /real/Dockerfile` is `sub/real/Dockerfile`.
#[cfg(unix)]
#[test]
fn symlinked_dockerfile_is_read_as_buildkit_reads_it() {
    let env = TestEnv::new();
    env.file("sub/real/Dockerfile", "FROM scratch\nCOPY keep /\n")
        .file("keep", "k")
        .file("other", "o")
        .symlink("sub/Dockerfile", "/real/Dockerfile");
    let out = env.run(["suggest", "-f", "sub/Dockerfile", "--no-discover", "."]);
    let s = crate::util::text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{s}{}",
        crate::util::text(&out.stderr)
    );
    assert!(s.lines().any(|l| l == "!keep"), "{s}");
    assert!(!s.lines().any(|l| l == "!other"), "{s}");
    // The report reads the same file: its transfer set is `keep`, no "cannot read" finding.
    let out = env.run(["--format", "json", "-f", "sub/Dockerfile", "."]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["transfer_files"], 1, "{v}");
    assert_eq!(v["transfer_bytes"], 1, "{v}");
    assert_eq!(v["findings"], serde_json::json!([]), "{v}");
}

/// A context whose proposal removes logs by `**/*.log`, `.git`, and leaves out what the current
/// file excludes (node_modules).
fn logs_context() -> TestEnv {
    let env = TestEnv::new();
    env.file("app.js", "a")
        .file("package.json", "{}")
        .file("logs/app.log", "l")
        .file("tmp/cache/x.log", "l")
        .file("tmp/cache/keep.txt", "k")
        .file(".git/HEAD", "ref")
        .file("node_modules/x/i.js", "1")
        .dockerignore("node_modules\n")
        .file("Dockerfile", "FROM node\nCOPY . .\n");
    env
}

/// The summary's notes describe the proposed file: a directory the file empties (its logs
/// removed by `**/*.log`) is not "kept".
#[test]
fn kept_notes_describe_the_proposed_file() {
    let env = logs_context();
    let s = suggest_and_write(&env, None, &opts());
    assert!(s.text.contains("**/*.log"), "{}", s.text);
    let sum = summary(&s);
    assert!(!sum.contains("kept logs/"), "{sum}");
    for sent in sent_both(&env, None) {
        assert!(!sent.contains("logs/app.log") && !sent.contains("tmp/cache/x.log"));
        assert!(sent.contains("tmp/cache/keep.txt"));
    }
}

/// `COPY . .`: a top-level directory that holds only removals (`logs/` with a log) gets no keep
/// line, so what lands there later stays out too; one that also holds a file the build needs
/// (`tmp/cache/keep.txt`) keeps its line.
#[test]
fn a_top_level_directory_of_removals_only_is_not_kept() {
    let env = logs_context();
    let s = suggest_and_write(&env, None, &opts());
    assert!(!s.text.lines().any(|l| l == "!logs"), "{}", s.text);
    assert!(s.text.lines().any(|l| l == "!tmp"), "{}", s.text);
    env.file("logs/trace.json", "{}");
    for sent in sent_both(&env, None) {
        assert!(!sent.iter().any(|p| p.starts_with("logs")), "{sent:?}");
        assert!(sent.contains("tmp/cache/keep.txt"), "{sent:?}");
    }
}

/// "used file(s)" counts the files the build copies and still sends, not the context.
#[test]
fn used_files_are_the_files_the_build_copies() {
    let env = logs_context();
    let s = suggest_and_write(&env, None, &opts());
    let sum = summary(&s);
    let [bk, _] = sent_both(&env, None);
    // Every file this build copies and still sends: the whole context minus the removals
    // (.git, the logs) and what the current file already excluded (node_modules).
    let files = bk
        .iter()
        .filter(|p| env.path(p.as_bytes()).is_file())
        .count() as u64;
    assert_eq!(s.used_files, files, "{sum}\n{bk:?}");
    assert!(s.used_files < 9, "{sum}");
    assert!(
        sum.contains(&format!("({files} used file(s), whole context)")),
        "{sum}"
    );
}

/// No keep line another line implies (`!package-lock.json` beside `!package-lock.json*`) and
/// no `!Dockerfile` that a carried line overrides; the file sends exactly what it sends with
/// them. A line the build needs for a file it copies (`!.dockerignore`, sent today) stays, and
/// the header says why instead of "need no line".
#[test]
fn implied_and_unneeded_keep_lines_are_dropped_when_identical() {
    let env = TestEnv::new();
    env.file("package.json", "{}")
        .file("package-lock.json", "{}")
        .file("index.js", "x")
        .file("docker-compose.yml", "services: {}\n")
        .dockerignore("*Dockerfile*\n*docker-compose*\nnode_modules\n")
        .file(
            "Dockerfile",
            "FROM node\nCOPY package.json package-lock.json* ./\nRUN npm ci\nCOPY . .\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.text.lines().collect();
    assert!(lines.contains(&"!package-lock.json*"), "{}", s.text);
    assert!(!lines.contains(&"!package-lock.json"), "{}", s.text);
    assert!(!lines.contains(&"!Dockerfile"), "{}", s.text);
    assert!(lines.contains(&"!.dockerignore"), "{}", s.text);
    assert!(!s.text.contains("this file need no line:"), "{}", s.text);
    assert!(
        s.text
            .contains("!.dockerignore only because the build copies it"),
        "{}",
        s.text
    );
    // The Dockerfile gets no line at all: today's file keeps it out (`*Dockerfile*`), and the
    // classic builder sends it anyway. The implied line changes nothing.
    let got = sent_both(&env, None);
    let with = s.text.replace("\n*\n", "\n*\n!package-lock.json\n");
    std::fs::write(&s.destination, &with).unwrap();
    assert_eq!(got, sent_both(&env, None), "{with}");
}

/// Names a pattern cannot hold as themselves (a control character, which BuildKit cannot send
/// in a pattern and a line break ends one; white space docker trims from a line's ends) are
/// written with `?` in their place: `COPY . .` still gets its allowlist, every such entry is
/// still sent under both builders, and no line of the file holds a control character.
#[test]
fn names_with_control_characters_get_an_allowlist() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file(b"we\x1bird/a.js", "a")
        .file(b"new\nline/b.js", "b")
        .file(b"tab\tname.txt", "t")
        .file(b"trailing ", "s")
        .file("src/main.js", "m")
        .file(b"new\nline/.env", "SECRET=1\n");
    // The summary names the removal escaped as every report escapes names.
    let o = env.run(["suggest", "."]);
    let err = text(&o.stderr);
    assert!(err.contains("new\\nline/.env"), "{err}");
    assert!(!o.stderr.iter().any(|&b| b < b' ' && b != b'\n'), "{err:?}");
    let s = suggest_and_write(&env, None, &opts());
    assert!(
        s.text.lines().any(|l| l == "*"),
        "no allowlist:\n{}",
        s.text
    );
    assert!(
        !s.text.bytes().any(|b| b < b' ' && b != b'\n'),
        "a control character in the file:\n{:?}",
        s.text
    );
    for sent in sent_both(&env, None) {
        for f in [
            "we\x1bird/a.js",
            "new\nline/b.js",
            "tab\tname.txt",
            "trailing ",
            "src/main.js",
        ] {
            assert!(sent.contains(f), "{f:?} dropped:\n{}", s.text);
        }
        assert!(!sent.contains("new\nline/.env"), "{}", s.text);
    }
}
