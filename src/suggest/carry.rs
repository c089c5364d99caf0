//! Carrying the user's lines over: every valid line that still decides something inside the
//! kept paths, and every protective line (secret and junk patterns) even when it matches
//! nothing today. An invalid line is dropped alone, with its number and the reason.

use std::collections::BTreeSet;

use crate::dockerignore::PatternSet;

use super::model::Model;
use super::plan::{at_or_below, inside, literal_dirs, Plan};
use crate::dockerfile::source_matches;

/// The user's file, line by line: the valid lines (original line numbers kept) and the invalid
/// ones with the reason.
#[derive(Debug, Clone, Default)]
pub(crate) struct UserLines {
    /// The valid lines joined, invalid lines blanked (so line numbers stay).
    pub text: String,
    /// `(line number, line, reason)` of each dropped line.
    pub dropped: Vec<(usize, String, String)>,
}

/// Splits the current file into valid and invalid lines.
pub(crate) fn read(current: &[u8]) -> UserLines {
    let text = String::from_utf8_lossy(current);
    let mut out = UserLines::default();
    for (n, line) in text.split('\n').enumerate() {
        let ok = match PatternSet::parse(line.as_bytes()) {
            Ok(s) => match s.patterns().iter().find(|p| p.is_broken()) {
                Some(_) => Err("the pattern is malformed (docker fails on it)".to_string()),
                None => Ok(()),
            },
            Err(e) => Err(e.to_string()),
        };
        match ok {
            Ok(()) => out.text.push_str(line),
            Err(e) => out.dropped.push((n + 1, line.trim().to_string(), e)),
        }
        out.text.push('\n');
    }
    out
}

pub(crate) use super::protect::protective;

/// The `!` exception line of the user's file that sends `p` on purpose, if one does: `(line
/// number, line)`. The exception decides `p` (the file sends it), names it — it matches `p`
/// itself, not merely a directory above it, and not any other name beside it (`!src/*`, `!**`
/// re-include whatever is there; `!packages/database/.env`, `!**/.env`, `!*.pem` mean these
/// files) — and overrides a line that excludes such files by name (`**/.env`), not one that
/// excludes everything there: after `*`, `!.git` is an allowlist's keep line (a file `suggest`
/// wrote earlier), no choice about `.git` — unless the file is `hand_written` (no `suggest`
/// header): then `!.git` after `*` is the user's own choice (vaultwarden's allowlist keeps
/// `.git` for its build script).
pub(crate) fn sent_on_purpose(
    set: &PatternSet,
    p: &str,
    hand_written: bool,
) -> Option<(usize, String)> {
    let (excluded, hits) = set.trace(p.as_bytes());
    let (&last, rest) = hits.split_last()?;
    let &overridden = rest.last()?;
    let pat = &set.patterns()[last];
    if excluded || !pat.exclusion() || pat.line().line == 0 {
        return None;
    }
    let probe = match p.rfind('/') {
        Some(k) => format!("{}/\u{1}ctxsize-probe", &p[..k]),
        None => "\u{1}ctxsize-probe".to_string(),
    };
    if pat.matches(p.as_bytes()) != Ok(true) || pat.matches(probe.as_bytes()) != Ok(false) {
        return None;
    }
    // The probe or a directory above it: what the overridden line matches besides `p`.
    let excl = &set.patterns()[overridden];
    let mut at = Some(probe.as_str()).filter(|_| !hand_written);
    while let Some(a) = at {
        if excl.matches(a.as_bytes()) != Ok(false) {
            return None;
        }
        at = a.rfind('/').map(|k| &a[..k]);
    }
    Some((
        pat.line().line,
        String::from_utf8_lossy(&pat.line().original)
            .trim()
            .to_string(),
    ))
}

