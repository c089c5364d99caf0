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

/// A secrets manifest that is a Helm/Go template is not a secrets file: the build copies it, so
/// it stays, and no note calls it a secret (formbricks' `charts/…/templates/secrets.yaml`, whose
/// `{{- $postgresPassword := include … }}` looked like a literal assignment). A `secrets.yaml`
/// holding a literal value still goes.
#[test]
fn templated_secrets_manifests_stay() {
    let env = TestEnv::new();
    let literal: String = "k9Tq".repeat(4);
    env.file("app.js", "a")
        .file(
            "charts/app/templates/secrets.yaml",
            "{{- $postgresPassword := include \"app.postgresPassword\" . }}\n{{- $redisPassword := \"\" }}\nkind: Secret\ndata:\n  DATABASE_PASSWORD: {{ $postgresPassword | b64enc }}\n",
        )
        .file(
            "charts/app/templates/db-secret.yaml",
            "kind: Secret\nstringData:\n  password: {{ .Values.db.password }}\n",
        )
        .file("config/secrets.yaml", format!("db:\n  password: {literal}\n"))
        .file("Dockerfile", "FROM node\nCOPY . .\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(
            sent.contains("charts/app/templates/secrets.yaml"),
            "{}",
            s.text
        );
        assert!(sent.contains("charts/app/templates/db-secret.yaml"));
        assert!(!sent.contains("config/secrets.yaml"), "{}", s.text);
    }
    let removed: Vec<&str> = s.removals.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(removed, ["config/secrets.yaml"], "{}", summary(&s));
    assert!(
        !s.notes.iter().any(|n| n.contains("charts/")),
        "{:?}",
        s.notes
    );
}

/// A junk-named directory holding git-tracked files (`build/` of templates, `logs/` of code) is
/// kept on purpose: the notes do not tell the user to exclude it. An untracked one still gets its
/// note.
#[test]
fn tracked_junk_named_directories_get_no_note() {
    let env = TestEnv::new();
    env.file("app.js", "a")
        .file("build/templates/page.html", "<p>{{ .Title }}</p>\n")
        .file("logs/handler.js", "module.exports = 1;\n")
        .file("tmp/scratch.bin", "s")
        .file("Dockerfile", "FROM node\nCOPY . .\n");
    env.git(&["init", "-q"]);
    env.git(&[
        "add",
        "app.js",
        "build/templates/page.html",
        "logs/handler.js",
    ]);
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("build/templates/page.html"), "{}", s.text);
        assert!(sent.contains("logs/handler.js"), "{}", s.text);
        assert!(sent.contains("tmp/scratch.bin"), "{}", s.text);
    }
    for d in ["build/", "logs/"] {
        assert!(
            !s.notes.iter().any(|n| n.starts_with(&format!("kept {d}"))),
            "{d}: {:?}",
            s.notes
        );
    }
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("kept tmp/") && n.contains("exclude it yourself")),
        "{:?}",
        s.notes
    );
}

