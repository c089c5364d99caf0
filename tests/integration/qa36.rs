//! Rules corrected by qa36 on real repositories: a found Dockerfile whose only "whole context"
//! source is a `RUN --mount=type=tmpfs` (discourse_docker's `image/base/Dockerfile`, built with
//! its own directory, mounts tmpfs for apt) was said to have "its `COPY . .`", and one with
//! tmpfs mounts alone was said to copy the whole context, though it reads nothing from it.

use crate::util::{text, TestEnv};

/// discourse_docker: `image/base/Dockerfile` ADDs named files and mounts tmpfs for apt; with the
/// repository root as the context it is not served, and the note names its sources without a
/// `COPY . .` it does not have. A `COPY . .` elsewhere is still named, with its line.
#[test]
fn a_tmpfs_mount_is_not_named_as_a_whole_context_copy() {
    let env = TestEnv::new();
    env.file(
        "image/base/Dockerfile",
        "FROM debian\nADD install-nginx /tmp/install-nginx\nRUN --mount=type=tmpfs,target=/var/log sh /tmp/install-nginx\nCOPY etc/ /etc\n",
    )
    .file("image/base/install-nginx", "#!/bin/sh\n")
    .file("image/base/etc/x.conf", "x\n")
    .file(
        "image/web/Dockerfile",
        "FROM node\nCOPY package.json .\nCOPY . .\n",
    )
    .file("image/web/package.json", "{}\n")
    .file("README.md", "x\n");
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let base = err
        .lines()
        .find(|l| l.contains("image/base/Dockerfile (found in the context) not served"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        base.contains("none of the sources it names (etc/, install-nginx) exist in this context, so it is built with another one"),
        "{base}"
    );
    assert!(!base.contains("COPY . ."), "{base}");
    let web = err
        .lines()
        .find(|l| l.contains("image/web/Dockerfile (found in the context) not served"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        web.contains("(its `COPY .` (line 3) would copy any context)"),
        "{web}"
    );
}

/// A found Dockerfile of FROM and RUN lines whose RUN mounts only tmpfs copies nothing from a
/// context: the note says so, not that it copies the whole context.
#[test]
fn a_dockerfile_with_tmpfs_mounts_alone_copies_nothing() {
    let env = TestEnv::new();
    env.file("Dockerfile", "FROM alpine\nCOPY app.sh /\n")
        .file("app.sh", "#!/bin/sh\n")
        .file(
            "tools/Dockerfile",
            "FROM debian\nRUN --mount=type=tmpfs,target=/var/cache/apt apt-get update\n",
        );
    let o = env.run(["suggest"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("tools/Dockerfile (found in the context) not served: it copies nothing from a build context"),
        "{err}"
    );
    assert!(!err.contains("copies the whole context"), "{err}");
}