/// Lines of the current ignore file to carry over, and warnings for those refused.
pub(crate) fn choose(
    m: &Model,
    plan: &Plan,
    user: &UserLines,
    warnings: &mut Vec<String>,
) -> (Vec<String>, BTreeSet<String>) {
    if user.text.trim().is_empty() {
        return (Vec::new(), BTreeSet::new());
    }
    let Ok(set) = PatternSet::parse(user.text.as_bytes()) else {
        return (Vec::new(), BTreeSet::new());
    };
    let re: Vec<String> = plan.reexcl.iter().map(|(l, _)| l.clone()).collect();
    let reset = PatternSet::parse(re.join("\n").as_bytes()).unwrap_or_default();
    let mut carry: BTreeSet<usize> = BTreeSet::new();
    let mut exc_cands: Vec<(Vec<usize>, usize)> = Vec::new();
    let mut refused: BTreeSet<usize> = BTreeSet::new();
    // Per literal source: whether the current file sends a file below it today. Only an
    // exclude-everything line asks, so only a file with one pays for the look.
    let has_all = set
        .patterns()
        .iter()
        .any(|q| super::leadvar::is_exclude_all(&String::from_utf8_lossy(&q.line().original)));
    let sends_below: Vec<bool> = m
        .literals
        .iter()
        .map(|l| {
            has_all
                && m.paths.iter().enumerate().any(|(j, x)| {
                    !m.is_dir(j as u32)
                        && x.strip_prefix(l.as_str())
                            .is_some_and(|rest| rest.starts_with('/'))
                        && !set.matches_or_parent_matches(x.as_bytes()).unwrap_or(true)
                })
        })
        .collect();
    for (i, p) in m.paths.iter().enumerate() {
        if m.is_dir(i as u32) || !inside(plan, p) {
            continue;
        }
        if reset
            .matches_or_parent_matches(p.as_bytes())
            .unwrap_or(false)
        {
            continue;
        }
        let (excluded, hits) = set.trace(p.as_bytes());
        let Some(&last) = hits.last() else { continue };
        if excluded {
            // A file below a directory a source names (`COPY dist ./dist`) counts as named when
            // the deciding line excludes that directory itself (`dist`, `**/dist`): carried, the
            // line would leave the keep line dead and the source missing. A line excluding only
            // some files inside it (`src/**/*.test.js`) is the user's choice and is carried.
            let whole = |k: usize| {
                let q = &set.patterns()[k];
                // An exclude-everything line (`*`, `**`: the user's own allowlist) keeps out of
                // a named directory what its exceptions do not send again: the user's choice
                // while the directory sends something today (zipkin's `**`, then
                // `!build-bin/docker/docker-healthcheck`, beside `COPY build-bin/ /build-bin/`).
                // Refused, the generated top-level allowlist sent 330 more files.
                let all =
                    super::leadvar::is_exclude_all(&String::from_utf8_lossy(&q.line().original));
                m.literals.iter().enumerate().any(|(k, l)| {
                    p.strip_prefix(l.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
                        && !(all && sends_below[k])
                        && std::iter::once(l.as_str())
                            .chain(ancestors(l))
                            .any(|a| q.matches(a.as_bytes()).unwrap_or(false))
                })
            };
            // Not only the line the trace stopped at: every exclusion line that excludes the
            // file too, with no later exception sending it again (jellyseerr's `config/db/*`
            // after `**/.gitkeep`, which excludes the only file there today). Carried alone,
            // each keeps it out, and what a local run writes there later (the app's database).
            for k in co_deciding(&set, p, last) {
                if m.named[i] || whole(k) {
                    refused.insert(k);
                } else {
                    carry.insert(k);
                }
            }
        } else {
            // Every exclusion line before the exception that matches the path or a parent, not
            // only those the trace visited: once `/tmp/*` excluded `tmp/pids/.keep`, the trace
            // skips `/tmp/pids/*`, yet that line, carried alone, excludes it too.
            let before = (0..last)
                .filter(|&k| {
                    let q = &set.patterns()[k];
                    !q.exclusion()
                        && std::iter::once(p.as_str())
                            .chain(ancestors(p))
                            .any(|a| q.matches(a.as_bytes()).unwrap_or(false))
                })
                .collect();
            exc_cands.push((before, last));
        }
    }
    // Protective lines, even when they match nothing today. One that excludes a path a source
    // names is carried too, and that path is kept again after it.
    let mut rekeep: BTreeSet<String> = BTreeSet::new();
    let named: Vec<usize> = (0..m.paths.len())
        .filter(|&i| m.named[i] && !m.is_dir(i as u32))
        .collect();
    for (k, pat) in set.patterns().iter().enumerate() {
        let text = String::from_utf8_lossy(&pat.line().original).into_owned();
        // `exclusion()` is true for a `!` exception line.
        if pat.exclusion() || !protective(&text) {
            continue;
        }
        let single = PatternSet::parse(text.trim().as_bytes()).unwrap_or_default();
        let hit = |p: &str| {
            single
                .matches_or_parent_matches(p.as_bytes())
                .unwrap_or(false)
        };
        for l in m.literals.iter().filter(|l| hit(l)) {
            rekeep.insert(l.clone());
        }
        for &i in &named {
            if hit(&m.paths[i]) {
                rekeep.insert(m.paths[i].clone());
            }
        }
        refused.remove(&k);
        carry.insert(k);
    }
    // Lines that match nothing today but point inside the kept paths (`/public/hot`,
    // `/bootstrap/cache`: what a local build writes there later) stay, so that output stays out
    // once it exists; never one that reaches a path a source names.
    for (k, pat) in set.patterns().iter().enumerate() {
        if pat.exclusion() || pat.line().line == 0 || carry.contains(&k) || refused.contains(&k) {
            continue;
        }
        let text = String::from_utf8_lossy(&pat.line().original)
            .trim()
            .to_string();
        let reaches = match literal_dirs(&text) {
            Some(prefix) => inside(plan, &prefix),
            // `*/dist` (mealie): its leading wildcards name a kept directory (`frontend`),
            // so it reaches `frontend/dist`, a local build's output.
            None => wildcard_dirs_reach_kept(plan, &text),
        };
        if !reaches || deeper_miss(m, plan, &text).is_some() {
            continue;
        }
        let single = PatternSet::parse(text.as_bytes()).unwrap_or_default();
        let hit = |p: &str| {
            single
                .matches_or_parent_matches(p.as_bytes())
                .unwrap_or(true)
        };
        // What it matches today, a later exception of the same file may send again (maybe's
        // `/log/*` then `!/log/.keep`): the line still excludes nothing, and keeps out what a
        // local run writes there later (its exceptions are carried with it below).
        let sent = |p: &str| !set.matches_or_parent_matches(p.as_bytes()).unwrap_or(true);
        // Only inside the kept paths: what it excludes outside them (`**/logs` over the root's
        // `logs/`), `*` leaves out anyway, and the line still keeps out a `server/logs/` later.
        let excludes_today = m.paths.iter().enumerate().any(|(i, p)| {
            if !hit(p) || sent(p) || !inside(plan, p) {
                return false;
            }
            // A directory counts through the files below it (`hit` matches a parent): one whose
            // files a later exception re-includes still goes out, and an empty one (puma's
            // `tmp/sockets`) keeps no file out today.
            !m.is_dir(i as u32)
        });
        if !excludes_today && !m.literals.iter().any(|l| hit(l)) {
            carry.insert(k);
        }
    }
    // Without an allowlist the user's file is the only thing keeping junk out: every line stays.
    if plan.open {
        for (k, pat) in set.patterns().iter().enumerate() {
            if pat.line().line > 0 && (pat.exclusion() || !refused.contains(&k)) {
                carry.insert(k);
            }
        }
    }
    for r in &refused {
        carry.remove(r);
        let l = &set.patterns()[*r].line();
        if !plan.open && super::leadvar::is_exclude_all(&String::from_utf8_lossy(&l.original)) {
            // The proposal starts with `*` itself: the user's `*` is not lost.
            continue;
        }
        warnings.push(format!(
            "current ignore line {} `{}` excludes a path the Dockerfile names; not carried over",
            l.line,
            String::from_utf8_lossy(&l.original).trim()
        ));
    }
    for (before, exc) in exc_cands {
        if before.iter().any(|b| carry.contains(b)) {
            carry.insert(exc);
        }
    }
    carry_future_exceptions(m, plan, &set, &mut carry);
    for (k, name) in super::absent_top::absent_top_exceptions(m, plan, &set, &carry) {
        if !protective(name) {
            carry.insert(k);
        }
    }
    let lines = carry
        .into_iter()
        .filter(|&i| set.patterns()[i].line().line > 0)
        .map(|i| {
            String::from_utf8_lossy(&set.patterns()[i].line().original)
                .trim()
                .to_string()
        })
        .collect();
    (lines, rekeep)
}

/// The exclusion lines that exclude `p` on their own: `last` (the line the trace decided by),
/// and every other one matching `p` or a parent with no later exception line matching it too.
fn co_deciding(set: &PatternSet, p: &str, last: usize) -> Vec<usize> {
    let pats = set.patterns();
    let hits = |k: usize| {
        std::iter::once(p)
            .chain(ancestors(p))
            .any(|a| pats[k].matches(a.as_bytes()).unwrap_or(false))
    };
    let mut out = vec![last];
    for k in 0..pats.len() {
        if k == last || pats[k].exclusion() || !hits(k) {
            continue;
        }
        if !(k + 1..pats.len()).any(|j| pats[j].exclusion() && hits(j)) {
            out.push(k);
        }
    }
    out
}

/// An exception that matches nothing today but points inside the kept paths, after a carried
/// exclusion (`**`, then `!/server/target/server-*exec.jar`: an artifact a `mvn package` before
/// the build writes, which a RUN step uses when it is there): carried, so that the file is sent
/// once it exists, as the current file sends it. Carrying it sends nothing today.
///
/// Also an exception whose wildcards span the directories a kept path varies in, above it
/// (`!dist/**/traefik` over the kept `dist/linux/amd64/traefik`, a `COPY
/// ./dist/$TARGETPLATFORM/traefik`): it keeps serving the platforms suggest did not list, as the
/// current file does.
fn carry_future_exceptions(m: &Model, plan: &Plan, set: &PatternSet, carry: &mut BTreeSet<usize>) {
    let pats = set.patterns();
    for (k, pat) in pats.iter().enumerate() {
        if !pat.exclusion() || pat.line().line == 0 || carry.contains(&k) {
            continue;
        }
        let text = String::from_utf8_lossy(&pat.line().original);
        let Some(body) = text.trim().strip_prefix('!') else {
            continue;
        };
        if spans_kept(plan, body)
            || names_other_value(m, body)
            || super::leadvar::covers_lead_values(m, body)
        {
            carry.insert(k);
            continue;
        }
        if !(0..k).any(|b| carry.contains(&b) && !pats[b].exclusion()) {
            continue;
        }
        let reaches = match literal_dirs(body) {
            Some(prefix) => inside(plan, &prefix),
            None => wildcard_dirs_reach_kept(plan, body),
        };
        let Ok(single) = PatternSet::parse(body.as_bytes()) else {
            continue;
        };
        let today = m.paths.iter().any(|p| {
            single
                .matches_or_parent_matches(p.as_bytes())
                .unwrap_or(true)
        });
        if reaches && !today {
            carry.insert(k);
        }
    }
}

/// `body` (an exception without its `!`) is plain text that names, component by component,
/// what a source kept for this build's variable values names with other values, or a directory
/// above it (`.build/linux-arm64/` for `COPY .build/${OS}-${ARCH}/app`, built once per `ARCH`
/// with `--build-arg`): the user's file serves those builds, and so does the proposal once it is
/// carried, whether or not that output exists today.
fn names_other_value(m: &Model, body: &str) -> bool {
    let body = body.trim_start_matches("./").trim_start_matches('/');
    let body = body.trim_end_matches('/');
    let Some(lit) = literal_dirs(body) else {
        return false;
    };
    if lit != body {
        return false;
    }
    let comps: Vec<&str> = body.split('/').collect();
    m.value_globs.iter().any(|g| {
        let gc: Vec<&str> = g.split('/').collect();
        comps.len() <= gc.len() && source_matches(&gc[..comps.len()].join("/"), body)
    })
}

/// `body` (an exception without its `!`) has wildcards after a literal directory that lies
/// strictly above a kept path, and a last component of literal text only (`dist/**/traefik`, not
/// `dist/**` or `dist/*`), which it matches in the kept path.
fn spans_kept(plan: &Plan, body: &str) -> bool {
    let body = body.trim_start_matches('/');
    let Some(prefix) = literal_dirs(body) else {
        return false;
    };
    let last = body.rsplit('/').next().unwrap_or(body);
    if prefix == body || last.is_empty() || last.contains(['*', '?', '[']) {
        return false;
    }
    plan.keep
        .iter()
        .any(|kp| kp != &prefix && at_or_below(kp, &prefix) && kp.rsplit('/').next() == Some(last))
}

/// The user's valid lines the proposal does not keep (comments and blank lines aside), each
/// with why: `(line number, line, why)`. `text` is the proposed file.
pub(crate) fn not_carried(
    m: &Model,
    plan: &Plan,
    user: &UserLines,
    text: &str,
    warnings: &[String],
) -> Vec<(usize, String, String)> {
    let written: BTreeSet<&str> = text.lines().map(str::trim).collect();
    let whole = PatternSet::parse(user.text.as_bytes()).unwrap_or_default();
    let proposal = PatternSet::parse(text.as_bytes()).unwrap_or_default();
    // The proposal's line that decides `p` (the last that matches it or a parent), if any.
    let deciding = |p: &str| -> Option<(bool, String)> {
        let (excluded, hits) = proposal.trace(p.as_bytes());
        let &last = hits.last()?;
        let l = String::from_utf8_lossy(&proposal.patterns()[last].line().original)
            .trim()
            .to_string();
        Some((excluded, l))
    };
    // At most two lines, quoted: `a`, `b` (and N more).
    let quote = |v: &BTreeSet<String>| {
        let shown: Vec<String> = v.iter().take(2).map(|l| format!("`{l}`")).collect();
        let more = v.len().saturating_sub(2);
        format!(
            "{}{}",
            shown.join(", "),
            if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            }
        )
    };
    let mut out = Vec::new();
    for (n, line) in user.text.split('\n').enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || written.contains(t) {
            continue;
        }
        let Ok(single) = PatternSet::parse(t.as_bytes()) else {
            continue;
        };
        let quoted = format!("`{t}`");
        if warnings
            .iter()
            .any(|w| w.contains(&quoted) && w.ends_with("not carried over"))
        {
            out.push((
                n + 1,
                t.to_string(),
                "it would exclude a file the build copies (see the warning below)".to_string(),
            ));
            continue;
        }
        // What the line names: for an exception, what its body (without `!`) matches.
        let body = t.strip_prefix('!');
        let target = match body {
            Some(b) => PatternSet::parse(b.as_bytes()).unwrap_or_default(),
            None => single,
        };
        let hit: Vec<usize> = (0..m.paths.len())
            .filter(|&i| {
                target
                    .matches_or_parent_matches(m.paths[i].as_bytes())
                    .unwrap_or(false)
            })
            .collect();
        let kept: Vec<usize> = hit
            .iter()
            .copied()
            .filter(|&i| inside(plan, &m.paths[i]))
            .collect();
        let why = if body.is_some() {
            exception_reason(m, plan, &hit, &kept, &deciding, &quote)
        } else if let Some(deep) = deeper_miss(m, plan, t) {
            format!(
                "it matches nothing today, and only at its own depth: the `{deep}` the build copies is deeper (as `lint` says, DI003), so the line keeps out nothing it was meant to"
            )
        } else if hit.is_empty() {
            match star_covers(plan, &target) {
                Some(top) => format!(
                    "it matches nothing today, and `*` keeps out whatever it would match: no keep line sends a top-level {top}"
                ),
                None => match super::covered::star_covers_below(plan, t) {
                    Some(dir) => format!(
                        "it matches nothing today, and `*` keeps out whatever it would match: no keep line sends anything in `{dir}`"
                    ),
                    None => "it matches nothing in the context today".to_string(),
                },
            }
        } else if kept.is_empty() {
            "everything it matches is outside the kept paths, which `*` leaves out".to_string()
        } else if kept.iter().all(|&i| {
            !whole
                .matches_or_parent_matches(m.paths[i].as_bytes())
                .unwrap_or(true)
        }) {
            "a later line re-included what it matches inside the kept paths; `*` leaves out the rest"
                .to_string()
        } else {
            // What the proposal does with what it matches inside the kept paths: excluded by
            // other lines (`**/__pycache__` over `**/*.py[cod]`), or sent.
            let files = files_or_all(m, &kept);
            let mut by: BTreeSet<String> = BTreeSet::new();
            let mut sent = 0usize;
            for &i in &files {
                match deciding(&m.paths[i]) {
                    Some((true, l)) => {
                        by.insert(l);
                    }
                    _ => sent += 1,
                }
            }
            if sent == 0 && !by.is_empty() {
                format!(
                    "what it matches inside the kept paths is excluded by {} already",
                    quote(&by)
                )
            } else {
                let first = files
                    .iter()
                    .find(|&&i| !matches!(deciding(&m.paths[i]), Some((true, _))))
                    .map(|&i| m.paths[i].clone())
                    .unwrap_or_default();
                format!(
                    "{sent} file(s) it matches inside the kept paths are sent by the proposal, which decides them by what the build copies (`{first}`)"
                )
            }
        };
        out.push((n + 1, t.to_string(), why));
    }
    out
}