/// An empty junk-named directory in a copied directory (`.stack-work/` made before a first
/// build) gets no "kept … (0 file(s), 0 B) … exclude it yourself" note: there is nothing to
/// save. One holding a file still gets its note.
#[test]
fn an_empty_junk_named_directory_gets_no_note() {
    let env = TestEnv::new();
    env.file("src/Main.hs", "main = pure ()\n")
        .dir("src/.stack-work")
        .file("src/tmp/scratch.bin", "s")
        .file("Dockerfile", "FROM haskell\nCOPY src /src\n");
    let s = suggest_and_write(&env, None, &opts());
    assert!(
        !s.notes.iter().any(|n| n.contains(".stack-work")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes.iter().any(|n| n.starts_with("kept src/tmp/")),
        "{:?}",
        s.notes
    );
}

/// A directory that holds only the files the sources name is not kept whole: an allowlist
/// keeps out what lands there later. `build/distributions/` holding only the tar an `ADD`
/// names gets `!build/distributions/app.tar`, so the `app.zip` Gradle writes beside it next is
/// not sent (before, `!build/distributions` sent it); a directory a source copies is one line.
#[test]
fn a_directory_of_named_files_only_is_not_kept_whole() {
    let env = TestEnv::new();
    env.file("build/distributions/app.tar", "tar")
        .file("build/tmp/docker-coverage/a.exec", "cov")
        .file("conf/app.yml", "a: 1\n")
        .file("conf/log.yml", "l: 1\n")
        .file("src/main.scala", "object M\n")
        .file(
            "Dockerfile",
            "FROM eclipse-temurin\nADD build/distributions/app.tar /\nCOPY build/tmp/docker-coverage /cov/\nCOPY conf/app.yml conf/log.yml /etc/app/\nCOPY src /src\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    for line in [
        "!build/distributions/app.tar",
        "!build/tmp/docker-coverage",
        "!conf/app.yml",
        "!conf/log.yml",
        "!src",
    ] {
        assert!(s.text.lines().any(|l| l == line), "{line}: {}", s.text);
    }
    env.file("build/distributions/app.zip", "zip")
        .file("build/tmp/jar/MANIFEST.MF", "m")
        .file("conf/secrets.yml", "s")
        .file("src/util.scala", "object U\n");
    for sent in sent_both(&env, None) {
        assert!(sent.contains("build/distributions/app.tar"), "{}", s.text);
        assert!(
            sent.contains("build/tmp/docker-coverage/a.exec"),
            "{}",
            s.text
        );
        assert!(sent.contains("src/util.scala"), "{}", s.text);
        for later in [
            "build/distributions/app.zip",
            "build/tmp/jar/MANIFEST.MF",
            "conf/secrets.yml",
        ] {
            assert!(!sent.contains(later), "{later}: {}", s.text);
        }
    }
}

/// A `.log` git tracks is data the project ships (a scanner parser's test inputs under
/// `unittests/scans/`, read by tests run later in the image), not the log of a run: it is kept,
/// even when no RUN step runs tests. An untracked log beside it is still removed.
#[test]
fn a_tracked_log_file_is_data_and_stays() {
    let env = TestEnv::new();
    env.file("app/main.py", "print(1)\n")
        .file(
            "unittests/scans/tool/many_findings.log",
            "[WARN] finding 1\n",
        )
        .file("unittests/scans/tool/no_finding.log", "")
        .file("unittests/test_tool.py", "def test(): pass\n")
        .file("unittests/debug.log", "run 1\n")
        .file(
            "Dockerfile",
            "FROM python\nCOPY app/ ./app/\nCOPY unittests/ ./unittests/\n",
        );
    env.git(&["init", "-q"]);
    env.git(&[
        "add",
        "app/main.py",
        "unittests/scans/tool/many_findings.log",
        "unittests/scans/tool/no_finding.log",
        "unittests/test_tool.py",
    ]);
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(
            sent.contains("unittests/scans/tool/many_findings.log"),
            "{}",
            s.text
        );
        assert!(
            sent.contains("unittests/scans/tool/no_finding.log"),
            "{}",
            s.text
        );
        assert!(!sent.contains("unittests/debug.log"), "{}", s.text);
    }
    let removed: Vec<&str> = s.removals.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(removed, ["unittests/debug.log"], "{}", summary(&s));
    // The note on the kept logs says why they stay.
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("many_findings.log") && n.contains("Log file that git tracks")),
        "{:?}",
        s.notes
    );
}

