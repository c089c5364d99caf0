//! The summary's warnings about a build the proposal cannot fix by itself: a Dockerfile likely
//! built with another directory as its context, a secret inside a file the build copies, a
//! carried exception that serves other build values.

use std::path::Path;

use super::model::Model;
use super::plan::Plan;
use super::targets::Target;
use super::SuggestOptions;
use crate::analysis::Config;

/// Files the served Dockerfiles copy, and the proposal still sends, in which the report finds
/// a secret graded `high` (a live key pasted into `config/local.yaml`, a `.env` a `COPY`
/// names): no ignore line keeps out what a `COPY` needs, so the summary says so, with where the
/// secret belongs, instead of letting "proven" read as if every secret were handled. Five at
/// most, then a count.
pub(super) fn content_secret_warnings(
    config: &Config,
    opts: &SuggestOptions,
    m: &Model,
    sent: &dyn Fn(u32) -> bool,
) -> Vec<String> {
    if opts.named.is_some() || config.dockerfile.as_deref() == Some(Path::new("-")) {
        return Vec::new();
    }
    let popts = crate::pipeline::Options {
        dockerfile: crate::pipeline::DockerfileInput {
            target: opts.target.clone(),
            build_args: opts.build_args.clone(),
            churn_commits: Some(0),
            ..Default::default()
        },
        ..Default::default()
    };
    let Ok(built) = crate::pipeline::build(config, &popts, None) else {
        return Vec::new();
    };
    let index: std::collections::HashMap<&str, u32> = m
        .paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let hits: Vec<String> = built
        .report
        .findings
        .iter()
        .filter(|f| f.category == "secret" && f.severity == "high")
        // The report's fix moves the secret out; or it excludes the file (a `.env` that the
        // report's Dockerfile copies only through `COPY . .`), which cannot serve a build that
        // names it (hoppscotch's `packages/hoppscotch-backend/Dockerfile`: `COPY .env .`).
        .filter(|f| {
            index.get(f.path.as_str()).is_some_and(|&i| {
                !m.is_dir(i)
                    && sent(i)
                    && m.needs.iter().any(|n| n.copies[i as usize])
                    && (f.fix == crate::findings::MOVE_OUT || m.named[i as usize])
            })
        })
        .map(|f| {
            let what = f.message.split(';').next().unwrap_or(&f.message);
            let line = f.line.map(|l| format!(":{l}")).unwrap_or_default();
            // Named by a COPY, no ignore line keeps it out; copied with its directory (huginn's
            // tracked `docker/secrets.env`, by `COPY ./ /app/`), one would, but the image may
            // need the file: said as it is.
            let why = if index.get(f.path.as_str()).is_some_and(|&i| m.named[i as usize]) {
                "a COPY names it, so no ignore line can keep it out of the image"
            } else {
                "an ignore line would keep the file out of the image, but the image may need it (git tracks it, or the app reads it)"
            };
            format!(
                "kept {:?}: the build copies it, and the report finds a secret in it ({}{line}: {what} [{}]); {why}: {}",
                f.path, f.path, f.rule, crate::findings::MOVE_OUT
            )
        })
        .collect();
    let more = hits.len().saturating_sub(5);
    let mut out: Vec<String> = hits.into_iter().take(5).collect();
    if more > 0 {
        out.push(format!(
            "… and {more} more file(s) the build copies with a secret in them (`ctxsize .` lists them)"
        ));
    }
    out
}

