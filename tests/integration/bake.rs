//! `ctxsize bake`: targets of a bake definition through the single pipeline (the same driver as
//! `--compose`). Expectations from docker/buildx bake/bake.go (default files, `default` group,
//! `inherits`, context relative to the current directory, `dockerfile` joined to the context)
//! and build/build.go `detectSharedMounts` (one shared session per local directory since 0.17).

use std::process::Output;

use serde_json::Value;

use crate::util::{text, TestEnv};

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}): {} {}",
            text(&o.stdout),
            text(&o.stderr)
        )
    })
}

/// Three targets on one context (two Dockerfiles), one with a named context.
fn project() -> TestEnv {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nCOPY . /app\nCOPY --from=assets . /assets\n",
    )
    .file("docker/api.Dockerfile", "FROM alpine\nCOPY src /src\n")
    .file("src/main.go", "package main\n")
    .file("assets/logo.svg", "<svg/>")
    .sized("node_modules/x/big.js", 50_000)
    .dockerignore("node_modules\n")
    .file(
        "docker-bake.hcl",
        r#"variable "MODE" {
  default = "prod"
}
group "default" {
  targets = ["api", "web", "worker"]
}
target "api" {
  dockerfile = "docker/api.Dockerfile"
}
target "web" {
  contexts = { assets = "./assets" }
}
target "worker" {
  inherits = ["web"]
  args = { MODE = "${MODE}" }
}
"#,
    );
    env
}