/// The user's own `!` line that names a file sends it on purpose: suggest keeps it (formbricks'
/// `**/.env` then `!packages/database/.env`) and warns that it is a secret by name. An exception
/// that re-includes whatever is in a directory (`!conf/*`) is no such choice.
#[test]
fn the_users_own_exception_for_a_secret_stands() {
    let env = TestEnv::new();
    env.file("package.json", "{}")
        .file("packages/database/.env", "DATABASE_URL=file:./dev.db\n")
        .file("apps/web/.env", "SECRET=1\n")
        .file("conf/.env", "SECRET=2\n")
        .file("conf/cache/x", "c")
        .file("conf/app.conf", "a")
        .file("Dockerfile", "FROM node\nCOPY . .\n")
        .dockerignore("**/.env\n!packages/database/.env\nconf/cache\n!conf/*\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("packages/database/.env"), "{}", s.text);
        assert!(sent.contains("conf/app.conf"), "{}", s.text);
        assert!(!sent.contains("apps/web/.env"), "{}", s.text);
        assert!(!sent.contains("conf/.env"), "{}", s.text);
    }
    assert!(
        !s.removals
            .iter()
            .any(|(p, _)| p == "packages/database/.env"),
        "{:?}",
        s.removals
    );
    assert!(
        s.removals.iter().any(|(p, _)| p == "conf/.env"),
        "{:?}",
        s.removals
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("packages/database/.env")
                && w.contains("line 2 `!packages/database/.env`")
                && w.contains("secret")),
        "{:?}",
        s.warnings
    );
    // Said once: no note repeats it as a file "the build copies".
    assert!(
        !s.notes.iter().any(|n| n.contains("packages/database/.env")),
        "{:?}",
        s.notes
    );
}

/// The user's own `!` lines inside a directory suggest removes whole survive: `.git` then
/// `!.git/HEAD` and `!.git/refs/heads` (the build reads its version from them) with `COPY . .`
/// still send those files under both builders, and a warning says the user's file asked; the
/// rest of `.git` (and a nested one below a copied directory, with its own exception) goes.
#[test]
fn the_users_own_exceptions_inside_a_removed_directory_stand() {
    let env = TestEnv::new();
    env.file("Cargo.toml", "[package]\n")
        .file("src/main.rs", "fn main() {}\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", "0123abcd\n")
        .file(".git/objects/ab/cdef", "obj")
        .file(".git/config", "[core]\n")
        .file("vendored/lib/.git/HEAD", "ref\n")
        .file("vendored/lib/.git/index", "idx")
        .file("vendored/lib/a.c", "int a;\n")
        .file("Dockerfile", "FROM alpine\nCOPY . .\nRUN cat .git/HEAD\n")
        .dockerignore("**/.git\n!.git/HEAD\n!.git/refs/heads\n!vendored/lib/.git/HEAD\n.env\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/HEAD"), "{}", s.text);
        assert!(sent.contains(".git/refs/heads/main"), "{}", s.text);
        assert!(sent.contains("vendored/lib/.git/HEAD"), "{}", s.text);
        assert!(sent.contains("src/main.rs"), "{}", s.text);
        assert!(!sent.contains(".git/objects/ab/cdef"), "{}", s.text);
        assert!(!sent.contains(".git/config"), "{}", s.text);
        assert!(!sent.contains("vendored/lib/.git/index"), "{}", s.text);
    }
    for (p, line) in [
        (".git/HEAD", "line 2 `!.git/HEAD`"),
        (".git/refs/heads", "line 3 `!.git/refs/heads`"),
        ("vendored/lib/.git/HEAD", "line 4 `!vendored/lib/.git/HEAD`"),
    ] {
        assert!(
            s.warnings.iter().any(|w| w.contains(&format!("kept {p:?}"))
                && w.contains(line)
                && w.contains("sends it on purpose")),
            "{p}: {:?}",
            s.warnings
        );
    }
    assert!(
        !s.not_carried
            .iter()
            .any(|(_, l, _)| l.contains("!.git/HEAD")),
        "{:?}",
        s.not_carried
    );
    // An exception taking a whole directory inside `.git` (`!.git/refs/**`) is such a choice too.
    let env = TestEnv::new();
    env.file("src/main.rs", "fn main() {}\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", "0123abcd\n")
        .file(".git/refs/tags/v1", "0123abcd\n")
        .file(".git/objects/ab/cdef", "obj")
        .file("Dockerfile", "FROM alpine\nCOPY . .\n")
        .dockerignore(".git/*\n!.git/HEAD\n!.git/refs/**\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/HEAD"), "{}", s.text);
        assert!(sent.contains(".git/refs/heads/main"), "{}", s.text);
        assert!(sent.contains(".git/refs/tags/v1"), "{}", s.text);
        assert!(!sent.contains(".git/objects/ab/cdef"), "{}", s.text);
    }
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("kept \".git/refs\"") && w.contains("line 3 `!.git/refs/**`")),
        "{:?}",
        s.warnings
    );
    // What the user's file keeps out below its own exception stays out (`!.git/objects` then
    // `.git/objects/*`: the directory, not the objects).
    let env = TestEnv::new();
    env.file("src/main.rs", "fn main() {}\n")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", "0123abcd\n")
        .file(".git/objects/ab/cdef", "obj")
        .file(".git/objects/info/packs", "p")
        .file("Dockerfile", "FROM alpine\nCOPY . .\n")
        .dockerignore(".git\n!.git/HEAD\n!.git/refs\n!.git/objects\n.git/objects/*\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/HEAD"), "{}", s.text);
        assert!(sent.contains(".git/refs/heads/main"), "{}", s.text);
        assert!(!sent.contains(".git/objects/ab/cdef"), "{}", s.text);
        assert!(!sent.contains(".git/objects/info/packs"), "{}", s.text);
    }
}