/// Why an exception line of the current file is not carried: what the paths it re-includes
/// become in the proposal. `hit`: the paths its body matches (or lies below); `kept`: those
/// inside the kept paths.
/// Whether the allowlist's `*` keeps out every path the one-line set `line` could ever match
/// (a root-anchored name no keep line shares its first component with: `data`, `*.db`,
/// `./out/`): then dropping the line loses no protection, today or later. The top-level name
/// it is about, quoted, or `None` when a keep line could send such a path (or it cannot be
/// told: a leading `**`, a glob against a kept glob, no `*` line).
fn star_covers(plan: &Plan, line: &PatternSet) -> Option<String> {
    if plan.open {
        return None;
    }
    let p = line.patterns().first()?;
    if p.exclusion() {
        return None;
    }
    let cleaned = String::from_utf8_lossy(&p.line().cleaned).into_owned();
    let first = cleaned.split('/').next().filter(|c| !c.is_empty())?;
    if first.contains("**") {
        return None;
    }
    let literal = super::plan::plain(first);
    let first_set = PatternSet::parse(first.as_bytes()).ok()?;
    let top = |k: &str| k.split('/').next().unwrap_or(k).to_string();
    let mut kept: Vec<String> = plan
        .keep
        .iter()
        .chain(&plan.rekeep)
        .chain(&plan.user_keep)
        .map(|k| top(k))
        .collect();
    // Kept globs and carried exceptions: their first component, as a pattern.
    let globs: Vec<String> = plan
        .globs
        .iter()
        .map(|g| {
            g.trim_start_matches("./")
                .trim_start_matches('/')
                .to_string()
        })
        .chain(
            plan.carried
                .iter()
                .filter_map(|l| l.trim().strip_prefix('!'))
                .map(|b| {
                    b.trim_start_matches("./")
                        .trim_start_matches('/')
                        .to_string()
                }),
        )
        .map(|g| top(&g))
        .collect();
    for g in globs {
        if super::plan::plain(&g) {
            kept.push(g);
        } else if !literal
            || g.contains("**")
            || PatternSet::parse(g.as_bytes())
                .ok()?
                .matches_or_parent_matches(first.as_bytes())
                != Ok(false)
        {
            return None;
        }
    }
    if kept
        .iter()
        .any(|k| first_set.matches_or_parent_matches(k.as_bytes()) != Ok(false))
    {
        return None;
    }
    Some(if literal {
        format!("`{first}`")
    } else {
        format!("entry matching `{first}`")
    })
}

