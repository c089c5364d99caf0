//! Rules corrected by qa49 on real repositories: a JWT as an OpenAPI schema's `example:` value
//! in a Phoenix controller (supabase/realtime, supabase/supavisor) is documentation, not a
//! medium secret; a CI workflow named `test.yml` (jupyterhub/jupyterhub) is no test fixture;
//! DI003 under a whole-context `COPY .` (CTFd/CTFd, pinry/pinry) offers the anchored line
//! instead of a sentence that says nothing; a doc's `--secret=` passing the first characters of
//! a key printed above it (simonw/datasette) is that sample again.

use crate::util::{report_json as report, secret_findings as secrets, Gen, TestEnv};
use serde_json::Value;

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn jwt(g: &mut Gen) -> String {
    format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{}.{}",
        g.pick(B64URL, 40),
        g.pick(B64URL, 43)
    )
}

/// supabase/realtime: an OpenApiSpex operation in a Phoenix controller documents its
/// `Authorization` header with `example: "Bearer eyJ…"` (the value wrapped onto the next line).
/// It was a medium JSON Web Token; an API schema's example value documents the request's shape.
/// The same token assigned to a setting elsewhere in the controller keeps its grade.
#[test]
fn jwt_as_an_openapi_example_value_is_low() {
    let env = TestEnv::new();
    let mut g = Gen(0x0a11_e4a1);
    let (a, b, c) = (jwt(&mut g), jwt(&mut g), jwt(&mut g));
    env.file("Dockerfile", "FROM elixir\nCOPY lib lib\n")
        .file(
            "lib/app_web/controllers/tenant_controller.ex",
            format!(
                "defmodule AppWeb.TenantController do\n  operation(:index,\n    parameters: [\n      \
                 authorization: [\n        in: :header,\n        schema: %OpenApiSpex.Schema{{type: :string}},\n        \
                 required: true,\n        example:\n          \"Bearer {a}\"\n      ]\n    ]\n  )\nend\n"
            ),
        )
        .file(
            "lib/app_web/schemas/token.ex",
            format!("  OpenApiSpex.schema(%{{type: :string, example: \"{b}\"}})\n"),
        )
        .file(
            "lib/app_web/controllers/other_controller.ex",
            format!("defmodule AppWeb.Other do\n  @token \"{c}\"\nend\n"),
        );
    let v = report(&env);
    for p in [
        "lib/app_web/controllers/tenant_controller.ex",
        "lib/app_web/schemas/token.ex",
    ] {
        let s = secrets(&v, p);
        assert_eq!(s.len(), 1, "{p}: {v:#}");
        assert_eq!(s[0]["severity"], "low", "{:#}", s[0]);
        assert!(
            s[0]["message"]
                .as_str()
                .unwrap()
                .contains("an API schema's example value"),
            "{:#}",
            s[0]
        );
    }
    let o = secrets(&v, "lib/app_web/controllers/other_controller.ex");
    assert_eq!(o.len(), 1, "{v:#}");
    assert_ne!(o[0]["severity"], "low", "{:#}", o[0]);
    let all = serde_json::to_string(&v).unwrap();
    for t in [&a, &b, &c] {
        assert!(!all.contains(t.as_str()));
    }
}

/// jupyterhub/jupyterhub: `.github/workflows/test.yml` holds a database URL with a password
/// for its test job's service. The grade (low) was right, the label "test fixture" was not: a
/// workflow is no fixture. A file under `tests/` is still one.
#[test]
fn ci_workflow_named_test_is_labelled_as_a_ci_workflow() {
    let env = TestEnv::new();
    let mut g = Gen(0x7e57_f10e);
    let pw = format!(
        "{}9Q",
        g.pick(b"abcdefghijkmnpqrstuvwxyzABCDEFGH23456789", 20)
    );
    let line = format!("      DB_URL: postgresql://hub:{pw}@pg.acme-corp.net:5432/hub\n");
    env.file("Dockerfile", "FROM python\nCOPY app app\n")
        .file("app/main.py", "print(1)\n")
        .file(
            ".github/workflows/test.yml",
            format!("name: Test\non: push\njobs:\n  test:\n    env:\n{line}"),
        )
        .file("tests/test.yml", format!("env:\n{line}"));
    let v = report(&env);
    let w = secrets(&v, ".github/workflows/test.yml");
    assert_eq!(w.len(), 1, "{v:#}");
    assert_eq!(w[0]["severity"], "low", "{:#}", w[0]);
    let m = w[0]["message"].as_str().unwrap();
    assert!(
        m.contains("in a CI test workflow") && !m.contains("test fixture"),
        "{m}"
    );
    let t = secrets(&v, "tests/test.yml");
    assert_eq!(t.len(), 1, "{v:#}");
    assert!(
        t[0]["message"].as_str().unwrap().contains("test fixture"),
        "{:#}",
        t[0]
    );
    assert!(!serde_json::to_string(&v).unwrap().contains(&pw));
}

