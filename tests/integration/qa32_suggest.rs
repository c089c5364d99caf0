//! `suggest` rules corrected by qa32: the user's wildcard exception over a source led by a
//! variable is carried (authelia); files the proposal newly puts into the image are named
//! (searxng).

use crate::util::{text, TestEnv};

/// authelia: `COPY authelia-${TARGETOS}-${TARGETARCH}/authelia`, built once per platform from
/// binaries CI writes first, and an ignore file of `*` then `!authelia-linux-*`. suggest keeps
/// the paths of the platforms it evaluates; the user's exception is what serves the others
/// (`--platform linux/riscv64`): it is carried, so that build still gets its binary under both
/// builders once it exists. An exception naming something else is not carried.
#[test]
fn a_wildcard_exception_over_a_source_led_by_a_variable_is_carried() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM busybox\nARG TARGETOS\nARG TARGETARCH\nCOPY app-${TARGETOS}-${TARGETARCH}/app LICENSE /\n",
    )
    .file("LICENSE", "x\n")
    .file("main.go", "package main\n")
    .file("notes-a/n.txt", "x\n")
    .dockerignore("*\n!app-linux-*\n!LICENSE\n!notes-*\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(
        written.lines().any(|l| l == "!app-linux-*"),
        "{written}\n{err}"
    );
    assert!(!written.lines().any(|l| l == "!notes-*"), "{written}");
    // The warning names the carried line instead of asking for one.
    let w: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("variable values only"))
        .collect();
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains("the carried `!app-linux-*` sends what the other values"),
        "{err}"
    );
    // A platform suggest did not evaluate, built once CI wrote its binary.
    env.file("app-linux-riscv64/app", "\x7fELF\n");
    for b in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", b, "."]).stdout);
        assert!(
            list.lines().any(|l| l == "app-linux-riscv64/app"),
            "{b}: {list}\n{written}"
        );
        assert!(
            !list.lines().any(|l| l.starts_with("notes-a")),
            "{b}: {list}"
        );
    }
}

/// searxng: `COPY ./container/ ./` and an ignore file of `*` then `!container/entrypoint.sh`:
/// today the image gets the entrypoint alone. The proposal keeps `container` whole (which the
/// claim allows: nothing the build copies is lost), so the image also gets the other files
/// there; the summary names them. A file a source names itself is not listed (today's file
/// wrongly keeps it out, and sending it is the fix).
#[test]
fn files_the_proposal_newly_puts_into_the_image_are_named() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM busybox\nCOPY ./container/ /app/\nCOPY README.md /\n",
    )
    .file("container/entrypoint.sh", "#!/bin/sh\n")
    .file("container/docker-compose.yml", "services: {}\n")
    .file("README.md", "x\n")
    .file("src/main.py", "x\n")
    .dockerignore("*\n!container/entrypoint.sh\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let w: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("the image gains them"))
        .collect();
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].contains("1 file(s)") && w[0].contains("`container/docker-compose.yml`"),
        "{err}"
    );
    assert!(
        !w[0].contains("README.md") && !w[0].contains("entrypoint.sh"),
        "{err}"
    );
}

/// searxng again: the current file starts with `*`, as the proposal does. It excludes
/// `container`, which the Dockerfile names, so it is not carried as a user line; but the
/// proposal's own first line is `*`, and no warning says the user's `*` was not carried over.
#[test]
fn a_users_leading_star_is_not_reported_as_lost() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM busybox\nCOPY ./container/ /app/\n")
        .file("container/entrypoint.sh", "#!/bin/sh\n")
        .file("container/docker-compose.yml", "services: {}\n")
        .file("src/main.py", "x\n")
        .dockerignore("*\n!container/entrypoint.sh\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        text(&o.stdout).lines().any(|l| l == "*"),
        "{}",
        text(&o.stdout)
    );
    assert!(!err.contains("line 1 `*`"), "{err}");
}

/// baserow: a cookiecutter plugin template holds Dockerfiles under
/// `plugin-boilerplate/{{ cookiecutter.project_slug }}/`, whose sources are template text
/// (`COPY ./plugins/{{ cookiecutter.project_module }}/ …`). docker never builds them as they
/// are: discovery skips them, with no note per template Dockerfile.
#[test]
fn dockerfiles_of_a_project_template_are_not_discovered() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM busybox\nCOPY app.py /\n")
        .file("app.py", "x\n")
        .file(
            "plugin-boilerplate/{{ cookiecutter.project_slug }}/Dockerfile",
            "FROM busybox\nCOPY ./plugins/{{ cookiecutter.project_module }}/ /plugins/\n",
        )
        .file("plugin-boilerplate/cookiecutter.json", "{}\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("cookiecutter"), "{err}");
}