/// A COPY source naming an ARG with no value: the user's protective lines that match nothing
/// today (`.env`, `*.pem`, `.DS_Store`, `.idea`) are carried all the same; an unset variable
/// inside one path component keeps that component as a glob (`!app-*`, `!minio-*.*`), which
/// sends the entry any value names (one created later too) under both builders; a variable that
/// is a whole top-level component keeps every top-level entry, protective lines carried too.
#[test]
fn an_unset_arg_keeps_a_component_glob_and_the_protective_lines() {
    let protective = ".env\n*.pem\n.DS_Store\n.idea\nother\n";
    for (df, glob, later) in [
        (
            "FROM alpine\nARG RELEASE\nCOPY ./app-${RELEASE} /x\n",
            "!app-*",
            "app-2/b.txt",
        ),
        (
            "FROM alpine\nARG TARGETARCH\nARG RELEASE\nCOPY ./minio-${TARGETARCH}.${RELEASE} /x\n",
            "!minio-*.*",
            "minio-riscv64.2/m",
        ),
    ] {
        let env = TestEnv::new();
        env.file("app-1/a.txt", "a")
            .file("minio-amd64.1/m", "m")
            .file("other/o.txt", "o")
            .file("notes/n.txt", "n")
            .file("Dockerfile", df)
            .dockerignore(protective);
        let s = suggest_and_write(&env, None, &opts());
        let lines: Vec<&str> = s.text.lines().collect();
        assert!(lines.contains(&glob), "{}", s.text);
        for l in [".env", "*.pem", ".DS_Store", ".idea"] {
            assert!(lines.contains(&l), "{l}: {}", s.text);
        }
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("ARG with no value") && w.contains(glob)),
            "{:?}",
            s.warnings
        );
        env.file(later, "x");
        for sent in sent_both(&env, None) {
            assert!(sent.contains(later), "{later}: {}", s.text);
            assert!(!sent.contains("notes/n.txt"), "{}", s.text);
        }
    }
    // A variable that is a whole top-level component: every top-level entry, and the protective
    // lines carried.
    let env = TestEnv::new();
    env.file("app-1/a.txt", "a")
        .file("Dockerfile", "FROM alpine\nARG APP\nCOPY ./${APP} /x\n")
        .dockerignore(protective);
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.text.lines().collect();
    assert!(lines.contains(&"!app-1"), "{}", s.text);
    for l in [".env", "*.pem", ".DS_Store", ".idea"] {
        assert!(lines.contains(&l), "{l}: {}", s.text);
    }
}

