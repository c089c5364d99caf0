//! Secret and junk findings graded by the file that holds them, continued from `findings`:
//! dotenv files, URLs with passwords, credential files by name, `.npmrc`, build output and
//! dependency trees by what is beside them, example and development settings.
//!
//! Every fake credential is generated at run time, so this file holds no token-like literal.

use super::findings::{field_of, find, findings, json, secret_of};
use crate::util::{text, Gen, TestEnv};

#[test]
fn dotenv_files_report_the_line_of_the_secret_and_are_low_without_one() {
    let env = TestEnv::new();
    let mut g = Gen(0xe4f0);
    let (pw, aws_secret) = (g.alnum(18), g.alnum(40));
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        // A compose variables file: image tags, ports, a well-known default.
        .file(
            ".env",
            "COMPOSE_PROJECT_NAME=demo\nIMAGE_VERSION=2.0.1\nPOSTGRES_PASSWORD=changeit\nAPI_KEY=\nMINIO_ROOT_PASSWORD=minioadmin\nAWS_ACCESS_KEY=minioadmin\nNEO4J_PASSWORD=neo4j\n",
        )
        .file(
            "svc/.env",
            format!("PORT=8080\nDATABASE_URL=postgres://app:{pw}@db:5432/app\n"),
        )
        .file(
            ".env.production",
            format!("REGION=eu-west-1\nLOG=info\nAWS_SECRET_ACCESS_KEY={aws_secret}\n"),
        )
        .file(
            "deploy/app.env",
            "DATABASE_URL=postgresql://app:${POSTGRES_PASSWORD}@db/app\n",
        )
        .file("deploy/db.env", format!("MONGO_URI=mongodb+srv://svc:{pw}@cluster0.mongodb.net/\n"))
        // A front end's build variables: no secret-looking name, a browser's Google API key.
        .file(
            "web/.env.production",
            format!(
                "VITE_APP_URL=https://example.org\nVITE_APP_FIREBASE_CONFIG='{{\"apiKey\":\"{}{}{}\"}}'\n",
                "AI",
                "za",
                g.alnum(35)
            ),
        );
    let v = json(&env, &[]);
    // Graded by what is in it (CTX162, medium), not high by its name.
    let web = secret_of(&v, "web/.env.production");
    assert_eq!(
        (&web["severity"], &web["line"]),
        (&"medium".into(), &2.into()),
        "{web:#}"
    );
    let plain = secret_of(&v, ".env");
    assert_eq!(plain["severity"], "low", "{plain:#}");
    assert!(
        plain["message"]
            .as_str()
            .unwrap()
            .contains("no secret-looking value"),
        "{plain:#}"
    );
    for (p, line) in [
        ("svc/.env", 2),
        (".env.production", 3),
        ("deploy/db.env", 1),
    ] {
        let f = secret_of(&v, p);
        assert_eq!(
            (&f["severity"], &f["line"]),
            (&"high".into(), &line.into()),
            "{f:#}"
        );
    }
    assert!(
        find(&v, "deploy/app.env").is_empty(),
        "{:#?}",
        find(&v, "deploy/app.env")
    );
    // Without the content scan the name decides: `.env` high, `*.env` low.
    let off = json(&env, &["--no-content-scan"]);
    assert_eq!(secret_of(&off, ".env")["severity"], "high");
    assert_eq!(secret_of(&off, "deploy/db.env")["severity"], "low");
}

