//! `--compose` in suggest: the Dockerfile a service builds this context with when the root has
//! none, why a Compose file builds nothing, and what to say then. The rules agree with
//! `ctxsize --compose` (`crate::commands::compose`) on what is an error.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::Config;
use crate::error::Error;

use super::{inline, output, SuggestOptions};

/// With `--compose`, no `-f` and no Dockerfile at the context root: the Dockerfile of the first
/// service (by name) that builds this context, which then leads the served list (a monorepo's
/// `web/Dockerfile` and `worker/Dockerfile`, both built with the root as context). `None`
/// otherwise, or when no service builds this context from a file, or when the Compose file
/// builds nothing at all ([`builds_nothing`]: the Dockerfiles found in the context are
/// then served as without `--compose`).
pub(crate) fn main(config: &Config, opts: &SuggestOptions) -> Result<Option<PathBuf>, Error> {
    let Some(given) = &opts.compose else {
        return Ok(None);
    };
    if !opts.dockerfiles.is_empty() || config.dockerfile.is_some() {
        return Ok(None);
    }
    let root = crate::context::absolute(&config.cwd, &config.context);
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let env = |k: &str| std::env::var(k).ok();
    let (file, builds) = crate::compose::load(given.as_deref(), &config.cwd, &env)?;
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if let Some(d) = builds.builds.iter().find_map(|b| {
        let d = b.dockerfile.as_ref().filter(|d| d.as_os_str() != "-")?;
        (canon(&b.context) == root && d.is_file()).then(|| d.clone())
    }) {
        return Ok(Some(d));
    }
    // No service builds this context: when some build others, name them (else the error
    // would read as if the compose file had not been read: "open Dockerfile").
    let here: Vec<&crate::compose::ServiceBuild> = builds
        .builds
        .iter()
        .filter(|b| canon(&b.context) == root)
        .collect();
    // Built here from `dockerfile_inline` alone: read from the file it is written to.
    if let Some(p) = here
        .iter()
        .filter(|_| !root.join("Dockerfile").is_file())
        .map(|b| inline::file(opts, &b.service, b.inline.as_deref()))
        .find_map(Result::transpose)
    {
        return p.map(Some);
    }
    // No directory to write it to: suggest reads Dockerfiles from files.
    if !here.is_empty() && here.iter().all(|b| b.is_inline()) && !root.join("Dockerfile").is_file()
    {
        let names: Vec<&str> = here.iter().map(|b| b.service.as_str()).collect();
        return Err(Error::Usage(format!(
            "{}: compose service {} builds the context {} from `dockerfile_inline`, which suggest cannot read (it reads Dockerfiles from files): write it to a file and name it with `dockerfile:` in the service, or pass it with -f",
            file.display(),
            names.join(", "),
            root.display(),
        )));
    }
    if builds.builds.is_empty() || !here.is_empty() {
        return Ok(None);
    }
    // Only a build `ctxsize suggest --compose FILE DIR` can serve is worth naming: its
    // context a directory, its Dockerfile a file (a missing one, or `dockerfile_inline`, ends
    // that command with "open Dockerfile" as it ends `docker compose build`).
    let servable = |b: &crate::compose::ServiceBuild| b.context.is_dir() && b.dockerfile_exists();
    let mut elsewhere: Vec<(String, Vec<String>)> = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    for b in &builds.builds {
        if !servable(b) {
            broken.push(b.service.clone());
            continue;
        }
        let ctx = canon(&b.context);
        let shown = ctx
            .strip_prefix(canon(&config.cwd))
            .map(|r| r.to_path_buf())
            .unwrap_or(ctx.clone());
        let shown = if shown.as_os_str().is_empty() {
            ".".to_string()
        } else {
            shown.to_string_lossy().into_owned()
        };
        match elsewhere.iter_mut().find(|(c, _)| *c == shown) {
            Some((_, services)) => services.push(b.service.clone()),
            None => elsewhere.push((shown, vec![b.service.clone()])),
        }
    }
    let broken = match broken.len() {
        0 => String::new(),
        n => format!(
            "; {} {} cannot be built here: {} context directory or Dockerfile does not exist (or it is `dockerfile_inline`)",
            if n == 1 { "service" } else { "services" },
            broken.join(", "),
            if n == 1 { "its" } else { "their" },
        ),
    };
    if elsewhere.is_empty() {
        return Err(Error::Usage(format!(
            "no service in {} builds the context {}, which has no Dockerfile{broken}: there is nothing here `ctxsize suggest --compose` can serve; pass a Dockerfile with -f",
            file.display(),
            root.display(),
        )));
    }
    let list: Vec<String> = elsewhere
        .iter()
        // A few services per context: a context built by 19 services must not push the
        // command to run out of the (cut) error line.
        .map(|(c, s)| match s.len() {
            0..=3 => format!("{c} ({})", s.join(", ")),
            n => format!("{c} ({n} services: {}, …)", s[..2].join(", ")),
        })
        .collect();
    // One context: the command itself, ready to run.
    let run = match elsewhere.as_slice() {
        [(c, _)] => format!(
            "run `ctxsize suggest --compose {} {}`",
            file.display(),
            shell_word(c)
        ),
        _ => format!(
            "run `ctxsize suggest --compose {} DIR` with one of those",
            file.display()
        ),
    };
    Err(Error::Usage(format!(
        "no service in {} builds the context {}, which has no Dockerfile; the services build {}{broken}: {run}",
        file.display(),
        root.display(),
        list.join(", "),
    )))
}