/// A log in test data (loki's fluentd `spec/gems/fluent/plugin/data/non_utf8.log`, which its
/// specs read) stays when a Dockerfile copying it runs the tests, said in a warning; other logs
/// still go, and the same log goes when no step runs tests.
#[test]
fn a_log_in_test_data_stays_when_the_build_runs_tests() {
    let build = |df: &str| {
        let env = TestEnv::new();
        env.file("Gemfile", "source 'https://rubygems.org'\n")
            .file("lib/out.rb", "x")
            .file("spec/plugin/data/non_utf8.log", "\u{fffd}line\n")
            .file(
                "spec/plugin/out_spec.rb",
                "File.readlines('spec/plugin/data/non_utf8.log')\n",
            )
            .file("log/development.log", "dev\n")
            .file("Dockerfile", df);
        env
    };
    let env = build("FROM ruby\nWORKDIR /src\nCOPY . .\nRUN bundle install && bundle exec rspec\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("spec/plugin/data/non_utf8.log"), "{}", s.text);
        assert!(!sent.contains("log/development.log"), "{}", s.text);
    }
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("spec/plugin/data/non_utf8.log") && w.contains("test data")),
        "{:?}",
        s.warnings
    );
    let env = build("FROM ruby\nWORKDIR /src\nCOPY . .\nRUN gem build x.gemspec\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(
            !sent.contains("spec/plugin/data/non_utf8.log"),
            "{}",
            s.text
        );
    }
}

/// Many notes of one kind read as one: a folder of sample videos (three or more files of one rule
/// in one directory) and a `testdata/` in every package (four or more directories of one rule)
/// each become one note with the count, the size and the first names; the files stay sent.
#[test]
fn many_kept_notes_of_one_kind_are_merged() {
    let env = TestEnv::new();
    env.file("main.go", "package main\n")
        .file("assets/examples/a.mp4", "v1")
        .file("assets/examples/b.mp4", "v2")
        .file("assets/examples/c.avi", "v3")
        .file("assets/examples/d.mov", "v4")
        .file("assets/static/404.mp4", "v5")
        .file("Dockerfile", "FROM golang\nCOPY . .\nRUN go build\n");
    for p in ["a", "b", "c", "d", "e"] {
        env.file(format!("internal/{p}/testdata/case.json"), "{}");
    }
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("assets/examples/d.mov"), "{}", s.text);
        assert!(sent.contains("internal/e/testdata/case.json"), "{}", s.text);
    }
    let with = |p: &str| s.notes.iter().filter(|n| n.starts_with(p)).count();
    assert_eq!(
        with("kept 4 files in assets/examples/ ("),
        1,
        "{:?}",
        s.notes
    );
    assert_eq!(with("kept assets/examples/"), 0, "{:?}", s.notes);
    // One such file in its directory keeps its own note.
    assert_eq!(with("kept assets/static/404.mp4 ("), 1, "{:?}", s.notes);
    let dirs: Vec<_> = s
        .notes
        .iter()
        .filter(|n| n.starts_with("kept 5 directories (5 file(s)"))
        .collect();
    assert_eq!(dirs.len(), 1, "{:?}", s.notes);
    assert!(
        dirs[0].contains(
            "internal/a/testdata/, internal/b/testdata/, internal/c/testdata/ and 2 more"
        ),
        "{}",
        dirs[0]
    );
    assert_eq!(with("kept internal/"), 0, "{:?}", s.notes);
}