#[test]
fn urls_with_a_real_password_are_found_and_dev_defaults_are_not() {
    let env = TestEnv::new();
    let mut g = Gen(0x0d1b);
    let pw = [&g.alnum(6), "7", &g.alnum(10)].concat();
    env.file("Dockerfile", "FROM node:20\nCOPY src/ /app/src/\n")
        .file(
            "src/db.ts",
            format!("import pg from 'pg';\n\nexport const pool = new pg.Pool({{ connectionString: \"postgres://app:{pw}@db.internal:5432/app\" }});\n"),
        )
        .file(
            "config/settings.yaml",
            format!("cache:\n  url: redis://:{pw}@cache:6379/0\n"),
        )
        .file(
            "docker-compose.yml",
            "services:\n  api:\n    environment:\n      DATABASE_URL: postgres://postgres:postgres@db:5432/app\n      AMQP_URL: amqp://guest:guest@rabbit:5672/\n      MONGO_URL: mongodb://root:${MONGO_PASSWORD}@mongo/\n",
        )
        .file(
            "docs/setup.md",
            "Clone with `https://USER:PERSONAL_ACCESS_TOKEN@github.com/org/repo.git`.\n",
        );
    let v = json(&env, &[]);
    let f = secret_of(&v, "src/db.ts");
    assert_eq!(
        (&f["rule"], &f["severity"], &f["line"]),
        (&"CTX167".into(), &"high".into(), &3.into()),
        "{f:#}"
    );
    let f = secret_of(&v, "config/settings.yaml");
    assert_eq!(
        (&f["severity"], &f["line"]),
        (&"medium".into(), &2.into()),
        "{f:#}"
    );
    assert!(
        find(&v, "docker-compose.yml").is_empty(),
        "{:#?}",
        find(&v, "docker-compose.yml")
    );
    assert!(
        find(&v, "docs/setup.md").is_empty(),
        "{:#?}",
        find(&v, "docs/setup.md")
    );
    for args in [
        &["--format", "json", "."][..],
        &["."],
        &["--format", "sarif", "."],
    ] {
        let out = env.run(args);
        assert!(!text(&out.stdout).contains(&pw[..8]), "{args:?}");
    }
}

#[test]
fn credential_files_named_so_report_the_line_of_the_secret() {
    let env = TestEnv::new();
    let mut g = Gen(0xc0f1);
    let (tok, pw) = (g.alnum(40), g.alnum(18));
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file(
            "deploy/kubeconfig",
            format!(
                "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: {tok}\n"
            ),
        )
        .file(
            "config/secrets.yml",
            format!("development:\n  secret_key_base: {tok}\n"),
        )
        .file(
            "pub/.pypirc",
            format!("[pypi]\nusername = deploy\npassword = {pw}\n"),
        )
        // Nothing secret-looking inside: the name still decides, without a line.
        .file(
            "ops/kubeconfig",
            "apiVersion: v1\nkind: Config\nusers: []\n",
        );
    let v = json(&env, &[]);
    for (p, line) in [
        ("deploy/kubeconfig", 6),
        ("config/secrets.yml", 2),
        ("pub/.pypirc", 3),
    ] {
        let f = secret_of(&v, p);
        assert_eq!(
            (&f["severity"], &f["line"]),
            (&"high".into(), &line.into()),
            "{f:#}"
        );
    }
    let f = secret_of(&v, "ops/kubeconfig");
    assert!(f["line"].is_null(), "{f:#}");
}

/// dependency-track: an OpenAPI document describes its secrets endpoint in
/// `openapi/resources/secrets/secret.yaml`; nothing in it looks like a secret. A structured
/// secrets file read whole with no secret-looking assignment is low and labelled, as an `.env`
/// without one is; a Kubernetes Secret's base64 value or a Rails key keeps it high.
#[test]
fn a_structured_secrets_file_without_a_secret_looking_value_is_low() {
    let env = TestEnv::new();
    let mut g = Gen(0x5ec7);
    let (b64, key) = (g.alnum(24), g.alnum(40));
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file(
            "api/openapi/resources/secrets/secret.yaml",
            "get:\n  operationId: getSecretMetadata\n  summary: Get secret metadata\n  parameters:\n    - $ref: ../../parameters/secret-name.yaml\n",
        )
        .file(
            "deploy/secrets.yaml",
            format!("apiVersion: v1\nkind: Secret\ndata:\n  password: {b64}=\n"),
        )
        .file(
            "config/secrets.yml",
            format!("production:\n  secret_key_base: {key}\n"),
        )
        // Not structured: a token alone, no assignment to look for.
        .file(".vault-token", format!("{key}\n"));
    let v = json(&env, &[]);
    let f = secret_of(&v, "api/openapi/resources/secrets/secret.yaml");
    assert_eq!(f["severity"], "low", "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("no secret-looking value in it"),
        "{f:#}"
    );
    for (p, line) in [("deploy/secrets.yaml", 4), ("config/secrets.yml", 2)] {
        let f = secret_of(&v, p);
        assert_eq!(
            (&f["severity"], &f["line"]),
            (&"high".into(), &line.into()),
            "{f:#}"
        );
    }
    assert_eq!(secret_of(&v, ".vault-token")["severity"], "high", "{v:#}");
}