/// The files among `kept` (entries inside the kept paths), or all of them when none is a file.
fn files_or_all(m: &Model, kept: &[usize]) -> Vec<usize> {
    let files: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&i| !m.is_dir(i as u32))
        .collect();
    if files.is_empty() {
        kept.to_vec()
    } else {
        files
    }
}

fn exception_reason(
    m: &Model,
    plan: &Plan,
    hit: &[usize],
    kept: &[usize],
    deciding: &dyn Fn(&str) -> Option<(bool, String)>,
    quote: &dyn Fn(&BTreeSet<String>) -> String,
) -> String {
    if hit.is_empty() {
        return "an exception that matches nothing in the context today".to_string();
    }
    // Written again after the lines that exclude the entry around it (`!.git/refs/heads` after
    // `.git/`): the proposal sends what it re-includes, in its own form.
    let rewritten: BTreeSet<String> = plan
        .user_keep
        .iter()
        .filter(|k| {
            hit.iter()
                .any(|&i| at_or_below(&m.paths[i], k) || at_or_below(k, &m.paths[i]))
        })
        .map(|k| format!("!{k}"))
        .collect();
    if !rewritten.is_empty() {
        return format!(
            "written as {} at the end of the file, after the lines that exclude what is around it",
            quote(&rewritten)
        );
    }
    if kept.is_empty() {
        return "it re-includes only paths outside the kept paths, which no COPY uses".to_string();
    }
    let files = files_or_all(m, kept);
    let out: Vec<&str> = files
        .iter()
        .filter(|&&i| matches!(deciding(&m.paths[i]), Some((true, _))))
        .map(|&i| m.paths[i].as_str())
        .collect();
    if out.is_empty() {
        let outside = hit.len() > kept.len();
        return format!(
            "the keep lines already send what it re-includes inside the kept paths{}",
            if outside {
                "; the rest is outside them, which no COPY uses"
            } else {
                ""
            }
        );
    }
    let by: BTreeSet<String> = out
        .iter()
        .filter_map(|p| deciding(p).map(|(_, l)| l))
        .collect();
    format!(
        "it re-includes {} path(s) the proposal removes (`{}`, by {}): never needed in an image",
        out.len(),
        out[0],
        quote(&by)
    )
}

