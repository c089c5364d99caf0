//! Named contexts (`--build-context NAME=…`): each local one is its own transfer, with its own
//! root `.dockerignore` only. Expectations from moby/buildkit frontend/dockerui/namedcontext.go
//! (`case "local"`: the named context's excludes come from `DefaultDockerignoreName` read at its
//! root, never from `<Dockerfile>.dockerignore`; other schemes — `docker-image`, `oci-layout`,
//! `git`, `http(s)` — load nothing from the client) and from dockerfile2llb, which loads a named
//! context only where the Dockerfile reads it (`COPY --from`, `RUN --mount=from`, `FROM`).

use std::process::Output;

use serde_json::Value;

use crate::util::{text, TestEnv};

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&o.stdout), text(&o.stderr)))
}

/// `ctx/` holds the main context (`app/`) and a named one (`shared/`) side by side.
fn project(dockerfile: &str) -> TestEnv {
    let env = TestEnv::new();
    env.file("app/Dockerfile", dockerfile)
        .file("app/app.py", "print(1)\n")
        .file("shared/lib/a.txt", "aaaa")
        .file("shared/lib/b.txt", "bb")
        .file("shared/docs/readme.md", "0123456789")
        .file("shared/node_modules/x/i.js", "x")
        .file("shared/.dockerignore", "node_modules\n")
        // Must be ignored: a named context never reads <Dockerfile>.dockerignore.
        .file("shared/Dockerfile.dockerignore", "*\n");
    env
}