#[test]
fn npmrc_without_a_token_is_low_and_with_one_is_high_at_its_line() {
    let env = TestEnv::new();
    let mut g = Gen(0x4e70);
    let tok = ["npm", "_", &g.alnum(36)].concat();
    env.file("Dockerfile", "FROM node:20\nCOPY . /app\n")
        .file(".npmrc", "save-exact=true\nlegacy-peer-deps=true\n")
        .file("ui/.yarnrc", "registry \"https://registry.yarnpkg.com\"\n")
        .file(
            "pkg/.npmrc",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
        )
        .file(
            "app/.npmrc",
            format!(
                "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={tok}\n"
            ),
        );
    let v = json(&env, &[]);
    for p in [".npmrc", "ui/.yarnrc", "pkg/.npmrc"] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], "low", "{f:#}");
        assert!(
            f["message"].as_str().unwrap().contains("no registry token"),
            "{f:#}"
        );
    }
    let f = secret_of(&v, "app/.npmrc");
    assert_eq!(
        (&f["severity"], &f["line"]),
        (&"high".into(), &2.into()),
        "{f:#}"
    );
    // Without the content scan the name decides.
    let off = json(&env, &["--no-content-scan"]);
    assert_eq!(secret_of(&off, ".npmrc")["severity"], "medium");
    // Named by a COPY (npm reads its settings) and token-free: nothing to move out or revoke.
    env.file(
        "Dockerfile",
        "FROM node:20\nCOPY package.json .npmrc app/.npmrc ./\n",
    )
    .file("package.json", "{}\n");
    let v = json(&env, &[]);
    let fix = secret_of(&v, ".npmrc")["fix"].as_str().unwrap().to_string();
    assert!(fix.starts_with("none needed"), "{fix}");
    let fix = secret_of(&v, "app/.npmrc")["fix"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(fix.contains("revoke"), "{fix}");
    // The README's gate: the token-free .npmrc the report calls clean does not fail it; the one
    // with a token does.
    let gate = |env: &TestEnv| {
        env.run(["--quiet", "--fail-on", "high,secret", "."])
            .status
            .code()
    };
    assert_eq!(gate(&env), Some(1));
    std::fs::remove_file(env.ctx().join("app/.npmrc")).unwrap();
    env.file("Dockerfile", "FROM node:20\nCOPY package.json .npmrc ./\n");
    std::fs::remove_file(env.ctx().join("pkg/.npmrc")).unwrap();
    std::fs::remove_file(env.ctx().join("ui/.yarnrc")).unwrap();
    let v = json(&env, &[]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["category"] == "secret")
            .all(|f| f["fix"].as_str().unwrap().starts_with("none needed")),
        "{v:#}"
    );
    assert_eq!(gate(&env), Some(0));
    assert_eq!(
        env.run(["--quiet", "--fail-on", "CTX106", "."])
            .status
            .code(),
        Some(1)
    );
    // A local `.env` of ports and an untracked registry-only `.npmrc` no COPY names: reported
    // with the fix "exclude it", which costs the build nothing: the gate fails until it is
    // done (they protect against the next value written there), with or without a token.
    env.file(".env", "PORT=8080\nHOST=localhost\n")
        .file("tools/.npmrc", "registry=https://registry.npmjs.org/\n");
    let v = json(&env, &[]);
    let secrets: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "secret")
        .collect();
    assert!(
        secrets
            .iter()
            .any(|f| f["path"] == ".env" && f["fix"] == ".env"),
        "{v:#}"
    );
    assert_eq!(gate(&env), Some(1));
    env.dockerignore(".env\ntools/.npmrc\n");
    assert_eq!(gate(&env), Some(0));
    env.dockerignore("");
    env.file(
        ".env",
        format!("PORT=8080\nAPI_TOKEN={}\n", Gen(7).github()),
    );
    assert_eq!(gate(&env), Some(1));
}