/// The ancestors of a relative path, nearest last (`a/b/c` → `a`, `a/b`).
fn ancestors(p: &str) -> impl Iterator<Item = &str> {
    p.match_indices('/').map(move |(i, _)| &p[..i])
}

/// A line whose first components hold wildcards that match, one by one, the components of a
/// kept path and go on below it (`*/dist` for a kept `frontend`), or reach a `**` on the way
/// (`**/target`, `packages/**/dist`): it reaches inside that path.
fn wildcard_dirs_reach_kept(plan: &Plan, line: &str) -> bool {
    let comps: Vec<&str> = line
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if comps.contains(&"..") {
        return false;
    }
    let one = |c: &str, k: &str| {
        PatternSet::parse(c.as_bytes()).is_ok_and(|s| {
            s.patterns()
                .first()
                .is_some_and(|p| p.matches(k.as_bytes()) == Ok(true))
        })
    };
    plan.keep.iter().any(|k| {
        let kc: Vec<&str> = k.split('/').collect();
        for (i, c) in comps.iter().enumerate() {
            if *c == "**" {
                return true;
            }
            if i == kc.len() {
                return true;
            }
            if !one(c, kc[i]) {
                return false;
            }
        }
        false
    })
}

/// For a line pinned below the root by leading `*/` (`*/bin`, a .NET habit) that matches
/// nothing inside the kept paths, a kept entry its last component names deeper down
/// (`src/Web/bin`): the line misses what it was written for, and carried into the allowlist it
/// would be `lint`'s DI003 in the file `suggest` writes.
fn deeper_miss(m: &Model, plan: &Plan, line: &str) -> Option<String> {
    let mut rest = line.trim().trim_end_matches('/');
    let mut depth = 0;
    while let Some(r) = rest.strip_prefix("*/") {
        rest = r;
        depth += 1;
    }
    if depth == 0 || rest.is_empty() || rest.contains('/') || rest.starts_with("**") {
        return None;
    }
    let single = PatternSet::parse(line.trim().as_bytes()).ok()?;
    let tail = PatternSet::parse(rest.as_bytes()).ok()?;
    let tail = tail.patterns().first()?;
    let kept = |p: &str| inside(plan, p);
    if m.paths.iter().any(|p| {
        kept(p)
            && single
                .matches_or_parent_matches(p.as_bytes())
                .unwrap_or(true)
    }) {
        return None;
    }
    m.paths
        .iter()
        .filter(|p| kept(p))
        .filter_map(|p| {
            // The entry itself (`src/Web/bin`), not a file below it.
            let comps: Vec<&str> = p.split('/').collect();
            let at = (depth + 1..comps.len())
                .find(|&j| tail.matches(comps[j].as_bytes()) == Ok(true))?;
            Some(comps[..=at].join("/"))
        })
        .min()
}