/// A hand-written allowlist that keeps `.git` or `.env` by name (vaultwarden's `*` then `!.git`)
/// made that choice: suggest keeps them, with a warning, and still removes what a kept directory
/// merely holds. A file `suggest` wrote has no such say: its keep lines are re-decided.
#[test]
fn a_hand_written_allowlist_keeps_what_it_names() {
    let tree = |ignore: &str| {
        let env = TestEnv::new();
        env.file("src/main.rs", "fn main() {}\n")
            .file("src/.env", "SECRET=1\n")
            .file(".env", "SECRET=2\n")
            .file(".git/HEAD", "ref: refs/heads/main\n")
            .file(".git/config", "[core]\n")
            .file("Dockerfile", "FROM rust\nCOPY . .\n")
            .dockerignore(ignore);
        env
    };
    let env = tree("// everything out\n*\n!.git\n!.env\n!src\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/HEAD"), "{}", s.text);
        assert!(sent.contains(".env"), "{}", s.text);
        assert!(!sent.contains("src/.env"), "{}", s.text);
    }
    for name in ["\".git\"", "\".env\""] {
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains(name) && w.contains("sends it on purpose")),
            "{name}: {:?}",
            s.warnings
        );
    }
    // The same keep lines in a file suggest wrote are its own earlier answer.
    let env = tree("# Generated by `ctxsize suggest` from Dockerfile.\n*\n!.git\n!.env\n!src\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(!sent.contains(".git/HEAD"), "{}", s.text);
        assert!(!sent.contains(".env"), "{}", s.text);
    }
}

/// A stage the default build skips is still built by `docker build --target` (gotenberg's
/// Makefile always passes one): without --target, suggest keeps its sources too and says so.
#[test]
fn stages_the_default_build_skips_keep_their_sources() {
    let env = TestEnv::new();
    env.file("data/hyphen.dic", "d")
        .file("app.sh", "echo hi\n")
        .file("notes.txt", "n")
        .file(
            "Dockerfile",
            "FROM alpine AS full\nCOPY data /data\nFROM alpine AS slim\nCOPY app.sh /\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("data/hyphen.dic"), "{}", s.text);
        assert!(sent.contains("app.sh"), "{}", s.text);
        assert!(!sent.contains("notes.txt"), "{}", s.text);
    }
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("stage full is not built by default")),
        "{:?}",
        s.notes
    );
}

/// A secrets manifest whose values are stand-ins (atuin's `k8s/secrets.yaml`:
/// `seriously-insecure`, `changeme`) holds no secret: it stays, as the build copies it.
#[test]
fn a_secrets_manifest_of_stand_ins_stays() {
    let env = TestEnv::new();
    env.file("src/main.rs", "fn main() {}\n")
        .file(
            "k8s/secrets.yaml",
            "kind: Secret\nstringData:\n  DB_PASSWORD: seriously-insecure\n  API_TOKEN: changeme-later\n",
        )
        .file("Dockerfile", "FROM rust\nCOPY . .\n");
    let s = suggest_and_write(&env, None, &opts());
    for sent in sent_both(&env, None) {
        assert!(sent.contains("k8s/secrets.yaml"), "{}", s.text);
    }
}