#[test]
fn a_source_package_named_target_is_not_build_output() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("internal/event/target/webhook.go", "package target\n")
        .file("internal/event/target/kafka.go", "package target\n")
        .file("internal/logger/target/http/http.go", "package http\n")
        .file("rs/target/doc/search-index.js", "var x;\n")
        .file("rs/target/debug/app", "\x7fELF")
        .file(
            "target/CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n",
        )
        .file("target/debug/app", "\x7fELF")
        .file("svc/target/classes/App.class", "\u{ca}")
        .file("svc/target/app.jar", "PK");
    let v = json(&env, &[]);
    let rules_at = |p: &str| field_of(&v, p, "rule");
    assert!(
        !rules_at("internal/event/target").contains(&"CTX401".to_string()),
        "{:#?}",
        find(&v, "internal/event/target")
    );
    assert!(
        !rules_at("internal/logger/target").contains(&"CTX401".to_string()),
        "{:#?}",
        find(&v, "internal/logger/target")
    );
    assert_eq!(rules_at("target"), ["CTX401"]);
    assert_eq!(rules_at("rs/target"), ["CTX401"]);
    assert_eq!(rules_at("svc/target"), ["CTX401"]);
}

/// `vendor/` is a dependency tree beside the manifest of a package manager that installs into
/// it (go.mod, composer.json, Gemfile); elsewhere it is the app's own files (Laravel's published
/// views, front-end libraries under `assets/vendor`), which "exclude it" would break.
#[test]
fn vendor_is_a_dependency_tree_only_beside_a_manifest() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("composer.json", "{}\n")
        .file("vendor/autoload.php", "<?php\n")
        .file(
            "resources/views/vendor/mail/html/layout.blade.php",
            "<html>\n",
        )
        .file("assets/vendor/chart.min.js", "var c;\n")
        .file("svc/go.mod", "module x\n")
        .file("svc/vendor/modules.txt", "# x\n");
    let v = json(&env, &[]);
    let rules_at = |p: &str| field_of(&v, p, "rule");
    assert_eq!(rules_at("vendor"), ["CTX306"], "{v:#}");
    assert_eq!(rules_at("svc/vendor"), ["CTX306"], "{v:#}");
    assert!(rules_at("resources/views/vendor").is_empty(), "{v:#}");
    assert!(rules_at("assets/vendor").is_empty(), "{v:#}");
    // Untracked (installed before the build): the fix is the plain line.
    assert_eq!(field_of(&v, "svc/vendor", "fix"), ["svc/vendor"], "{v:#}");
    // Committed (git tracks it, as Go projects that vendor do): the build uses it, and the fix
    // says what excluding it takes.
    env.git(&["init", "-q"])
        .git(&["add", "svc"])
        .git(&["commit", "-qm", "x"]);
    let v = json(&env, &[]);
    let f = find(&v, "svc/vendor");
    assert_eq!(f.len(), 1, "{v:#}");
    assert!(
        f[0]["message"].as_str().unwrap().contains("git tracks it"),
        "{v:#}"
    );
    assert!(
        f[0]["fix"]
            .as_str()
            .unwrap()
            .starts_with("`svc/vendor` only if the build installs its dependencies itself"),
        "{v:#}"
    );
    assert_eq!(field_of(&v, "vendor", "fix"), ["vendor"], "{v:#}");
}

/// A Django app's `fixtures/` (beside its `models.py`) holds the initial data `loaddata` reads
/// at deploy time (wger's bootstrap): not test data to exclude. A `tests/fixtures/` still is.
#[test]
fn django_app_fixtures_are_not_test_data() {
    let env = TestEnv::new();
    env.file("manage.py", "import django\n")
        .file("shop/models.py", "from django.db import models\n")
        .file("shop/fixtures/countries.json", "[]\n")
        .file("tests/fixtures/order.json", "{}\n")
        .file("Dockerfile", "FROM python\nCOPY . /app\n");
    let v = json(&env, &[]);
    assert!(find(&v, "shop/fixtures").is_empty(), "{:#?}", findings(&v));
    assert!(
        find(&v, "tests/fixtures")
            .iter()
            .chain(find(&v, "tests").iter())
            .any(|f| f["rule"] == "CTX701"),
        "{:#?}",
        findings(&v)
    );
}