#[cfg(test)]
mod tests {
    #[test]
    fn protective_lines_name_what_they_protect() {
        use super::protective;
        for l in [
            ".git",
            ".git/",
            "**/.git",
            ".env",
            ".env.local",
            "*.pem",
            ".docker/config.json",
            ".npmrc",
            "**/.svn",
        ] {
            assert!(protective(l), "{l}");
        }
        // Monica's and eShopOnWeb's `.gitignore`, `.github/`, `.gitattributes`, `.dockerignore`.
        for l in [
            ".gitignore",
            ".github/",
            ".gitattributes",
            "**/.gitkeep",
            ".dockerignore",
            "!.env",
            "# .env",
        ] {
            assert!(!protective(l), "{l}");
        }
    }

    #[test]
    fn exceptions_that_name_the_file() {
        use super::sent_on_purpose;
        use crate::dockerignore::PatternSet;
        let set = PatternSet::parse(
            b"**/.env\n!packages/database/.env\n**/*.pem\n!certs/*.pem\nconf\n!conf/*\n**/.env.*\n!**/.env.ci\n",
        )
        .unwrap();
        assert_eq!(
            sent_on_purpose(&set, "packages/database/.env", false),
            Some((2, "!packages/database/.env".to_string()))
        );
        assert_eq!(
            sent_on_purpose(&set, "certs/a.pem", false).map(|x| x.0),
            Some(4)
        );
        assert_eq!(
            sent_on_purpose(&set, "x/.env.ci", false).map(|x| x.0),
            Some(8)
        );
        // Excluded, not decided by an exception, or re-included by a line that takes any name.
        for p in [
            "web/.env",
            "a.pem",
            "src/app.js",
            "conf/.env",
            "conf/key.pem",
            "certs/a.key",
        ] {
            assert_eq!(sent_on_purpose(&set, p, false), None, "{p}");
        }
        // An allowlist's keep lines (a file `suggest` wrote) override `*`, not a line about
        // such files.
        let set =
            PatternSet::parse(b"*\n!.git\n!src\n!.env\nsrc/secrets\n!src/secrets/.env\n").unwrap();
        for p in [".git", ".env", "src/.env", "src/secrets/.env"] {
            assert_eq!(sent_on_purpose(&set, p, false), None, "{p}");
        }
        // In a hand-written allowlist the same keep lines are the user's choice: the names it
        // spells out stay; what a kept directory merely holds (`src/.env`) does not.
        assert_eq!(sent_on_purpose(&set, ".git", true).map(|x| x.0), Some(2));
        assert_eq!(sent_on_purpose(&set, ".env", true).map(|x| x.0), Some(4));
        assert_eq!(
            sent_on_purpose(&set, "src/secrets/.env", true).map(|x| x.0),
            Some(6)
        );
        assert_eq!(sent_on_purpose(&set, "src/.env", true), None);
    }

    #[test]
    fn literal_dirs_of_lines() {
        use super::literal_dirs;
        assert_eq!(literal_dirs("/public/hot").as_deref(), Some("public/hot"));
        assert_eq!(
            literal_dirs("bootstrap/cache/*.php").as_deref(),
            Some("bootstrap/cache")
        );
        assert_eq!(literal_dirs("./a//b").as_deref(), Some("a/b"));
        assert_eq!(literal_dirs("**/x"), None);
        assert_eq!(literal_dirs("*.log"), None);
        assert_eq!(literal_dirs("../x"), None);
    }
}
