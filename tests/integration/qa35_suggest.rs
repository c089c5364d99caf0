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
