//! Rules corrected by qa35: a script an interpreter runs in a `RUN` step (`python version.py`)
//! whose code runs git on the copied context (TandoorRecipes/recipes).

use crate::util::{text, TestEnv};

/// TandoorRecipes/recipes copies the whole context, runs `RUN /opt/recipes/venv/bin/python
/// version.py` (which calls `subprocess.check_output(['git', 'show', '-s'])`), then deletes the
/// `.git` directories. suggest used to drop `.git` as "VCS metadata, none needed in an image"
/// and say "proven", so the image lost its version information; a script an interpreter runs
/// is now read like a shell script the step runs, and `.git` is kept with a warning.
#[test]
fn a_python_script_that_runs_git_keeps_dot_git() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM python:3.12-alpine\nWORKDIR /opt/recipes\nCOPY . ./\n\
         RUN /opt/recipes/venv/bin/python version.py\n\
         RUN find . -type d -name \".git\" | xargs rm -rf\n",
    )
    .file(
        "version.py",
        "import subprocess\nr = subprocess.check_output(['git', 'show', '-s'], cwd='.').decode()\n",
    )
    .file("manage.py", "print('x')\n")
    .file(".git/HEAD", "ref: refs/heads/main\n")
    .file(".git/config", "[core]\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(
        !written
            .lines()
            .any(|l| l.trim_start_matches("**/") == ".git"),
        "{written}\n{err}"
    );
    assert!(
        err.contains("kept \".git\" (VCS metadata): the build runs git"),
        "{written}\n{err}"
    );
    let list = text(&env.run(["list", "--builder", "classic", "."]).stdout);
    assert!(list.lines().any(|l| l == ".git/HEAD"), "{list}\n{written}");

    // The same script run without an interpreter word is only an argument: `.git` goes.
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM python:3.12-alpine\nCOPY . ./\nRUN cp version.py /tmp/\n",
    )
    .file(
        "version.py",
        "import subprocess\nsubprocess.run(['git', 'describe'])\n",
    )
    .file(".git/HEAD", "ref: refs/heads/main\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let list = text(&env.run(["list", "--builder", "classic", "."]).stdout);
    assert!(
        !list.lines().any(|l| l.starts_with(".git/")),
        "{list}\n{err}"
    );
}

/// gethomepage/homepage: its CI builds `.next/` before `docker build` (the Dockerfile's
/// `pnpm run build` runs only outside CI) and the runner stage copies `/app/.next/standalone`
/// from the stage whose `COPY . .` put the context there. The user's file sends `.next` and
/// re-includes `.next/standalone/node_modules` after `**/node_modules`. suggest used to list
/// only today's top-level entries, so the CI build, which finds `.next/` in its context, would
/// lose it; now `.next` is kept and the exception is carried after `**/node_modules`.
#[test]
fn an_exception_inside_an_absent_top_level_entry_keeps_that_entry() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM node:22-slim AS builder\nWORKDIR /app\nCOPY . .\nARG CI\n\
         RUN if [ \"$CI\" != \"true\" ]; then pnpm install && pnpm run build; fi\n\
         FROM node:22-alpine\nCOPY --from=builder /app/.next/standalone/ ./\n",
    )
    .file(
        ".dockerignore",
        "**/.env\n**/.git\n**/node_modules\n!.next/standalone/node_modules\nREADME.md\n",
    )
    .file("package.json", "{}\n")
    .file("src/index.js", "x\n")
    .file("node_modules/a/index.js", "x\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(written.lines().any(|l| l == "!.next"), "{written}\n{err}");
    let nm = written.lines().position(|l| l == "**/node_modules");
    let exc = written
        .lines()
        .position(|l| l == "!.next/standalone/node_modules");
    assert!(
        matches!((nm, exc), (Some(a), Some(b)) if a < b),
        "{written}"
    );
    assert!(
        err.contains("kept .next, which is not in the context today"),
        "{err}"
    );

    // The CI build: `.next/` made before the build is sent, node_modules in it too, and the
    // root node_modules still is not.
    env.file(".next/standalone/server.js", "x\n")
        .file(".next/standalone/node_modules/n/index.js", "x\n")
        .file(".next/static/a.css", "x\n");
    for builder in ["buildkit", "classic"] {
        let list = text(&env.run(["list", "--builder", builder, "."]).stdout);
        for p in [
            ".next/standalone/server.js",
            ".next/standalone/node_modules/n/index.js",
            ".next/static/a.css",
            "src/index.js",
        ] {
            assert!(list.lines().any(|l| l == p), "{builder}: {p}\n{list}");
        }
        assert!(
            !list.lines().any(|l| l.starts_with("node_modules/")),
            "{builder}\n{list}"
        );
    }

    // Without the exception, an absent entry gets no line; nor when the user's file excludes
    // the entry itself (`logs` then `!logs/.keep`).
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file(".dockerignore", "logs\n!logs/.keep\n")
        .file("main.sh", "x\n");
    let o = env.run(["suggest"]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!out.lines().any(|l| l == "!logs"), "{out}");
}

/// hoppscotch: `prod.Dockerfile` copies the whole context, `packages/hoppscotch-backend/Dockerfile`
/// (built with the same context) runs `COPY .env .`. suggest must keep `.env` for the second;
/// the report (of the first) gives the fix "exclude `.env`", and suggest used to say only
/// "note: kept .env … exclude it yourself if the image does not need it" for a file holding a
/// live key that goes into an image. Now that is the warning a copied secret gets.
#[test]
fn a_named_secret_file_a_build_copies_is_a_warning() {
    let env = TestEnv::new();
    let key = format!("AKIA{}", "Q7RZ2XW4VB6NM3KJ");
    env.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file(
            "backend/Dockerfile",
            "FROM node:20\nCOPY .env .\nCOPY ./backend .\n",
        )
        .file(".env", format!("AWS_ACCESS_KEY_ID={key}\n"))
        .file("backend/main.js", "x\n")
        .file("src/app.js", "x\n");
    let o = env.run(["suggest", "-f", "Dockerfile", "-f", "backend/Dockerfile"]);
    let err = text(&o.stderr);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!out.contains(&key) && !err.contains(&key));
    assert!(
        err.lines().any(
            |l| l.contains("warning: kept \".env\": the build copies it")
                && l.contains("move the secret out")
        ),
        "{err}"
    );
    assert!(!err.contains("note: kept .env"), "{err}");
}