/// `--write` over a symlinked ignore file (`.dockerignore -> .gitignore`, as some projects keep
/// one list for both) replaces the link with a regular file and leaves its target as it was;
/// the summary says so.
#[test]
fn write_over_a_symlinked_ignore_file_keeps_its_target_and_says_so() {
    let env = TestEnv::new();
    env.file("src/main.rs", "fn main() {}")
        .file("junk.bin", "j")
        .file("Dockerfile", "FROM scratch\nCOPY src /src\n")
        .file(".gitignore", "target\n")
        .symlink(".dockerignore", ".gitignore");
    let o = env.run(["suggest", "--write", "."]);
    assert!(o.status.success(), "{}", super::text(&o.stderr));
    let err = super::text(&o.stderr);
    assert!(
        err.contains(".dockerignore was a symlink to .gitignore; it is now a regular file, and .gitignore is unchanged"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(env.path(".gitignore")).unwrap(),
        "target\n"
    );
    let md = std::fs::symlink_metadata(env.path(".dockerignore")).unwrap();
    assert!(md.file_type().is_file());
    assert!(std::fs::read_to_string(env.path(".dockerignore"))
        .unwrap()
        .contains("\n!src\n"));
}

/// A current line that excludes a directory a source names whole (`COPY dist ./dist` under
/// `dist` or `**/dist`) is not carried: carried after `!dist`, it left that keep line dead and
/// the source still missing (the build fails), and `lint` then failed the written file
/// (DI006). A line excluding only some files inside a copied directory stays.
#[test]
fn a_line_excluding_a_named_directory_is_not_carried() {
    for line in ["dist", "**/dist", "dist/"] {
        let env = TestEnv::new();
        env.file("dist/index.js", "x")
            .file("src/app.js", "a")
            .file("src/app.test.js", "t")
            .file("package.json", "{}")
            .file(
                "Dockerfile",
                "FROM node\nCOPY package.json ./\nCOPY dist ./dist\nCOPY src ./src\n",
            )
            .file(".dockerignore", format!("{line}\nsrc/*.test.js\n"));
        let s = suggest_and_write(&env, None, &SuggestOptions::default());
        assert!(
            !s.carried.iter().any(|l| l == line) && s.carried.iter().any(|l| l == "src/*.test.js"),
            "{line}: {:?}\n{}",
            s.carried,
            s.text
        );
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("excludes a path the Dockerfile names")),
            "{line}: {:?}",
            s.warnings
        );
        for sent in sent_both(&env, None) {
            assert!(
                sent.contains("dist/index.js")
                    && sent.contains("src/app.js")
                    && !sent.contains("src/app.test.js"),
                "{line}: {sent:?}"
            );
        }
    }
}

/// The same cache name repeated inside the kept paths is one `**/NAME` line, not one line per
/// directory: with a carried allowlist (`*`, `!/app`, …) too, where the user's lines decide
/// every path and the removals still sent used to get their exact lines (linkding's ten
/// `bookmarks/*/__pycache__`).
#[test]
fn repeated_cache_removals_are_one_generic_line() {
    let env = TestEnv::new();
    env.file("manage.py", "x\n")
        .file("app/settings/dev.py", "DEBUG = True\n")
        .file("app/settings/prod.py", "DEBUG = False\n");
    for d in ["app", "app/a", "app/b", "app/c/d"] {
        env.file(format!("{d}/m.py"), "x\n")
            .file(format!("{d}/__pycache__/m.cpython-312.pyc"), "b");
    }
    env.file("app/b/.pytest_cache/v/lastfailed", "{}")
        .file("app/c/.pytest_cache/v/lastfailed", "{}")
        .file("Dockerfile", "FROM python\nCOPY . /code\n")
        .dockerignore("*\n!/app\n!/manage.py\n/app/settings/dev.py\n");
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.reexcluded.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(lines, ["**/__pycache__", "**/.pytest_cache"], "{}", s.text);
    assert!(
        s.text.contains("# Python bytecode cache, 4 entries\n"),
        "{}",
        s.text
    );
    for sent in sent_both(&env, None) {
        assert!(sent.contains("app/c/d/m.py") && sent.contains("app/settings/prod.py"));
        assert!(!sent.contains("app/settings/dev.py"), "{}", s.text);
        assert!(!sent
            .iter()
            .any(|p| p.contains("__pycache__") || p.contains(".pytest_cache")));
    }

    // `**/__pycache__` would reach a path a COPY names: one line per top-level directory that
    // repeats the name instead (`app/**/__pycache__`), the named one kept.
    let env = TestEnv::new();
    for d in ["app/a", "app/b", "lib"] {
        env.file(format!("{d}/m.py"), "x\n")
            .file(format!("{d}/__pycache__/m.cpython-312.pyc"), "b");
    }
    env.file(
        "Dockerfile",
        "FROM python\nCOPY app /app\nCOPY lib/__pycache__/m.cpython-312.pyc /pyc/\n",
    );
    let s = suggest_and_write(&env, None, &opts());
    let lines: Vec<&str> = s.reexcluded.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(lines, ["app/**/__pycache__"], "{}", s.text);
    for sent in sent_both(&env, None) {
        assert!(
            sent.contains("lib/__pycache__/m.cpython-312.pyc"),
            "{}",
            s.text
        );
        assert!(sent.contains("app/a/m.py"));
        assert!(
            !sent.contains("app/a/__pycache__/m.cpython-312.pyc"),
            "{}",
            s.text
        );
    }
}

