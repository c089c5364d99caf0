//! `ctxsize bake [TARGET|GROUP…]`: what each target of a `docker buildx bake` definition sends,
//! through the same driver as `--compose` (and so the single pipeline), a context shared by
//! several targets counted once in the totals, with what sending it per target would cost.

use std::io::Write;
use std::path::PathBuf;

use super::compose::{run, Source};
use crate::analysis::Config;
use crate::error::Error;
use crate::pipeline;
use crate::render::Format;

/// `ctxsize bake`.
#[allow(clippy::too_many_arguments)]
pub(super) fn command(
    files: &[PathBuf],
    targets: &[String],
    cfg: &Config,
    format: Format,
    options: &pipeline::Options,
    total_budget: Option<u64>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let paths = crate::bake::files(files, &cfg.cwd).map_err(Error::Usage)?;
    let env = |k: &str| std::env::var(k).ok();
    let def = crate::bake::read(&paths, &cfg.cwd, &env).map_err(Error::Usage)?;
    let resolved = crate::bake::resolve(&def, targets).map_err(Error::Usage)?;
    let mut builds = crate::bake::builds(&resolved, &cfg.cwd);
    let mut notes = def.notes;
    notes.append(&mut builds.notes);
    builds.notes = notes;
    run(
        &Source::Bake(paths),
        &builds,
        cfg,
        format,
        options,
        total_budget,
        out,
        err,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::Builder;

    /// Three targets (two Dockerfiles, one with its own args) on one context: one walk, and the
    /// totals count the context once.
    #[test]
    fn three_targets_sharing_a_context_walk_it_once() {
        let d = crate::testutil::ctx(&["src/main.go", "node_modules/x/y.js"], "", b"x");
        let p = d.path();
        std::fs::write(p.join(".dockerignore"), "node_modules\n").unwrap();
        std::fs::write(p.join("Dockerfile"), "FROM scratch\nCOPY . /app\n").unwrap();
        std::fs::write(p.join("api.Dockerfile"), "FROM scratch\nCOPY src /src\n").unwrap();
        std::fs::write(
            p.join("docker-bake.hcl"),
            "group \"default\" {\n  targets = [\"web\", \"api\", \"worker\"]\n}\n\
             target \"web\" {}\n\
             target \"api\" {\n  dockerfile = \"api.Dockerfile\"\n}\n\
             target \"worker\" {\n  args = { MODE = \"w\" }\n}\n",
        )
        .unwrap();
        for builder in [Builder::Buildkit, Builder::Classic] {
            let cfg = crate::testutil::config(p, builder, 1);
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let before = crate::walk::walks_started();
            let code = command(
                &[],
                &[],
                &cfg,
                Format::Json,
                &pipeline::Options::default(),
                None,
                &mut out,
                &mut err,
            )
            .unwrap();
            assert_eq!(code, 0);
            assert_eq!(crate::walk::walks_started() - before, 1, "{builder:?}");
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(v["contexts"].as_array().unwrap().len(), 3);
            assert_eq!(v["totals"]["contexts"], 1);
            let one = v["contexts"][0]["report"]["tar_bytes"].as_u64().unwrap();
            assert_eq!(v["totals"]["tar_bytes"].as_u64().unwrap(), one);
            assert_eq!(
                v["totals"]["per_build_tar_bytes"].as_u64().unwrap(),
                3 * one
            );
        }
    }
}
