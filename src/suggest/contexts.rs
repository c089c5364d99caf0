//! `ctxsize suggest --compose` with no context named, where no service builds the current
//! directory (a project whose services build `./web` and `./api`): one proposal for every
//! context the Compose file builds, each proven as if suggest had been run on that directory
//! with `--compose`. Each context has its own root ignore file, so the proposals are
//! independent, unless two contexts' builds share a Dockerfile with its own ignore file (one
//! proposal if they agree, an error if not); nothing is written unless every one is proven.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analysis::Config;
use crate::compose::ServiceBuild;
use crate::error::Error;

use super::{emit, output, suggest_all_noted, SuggestOptions, Suggestion};

/// The contexts a Compose file builds that suggest can serve: a directory, read from a
/// Dockerfile that exists or from `dockerfile_inline`. `(canonical directory, services)`,
/// sorted by directory; the services that cannot be built (a missing directory or Dockerfile)
/// are returned apart.
fn servable(builds: &[ServiceBuild]) -> (Vec<(PathBuf, Vec<String>)>, Vec<String>) {
    let mut ok: Vec<(PathBuf, Vec<String>)> = Vec::new();
    let mut broken = Vec::new();
    for b in builds {
        if !b.context.is_dir() || !(b.dockerfile_exists() || b.is_inline() && b.inline.is_some()) {
            broken.push(b.service.clone());
            continue;
        }
        let dir = canon(&b.context);
        match ok.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, s)) => s.push(b.service.clone()),
            None => ok.push((dir, vec![b.service.clone()])),
        }
    }
    ok.sort();
    (ok, broken)
}

fn canon(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// With `--compose`, no CONTEXT, no `-f` and no `--context NAME`, when no service builds the
/// current directory: proposes for every context the Compose file builds and returns the exit
/// code; `None` when that is not the case (the one-context flow then runs and says what it
/// says, an error included).
pub(super) fn every_context(
    config: &Config,
    opts: &SuggestOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Option<i32>, Error> {
    let Some(given) = opts.compose.as_ref().filter(|_| opts.every_context) else {
        return Ok(None);
    };
    if config.dockerfile.is_some() || !opts.dockerfiles.is_empty() || opts.named.is_some() {
        return Ok(None);
    }
    let env = |k: &str| std::env::var(k).ok();
    let Ok((file, builds)) = crate::compose::load(given.as_deref(), &config.cwd, &env) else {
        return Ok(None);
    };
    let here = canon(&crate::context::absolute(&config.cwd, &config.context));
    if builds.builds.iter().any(|b| canon(&b.context) == here) {
        return Ok(None);
    }
    let (contexts, broken) = servable(&builds.builds);
    if contexts.is_empty() {
        return Ok(None);
    }
    let shown = |d: &Path| -> String {
        match d.strip_prefix(&here) {
            Ok(r) if r.as_os_str().is_empty() => ".".into(),
            Ok(r) => r.display().to_string(),
            Err(_) => d.display().to_string(),
        }
    };
    let _ = writeln!(
        err,
        "ctxsize suggest: no service in {} builds {}; proposing for each context the services build: {}",
        output::esc(&file.display().to_string()),
        output::esc(&here.display().to_string()),
        contexts
            .iter()
            .map(|(d, s)| format!("{} ({})", output::esc(&shown(d)), s.join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !broken.is_empty() {
        let _ = writeln!(
            err,
            "note: not proposed for {}: the context directory or the Dockerfile does not exist",
            broken.join(", ")
        );
    }
    for n in &builds.notes {
        let _ = writeln!(err, "note: {}", output::esc(n));
    }
    // Every context is proposed (and proven) before anything is printed or written.
    let mut all: Vec<(Config, SuggestOptions, Vec<Suggestion>)> = Vec::new();
    for (dir, services) in contexts {
        let c = Config {
            context: dir.clone(),
            ..config.clone()
        };
        let o = SuggestOptions {
            compose: Some(Some(file.clone())),
            every_context: false,
            ..opts.clone()
        };
        let mut why_none = Vec::new();
        match suggest_all_noted(&c, &o, &mut why_none) {
            Ok(s) => all.push((c, o, s)),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "ctxsize suggest: the context {} (services {}) could not be proposed for; nothing is written",
                    output::esc(&shown(&dir)),
                    services.join(", ")
                );
                return Err(e);
            }
        }
    }
    // Services of two contexts may share one file (a Dockerfile's own ignore file beside the
    // Dockerfile both build): one proposal, if they agree; else none, said (each was proven for
    // its own context alone, so writing either would break the other's build).
    let mut seen: Vec<(PathBuf, String, PathBuf)> = Vec::new();
    for (c, _, list) in &mut all {
        let mut clash = None;
        list.retain(
            |s| match seen.iter().find(|(d, _, _)| *d == s.destination) {
                Some((_, text, _)) if *text == s.text => false,
                Some((d, _, other)) => {
                    clash = Some((other.clone(), d.display().to_string()));
                    true
                }
                None => {
                    seen.push((s.destination.clone(), s.text.clone(), c.context.clone()));
                    true
                }
            },
        );
        if let Some((other, dest)) = clash {
            return Err(Error::Usage(format!(
                "the contexts {} and {} both use {} (a Dockerfile's own ignore file), and what each needs differs: no proposal is written; propose for each with `ctxsize suggest --compose {} DIR` and keep what both need",
                output::esc(&shown(&other)),
                output::esc(&shown(&c.context)),
                output::esc(&dest),
                output::esc(&file.display().to_string()),
            )));
        }
    }
    let proven = all.iter().all(|(_, _, s)| s.iter().all(Suggestion::proven));
    let mut code = crate::exit::ExitCode::Ok.code();
    for (c, o, s) in &all {
        // Unproven anywhere: print every proposal, write none.
        let o = SuggestOptions {
            write: o.write && proven,
            ..o.clone()
        };
        code = code.max(emit::emit(c, &o, s, true, out, err)?);
    }
    if !proven && opts.write {
        let _ = writeln!(
            err,
            "  not written: a proposal above is not proven, so no context's file is written"
        );
    }
    Ok(Some(code))
}