/// Few of the first Dockerfile's sources exist in the context (half or less), more of its plain
/// paths in a directory above it (full-stack-fastapi-template's `backend/Dockerfile` copies
/// `./backend/app`: it is built from the repository root) or in the Dockerfile's own directory
/// inside the context (`docker/php/Dockerfile` copying `entrypoint.sh` and `config/`, which sit
/// beside it: a Compose file builds it with `context: docker/php`): said, since the file
/// proposed here is then not the one that build reads.
pub(super) fn built_elsewhere(m: &Model, root: &Path, t: &Target) -> Option<String> {
    let items: Vec<&crate::dockerfile::ContextSource> = t
        .sources
        .items
        .iter()
        .filter(|s| !s.unresolved && !s.path.is_empty() && !s.instruction.contains("tmpfs"))
        .filter(|s| s.instruction != super::runreads::RUN_TEST)
        .collect();
    let here = items
        .iter()
        .filter(|s| m.paths.iter().any(|p| s.matches(p)))
        .count();
    if items.is_empty() || here * 2 > items.len() {
        return None;
    }
    let plain: Vec<&str> = items
        .iter()
        .filter(|s| !s.has_wildcard)
        .map(|s| s.path.as_str())
        .collect();
    // How many plain sources exist from `dir`. One that names this context itself from above
    // (`COPY ntfy /usr/bin` of a goreleaser binary, in a checkout named `ntfy`) is no sign of
    // another context.
    let found_in = |dir: &Path| {
        plain
            .iter()
            .filter(|p| {
                let at = dir.join(p);
                !root.starts_with(&at) && std::fs::symlink_metadata(at).is_ok()
            })
            .count()
    };
    let lead = |n: usize| {
        format!(
            "{} of the {} source(s) {} copies exist in this context, {n} in",
            if here == 0 {
                "none".to_string()
            } else {
                format!("only {here}")
            },
            items.len(),
            t.rel,
        )
    };
    // The Dockerfile's own directory, then each one between it and the root.
    if let Ok(below) = t.dockerfile.strip_prefix(root) {
        let mut rel = below.parent();
        while let Some(d) = rel.filter(|d| !d.as_os_str().is_empty()) {
            let n = found_in(&root.join(d));
            if n > here {
                return Some(format!(
                    "{} {}/ beside it: the Dockerfile is likely built with that directory as the context (`docker build {}`, or a Compose file's `context:`), which reads its own root .dockerignore, not this one",
                    lead(n),
                    d.display(),
                    d.display()
                ));
            }
            rel = d.parent();
        }
    }
    let mut dir = root.to_path_buf();
    let mut up = String::new();
    for _ in 0..4 {
        if !dir.pop() {
            break;
        }
        up.push_str(if up.is_empty() { ".." } else { "/.." });
        let n = found_in(&dir);
        if n > here {
            return Some(format!(
                "{} {} ({up}): the Dockerfile is likely built with that directory as the context, which reads its own root .dockerignore, not this one",
                lead(n),
                dir.display()
            ));
        }
    }
    None
}

/// A source kept for this build's variable values only (`dist/$TARGETPLATFORM/traefik`) whose
/// other values a carried user exception still serves: a wildcard one under BuildKit
/// (`!dist/**/traefik`), plain ones for the values they name (`!.build/linux-arm64/`) under both
/// builders, the directory itself (`!.build`) for every value (then nothing is left to say).
/// Its warning says so instead of "a build with other values fails".
pub(super) fn say_carried_spans(plan: &Plan, warnings: &mut Vec<String>) {
    const TAIL: &str = " a build with other values (--build-arg, --platform) fails with \"not found\" unless you add `!";
    warnings.retain_mut(|w| {
        let Some(at) = w.find(TAIL) else {
            return true;
        };
        let rest = &w[at + TAIL.len()..];
        let Some(end) = rest.find('`') else {
            return true;
        };
        let dir = rest[..end].to_string();
        // Each carried exception below `dir` (or `dir` itself), as a path.
        let body = |l: &str| -> Option<String> {
            let b = l.trim().strip_prefix('!')?;
            let b = b.trim_start_matches("./").trim_start_matches('/');
            let b = b.trim_end_matches('/');
            (b == dir || b.starts_with(&format!("{dir}/"))).then(|| b.to_string())
        };
        let carried: Vec<(&str, String)> = plan
            .carried
            .iter()
            .filter_map(|l| body(l).map(|b| (l.trim(), b)))
            .collect();
        if carried.iter().any(|(_, b)| *b == dir) {
            return false;
        }
        let lines: Vec<&str> = carried.iter().map(|(l, _)| *l).collect();
        if let Some(line) = lines.iter().find(|l| l.contains('*')) {
            w.truncate(at);
            w.push_str(&format!(
                " the carried `{line}` sends what other values name under BuildKit; under the classic builder a build with other values fails with \"not found\" unless you add `!{dir}`"
            ));
        } else if !lines.is_empty() {
            let named = match lines.as_slice() {
                [one] => format!("`{one}` keeps"),
                [a, b] => format!("`{a}` and `{b}` keep"),
                [a, rest @ ..] => format!("`{a}` and {} more exceptions keep", rest.len()),
                [] => String::new(),
            };
            w.truncate(at);
            w.push_str(&format!(
                " the carried {named} serving the values named there; a build with other values fails with \"not found\" unless you add `!{dir}`"
            ));
        }
        true
    });
}

