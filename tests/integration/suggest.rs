//! `ctxsize suggest` and the BuildKit transfer set: for many Dockerfile shapes, the suggested
//! allowlist keeps every path the Dockerfile uses under both builders (library), and under the
//! real docker CLI (classic builder, through a fake daemon) when `docker` is on PATH; the
//! context gets smaller; `--write` never loses the previous file.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ctxsize::suggest::{suggest, summary, write_atomic, Snapshot, SuggestOptions, Suggestion};
use ctxsize::Builder;

use super::util::{skip, text, TestEnv};

// ---------------------------------------------------------------------------------------------
// A minimal fake docker daemon (the endpoints the CLI calls for a classic build).
// ---------------------------------------------------------------------------------------------

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(h, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(
    s: &mut UnixStream,
    head: bool,
    code: &str,
    ctype: &str,
    body: &[u8],
) -> std::io::Result<()> {
    write!(
        s,
        "HTTP/1.1 {code}\r\nApi-Version: 1.50\r\nOstype: linux\r\nDocker-Experimental: false\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )?;
    if !head {
        s.write_all(body)?;
    }
    s.flush()
}

fn serve(stream: UnixStream) -> std::io::Result<()> {
    let mut w = stream.try_clone()?;
    let mut r = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let (mut len, mut chunked) = (0usize, false);
        loop {
            let mut h = String::new();
            if r.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
                break;
            }
            let lower = h.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut sz = String::new();
                r.read_line(&mut sz)?;
                let n = usize::from_str_radix(sz.trim().split(';').next().unwrap_or("0"), 16)
                    .unwrap_or(0);
                if n == 0 {
                    let mut t = String::new();
                    while r.read_line(&mut t)? > 0 && t != "\r\n" && t != "\n" {
                        t.clear();
                    }
                    break;
                }
                let mut buf = vec![0; n];
                r.read_exact(&mut buf)?;
                body.extend_from_slice(&buf);
                let mut crlf = String::new();
                r.read_line(&mut crlf)?;
            }
        } else if len > 0 {
            body = vec![0; len];
            r.read_exact(&mut body)?;
        }
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        if path.ends_with("/_ping") {
            respond(&mut w, method == "HEAD", "200 OK", "text/plain", b"OK")?;
        } else if path.ends_with("/version") {
            respond(
                &mut w,
                method == "HEAD",
                "200 OK",
                "application/json",
                br#"{"Version":"28.2.2","ApiVersion":"1.50","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}"#,
            )?;
        } else if method == "POST" && path.ends_with("/build") {
            let mut out = None;
            for kv in query.split('&') {
                if let Some(v) = kv.strip_prefix("buildargs=") {
                    let j: serde_json::Value =
                        serde_json::from_str(&percent_decode(v)).unwrap_or_default();
                    out = j
                        .get("ORACLE_OUT")
                        .and_then(|x| x.as_str())
                        .map(PathBuf::from);
                }
            }
            if let Some(o) = out {
                let part = o.with_extension("part");
                std::fs::write(&part, &body)?;
                std::fs::rename(&part, &o)?;
            }
            let msg = format!(
                "{{\"stream\":\"captured {} bytes\\n\"}}\r\n{{\"aux\":{{\"ID\":\"sha256:{}\"}}}}\r\n",
                body.len(),
                "0".repeat(64)
            );
            respond(
                &mut w,
                method == "HEAD",
                "200 OK",
                "application/json",
                msg.as_bytes(),
            )?;
        } else {
            respond(
                &mut w,
                method == "HEAD",
                "404 Not Found",
                "application/json",
                br#"{"message":"fake"}"#,
            )?;
        }
    }
}

/// The socket of one fake daemon shared by every test (`None`: no docker CLI on PATH).
fn daemon() -> Option<&'static Path> {
    static SOCK: OnceLock<Option<PathBuf>> = OnceLock::new();
    SOCK.get_or_init(|| {
        let found = Command::new("docker")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return None;
        }
        let dir = std::env::temp_dir().join(format!("ctxsize-fakedockerd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let sock = dir.join("docker.sock");
        let _ = std::fs::remove_file(&sock);
        let l = UnixListener::bind(&sock).ok()?;
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                std::thread::spawn(move || serve(s));
            }
        });
        Some(sock)
    })
    .as_deref()
}