/// `s` as one shell word: quoted when it holds anything but plain path characters.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// With `--compose` and no `-f`: why the Compose file builds nothing at all (every service runs
/// a prebuilt `image:`, or builds only from a remote context), `None` when it builds something
/// (or there is no `--compose`). `docker compose build` then has nothing to do and succeeds, as
/// `ctxsize --compose` reports no context and exits 0; suggest serves the Dockerfiles the
/// context itself holds, as without `--compose`, or says there is nothing to build.
pub(crate) fn builds_nothing(
    config: &Config,
    opts: &SuggestOptions,
) -> Result<Option<String>, Error> {
    let Some(given) = &opts.compose else {
        return Ok(None);
    };
    if !opts.dockerfiles.is_empty() || config.dockerfile.is_some() {
        return Ok(None);
    }
    let env = |k: &str| std::env::var(k).ok();
    let (file, builds) = crate::compose::load(given.as_deref(), &config.cwd, &env)?;
    if !builds.builds.is_empty() {
        return Ok(None);
    }
    let why = if builds.notes.is_empty() {
        "no service has a `build` section: docker compose sends no build context".to_string()
    } else {
        builds.notes.join("; ")
    };
    Ok(Some(format!("{}: {why}", file.display())))
}

/// `--compose` on a Compose file that builds nothing (`why`), with no Dockerfile at the root and
/// none found that is built with this context: `docker compose build` has nothing to do and
/// succeeds, as `ctxsize --compose` does. Says so plainly on `err`; nothing is proposed.
pub(super) fn say_nothing_to_build(
    config: &Config,
    opts: &SuggestOptions,
    why: &str,
    why_none: &[String],
    err: &mut dyn Write,
) {
    // The Compose file's own notes are in `why`.
    for n in why_none.iter().filter(|n| !why.contains(n.as_str())) {
        let _ = writeln!(err, "note: {}", output::esc(n));
    }
    let root = crate::context::absolute(&config.cwd, &config.context);
    let _ = writeln!(
        err,
        "ctxsize suggest: nothing to build from this context: {}; the context {} has no Dockerfile at its root{}, so no .dockerignore is proposed{} (pass a Dockerfile with -f to write one for its build)",
        output::esc(why),
        output::esc(&root.display().to_string()),
        if opts.discover {
            " and none found in it is built with it"
        } else {
            " (--no-discover: the Dockerfiles it holds were not looked at)"
        },
        if opts.write { " and nothing is written" } else { "" },
    );
}
