//! Rules corrected by qa43 on real repositories.

use crate::util::{text, TestEnv};

/// Tracked editor settings stay when the build runs git on the copied checkout (qa41, locust);
/// photoview's API stage installs git and runs `go build` on `COPY api /app/api`, without the
/// context's `.git`: git in the image sees no checkout there, so nothing can leave it dirty.
/// Suggest kept the tracked `api/.vscode` and warned that removing it would change the stamped
/// version; now it is removed like any editor settings, and the warning is gone.
#[test]
fn tracked_editor_settings_go_when_the_copy_leaves_out_the_checkouts_git() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang:1.26\nRUN apt-get update && apt-get install -y git\nWORKDIR /app/api\nCOPY api /app/api\nRUN go build -o app .\n",
    )
    .file("api/go.mod", "module example.com/app\n\ngo 1.26\n")
    .file("api/main.go", "package main\n\nfunc main() {}\n")
    .file("api/.vscode/settings.json", "{}\n")
    .git(&["init", "-q"])
    .git(&["add", "-A"])
    .git(&["commit", "-qm", "x"]);
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(lines.contains(&"!api"), "{out}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(".vscode") && !l.starts_with('!')),
        "{out}"
    );
    assert!(!err.contains("leaves the checkout dirty"), "{err}");
}