/// A source kept for this build's variable values only whose other values the proposal sends
/// anyway: a keep line holds the directory they vary in, or one above it, and no later line
/// excludes what another value names (`!bin`, kept whole for another Dockerfile's `COPY . /app`,
/// beside `COPY bin/app-${TARGETOS}-${TARGETARCH}`). A build with other values then gets its
/// file under both builders (the keep line is plain text, which the classic builder enters), so
/// "fails unless you add `!bin`" is false and the warning goes. `text` is the final file.
pub(super) fn drop_served_values(m: &Model, plan: &Plan, text: &str, warnings: &mut Vec<String>) {
    const ADD: &str = "unless you add `!";
    let proposal = crate::dockerignore::PatternSet::parse(text.as_bytes()).unwrap_or_default();
    // A path another value of `glob` names: each `*` a value no line can name by chance.
    let probe = |glob: &str| -> Option<String> {
        let p = glob.replace('*', "ctxsize-other-value");
        (!p.contains(['?', '['])).then_some(p)
    };
    let served = |p: &str| -> bool {
        (plan.open || plan.keep.iter().any(|k| super::plan::at_or_below(p, k)))
            && !proposal
                .matches_or_parent_matches(p.as_bytes())
                .unwrap_or(true)
    };
    warnings.retain(|w| {
        if !w.contains("is kept for this build's variable values only") {
            return true;
        }
        let Some(at) = w.rfind(ADD) else {
            // A source led by a variable: with no `*` line, the file leaves out only what the
            // user's lines did, and other values are sent as before.
            return !plan.open;
        };
        let rest = &w[at + ADD.len()..];
        let Some(end) = rest.find('`') else {
            return true;
        };
        let dir = &rest[..end];
        let others: Vec<Option<String>> = m
            .value_globs
            .iter()
            .filter(|g| super::plan::at_or_below(g, dir))
            .map(|g| probe(g))
            .collect();
        others.is_empty() || !others.iter().all(|p| p.as_deref().is_some_and(served))
    });
}

/// Warnings that say the same of several sources (`COPY .build/${OS}-${ARCH}/prometheus` and
/// `…/promtool`, in two Dockerfiles): one warning naming them all, at the place of the first,
/// instead of one each. Two kinds: "kept for this build's variable values only" and "matches
/// nothing in the context: kept in the file".
pub(super) fn group_alike(warnings: &mut Vec<String>) {
    const KINDS: &[(&str, &str)] = &[
        (
            " is kept for this build's variable values only;",
            " are kept for this build's variable values only;",
        ),
        (
            " matches nothing in the context: kept in the file",
            " match nothing in the context: kept in the file",
        ),
    ];
    for (one, many) in KINDS {
        *warnings = group_by_tail(
            std::mem::take(warnings),
            |w| w.find(one).map(|at| (&w[..at], &w[at + one.len()..])),
            2,
            |heads, tail| format!("{}{many}{tail}", heads.join("; ")),
        );
    }
}