/// `bin/` and `obj/` beside a .NET project file are `dotnet build` output, reported with their
/// own path as the fix; a `bin/` of scripts or an `obj/` of models elsewhere is source, and a
/// tracked `bin/` beside a project is shipped on purpose.
#[test]
fn dotnet_bin_and_obj_beside_a_project_are_build_output() {
    let env = TestEnv::new();
    env.file(
        "src/Api/Api.csproj",
        "<Project Sdk=\"Microsoft.NET.Sdk.Web\"/>\n",
    )
    .file("src/Api/Program.cs", "var app = 1;\n")
    .file("src/Api/bin/Debug/net8.0/Api.dll", "MZ\0\0")
    .file("src/Api/obj/project.assets.json", "{}\n")
    .file("src/Lib/Lib.fsproj", "<Project/>\n")
    .file("src/Lib/obj/Lib.fsproj.nuget.g.props", "<Project/>\n")
    .file("tools/bin/run.sh", "#!/bin/sh\n")
    .file("game/obj/tree.obj.txt", "v 0 0 0\n")
    .file(
        "Dockerfile",
        "FROM mcr.microsoft.com/dotnet/sdk\nCOPY . /src\n",
    );
    let v = json(&env, &[]);
    let rules_at = |p: &str| field_of(&v, p, "rule");
    for p in ["src/Api/bin", "src/Api/obj", "src/Lib/obj"] {
        assert_eq!(rules_at(p), ["CTX406"], "{p}: {:#?}", findings(&v));
        assert_eq!(find(&v, p)[0]["fix"], p, "{:#?}", find(&v, p));
    }
    assert!(rules_at("tools/bin").is_empty(), "{:#?}", findings(&v));
    assert!(rules_at("game/obj").is_empty(), "{:#?}", findings(&v));
    // Tracked: shipped on purpose.
    env.git(&["init", "-q"]);
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "x"]);
    let v = json(&env, &[]);
    assert!(find(&v, "src/Api/bin").is_empty(), "{:#?}", findings(&v));
}

/// A token in a file named as a sample (`.env.example`, `config.example.yml`) is still
/// reported, one grade lower and labelled; the same token in the real file is high.
#[test]
fn secrets_in_example_files_are_graded_lower() {
    let mut g = Gen(41);
    let tok = g.github();
    let env = TestEnv::new();
    env.file(".env.example", format!("GITHUB_TOKEN={tok}\n"))
        .file("config.example.yml", format!("token: {tok}\n"))
        .file("config.yml", format!("token: {tok}\n"))
        .file("Dockerfile", "FROM alpine\nCOPY . /app\n");
    let v = json(&env, &[]);
    for p in [".env.example", "config.example.yml"] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], "medium", "{f:#?}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("in an example file"),
            "{f:#?}"
        );
    }
    assert_eq!(secret_of(&v, "config.yml")["severity"], "high");
}

/// Rails' `config/master.key` is named for what it is, not a TLS/SSH private key.
#[test]
fn a_rails_master_key_is_named_so() {
    let mut g = Gen(43);
    let env = TestEnv::new();
    env.file("config/master.key", g.pick(b"0123456789abcdef", 32))
        .file("Dockerfile", "FROM ruby\nCOPY . /app\n");
    let v = json(&env, &[]);
    let f = secret_of(&v, "config/master.key");
    assert_eq!(f["rule"], "CTX103");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("Rails master key"),
        "{f:#?}"
    );
}