#[test]
fn three_targets_on_one_context_count_it_once() {
    let env = project();
    let o = env.run(["bake", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let single = json(&env.run(["--format", "json", "."]));
    let contexts = v["contexts"].as_array().unwrap();
    // web and worker differ by their args: two builds; api another; the named context once
    // after each build that uses it (its transfer set is that build's Dockerfile's).
    assert_eq!(contexts.len(), 5, "{v:#}");
    let targets: Vec<Vec<String>> = contexts
        .iter()
        .map(|c| {
            c["targets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert!(targets.contains(&vec!["api".to_string()]));
    assert!(targets.contains(&vec!["web".to_string()]));
    assert!(targets.contains(&vec!["worker".to_string()]));
    // Totals: the root context once (as `ctxsize .` reports it) plus the named context once.
    let named = contexts
        .iter()
        .find(|c| c["named_context"] == "assets")
        .expect("the named context has its own entry");
    assert_eq!(named["report"]["files"], 1);
    assert_eq!(v["totals"]["contexts"], 2);
    assert_eq!(
        v["totals"]["files"].as_u64().unwrap(),
        single["files"].as_u64().unwrap() + 1
    );
    let root_tar = single["tar_bytes"].as_u64().unwrap();
    let named_tar = named["report"]["tar_bytes"].as_u64().unwrap();
    assert_eq!(
        v["totals"]["tar_bytes"].as_u64().unwrap(),
        root_tar + named_tar
    );
    // Sent per target: the root context by three targets, the named one by two.
    assert_eq!(
        v["totals"]["per_build_tar_bytes"].as_u64().unwrap(),
        3 * root_tar + 2 * named_tar
    );
    let notes = v["notes"].to_string();
    assert!(notes.contains("context of 3 targets"), "{notes}");
    // The api target's transfer set is its Dockerfile's COPY src, not the whole context.
    let api = contexts.iter().find(|c| c["targets"][0] == "api").unwrap();
    assert!(api["report"]["dockerfile"]
        .as_str()
        .unwrap()
        .ends_with("docker/api.Dockerfile"));
}

#[test]
fn one_target_by_name_and_unknown_names() {
    let env = project();
    let v = json(&env.run(["bake", "--format", "json", "api"]));
    assert_eq!(v["contexts"].as_array().unwrap().len(), 1);
    let o = env.run(["bake", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("failed to find target nope"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn budgets_per_target_and_in_total() {
    let env = project();
    // Each context is small: a per-target budget of 1 MB passes, a total of 10 bytes fails.
    let o = env.run(["bake", "--budget", "1MB", "--total-budget", "10"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("total budget exceeded"),
        "{}",
        text(&o.stderr)
    );
    let o = env.run(["bake", "--budget", "10"]);
    assert_eq!(o.status.code(), Some(1));
    let o = env.run(["bake", "--budget", "1MB", "--total-budget", "1MB"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn json_and_compose_files_as_bake_input() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("app/Dockerfile", "FROM alpine\nCOPY . /a\n")
        .file("app/x.txt", "x")
        .file(
            "compose.yaml",
            "services:\n  app:\n    build: ./app\n",
        )
        .file(
            "docker-bake.json",
            r#"{"target": {"app": {"args": {"A": "1"}}, "root": {}}, "group": {"default": {"targets": ["root"]}}}"#,
        );
    // No -f: every default file is read and merged; the Compose service `app` gets the JSON
    // file's args, and `default` lists both.
    let v = json(&env.run(["bake", "--format", "json"]));
    let contexts = v["contexts"].as_array().unwrap();
    assert_eq!(contexts.len(), 2, "{v:#}");
    assert_eq!(v["bake_files"].as_array().unwrap().len(), 2);
    let app = contexts.iter().find(|c| c["targets"][0] == "app").unwrap();
    assert!(app["report"]["context"].as_str().unwrap().ends_with("/app"));
    // -f picks one file.
    let v = json(&env.run(["bake", "-f", "docker-bake.json", "--format", "json"]));
    assert_eq!(v["contexts"].as_array().unwrap().len(), 1);
    assert_eq!(v["contexts"][0]["targets"][0], "root");
}

#[test]
fn a_compose_file_as_bake_input_reads_the_working_directory_env_file() {
    // buildx interpolates a Compose file from the environment, then from `.env` in the
    // working directory; an HCL file does not read it.
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("docker/api.Dockerfile", "FROM alpine\nCOPY src /src\n")
        .file("src/main.go", "package main\n")
        .file(".env", "API_DOCKERFILE=docker/api.Dockerfile\n")
        .file(
            "compose.yaml",
            "services:\n  api:\n    build:\n      context: .\n      dockerfile: ${API_DOCKERFILE}\n",
        );
    let v = json(&env.run(["bake", "-f", "compose.yaml", "--format", "json"]));
    let r = &v["contexts"][0]["report"];
    assert!(
        r["dockerfile"]
            .as_str()
            .unwrap()
            .ends_with("docker/api.Dockerfile"),
        "{v:#}"
    );
    assert_eq!(r["transfer_files"], 1, "{v:#}");
}

#[test]
fn no_bake_file_is_an_error_with_the_names_looked_for() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\n");
    let o = env.run(["bake"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("docker-bake.hcl"),
        "{}",
        text(&o.stderr)
    );
}

/// Targets sharing one context share its walk and its Dockerfile-independent findings, but each
/// grades secrets by its own Dockerfile: a `.env` that one target copies into the image and the
/// other never reads gets each target's own severity, exactly as `ctxsize -f … .` says alone.
#[test]
fn targets_on_one_context_grade_secrets_by_their_own_dockerfile() {
    let env = TestEnv::new();
    // A generated value, built at run time (this file is in the repository's own context).
    let password = crate::util::Gen(0xba4e).pick(
        b"abcdefghkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789",
        20,
    );
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("docker/api.Dockerfile", "FROM alpine\nCOPY src /src\n")
        .file("src/main.go", "package main\n")
        .file(".env", format!("DB_PASSWORD={password}\n"))
        .file(
            "docker-bake.hcl",
            "group \"default\" {\n  targets = [\"api\", \"web\"]\n}\ntarget \"api\" {\n  dockerfile = \"docker/api.Dockerfile\"\n}\ntarget \"web\" {}\n",
        );
    let v = json(&env.run(["bake", "--format", "json"]));
    let severity = |report: &Value| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == ".env")
            .map(|f| f["severity"].as_str().unwrap().to_string())
    };
    for (target, df) in [("api", "docker/api.Dockerfile"), ("web", "Dockerfile")] {
        let c = v["contexts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["targets"][0] == target)
            .unwrap_or_else(|| panic!("{target}: {v:#}"));
        let alone = json(&env.run(["--format", "json", "-f", df, "."]));
        assert_eq!(severity(&c["report"]), severity(&alone), "{target}: {v:#}");
        assert_eq!(c["report"]["findings"], alone["findings"], "{target}");
    }
    let api = severity(&json(&env.run([
        "--format",
        "json",
        "-f",
        "docker/api.Dockerfile",
        ".",
    ])));
    let web = severity(&json(&env.run(["--format", "json", "."])));
    assert_ne!(api, web, "the two Dockerfiles grade the .env differently");
}

/// `contexts = { binaries = "target:binaries" }`: bake builds `binaries` first and sends its
/// context, so asking for `tests` reports both contexts (moby/buildkit's integration-tests).
#[test]
fn a_target_linked_as_a_named_context_is_reported_too() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nCOPY . /t\nCOPY --from=binaries / /bin\n",
    )
    .file("bin/Dockerfile", "FROM scratch\nCOPY app /app\n")
    .sized("bin/app", 3000)
    .file(
        "docker-bake.hcl",
        r#"target "binaries" {
  context = "./bin"
}
target "tests" {
  contexts = { binaries = "target:binaries" }
}
"#,
    );
    let o = env.run(["bake", "tests", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    let targets: Vec<String> = v["contexts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["targets"].to_string())
        .collect();
    assert_eq!(targets, [r#"["tests"]"#, r#"["binaries"]"#]);
    assert_eq!(v["totals"]["contexts"], 2);
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("binaries = target:binaries: that target's result, built first"),
        "{notes}"
    );
    assert!(!notes.contains("not analysed"), "{notes}");
}

/// Report options shape bake's reports after the subcommand's name too (`ctxsize bake --top 1
/// --no-content-scan`, as before it); a command that prints no report refuses them (exit 2)
/// and its `--help` does not list them.
#[test]
fn report_options_after_bake_and_refused_elsewhere() {
    let env = project();
    let top = |args: &[&str]| {
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        let v = json(&o);
        v["contexts"][0]["report"]["largest_files"]
            .as_array()
            .map(|a| a.len())
            .unwrap_or_else(|| panic!("{v:#}"))
    };
    let after = top(&["bake", "--top", "1", "--quiet", "--format", "json"]);
    let before = top(&["--top", "1", "-q", "bake", "--format", "json"]);
    let default = top(&["bake", "--format", "json"]);
    assert_eq!((after, before), (1, 1));
    assert!(default > 1, "{default}");
    for args in [
        &["list", "--top", "1", "."][..],
        &["man", "--no-content-scan"],
    ] {
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            text(&o.stderr).contains("this command prints none"),
            "{}",
            text(&o.stderr)
        );
    }
    // `--quiet` any command takes.
    assert_eq!(env.run(["list", "--quiet", "."]).status.code(), Some(0));
    // The help of a command that refuses them does not list them; bake's and diff's do.
    let report_only = [
        "--top",
        "--depth",
        "--large",
        "--content-max",
        "--no-content-scan",
        "--scan-all",
        "--no-scan-cache",
        "--no-gitignore",
        "--no-excluded-sizes",
    ];
    for cmd in [
        "list",
        "hash",
        "lint",
        "explain",
        "suggest",
        "check-ci",
        "man",
        "completions",
    ] {
        let o = env.run([cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", text(&o.stderr));
        let help = text(&o.stdout);
        assert!(help.contains("--quiet"), "{cmd}: {help}");
        for opt in report_only {
            assert!(!help.contains(opt), "{cmd} --help lists {opt}:\n{help}");
        }
    }
    for cmd in ["bake", "diff"] {
        let help = text(&env.run([cmd, "--help"]).stdout);
        for opt in report_only {
            assert!(help.contains(opt), "{cmd} --help lacks {opt}:\n{help}");
        }
    }
    let top = text(&env.run(["--help"]).stdout);
    assert!(
        top.contains("--top") && top.contains("--no-scan-cache"),
        "{top}"
    );
}