/// Tar entry names (directories end in `/`).
fn tar_names(t: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut off = 0;
    let mut next_name: Option<String> = None;
    let field = |b: &[u8]| {
        let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
        String::from_utf8_lossy(&b[..end]).into_owned()
    };
    while off + 512 <= t.len() {
        let h = &t[off..off + 512];
        if h.iter().all(|&c| c == 0) {
            break;
        }
        let size = u64::from_str_radix(field(&h[124..136]).trim(), 8).unwrap_or(0) as usize;
        let typ = h[156];
        let data = &t[(off + 512).min(t.len())..(off + 512 + size).min(t.len())];
        match typ {
            b'x' => {
                let s = String::from_utf8_lossy(data);
                for rec in s.split('\n') {
                    if let Some(i) = rec.find(" path=") {
                        next_name = Some(rec[i + 6..].to_string());
                    }
                }
            }
            b'L' => next_name = Some(field(data)),
            _ => {
                let name = next_name.take().unwrap_or_else(|| {
                    let prefix = field(&h[345..500]);
                    let n = field(&h[0..100]);
                    if prefix.is_empty() {
                        n
                    } else {
                        format!("{prefix}/{n}")
                    }
                });
                out.push(name);
            }
        }
        off += 512 + size.div_ceil(512) * 512;
    }
    out
}

/// What `DOCKER_BUILDKIT=0 docker build [-f F] .` sends, run in `ctx`: the tar entry names, or
/// `None` when there is no docker CLI.
pub fn run_docker_classic(ctx: &Path, dockerfile: Option<&str>) -> Option<Vec<String>> {
    let sock = daemon()?;
    let out = ctx.parent().unwrap().join(format!(
        "capture-{}.tar",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let cfg = ctx.parent().unwrap().join("docker-config");
    std::fs::create_dir_all(&cfg).ok()?;
    let mut cmd = Command::new("docker");
    cmd.env("DOCKER_BUILDKIT", "0")
        .env("DOCKER_HOST", format!("unix://{}", sock.display()))
        .env("DOCKER_CONFIG", &cfg)
        .current_dir(ctx)
        .arg("build")
        .arg("-q")
        .arg("--build-arg")
        .arg(format!("ORACLE_OUT={}", out.display()));
    if let Some(f) = dockerfile {
        cmd.arg("-f").arg(f);
    }
    cmd.arg(".");
    let o = cmd.output().ok()?;
    assert!(
        o.status.success(),
        "docker build failed ({}): {}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let t = std::fs::read(&out).expect("captured tar");
    Some(tar_names(&t))
}

// ---------------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------------

struct Case {
    name: &'static str,
    files: &'static [&'static str],
    dockerfile: (&'static str, &'static str),
    ignore: Option<&'static str>,
    target: Option<&'static str>,
    build_args: &'static [&'static str],
    /// Paths that must still be sent (files).
    used: &'static [&'static str],
    /// Paths that must no longer be sent.
    dropped: &'static [&'static str],
}

fn build(c: &Case) -> TestEnv {
    let env = TestEnv::new();
    for f in c.files {
        env.file(f, format!("content of {f}\n"));
    }
    env.file(c.dockerfile.0, c.dockerfile.1);
    if let Some(i) = c.ignore {
        env.dockerignore(i);
    }
    env
}

fn df_flag(c: &Case) -> Option<&'static str> {
    (c.dockerfile.0 != "Dockerfile").then_some(c.dockerfile.0)
}

fn options(c: &Case) -> SuggestOptions {
    SuggestOptions {
        target: c.target.map(str::to_string),
        build_args: c.build_args.iter().map(|s| s.to_string()).collect(),
        diff: false,
        write: false,
        dockerfiles: Vec::new(),
        compose: None,
        discover: false,
        per_dockerfile: false,
        named: None,
    }
}

/// Files sent (not counting the ignore file itself, which the proposal adds) and every entry.
fn files_sent(env: &TestEnv, b: Builder, df: Option<&str>) -> (u64, BTreeSet<String>) {
    let sent: BTreeSet<String> = env.list(b, df).into_iter().collect();
    let n = sent
        .iter()
        .filter(|p| !p.ends_with('/') && *p != ".dockerignore")
        .count() as u64;
    (n, sent)
}