/// An empty file named for secrets holds none (temporal's `tools/tdbg/testdata/cert.pem`, zero
/// bytes, was a PEM-file finding); the same name with a key in it still is.
#[test]
fn an_empty_file_named_for_secrets_is_not_a_secret() {
    let env = TestEnv::new();
    let body = Gen(5).pick(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        64,
    );
    env.file("tools/testdata/cert.pem", "")
        .file("config/.env", "")
        .file(
            "deploy/server.pem",
            format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"),
        )
        .file("Dockerfile", "FROM alpine\nCOPY . /app\n");
    let v = json(&env, &[]);
    assert!(
        find(&v, "tools/testdata/cert.pem").is_empty(),
        "{:#?}",
        findings(&v)
    );
    assert!(find(&v, "config/.env").is_empty(), "{:#?}", findings(&v));
    assert_eq!(secret_of(&v, "deploy/server.pem")["severity"], "high");
}

/// A gitignored entry below a directory the Dockerfile copies by name (`COPY docker /`, an
/// entrypoint made before the build in `docker/bin/`) goes into the image: the fix is not a plain
/// "exclude it", and it is info. One that only `COPY . .` takes keeps the plain fix.
#[test]
fn a_gitignored_entry_a_copy_names_is_not_simply_excluded() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM alpine\nCOPY docker /\nCOPY app.js /app/\nENTRYPOINT [\"entry.sh\"]\n",
    )
    .file(".gitignore", "bin/\nnotes.txt\n")
    .file("docker/bin/entry.sh", "#!/bin/sh\n")
    .file("docker/etc/app.conf", "c\n")
    .file("notes.txt", "n\n")
    .file("app.js", "a\n");
    env.git(&["init", "-q", "."]);
    env.git(&[
        "add",
        "-f",
        "Dockerfile",
        ".gitignore",
        "app.js",
        "docker/etc",
    ]);
    let v = json(&env, &[]);
    let bin = find(&v, "docker/bin");
    assert_eq!(bin.len(), 1, "{v}");
    assert_eq!(bin[0]["rule"], "CTX001");
    assert_eq!(bin[0]["severity"], "info");
    assert!(
        bin[0]["message"]
            .as_str()
            .unwrap()
            .contains("the Dockerfile copies it (COPY, line 2)"),
        "{}",
        bin[0]
    );
    assert!(bin[0]["fix"]
        .as_str()
        .unwrap()
        .contains("only if the image does not need it"));
    let notes = find(&v, "notes.txt");
    assert_eq!(notes[0]["severity"], "low");
    assert_eq!(notes[0]["fix"], "notes.txt");

    // Copied only with the whole context: a plain "exclude it".
    env.file("Dockerfile", "FROM alpine\nCOPY . /\n");
    let v = json(&env, &[]);
    let bin = find(&v, "docker/bin");
    assert_eq!(bin[0]["severity"], "low");
    assert_eq!(bin[0]["fix"], "docker/bin");
}

/// A Maven dist module's Dockerfile adds `target/${APP_NAME}.tar.gz` with no value for the ARG.
/// The report's fix for `target/` kept a resolved source below it again, but not this one: a
/// plain `target` line fails the build. It keeps what any value names, as `suggest` does.
#[test]
fn the_fix_for_a_build_directory_keeps_a_source_with_an_unset_arg() {
    let env = TestEnv::new();
    env.file(
        "docker/Dockerfile",
        "FROM alpine\nARG APP_NAME\nADD target/${APP_NAME}.tar.gz /opt\nCOPY docker/entrypoint.sh /\n",
    )
    .file("docker/entrypoint.sh", "#!/bin/sh\n")
    .file("pom.xml", "<project/>\n")
    .file("target/classes/A.class", "c\n")
    .file("target/app-bin.tar.gz", "t\n");
    let v = json(&env, &["-f", "docker/Dockerfile"]);
    let t = find(&v, "target");
    assert_eq!(t.len(), 1, "{v}");
    assert_eq!(
        t[0]["fix"],
        "`target`, then `!target/*.tar.gz`: the Dockerfile copies it"
    );
}