/// Each line of the current file that is not carried says concretely why (an exclusion whose
/// matches inside the kept paths another line already excludes is carried all the same); an exception
/// inside `.git` is written again in its own form; one outside the kept paths says so.
#[test]
fn not_carried_reasons_are_concrete() {
    let env = TestEnv::new();
    env.file("app/main.py", "x = 1\n")
        .file("app/x/__pycache__/m.cpython-312.pyc", "b")
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".git/refs/heads/main", "0123abcd\n")
        .file(".git/objects/ab/cdef", "obj")
        .file("README.md", "r\n")
        .file("docs/a.md", "d\n")
        .file("Dockerfile", "FROM python\nCOPY . /app\n")
        .dockerignore(
            ".git/\n!.git/HEAD\n!.git/refs/heads/*\n**/__pycache__\n**/*.py[cod]\ndocs\n*.md\n!README.md\n",
        );
    let s = suggest_and_write(&env, None, &opts());
    let why = |l: &str| {
        s.not_carried
            .iter()
            .find(|(_, x, _)| x == l)
            .map(|(_, _, w)| w.clone())
            .unwrap_or_else(|| panic!("{l} not listed: {:?}\n{}", s.not_carried, s.text))
    };
    // `**/*.py[cod]` excludes on its own what `**/__pycache__` excludes today, and a stray
    // `.pyc` outside a `__pycache__` later: it is carried (qa43: jellyseerr's `config/db/*`).
    assert!(
        s.text.lines().any(|l| l == "**/*.py[cod]")
            && !s.not_carried.iter().any(|(_, x, _)| x == "**/*.py[cod]"),
        "{}",
        s.text
    );
    assert_eq!(
        why("!.git/refs/heads/*"),
        "written as `!.git/refs/heads` at the end of the file, after the lines that exclude what is around it"
    );
    for sent in sent_both(&env, None) {
        assert!(sent.contains(".git/refs/heads/main") && sent.contains(".git/HEAD"));
        assert!(!sent.contains(".git/objects/ab/cdef"));
        assert!(!sent.contains("app/x/__pycache__/m.cpython-312.pyc"));
    }

    // An allowlist's exceptions: the keep lines send what they re-include inside the kept paths;
    // one re-including only what no COPY uses says so.
    let env = TestEnv::new();
    env.file("app/main.py", "x\n")
        .file("README.md", "r\n")
        .file("Dockerfile", "FROM python\nCOPY app /app\n")
        .dockerignore("*\n!app/**\n!README.md\n");
    let s = suggest_and_write(&env, None, &opts());
    let why = |l: &str| {
        s.not_carried
            .iter()
            .find(|(_, x, _)| x == l)
            .map(|(_, _, w)| w.clone())
            .unwrap_or_else(|| panic!("{l} not listed: {:?}", s.not_carried))
    };
    assert_eq!(
        why("!app/**"),
        "the keep lines already send what it re-includes inside the kept paths"
    );
    assert_eq!(
        why("!README.md"),
        "it re-includes only paths outside the kept paths, which no COPY uses"
    );
}
