//! Rules corrected by qa40 on real repositories: a Mage build whose magefile stamps the version
//! with `git describe` (go-vikunja/vikunja) reads the copied `.git`.

use crate::util::{text, TestEnv};

/// vikunja's Dockerfile copies the whole context and runs `mage build:clean` and
/// `mage release:xgo …`; its root magefile.go runs `git describe --tags` unless a release
/// variable is set, and the build argument that would set it has no default. suggest dropped
/// `.git` as "VCS metadata, none needed in an image" and said "proven", and the build then
/// failed; the report graded the `.git` directory medium. A Mage build is now read like a
/// Makefile's `$(shell git …)`: `.git` stays, with a warning, and the report says why.
#[test]
fn a_magefile_that_runs_git_keeps_dot_git() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang:1.24 AS apibuilder\n\
         RUN go install github.com/magefile/mage@latest && mv /go/bin/mage /usr/local/go/bin\n\
         WORKDIR /go/src/app\nCOPY . ./\nARG RELEASE_VERSION\nENV RELEASE_VERSION=$RELEASE_VERSION\n\
         RUN mage build:clean && (cd build && mage release:xgo linux/amd64)\n\
         FROM scratch\nCOPY --from=apibuilder /build/app-* /app\n",
    )
    .file(
        "magefile.go",
        "//go:build mage\npackage main\n\nfunc runGit(ctx context.Context, arg ...string) ([]byte, error) {\n\
         \treturn exec.CommandContext(ctx, \"git\", arg...).Output()\n}\n\n\
         func version(ctx context.Context) ([]byte, error) {\n\treturn runGit(ctx, \"describe\", \"--tags\")\n}\n",
    )
    .file("main.go", "package main\n")
    .file(".git/HEAD", "ref: refs/heads/main\n")
    .file(".git/config", "[core]\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(env.ctx().join(".dockerignore")).unwrap();
    assert!(
        err.contains("kept \".git\" (VCS metadata): the build runs git"),
        "{written}\n{err}"
    );
    let list = text(&env.run(["list", "--builder", "classic", "."]).stdout);
    assert!(list.lines().any(|l| l == ".git/HEAD"), "{list}\n{written}");
    let report = text(&env.run(["."]).stdout);
    assert!(
        report.contains("the build runs git on the copied context"),
        "{report}"
    );

    // The same build with a magefile that runs no git: `.git` goes.
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang:1.24\nCOPY . ./\nRUN mage build\n",
    )
    .file(
        "magefile.go",
        "//go:build mage\npackage main\n\nfunc Build() error { return sh.Run(\"go\", \"build\") }\n",
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

/// grafana/k6's Dockerfile copies the whole context, installs git (`apk add git=~2`) and runs
/// `go build`: the Go toolchain stamps the repository's revision into the binary, which
/// `k6 version` prints. suggest dropped `.git` and said "proven", and the image's binary lost
/// its commit; `.git` now stays with a warning, and the report says why.
#[test]
fn a_go_build_with_git_installed_keeps_dot_git() {
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang:alpine AS builder\nWORKDIR /src\nCOPY . .\nARG TARGETOS TARGETARCH\n\
         RUN apk --no-cache add git=~2\n\
         RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -o /usr/bin/k6\n\
         FROM alpine\nCOPY --from=builder /usr/bin/k6 /usr/bin/k6\n",
    )
    .file("main.go", "package main\n")
    .file("go.mod", "module example.com/k6\n")
    .file(".git/HEAD", "ref: refs/heads/main\n");
    let o = env.run(["suggest", "--write"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("kept \".git\" (VCS metadata): the build runs git"),
        "{err}"
    );
    let list = text(&env.run(["list", "--builder", "classic", "."]).stdout);
    assert!(list.lines().any(|l| l == ".git/HEAD"), "{list}");
    let report = text(&env.run(["."]).stdout);
    assert!(
        report.contains("the build runs git on the copied context"),
        "{report}"
    );

    // Without git in the image, nothing reads `.git`: it goes.
    let env = TestEnv::new();
    env.file(
        "Dockerfile",
        "FROM golang:alpine\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n",
    )
    .file("main.go", "package main\n")
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
