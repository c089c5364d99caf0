//! Rules corrected by qa34: a stage built `FROM` an ONBUILD image (jupyterhub's
//! `examples/postgres/hub`, `FROM jupyter/jupyterhub-onbuild`, whose image runs `ONBUILD COPY
//! jupyterhub_config.py …`).

use crate::util::{text, TestEnv};

/// jupyterhub `examples/postgres/hub/Dockerfile` is the single line `FROM
/// jupyter/jupyterhub-onbuild`: the image's own trigger copies `jupyterhub_config.py` from the
/// context. suggest used to propose `*` alone and say "proven", which fails that build; the
/// stage now counts as reaching the whole context, like `COPY . .`, and the summary says why.
#[test]
fn a_stage_from_an_onbuild_image_keeps_the_whole_context() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM jupyter/jupyterhub-onbuild\n")
        .file("jupyterhub_config.py", "c = get_config()\n")
        .file("userlist", "admin\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    for keep in ["!jupyterhub_config.py", "!userlist"] {
        assert!(
            written.lines().any(|l| l == keep),
            "{keep}\n{written}\n{err}"
        );
    }
    assert!(
        err.lines().any(|l| l.contains(
            "warning: Dockerfile: FROM jupyter/jupyterhub-onbuild (line 1) is an ONBUILD image"
        )),
        "{err}"
    );
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(
            list.lines().any(|l| l == "jupyterhub_config.py"),
            "{b}: {list}\n{written}"
        );
    }
    // The report counts the whole context as reached, and says why.
    let o = env.run(["--format", "json", "."]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["transfer_whole_context"], true, "{j}");
    assert!(
        j["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("is an ONBUILD image")),
        "{j}"
    );
}

/// The rule reads the image's last path component: `node:8-onbuild` and `golang:onbuild` are
/// ONBUILD images; an organisation or registry named so (`onbuild/tools`), a stage of this
/// Dockerfile named so, and a plain image are not.
#[test]
fn only_an_image_named_onbuild_counts() {
    let cases = [
        ("FROM node:8-onbuild\n", true),
        (
            "FROM golang:onbuild AS b\nFROM scratch\nCOPY --from=b /go/bin/app /\n",
            true,
        ),
        ("FROM onbuild/tools:1\nCOPY app.py /\n", false),
        (
            "FROM python:3 AS onbuild\nCOPY app.py /\nFROM onbuild\n",
            false,
        ),
        ("FROM python:3\nCOPY app.py /\n", false),
    ];
    for (df, whole) in cases {
        let env = TestEnv::new();
        env.file("Dockerfile", df)
            .file("app.py", "print(1)\n")
            .file("notes.md", "x\n");
        let o = env.run(["--format", "json", "."]);
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(j["transfer_whole_context"], whole, "{df}\n{j}");
    }
}