#[test]
fn named_context_uses_its_own_root_dockerignore_only() {
    let env = project("FROM scratch\nCOPY --from=shared lib /lib\nCOPY app.py /\n");
    let o = env.run([
        "list",
        "--build-context",
        "shared=shared",
        "--context",
        "shared",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        ".dockerignore\nDockerfile.dockerignore\ndocs/\ndocs/readme.md\nlib/\nlib/a.txt\nlib/b.txt\n"
    );
}

#[test]
fn transfer_set_comes_from_the_uses_of_the_name() {
    let env = project("FROM scratch\nCOPY --from=shared lib/a.txt /a\nCOPY app.py /\n");
    let o = env.run([
        "--format",
        "json",
        "--build-context",
        "shared=shared",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    // The main context's keys keep their meaning: app/ alone.
    assert_eq!(v["files"], 2);
    assert_eq!(v["transfer_files"], 1);
    let c = &v["contexts"][0];
    assert_eq!(
        (c["name"].as_str(), c["kind"].as_str()),
        (Some("shared"), Some("local"))
    );
    let r = &c["report"];
    // .dockerignore, Dockerfile.dockerignore, docs/readme.md, lib/a.txt, lib/b.txt.
    assert_eq!(r["files"], 5);
    assert!(r["ignore_file"]
        .as_str()
        .unwrap()
        .ends_with("shared/.dockerignore"));
    assert_eq!(
        (r["transfer_files"].as_u64(), r["transfer_bytes"].as_u64()),
        (Some(1), Some(4))
    );
    // The total sums the contexts.
    let t = &v["total"];
    assert_eq!(t["contexts"], 2);
    assert_eq!(t["files"], v["files"].as_u64().unwrap() + 5);
    assert_eq!(t["transfer_files"], 2);
    assert_eq!(
        t["content_bytes"],
        v["content_bytes"].as_u64().unwrap() + r["content_bytes"].as_u64().unwrap()
    );
}

#[test]
fn from_and_mount_uses_and_an_unused_context() {
    // FROM NAME: the whole named context is the base; RUN --mount=from=NAME,source=lib: lib/.
    let env = project(
        "FROM shared AS base\nFROM scratch\nRUN --mount=from=tools,source=bin,target=/t true\nCOPY --from=base / /\n",
    );
    env.file("tools/bin/t", "tt").file("tools/other", "ooo");
    env.file("unused/f", "f");
    let o = env.run([
        "--format",
        "json",
        "--build-context",
        "shared=shared",
        "--build-context",
        "tools=tools",
        "--build-context",
        "unused=unused",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let c = v["contexts"].as_array().unwrap();
    assert_eq!(c[0]["report"]["transfer_whole_context"], true);
    assert_eq!(c[0]["report"]["transfer_files"], c[0]["report"]["files"]);
    assert_eq!(c[1]["report"]["transfer_files"], 1);
    assert_eq!(c[1]["report"]["transfer_bytes"], 2);
    assert_eq!(c[2]["report"]["transfer_files"], 0);
    let notes = c[2]["report"]["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("does not read unused")),
        "{notes:?}"
    );
}

#[test]
fn non_local_contexts_are_listed_not_walked() {
    let env = project("FROM scratch\nCOPY --from=img /etc/os-release /\n");
    let o = env.run([
        "--format",
        "json",
        "--build-context",
        "img=docker-image://alpine:3",
        "--build-context",
        "repo=https://github.com/moby/buildkit.git",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let c = v["contexts"].as_array().unwrap();
    assert_eq!(c[0]["kind"], "docker-image");
    assert_eq!(c[1]["kind"], "remote");
    assert!(c[0].get("report").is_none() && c[1].get("report").is_none());
    assert_eq!(v["total"]["contexts"], 1);
    // list --context refuses a non-local one.
    let o = env.run([
        "list",
        "--build-context",
        "img=docker-image://alpine:3",
        "--context",
        "img",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn gates_and_findings_apply_to_each_named_context() {
    let env = project("FROM scratch\nCOPY --from=shared lib /lib\n");
    env.file("shared/.env", "TOKEN=abc\n");
    let o = env.run([
        "--fail-on",
        "secret",
        "--build-context",
        "shared=shared",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(err.contains("named context shared: check failed"), "{err}");
    let out = text(&o.stdout);
    assert!(out.contains("== named context shared = "), "{out}");
    assert!(out.contains(".env"), "{out}");
    assert!(!out.contains("TOKEN=abc"), "{out}");
    // Without named contexts the JSON has no new keys (the stable interface).
    let v = json(&env.run(["--format", "json", "app"]));
    assert!(v.get("contexts").is_none() && v.get("total").is_none());
}

#[test]
fn classic_builder_has_no_named_contexts() {
    let env = project("FROM scratch\nCOPY --from=shared lib /lib\n");
    let o = env.run([
        "--builder",
        "classic",
        "--format",
        "json",
        "--build-context",
        "shared=shared",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    assert!(v["contexts"][0]["note"]
        .as_str()
        .unwrap()
        .contains("classic"));
    assert!(v["contexts"][0].get("report").is_none());
}

#[test]
fn compose_additional_contexts_get_their_transfer_set() {
    // docker compose passes `additional_contexts` to BuildKit as named contexts (compose-spec
    // build.md); the service's Dockerfile reads `lib` with COPY --from=lib.
    let env = TestEnv::new();
    env.file(
        "compose.yaml",
        "services:\n  web:\n    build:\n      context: ./app\n      additional_contexts:\n        lib: ./lib\n        base: docker-image://alpine\n",
    )
    .file("app/Dockerfile", "FROM base\nCOPY --from=lib src /src\n")
    .file("lib/src/a.txt", "abc")
    .file("lib/tests/t.txt", "tttt")
    .file("lib/web.Dockerfile.dockerignore", "*\n");
    let o = env.run(["--compose", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let c = v["contexts"].as_array().unwrap();
    assert_eq!(c.len(), 2, "{v}");
    assert_eq!(c[1]["named_context"], "lib");
    assert_eq!(c[1]["report"]["files"], 3);
    assert_eq!(c[1]["report"]["transfer_files"], 1);
    assert_eq!(c[1]["report"]["transfer_bytes"], 3);
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("base")),
        "{v}"
    );
}

#[test]
fn explain_a_path_of_a_named_context() {
    // The named context's root .dockerignore decides (`node_modules`); its
    // Dockerfile.dockerignore (`*`) does not (namedcontext.go reads DefaultDockerignoreName only).
    let env = project("FROM scratch\nCOPY --from=shared lib /lib\n");
    let args = |fmt: &'static str| {
        [
            "explain",
            "-C",
            "app",
            "--build-context",
            "shared=shared",
            "--named-context",
            "shared",
            "--format",
            fmt,
            "lib/a.txt",
            "node_modules/x/i.js",
        ]
    };
    let o = env.run(args("json"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let a = &v[0]["verdicts"][0];
    assert_eq!(
        (a["builder"].as_str(), a["sent"].as_bool()),
        (Some("buildkit"), Some(true))
    );
    let n = &v[1]["verdicts"][0];
    assert_eq!(n["sent"], false);
    assert_eq!(n["deciding"]["file"], ".dockerignore");
    assert_eq!(n["deciding"]["line"], 1);
    // The classic builder has no named contexts: said, not guessed.
    assert!(v[1]["verdicts"][1]["error"]
        .as_str()
        .unwrap()
        .contains("no named contexts"));
    let o = env.run(args("human"));
    let out = text(&o.stdout);
    assert!(out.starts_with("named context shared = "), "{out}");
    assert!(
        out.contains("excluded by .dockerignore:1: `node_modules`"),
        "{out}"
    );
    // The same path of the main context is not there.
    let o = env.run(["explain", "-C", "app", "--format", "json", "lib/a.txt"]);
    assert_eq!(json(&o)[0]["verdicts"][0]["reason"], "missing");
    // An unknown name and --builder classic are usage errors.
    let o = env.run(["explain", "-C", "app", "--named-context", "nope", "x"]);
    assert_eq!(o.status.code(), Some(2));
    let o = env.run([
        "explain",
        "--builder",
        "classic",
        "-C",
        "app",
        "--build-context",
        "shared=shared",
        "--named-context",
        "shared",
        "lib/a.txt",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
}

#[test]
fn suggest_the_root_dockerignore_of_a_named_context() {
    let env = project("FROM scratch\nCOPY --from=shared lib /lib\nCOPY app.py /\n");
    env.file("shared/lib/.env", "K=1\n");
    let o = env.run([
        "suggest",
        "--build-context",
        "shared=shared",
        "--context",
        "shared",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(lines, ["*", "!lib", "node_modules", "**/.env"], "{out}");
    let err = text(&o.stderr);
    assert!(err.contains("shared/.dockerignore"), "{err}");
    assert!(
        err.contains("proven: every file the build copies is still sent under BuildKit,"),
        "{err}"
    );
    assert!(!err.contains("classic,"), "{err}");
    // lib/a.txt (4 B), lib/b.txt (2 B), lib/.env (4 B) → a.txt and b.txt.
    assert!(
        err.contains("transfer  3 files, 10 B → 2 files, 6 B"),
        "{err}"
    );
    // Proven for real: the proposal written, the named context then sends lib/ minus .env.
    let cache = env.tmp().join("cache");
    let o = std::process::Command::new(crate::util::bin())
        .args([
            "suggest",
            "--write",
            "--build-context",
            "shared=shared",
            "--named-context",
            "shared",
            "app",
        ])
        .current_dir(env.ctx())
        .env("XDG_CACHE_HOME", &cache)
        .env_remove("DOCKER_BUILDKIT")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(env.path("shared/.dockerignore")).unwrap();
    assert_eq!(
        written
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect::<Vec<_>>(),
        lines
    );
    // The previous file went outside the named context.
    let baks: Vec<_> = std::fs::read_dir(cache.join("ctxsize/backups"))
        .unwrap()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten())
        .collect();
    assert_eq!(baks.len(), 1);
    assert_eq!(std::fs::read(baks[0].path()).unwrap(), b"node_modules\n");
    let o = env.run([
        "list",
        "--build-context",
        "shared=shared",
        "--context",
        "shared",
        "app",
    ]);
    assert_eq!(text(&o.stdout), "lib/\nlib/a.txt\nlib/b.txt\n");
    // The main context's ignore file is untouched (there is none).
    assert!(!env.path("app/.dockerignore").exists());
}

#[test]
fn suggest_refuses_a_named_context_the_dockerfile_does_not_read() {
    let env = project("FROM scratch\nCOPY app.py /\n");
    let o = env.run([
        "suggest",
        "--build-context",
        "shared=shared",
        "--context",
        "shared",
        "app",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("does not read the named context shared"));
    assert_eq!(text(&o.stdout), "");
}

/// docker/cli `processBuilder` (cmd/docker/builder.go): without the buildx plugin in any of the
/// plugin directories (`cli-plugins/manager` `getPluginDirs`), `docker build` falls back to
/// the legacy builder. A stand-in `docker` on PATH and an empty DOCKER_CONFIG make that
/// machine; the stand-in plugin in the config dir makes the other.
#[cfg(unix)]
#[test]
fn report_says_docker_build_uses_the_classic_builder_without_buildx() {
    use std::os::unix::fs::PermissionsExt;
    let env = project("FROM scratch\nCOPY app.py /\n");
    let bin_dir = env.tmp().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::fs::write(bin_dir.join("docker"), "#!/bin/sh\nexit 1\n").unwrap();
    std::fs::set_permissions(
        bin_dir.join("docker"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let empty = env.tmp().join("docker-config");
    std::fs::create_dir_all(&empty).unwrap();
    let run = |config: &std::path::Path, builder: &str| {
        let o = std::process::Command::new(crate::util::bin())
            .args(["--format", "json", "--builder", builder, "app"])
            .current_dir(env.ctx())
            .env_remove("DOCKER_BUILDKIT")
            .env("PATH", &bin_dir)
            .env("DOCKER_CONFIG", config)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        json(&o)["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let notes = run(&empty, "buildkit");
    let n = notes
        .iter()
        .find(|n| n.contains("buildx plugin is not in"))
        .unwrap_or_else(|| panic!("{notes:?}"));
    assert!(n.contains("uses the classic builder"), "{n}");
    assert!(
        n.contains(&empty.join("cli-plugins").display().to_string()),
        "{n}"
    );
    assert!(!run(&empty, "classic").iter().any(|n| n.contains("buildx")));
    let with = std::path::Path::new(crate::util::docker_config());
    assert!(!run(with, "buildkit").iter().any(|n| n.contains("buildx")));
    assert!(run(with, "classic")
        .iter()
        .any(|n| n.contains("docker build here uses BuildKit")));
    // DOCKER_BUILDKIT=1 without buildx: the pipeline's "uses BuildKit" note is replaced by the
    // failure docker reports.
    let o = std::process::Command::new(crate::util::bin())
        .args(["--format", "json", "--builder", "classic", "app"])
        .current_dir(env.ctx())
        .env("DOCKER_BUILDKIT", "1")
        .env("PATH", &bin_dir)
        .env("DOCKER_CONFIG", &empty)
        .output()
        .unwrap();
    let v = json(&o);
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("docker build fails")),
        "{notes:?}"
    );
    assert!(
        !notes.iter().any(|n| n.contains("uses BuildKit, not")),
        "{notes:?}"
    );
    // Compose builds differently (not through `docker build`): no buildx note there.
    env.file("compose.yaml", "services:\n  a:\n    build: ./app\n");
    let o = std::process::Command::new(crate::util::bin())
        .args(["--compose", "--format", "json"])
        .current_dir(env.ctx())
        .env_remove("DOCKER_BUILDKIT")
        .env("PATH", &bin_dir)
        .env("DOCKER_CONFIG", &empty)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("/app"), "{out}");
    assert!(!out.contains("buildx plugin"), "{out}");
}

#[test]
fn hash_gives_one_digest_per_named_context() {
    let env = project("FROM scratch\nCOPY --from=shared lib /lib\nCOPY app.py /\n");
    let hash = |env: &TestEnv| {
        let o = env.run([
            "hash",
            "--format",
            "json",
            "--build-context",
            "shared=shared",
            "--build-context",
            "img=docker-image://alpine:3",
            "app",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        json(&o)
    };
    let v = hash(&env);
    let c = v["contexts"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0]["name"].as_str(), c[0]["kind"].as_str()),
        (Some("shared"), Some("local"))
    );
    // Its own root .dockerignore only: the entries are exactly what `list --context` prints
    // (Dockerfile.dockerignore's `*` is not applied).
    let listed = env.run([
        "list",
        "--build-context",
        "shared=shared",
        "--context",
        "shared",
        "app",
    ]);
    assert_eq!(
        c[0]["entries"].as_u64().unwrap(),
        text(&listed.stdout).lines().count() as u64
    );
    // lib/a.txt (4) and lib/b.txt (2): the COPY --from=shared at line 2.
    assert_eq!(c[0]["copies"][0]["line"], 2);
    assert_eq!(c[0]["copies"][0]["files"], 2);
    assert_eq!(c[0]["copies"][0]["bytes"], 6);
    assert!(c[1].get("digest").is_none());
    assert!(c[1]["note"]
        .as_str()
        .unwrap()
        .contains("not a local directory"));
    // The main context's digest does not depend on the named context.
    let main = v["digest"].clone();
    let named = c[0]["digest"].clone();
    // A change in what the named context keeps out (node_modules): same digests.
    env.file("shared/node_modules/x/i.js", "changed");
    let v2 = hash(&env);
    assert_eq!(v2["contexts"][0]["digest"], named);
    // One byte in a sent file of the named context: its digest changes, the main one does not.
    env.file("shared/docs/readme.md", "0123456789!");
    let v3 = hash(&env);
    assert_ne!(v3["contexts"][0]["digest"], named);
    assert_eq!(v3["digest"], main);
    // docs/ is not read by the COPY: that COPY's digest is unchanged.
    assert_eq!(
        v3["contexts"][0]["copies"][0]["digest"],
        c[0]["copies"][0]["digest"]
    );
    // Human output: one line per named context.
    let o = env.run(["hash", "--build-context", "shared=shared", "app"]);
    let out = text(&o.stdout);
    assert!(
        out.lines()
            .any(|l| l.starts_with("blake3:") && l.contains("named context shared = ")),
        "{out}"
    );
    // Without --build-context the JSON has no `contexts` key.
    let o = env.run(["hash", "--format", "json", "app"]);
    assert!(json(&o).get("contexts").is_none());
}

/// The builder ctxsize says `docker build` uses, against the real docker CLI's own choice
/// (docker/cli `processBuilder`): without buildx it prints the legacy-builder deprecation
/// warning, with `DOCKER_BUILDKIT=1` it fails, with `DOCKER_BUILDKIT=0` it says BuildKit is
/// disabled, and with the stand-in plugin (testdata/docker-config) it forwards the build to
/// it. No daemon is needed: the decision comes before the CLI connects.
#[cfg(unix)]
#[test]
fn the_real_docker_cli_agrees_on_the_builder() {
    let Some(docker) = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("docker"))
            .find(|d| d.is_file())
    }) else {
        crate::util::skip(
            "the_real_docker_cli_agrees_on_the_builder",
            "no docker CLI on PATH",
        );
        return;
    };
    let env = project("FROM scratch\nCOPY app.py /\n");
    let empty = env.tmp().join("docker-config");
    std::fs::create_dir_all(&empty).unwrap();
    let with = std::path::PathBuf::from(crate::util::docker_config());
    let sock = format!("unix://{}", env.tmp().join("no-daemon.sock").display());
    let cases: [(&std::path::Path, Option<&str>, &str, &str); 4] = [
        (
            &empty,
            None,
            "Install the buildx component",
            "uses the classic builder",
        ),
        (
            &empty,
            Some("1"),
            "buildx component is missing",
            "docker build fails",
        ),
        (
            &empty,
            Some("0"),
            "BuildKit is currently disabled",
            "DOCKER_BUILDKIT=0 is set",
        ),
        (&with, None, "STAND-IN-BUILDX buildx build", ""),
    ];
    for (config, var, docker_says, we_say) in cases {
        let mut c = std::process::Command::new(&docker);
        c.args(["build", "app"])
            .current_dir(env.ctx())
            .env("DOCKER_CONFIG", config)
            .env("DOCKER_HOST", &sock)
            .env_remove("DOCKER_BUILDKIT");
        if let Some(v) = var {
            c.env("DOCKER_BUILDKIT", v);
        }
        let o = c.output().unwrap();
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        assert!(all.contains(docker_says), "{var:?}: docker said {all}");
        let mut c = std::process::Command::new(crate::util::bin());
        c.args(["--format", "json", "app"])
            .current_dir(env.ctx())
            .env("DOCKER_CONFIG", config)
            .env_remove("DOCKER_BUILDKIT");
        if let Some(v) = var {
            c.env("DOCKER_BUILDKIT", v);
        }
        let o = c.output().unwrap();
        let notes: Vec<String> = json(&o)["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect();
        if we_say.is_empty() {
            assert!(
                !notes.iter().any(|n| n.contains("docker build")),
                "{notes:?}"
            );
        } else {
            assert!(
                notes.iter().any(|n| n.contains(we_say)),
                "{var:?}: {notes:?}"
            );
        }
    }
}