/// Warnings that `split` cuts into the same tail (`(head, tail)`), `min` or more of them: one
/// warning made by `join` from their heads and the tail, at the place of the first. Fewer
/// alike, and warnings `split` does not cut, stay as they are, in order.
fn group_by_tail(
    warnings: Vec<String>,
    split: impl Fn(&str) -> Option<(&str, &str)>,
    min: usize,
    join: impl Fn(&[&str], &str) -> String,
) -> Vec<String> {
    let parts: Vec<Option<(&str, &str)>> = warnings.iter().map(|w| split(w)).collect();
    let mut out = Vec::with_capacity(warnings.len());
    let mut done = vec![false; warnings.len()];
    for i in 0..warnings.len() {
        if done[i] {
            continue;
        }
        let Some((_, tail)) = parts[i] else {
            out.push(warnings[i].clone());
            continue;
        };
        let alike: Vec<usize> = (i..warnings.len())
            .filter(|&j| !done[j] && parts[j].is_some_and(|(_, t)| t == tail))
            .collect();
        if alike.len() < min {
            out.push(warnings[i].clone());
            done[i] = true;
            continue;
        }
        let heads: Vec<&str> = alike
            .iter()
            .filter_map(|&j| parts[j].map(|p| p.0))
            .collect();
        for &j in &alike {
            done[j] = true;
        }
        out.push(join(&heads, tail));
    }
    out
}

/// `kept "PATH" (REASON): WHY` warnings that give one reason for many entries (docker/compose's
/// twenty tracked test `.env` files, each "git tracks it and nothing in it looks like a
/// secret"): one warning at the place of the first, naming the first few and how many more,
/// instead of one line each. Fewer than [`KEPT_GROUP_MIN`] alike stay as they are.
pub(super) fn group_kept(warnings: Vec<String>) -> Vec<String> {
    /// (path as written, "REASON): WHY") of a `kept "PATH" (REASON): WHY` warning.
    fn split(w: &str) -> Option<(&str, &str)> {
        let rest = w.strip_prefix("kept \"")?;
        let end = rest.find("\" (")?;
        let tail = &rest[end + 3..];
        tail.find("): ")?;
        Some((&w[5..5 + end + 2], tail))
    }
    group_by_tail(warnings, split, KEPT_GROUP_MIN, |names, tail| {
        let at = tail.find("): ").unwrap_or(0);
        let (reason, why) = (&tail[..at], &tail[at + 3..]);
        format!(
            "kept {} entries ({reason}): {} and {} more; each: {why}",
            names.len(),
            names[..KEPT_GROUP_SHOWN].join(", "),
            names.len() - KEPT_GROUP_SHOWN,
        )
    })
}

/// How many alike `kept` warnings make one ([`group_kept`]), and how many paths it names.
const KEPT_GROUP_MIN: usize = 5;
const KEPT_GROUP_SHOWN: usize = 3;

/// A served Dockerfile built `FROM` an ONBUILD image (`node:onbuild`, `jupyter/jupyterhub-onbuild`):
/// the image's triggers copy from the context and only the image holds them, so the proposal
/// keeps the whole context (as for `COPY . .`); said, since a new top-level file such a trigger
/// copies is excluded until a `!` line names it.
pub(super) fn onbuild_bases(targets: &[Target]) -> Vec<String> {
    let mut out = Vec::new();
    for t in targets {
        for s in &t.sources.items {
            if s.instruction != crate::dockerfile::ONBUILD_BASE {
                continue;
            }
            let w = format!(
                "{}: FROM {} (line {}) is an ONBUILD image: its own triggers copy from the context, and only the image holds them, so every top-level entry worth sending is kept; one created later is excluded until you add a `!` line for it",
                t.rel, s.raw, s.line
            );
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::group_kept;

    #[test]
    fn alike_kept_warnings_become_one_and_others_stay() {
        let why =
            "(environment file (secrets)): git tracks it and nothing in it looks like a secret";
        let mut w: Vec<String> = vec!["first".into()];
        w.extend((0..6).map(|k| format!("kept \"t{k}/.env\" {why}")));
        w.push("kept \"x/.env\" (environment file (secrets)): another reason".into());
        let got = group_kept(w.clone());
        assert_eq!(got.len(), 3, "{got:#?}");
        assert_eq!(got[0], "first");
        assert_eq!(
            got[1],
            "kept 6 entries (environment file (secrets)): \"t0/.env\", \"t1/.env\", \"t2/.env\" and 3 more; each: git tracks it and nothing in it looks like a secret"
        );
        assert_eq!(got[2], w[7]);
        // Four alike stay one line each.
        let four: Vec<String> = w[1..5].to_vec();
        assert_eq!(group_kept(four.clone()), four);
    }
}