fn check(c: &Case) -> (TestEnv, Suggestion) {
    let env = build(c);
    let df = df_flag(c);
    let before: Vec<(Builder, u64)> = [Builder::Buildkit, Builder::Classic]
        .into_iter()
        .map(|b| (b, files_sent(&env, b, df).0))
        .collect();
    let docker_before = run_docker_classic(env.ctx(), df);
    let s = suggest(&env.config(Builder::Buildkit, df), &options(c))
        .unwrap_or_else(|e| panic!("{}: suggest failed: {e}", c.name));
    assert_eq!(
        s.proven_for,
        vec![Builder::Buildkit, Builder::Classic],
        "{}: not proven: {:?}",
        c.name,
        s.warnings
    );
    std::fs::write(&s.destination, &s.text).unwrap();
    for (b, n_before) in before {
        let (n_after, sent) = files_sent(&env, b, df);
        for u in c.used {
            assert!(
                sent.contains(*u),
                "{}: {u} not sent under {b:?}\n{}",
                c.name,
                s.text
            );
        }
        for d in c.dropped {
            assert!(
                !sent.contains(*d),
                "{}: {d} still sent under {b:?}\n{}",
                c.name,
                s.text
            );
        }
        assert!(
            n_after < n_before,
            "{}: context not smaller under {b:?} ({n_before} → {n_after})",
            c.name
        );
    }
    match (docker_before, run_docker_classic(env.ctx(), df)) {
        (Some(before), Some(after)) => {
            for u in c.used {
                assert!(
                    after.iter().any(|n| n == u),
                    "{}: docker does not send {u}: {after:?}",
                    c.name
                );
            }
            for d in c.dropped {
                assert!(
                    !after.iter().any(|n| n == d),
                    "{}: docker still sends {d}",
                    c.name
                );
            }
            let n = |v: &[String]| {
                v.iter()
                    .filter(|p| !p.ends_with('/') && *p != ".dockerignore")
                    .count()
            };
            assert!(
                n(&after) < n(&before),
                "{}: docker context not smaller",
                c.name
            );
        }
        _ => skip(c.name, "no docker CLI on PATH: real-CLI check skipped"),
    }
    (env, s)
}