fn lint_di003(env: &TestEnv) -> Vec<(String, String)> {
    let o = env.run(["lint", "--format", "json", "."]);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DI003")
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_string(),
                f["fix"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// pinry/pinry: `static` in the ignore file (the root's collected static files) while
/// `pinry/static/js/bookmarklet.js` is sent, and the Dockerfile copies the whole context
/// (`COPY . /app`). DI003 said `**/static` "would also exclude pinry/static/js/bookmarklet.js,
/// which the build copies": with `COPY .` every file is copied, so that told nothing. It now
/// says the copy is the whole context's and offers the anchored `/static`, which keeps out what
/// the line does today. A deeper entry a COPY names by its own path keeps the old sentence.
#[test]
fn di003_under_a_whole_context_copy_offers_the_anchored_line() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM python\nCOPY . /app\n")
        .file("manage.py", "x\n")
        .file("static/app.css", "x\n")
        .file("pinry/static/js/bookmarklet.js", "x\n")
        .dockerignore("static\n");
    let f = lint_di003(&env);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].0.contains("copies the whole context")
            && f[0].0.contains("pinry/static/js/bookmarklet.js")
            && f[0].0.contains("`/static`")
            && !f[0].0.contains("name the deeper entries"),
        "{f:?}"
    );
    assert_eq!(f[0].1, "/static", "{f:?}");
    // A COPY that names the directory: the build needs what it copies by name.
    env.file(
        "Dockerfile",
        "FROM python\nCOPY pinry /app/pinry\nCOPY . /app\n",
    );
    let f = lint_di003(&env);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].0.contains("which the build copies") && !f[0].0.contains("whole context"),
        "{f:?}"
    );
    assert_eq!(f[0].1, "", "{f:?}");
}

/// simonw/datasette docs/settings.rst: a command prints a generated secret, and 15 lines on
/// `datasette publish … --secret=` passes its first 23 characters. Only a whole value shown
/// earlier counted as the page's sample, so the prefix was a medium "hard-coded secret". A
/// value no earlier output starts with is still reported.
#[test]
fn a_prefix_of_a_key_printed_earlier_is_that_sample() {
    let env = TestEnv::new();
    let mut g = Gen(0xda7a_5e77);
    let key = g.pick(b"0123456789abcdef", 64);
    let other = g.pick(b"0123456789abcdef", 23);
    let doc = |v: &str| {
        format!(
            "Secrets\n=======\n\nOne way to generate a secure random secret is to use Python like this::\n\n    \
             python3 -c 'import secrets; print(secrets.token_hex(32))'\n    {key}\n\n{}\
             Pass it using the ``--secret`` option::\n\n    datasette publish cloudrun mydb.db --service=my-service --secret={v}\n",
            "Plugin authors can use this signing mechanism.\n\n".repeat(6)
        )
    };
    env.file("Dockerfile", "FROM python\nCOPY . /app\n")
        .file("docs/settings.rst", doc(&key[..23]))
        .file("docs/other.rst", doc(&other));
    let v = report(&env);
    assert!(secrets(&v, "docs/settings.rst").is_empty(), "{v:#}");
    assert_eq!(secrets(&v, "docs/other.rst").len(), 1, "{v:#}");
    let all = serde_json::to_string(&v).unwrap();
    assert!(!all.contains(&key[..23]) && !all.contains(&other));
}