/// The human report says a fix shared by every item of a category once, under its header, and
/// each item's own fix on its line otherwise.
#[test]
fn a_fix_shared_by_a_category_is_said_once() {
    let mut g = Gen(0x5a3e_f1c5);
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("src/a.py", format!("KEY = \"{}\"\n", g.aws()))
        .file("src/b.py", format!("x = 1\nKEY = \"{}\"\n", g.aws()));
    let human = |env: &TestEnv| {
        let out = env.run(["--color", "never", "."]);
        text(&out.stdout)
    };
    let out = human(&env);
    assert_eq!(out.matches("move the secret out").count(), 1, "{out}");
    assert!(out.contains("→ each: move the secret out"), "{out}");
    assert!(
        out.contains("src/a.py:1") && out.contains("src/b.py:2"),
        "{out}"
    );
    // A secret file the image does not need is excluded by its own line: fixes differ, so
    // each line carries its own.
    env.file(".env", format!("API_TOKEN={}\n", g.github()));
    let out = human(&env);
    assert!(!out.contains("→ each:"), "{out}");
    assert_eq!(out.matches("move the secret out").count(), 2, "{out}");
    assert!(out.contains("→ .env"), "{out}");
}

/// Precision on three shapes real trees show, without losing the real ones: a URL password for a
/// server on the machine itself (a test tool's DSN for the database it starts), a token shown
/// as an example in documentation, and a URL query string whose next parameter is not part of
/// the secret-named one's value.
#[test]
fn local_server_passwords_and_documentation_examples_are_graded_lower() {
    let env = TestEnv::new();
    let mut g = Gen(0x10ca_15e7);
    // A chosen password (a word, digits, a symbol): a local development default.
    let chosen = [
        &g.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1),
        &g.pick(b"abcdefghijklmnopqrstuvwxyz", 6),
        &g.pick(b"0123456789", 3),
        "!",
    ]
    .concat();
    // A generated one.
    let generated = [&g.alnum(9), "#", &g.alnum(10)].concat();
    let tg_body = |g: &mut Gen| {
        g.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
            33,
        )
    };
    // A bot token as Telegram issues one, and one whose bot ID is made up by hand.
    let real_tg = [&g.pick(b"0123456789", 10), ":A", "A", &tg_body(&mut g)].concat();
    let made_up_tg = ["1111", "2222", "3:", &g.alnum(32)].concat();
    let examples = |token: &str| {
        format!("# Telegram\n\n## Configuration\n\n##### Examples\n\n###### Basic Configuration\n\n\n\n```yaml\n#{}\n# telegram global options\n\nSEND_TELEGRAM=\"YES\"\nTELEGRAM_BOT_TOKEN=\"{token}\"\n```\n", "-".repeat(40))
    };
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file(
            "tools/config/mssql.conf",
            format!("jobs:\n  - name: local\n    dsn: \"sqlserver://sa:{chosen}@127.0.0.1:1433?database=x\"\n"),
        )
        .file(
            "tools/config/oracle.conf",
            format!("jobs:\n  - name: local\n    dsn: oracle://app:{chosen}@[::1]:1521/DB\n"),
        )
        .file(
            "tools/config/remote.conf",
            format!("jobs:\n  - name: db\n    dsn: postgres://app:{chosen}@db.internal:5432/app\n"),
        )
        .file(
            "tools/config/generated.conf",
            format!("jobs:\n  - name: db\n    dsn: postgres://app:{generated}@localhost:5432/app\n"),
        )
        .file(
            "tools/config/mixed.conf",
            format!("a: mysql://root:{chosen}@0.0.0.0:3306/x\nb: mysql://root:{chosen}@mysql.prod.internal:3306/x\n"),
        )
        .file("docs/made-up.md", examples(&made_up_tg))
        .file(
            "docs/setup.md",
            format!("# Setup\n\n```sh\nTELEGRAM_BOT_TOKEN=\"{made_up_tg}\"\n```\n"),
        )
        .file("docs/example.md", examples(&real_tg))
        .file(
            "docs/deploy.md",
            format!("# Deploy\n\nThe bot runs with:\n\n```sh\nexport TG={real_tg}\n```\n"),
        )
        .file(
            "scripts/selftest.sh",
            "cat > \"$t\" <<'V'\nGET /api/v1/data?chart=x&token=SENTINEL-10&after=-60\nV\n",
        )
        .file(
            "scripts/fetch.sh",
            format!("curl \"https://api.host.test/v1/data?token={}&after=-60\"\n", g.alnum(32)),
        );
    let v = json(&env, &[]);
    let graded = |path: &str| {
        let f = secret_of(&v, path);
        (
            f["severity"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap_or(0),
            f["message"].as_str().unwrap().to_string(),
        )
    };
    for path in ["tools/config/mssql.conf", "tools/config/oracle.conf"] {
        let (sev, line, msg) = graded(path);
        assert_eq!((sev.as_str(), line), ("low", 3), "{path}: {msg}");
        assert!(msg.contains("for a local server"), "{path}: {msg}");
    }
    for path in ["tools/config/remote.conf", "tools/config/generated.conf"] {
        let (sev, _, msg) = graded(path);
        assert_eq!(sev, "high", "{path}: {msg}");
        assert!(!msg.contains("local server"), "{path}: {msg}");
    }
    // The remote one further down grades the file, at its line.
    let (sev, line, _) = graded("tools/config/mixed.conf");
    assert_eq!((sev.as_str(), line), ("high", 2));
    // A value no rule knows the shape of, in a code block the section heads as an example
    // (above the block's start): not reported.
    assert!(
        find(&v, "docs/made-up.md").is_empty(),
        "{:#?}",
        find(&v, "docs/made-up.md")
    );
    // The same value outside an example: graded as made up.
    let (sev, line, msg) = graded("docs/setup.md");
    assert_eq!((sev.as_str(), line), ("low", 4), "{msg}");
    assert!(msg.contains("made-up value"), "{msg}");
    // A real-shaped token under an example heading: still reported, one grade lower.
    let (sev, line, msg) = graded("docs/example.md");
    assert_eq!((sev.as_str(), line), ("medium", 16), "{msg}");
    assert!(msg.contains("shown as an example"), "{msg}");
    let (sev, _, msg) = graded("docs/deploy.md");
    assert_eq!(sev, "high", "{msg}");
    assert!(
        find(&v, "scripts/selftest.sh").is_empty(),
        "{:#?}",
        find(&v, "scripts/selftest.sh")
    );
    assert_eq!(graded("scripts/fetch.sh").0, "high");
    let all = serde_json::to_string(&v).unwrap();
    for s in [&chosen, &generated, &real_tg, &made_up_tg] {
        assert!(!all.contains(s.as_str()));
    }
}