const CASES: &[Case] = &[
    Case {
        name: "multi_stage_from",
        files: &[
            "go.mod", "go.sum", "cmd/app/main.go", "cmd/app/.env", "config/app.yaml",
            "config/dev.yaml", "docs/guide.md", ".git/HEAD", "node_modules/x/index.js",
        ],
        dockerfile: (
            "Dockerfile",
            "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY cmd/ ./cmd/\nRUN go build ./cmd/app\n\nFROM alpine\nCOPY --from=build /src/app /app\nCOPY config/app.yaml /etc/app.yaml\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["go.mod", "go.sum", "cmd/app/main.go", "config/app.yaml"],
        dropped: &["cmd/app/.env", "config/dev.yaml", "docs/guide.md", ".git/HEAD", "node_modules/x/index.js"],
    },
    Case {
        name: "target_stage",
        files: &["app/main.py", "tests/test_main.py", "requirements.txt", "README.md"],
        dockerfile: (
            "Dockerfile",
            "FROM python:3 AS base\nCOPY requirements.txt /\nFROM base AS test\nCOPY tests/ /tests/\nFROM base AS prod\nCOPY app/ /app/\n",
        ),
        ignore: None,
        target: Some("prod"),
        build_args: &[],
        used: &["app/main.py", "requirements.txt"],
        dropped: &["tests/test_main.py", "README.md"],
    },
    Case {
        name: "arg_default",
        files: &["apps/web/index.js", "apps/api/main.js", "apps/web/package.json"],
        dockerfile: ("Dockerfile", "ARG APP=web\nFROM node\nARG APP\nCOPY apps/${APP}/ /srv/\n"),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["apps/web/index.js", "apps/web/package.json"],
        dropped: &["apps/api/main.js"],
    },
    Case {
        name: "arg_override",
        files: &["apps/web/index.js", "apps/api/main.js", "other.txt"],
        dockerfile: ("Dockerfile", "ARG APP=web\nFROM node\nARG APP\nCOPY apps/${APP}/ /srv/\n"),
        ignore: None,
        target: None,
        build_args: &["APP=api"],
        used: &["apps/api/main.js"],
        dropped: &["apps/web/index.js", "other.txt"],
    },
    Case {
        name: "arg_unresolved_keeps_broad_line",
        files: &["src/a/x.txt", "src/b/y.txt", "other/z.txt"],
        dockerfile: ("Dockerfile", "FROM alpine\nARG DIR\nCOPY src/${DIR} /x/\n"),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["src/a/x.txt", "src/b/y.txt"],
        dropped: &["other/z.txt"],
    },
    Case {
        name: "wildcards",
        files: &["package.json", "tsconfig.json", "lib/a.py", "lib/b.txt", "README.md"],
        dockerfile: ("Dockerfile", "FROM node\nCOPY *.json ./\nCOPY lib/*.py /lib/\n"),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["package.json", "tsconfig.json", "lib/a.py"],
        dropped: &["README.md", "lib/b.txt"],
    },
    Case {
        name: "heredocs",
        files: &["run.sh", "EOF", "notes.txt"],
        dockerfile: (
            "Dockerfile",
            "# syntax=docker/dockerfile:1\nFROM alpine\nRUN <<EOF\necho hi > /x\nEOF\nCOPY <<EOT /etc/motd\nhello\nEOT\nCOPY run.sh /\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["run.sh"],
        dropped: &["EOF", "notes.txt"],
    },
    Case {
        name: "parents",
        files: &["pkgs/a/package.json", "pkgs/a/index.js", "pkgs/b/package.json", "top.txt"],
        dockerfile: (
            "Dockerfile",
            "# syntax=docker/dockerfile:1.7-labs\nFROM node\nCOPY --parents pkgs/*/package.json /app/\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["pkgs/a/package.json", "pkgs/b/package.json"],
        dropped: &["pkgs/a/index.js", "top.txt"],
    },
    Case {
        name: "bind_mount",
        files: &["scripts/build.sh", "scripts/lib.sh", "app.py", "data/big.bin"],
        dockerfile: (
            "Dockerfile",
            "FROM python\nRUN --mount=type=bind,source=scripts,target=/s sh /s/build.sh\nRUN --mount=type=cache,target=/root/.cache true\nCOPY app.py /\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["scripts/build.sh", "scripts/lib.sh", "app.py"],
        dropped: &["data/big.bin"],
    },
    Case {
        name: "add_url_and_git",
        files: &["main.py", "vendor.tgz", "x/y.txt"],
        dockerfile: (
            "Dockerfile",
            "FROM python\nADD https://example.com/a.tgz /a/\nADD https://github.com/moby/buildkit.git#v0.13.0 /bk\nCOPY main.py /\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["main.py"],
        dropped: &["vendor.tgz", "x/y.txt"],
    },
    Case {
        name: "monorepo_subdirectory",
        files: &[
            "services/api/main.go", "services/api/go.mod", "services/web/index.html",
            "libs/common/util.go", "libs/other/x.go", "README.md",
        ],
        dockerfile: (
            "services/api/Dockerfile",
            "FROM golang\nCOPY libs/common/ /src/libs/common/\nCOPY services/api/ /src/services/api/\n",
        ),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["services/api/main.go", "services/api/go.mod", "libs/common/util.go"],
        dropped: &["services/web/index.html", "libs/other/x.go", "README.md"],
    },
    Case {
        name: "copy_dot_whole_context",
        files: &["src/a.py", ".env", ".git/HEAD", "node_modules/x/y.js", "logs/a.log", "setup.py", "web/node_modules/y.js"],
        dockerfile: ("Dockerfile", "FROM python\nWORKDIR /app\nCOPY . .\nRUN pip install .\n"),
        ignore: None,
        target: None,
        build_args: &[],
        // No npm install step: node_modules may be what the image runs, so it stays.
        used: &["src/a.py", "setup.py", "node_modules/x/y.js", "web/node_modules/y.js"],
        dropped: &[".env", ".git/HEAD", "logs/a.log"],
    },
    Case {
        name: "deep_file_literal_prefix",
        files: &["a/b/c.txt", "a/b/d.txt", "a/e.txt", "f.txt"],
        dockerfile: ("Dockerfile", "FROM alpine\nCOPY a/b/c.txt /\n"),
        ignore: None,
        target: None,
        build_args: &[],
        used: &["a/b/c.txt"],
        dropped: &["a/b/d.txt", "a/e.txt", "f.txt"],
    },
    Case {
        name: "carries_current_lines",
        files: &["src/a.py", "src/b.bak", "src/sub/c.bak", "other.txt", "README.md"],
        dockerfile: ("Dockerfile", "FROM python\nCOPY src/ /app/\n"),
        ignore: Some("**/*.bak\nother.txt\n"),
        target: None,
        build_args: &[],
        used: &["src/a.py"],
        dropped: &["src/b.bak", "src/sub/c.bak", "other.txt", "README.md"],
    },
    Case {
        name: "fixes_an_excluded_source",
        files: &["config/app.conf", "config/secret.key", "bin/tool", "junk/x", "junk/y", "docs/z.md"],
        dockerfile: ("Dockerfile", "FROM alpine\nCOPY config/app.conf /etc/\nCOPY bin/ /usr/local/bin/\n"),
        ignore: Some("config\n"),
        target: None,
        build_args: &[],
        used: &["config/app.conf", "bin/tool"],
        dropped: &["config/secret.key", "junk/x"],
    },
];

#[test]
fn every_shape_keeps_what_the_build_uses() {
    for c in CASES {
        check(c);
    }
}

#[test]
fn shapes_write_the_expected_lines() {
    let get = |n: &str| CASES.iter().find(|c| c.name == n).unwrap();
    let (_, s) = check(get("multi_stage_from"));
    assert!(s.text.lines().any(|l| l == "*"), "{}", s.text);
    assert!(s.text.lines().any(|l| l == "!cmd"), "{}", s.text);
    assert!(
        s.text.lines().any(|l| l == "!config/app.yaml"),
        "{}",
        s.text
    );
    assert!(s.text.lines().any(|l| l == "**/.env"), "{}", s.text);
    assert_eq!(
        s.removals,
        vec![(
            "cmd/app/.env".to_string(),
            "environment file (secrets)".to_string()
        )]
    );
    assert!(!s
        .text
        .lines()
        .any(|l| l.contains("Dockerfile") && !l.starts_with('#')));
    let (_, s) = check(get("copy_dot_whole_context"));
    assert!(s.whole_context);
    // A real allowlist: `*`, then one line per top-level entry worth sending.
    let lines: Vec<&str> = s
        .text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(lines[0], "*", "{}", s.text);
    for k in ["!src", "!setup.py", "!node_modules", "!web"] {
        assert!(lines.contains(&k), "{k}: {}", s.text);
    }
    assert!(
        !lines
            .iter()
            .any(|l| l.contains(".git") && l.starts_with('!')),
        "{}",
        s.text
    );
    let removed: Vec<&str> = s.removals.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        removed,
        [".env", ".git/HEAD", "logs/a.log"],
        "{:?}",
        s.removals
    );
    let (_, s) = check(get("arg_unresolved_keeps_broad_line"));
    assert!(s.text.lines().any(|l| l == "!src"), "{}", s.text);
    assert!(
        s.warnings.iter().any(|w| w.contains("ARG with no value")),
        "{:?}",
        s.warnings
    );
    let (_, s) = check(get("carries_current_lines"));
    assert!(s.text.lines().any(|l| l == "**/*.bak"), "{}", s.text);
    assert!(!s.text.lines().any(|l| l == "other.txt"), "{}", s.text);
    let (_, s) = check(get("monorepo_subdirectory"));
    let (alt, why) = s.alternative.expect("per-Dockerfile ignore file offered");
    assert!(alt.ends_with("services/api/Dockerfile.dockerignore"));
    assert!(why.contains("classic builder ignores it"));
    assert!(s.destination.ends_with(".dockerignore"));
    let (_, s) = check(get("deep_file_literal_prefix"));
    assert!(s.text.lines().any(|l| l == "!a/b/c.txt"), "{}", s.text);
}

#[test]
fn missing_source_is_a_warning() {
    let env = TestEnv::new();
    env.file("a.txt", "a")
        .file("b.txt", "b")
        .file("Dockerfile", "FROM alpine\nCOPY a.txt nope.txt /\n");
    let s = suggest(
        &env.config(Builder::Buildkit, None),
        &SuggestOptions::default(),
    )
    .unwrap();
    assert!(
        s.warnings.iter().any(|w| w.contains("nope.txt")),
        "{:?}",
        s.warnings
    );
}

// ---------------------------------------------------------------------------------------------
// --write, --diff and the CLI.
// ---------------------------------------------------------------------------------------------

#[test]
fn write_keeps_a_backup() {
    let env = TestEnv::new();
    env.dockerignore("old\n");
    let p = env.path(".dockerignore");
    let seen = Snapshot::take(&p);
    let bdir = env.tmp().join("backups");
    let bak = write_atomic(&p, b"*\n!src\n", &seen, &bdir, &mut || {}).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"*\n!src\n");
    let bak = bak.unwrap();
    assert!(bak.starts_with(&bdir), "{}", bak.display());
    assert_eq!(std::fs::read(bak).unwrap(), b"old\n");
    // A new file: no backup.
    let q = env.path("X.Dockerfile.dockerignore");
    let bak = write_atomic(&q, b"*\n", &Snapshot::take(&q), &bdir, &mut || {}).unwrap();
    assert!(bak.is_none());
    assert_eq!(std::fs::read(&q).unwrap(), b"*\n");
}

#[test]
fn write_refuses_a_file_changed_since_read() {
    let env = TestEnv::new();
    env.dockerignore("old\n");
    let p = env.path(".dockerignore");
    let seen = Snapshot::take(&p);
    let pp = p.clone();
    let bdir = env.tmp().join("backups");
    let r = write_atomic(&p, b"*\n", &seen, &bdir, &mut || {
        std::fs::write(&pp, "edited by someone else\n").unwrap();
    });
    assert!(r.is_err());
    assert_eq!(std::fs::read(&p).unwrap(), b"edited by someone else\n");
    assert!(!env.path(".dockerignore.bak").exists());
    assert!(!bdir.exists() || std::fs::read_dir(&bdir).unwrap().next().is_none());
    let leftovers: Vec<_> = std::fs::read_dir(env.ctx())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("ctxsize-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // Created in between (it did not exist when read).
    let q = env.path("new.dockerignore");
    let seen = Snapshot::take(&q);
    let qq = q.clone();
    assert!(
        write_atomic(&q, b"*\n", &seen, &bdir, &mut || std::fs::write(&qq, "x")
            .unwrap())
        .is_err()
    );
    assert_eq!(std::fs::read(&q).unwrap(), b"x");
}

#[test]
fn cli_write_and_diff() {
    let env = TestEnv::new();
    env.file("src/a.py", "a")
        .file("junk.bin", "j")
        .file("Dockerfile", "FROM python\nCOPY src/ /app/\n")
        .dockerignore("junk.bin\n");
    let o = env.run(["suggest", "--diff"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let d = text(&o.stdout);
    assert!(d.contains("-junk.bin") && d.contains("+!src"), "{d}");
    assert!(text(&o.stderr).contains("→"), "{}", text(&o.stderr));
    env.file(".git/HEAD", "ref: refs/heads/main\n");
    let o = env.run(["suggest", "--write"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!env.path(".dockerignore.bak").exists());
    let baks: Vec<PathBuf> = std::fs::read_dir(env.path(".git/ctxsize/backups"))
        .expect("backup directory in .git")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(baks.len(), 1, "{baks:?}");
    assert_eq!(std::fs::read(&baks[0]).unwrap(), b"junk.bin\n");
    assert!(
        text(&o.stderr).contains("does not send it"),
        "{}",
        text(&o.stderr)
    );
    for b in [Builder::Buildkit, Builder::Classic] {
        let sent = env.list(b, None);
        assert!(
            !sent.iter().any(|p| p.contains("ctxsize")),
            "{b:?}: {sent:?}"
        );
    }
    let now = std::fs::read_to_string(env.path(".dockerignore")).unwrap();
    assert!(now.lines().any(|l| l == "!src"), "{now}");
    // stdout: the file itself when neither flag is given.
    let o = env.run(["suggest", "--builder", "classic"]);
    assert!(text(&o.stdout).starts_with("# Generated by `ctxsize suggest`"));
}

// ---------------------------------------------------------------------------------------------
// The transfer set and the checks in the report.
// ---------------------------------------------------------------------------------------------

#[test]
fn report_has_transfer_set_and_checks() {
    let env = TestEnv::new();
    env.file("src/a.py", "aaaa")
        .file("src/x.log", "log")
        .file("secrets/app.conf", "s")
        .file("big.bin", "0123456789")
        .file(
            "Dockerfile",
            "FROM alpine\nCOPY src/ /app/\nCOPY secrets/app.conf /etc/\nCOPY missing.txt /\n",
        )
        .dockerignore("secrets\n**/*.log\n");
    let o = env.run(["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["transfer_files"], 1);
    assert_eq!(v["transfer_bytes"], 4);
    assert_eq!(v["transfer_whole_context"], false);
    let checks = v["dockerfile_checks"].as_array().unwrap();
    let find = |k: &str| {
        checks
            .iter()
            .find(|c| c["check"] == k)
            .unwrap_or_else(|| panic!("{k}: {checks:?}"))
    };
    let ex = find("excluded-source");
    assert_eq!(ex["line"], 3);
    assert_eq!(ex["ignore_line"], 1);
    assert_eq!(ex["ignore_pattern"], "secrets");
    assert_eq!(find("missing-source")["line"], 4);
    let part = find("partly-sent");
    assert_eq!(part["ignore_line"], 2);
    assert_eq!(part["files_not_sent"], 1);
    let h = text(&env.run(Vec::<&str>::new()).stdout);
    assert!(h.contains("Transfer"), "{h}");
    assert!(h.contains("line 1 `secrets`"), "{h}");

    // COPY . . says so; an unparsable Dockerfile is a note, not a failure.
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .dockerignore("");
    let v: serde_json::Value =
        serde_json::from_slice(&env.run(["--format", "json"]).stdout).unwrap();
    assert_eq!(v["transfer_whole_context"], true);
    assert!(v["notes"].to_string().contains("sends the whole context"));
    env.file("Dockerfile", "FROM alpine\nCOPY --bogus=1 a b\n");
    let o = env.run(["--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["transfer_files"].is_null());
    assert!(
        v["notes"].to_string().contains("not analysed"),
        "{}",
        v["notes"]
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 16: a sound suggest. Each test builds a tree, runs suggest, writes the file and
// measures what is sent with the engine (both builders).
// ---------------------------------------------------------------------------------------------

fn opts() -> SuggestOptions {
    SuggestOptions {
        discover: true,
        ..SuggestOptions::default()
    }
}

/// Suggests, checks the proof, writes the file where it goes, returns the suggestion.
fn suggest_and_write(env: &TestEnv, df: Option<&str>, o: &SuggestOptions) -> Suggestion {
    let s = suggest(&env.config(Builder::Buildkit, df), o).expect("suggest");
    assert!(s.proven(), "not proven: {:?}\n{}", s.failures, s.text);
    std::fs::write(&s.destination, &s.text).unwrap();
    s
}

fn sent_both(env: &TestEnv, df: Option<&str>) -> [BTreeSet<String>; 2] {
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
    assert!(s
        .removals
        .iter()
        .all(|(_, why)| why.contains("re-installs")));
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
    for sent in sent_both(&env, Some("docker/worker.Dockerfile")) {
        assert!(sent.contains("worker/run.py") && !sent.contains("junk.bin"));
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
    let o = Command::new(super::util::bin())
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

fn walkdir(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(d) else {
        return out;
    };
    for e in rd.flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walkdir(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn stdout_and_summary_snapshots() {
    let env = TestEnv::new();
    env.file("src/main.py", "print(1)\n")
        .file("src/debug.log", "log\n")
        .file("src/fixtures/data.json", "{}\n")
        .file("requirements.txt", "flask\n")
        .file("docs/guide.md", "g\n")
        .file(
            "Dockerfile",
            "FROM python\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY src/ ./src/\nCOPY *.cfg ./\n",
        )
        .dockerignore(".env\n*.pem\ndocs\n");
    let o = env.run(["suggest"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let ctx = env.ctx().display().to_string();
    insta::assert_snapshot!("suggest_stdout", text(&o.stdout).replace(&ctx, "[CTX]"));
    insta::assert_snapshot!("suggest_summary", text(&o.stderr).replace(&ctx, "[CTX]"));
    let o = env.run(["suggest", "--diff"]);
    insta::assert_snapshot!("suggest_diff", text(&o.stdout).replace(&ctx, "[CTX]"));
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
    let got = sent_both(&env, None);
    let with = s
        .text
        .replace("\n*\n", "\n*\n!Dockerfile\n!package-lock.json\n");
    std::fs::write(&s.destination, &with).unwrap();
    assert_eq!(got, sent_both(&env, None), "{with}");
}