#[test]
fn development_settings_are_graded_medium_and_production_settings_stay_high() {
    // `mix phx.new` writes a generated `secret_key_base` into `config/dev.exs` (and
    // `config/test.exs`) of every Phoenix app: development defaults, not production's key. The
    // same value in `config/prod.exs` is production's.
    let env = TestEnv::new();
    let mut g = Gen(0xde5e);
    let (dev, prod, net) = (g.alnum(64), g.alnum(64), g.alnum(40));
    let endpoint = |k: &str| {
        format!("import Config\nconfig :app, AppWeb.Endpoint,\n  http: [port: 4000],\n  secret_key_base: \"{k}\"\n")
    };
    env.file("Dockerfile", "FROM scratch\nCOPY . /app\n")
        .file("config/dev.exs", endpoint(&dev))
        .file("config/prod.exs", endpoint(&prod))
        .file(
            "Api/appsettings.Development.json",
            format!("{{\n  \"Jwt\": {{\n    \"Secret\": \"{net}\"\n  }}\n}}\n"),
        );
    let v = json(&env, &[]);
    for (p, sev) in [
        ("config/dev.exs", "medium"),
        ("Api/appsettings.Development.json", "medium"),
        ("config/prod.exs", "high"),
    ] {
        let f = secret_of(&v, p);
        assert_eq!(f["severity"], sev, "{f:#}");
        let dev_label = f["message"]
            .as_str()
            .unwrap()
            .contains("development environment's settings");
        assert_eq!(dev_label, sev == "medium", "{f:#}");
    }
}
