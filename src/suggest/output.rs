//! What the user reads: the ignore file itself, the summary on stderr, and `--diff`.

use std::collections::HashSet;

use crate::walk::Builder;

use super::plan::{keep_pattern, Plan};
use super::Suggestion;

/// A size in decimal units.
pub(crate) fn human(n: u64) -> String {
    humansize::format_size(n, humansize::DECIMAL)
}

/// The builder's name as the summary prints it, or `Podman/Buildah` with that engine (whose
/// walk is the classic one with Buildah's changes).
pub(crate) fn label(b: Builder, podman: bool) -> &'static str {
    if podman {
        "Podman/Buildah"
    } else {
        name(b)
    }
}

/// The builder's name as the summary prints it.
pub(crate) fn name(b: Builder) -> &'static str {
    match b {
        Builder::Buildkit => "BuildKit",
        Builder::Classic => "classic",
    }
}

/// Escapes control characters for a human message, as every report does
/// ([`crate::render::escape_controls`]: `\n`, `\t`, `\r`, other controls and bidi marks as
/// `\xNN`).
pub(crate) fn esc(s: &str) -> String {
    crate::render::escape_controls(s)
}

/// The file's header comment. `listed`: the keep lines that name a served Dockerfile or the
/// ignore file itself (kept only because the build copies them).
pub(crate) fn header(
    plan: &Plan,
    served: &[String],
    listed: &[String],
    podman: bool,
) -> Vec<String> {
    let mut h = Vec::new();
    if plan.open {
        h.push("No allowlist could be proven; only secrets and junk are excluded.".into());
    } else if carries_allowlist(plan) {
        h.push(
            "The current ignore file is already an allowlist: its lines are kept as they are,"
                .into(),
        );
        h.push("with the changes below.".into());
    } else if plan.whole {
        h.push("The build copies the whole context (COPY . .): every top-level entry worth".into());
        h.push("sending is listed; new top-level files are excluded until you add them.".into());
    } else {
        h.push(format!(
            "Keeps {} path(s) and {} glob(s) the Dockerfile COPY/ADD/bind mounts use; the rest is excluded.",
            plan.keep.len(),
            plan.globs.len()
        ));
    }
    if served.len() > 1 {
        h.push(format!(
            "Serves {} Dockerfiles: {}.",
            served.len(),
            served.join(", ")
        ));
    }
    let copied = || {
        format!(
            "{} only because the build copies {} into the image.",
            listed
                .iter()
                .map(|l| format!("!{l}"))
                .collect::<Vec<_>>()
                .join(", "),
            if listed.len() == 1 { "it" } else { "them" }
        )
    };
    if podman {
        h.push(
            "The Containerfile and this file need no line: Podman/Buildah read them from disk."
                .into(),
        );
        if !listed.is_empty() {
            h.push(format!("Listed: {}", copied()));
        }
        return h;
    }
    if listed.is_empty() || carries_allowlist(plan) {
        h.push(
            "The Dockerfile and this file need no line: BuildKit loads them separately and the"
                .into(),
        );
        h.push("classic builder always includes them.".into());
    } else {
        h.push(
            "The Dockerfile and this file need no line for the build to read them; listed:".into(),
        );
        h.push(copied());
    }
    h
}

/// Whether a carried line of the user's file excludes everything (`*`, `**`: the file is
/// already an allowlist). Every line before it is then dead, the generated `*` and keep lines
/// included: the last matching line decides, and that one matches every path or a parent of
/// it, under both builders. The file then carries the user's allowlist alone rather than the
/// generated one followed by a copy of it.
pub(crate) fn carries_allowlist(plan: &Plan) -> bool {
    !plan.open
        && plan
            .carried
            .iter()
            .any(|l| matches!(l.trim(), "*" | "/*" | "**" | "/**" | "**/*" | "/**/*"))
}

/// The ignore file's text.
pub(crate) fn render(plan: &Plan, header: &[String]) -> String {
    let mut s = String::new();
    for h in header {
        s.push_str("# ");
        s.push_str(&esc(h).replace('\n', " "));
        s.push('\n');
    }
    let own = carries_allowlist(plan);
    if !plan.open && !own {
        s.push_str("\n# Exclude everything, then keep what the Dockerfile uses.\n*\n");
        for g in &plan.globs {
            s.push('!');
            s.push_str(g);
            s.push('\n');
        }
        for k in &plan.keep {
            s.push('!');
            s.push_str(&keep_pattern(k).unwrap_or_else(|| k.clone()));
            s.push('\n');
        }
    }
    if own {
        s.push_str(
            "\n# Carried over from the current ignore file, already an allowlist: it keeps what the\n# Dockerfile uses.\n",
        );
        // The file starts with `*` as every allowlist here does (zipkin's `**`, or a `*` after
        // other lines, is the same exclusion of everything; readers and checks look for `*`
        // first).
        let first = plan
            .carried
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty() && !l.starts_with('#'));
        if first != Some("*") {
            s.push_str("*\n");
        }
        for l in &plan.carried {
            s.push_str(l);
            s.push('\n');
        }
    } else if !plan.carried.is_empty() {
        s.push_str("\n# Carried over from the current ignore file.\n");
        for l in &plan.carried {
            s.push_str(l);
            s.push('\n');
        }
    }
    if !plan.rekeep.is_empty() {
        s.push_str("\n# Named by a COPY source, so kept despite the line above.\n");
        for k in &plan.rekeep {
            if let Some(p) = keep_pattern(k) {
                s.push('!');
                s.push_str(&p);
                s.push('\n');
            }
        }
    }
    if !plan.reexcl.is_empty() {
        s.push_str(
            "\n# Inside kept paths but never needed in an image: secrets, VCS data, re-installed\n# dependencies, OS/editor droppings, logs.\n",
        );
        let mut seen = HashSet::new();
        for (l, why) in &plan.reexcl {
            if seen.insert(l.clone()) {
                s.push_str(&format!("# {}\n{l}\n", esc(why)));
            }
        }
    }
    if !plan.user_keep.is_empty() {
        s.push_str(
            "\n# Sent on purpose by the current ignore file's own exception lines, inside an entry\n# removed above.\n",
        );
        for k in &plan.user_keep {
            if let Some(p) = keep_pattern(k) {
                s.push('!');
                s.push_str(&p);
                s.push('\n');
            }
        }
    }
    s
}

/// The transfer lines grouped by their figures (before, after), in order of first appearance,
/// each with the Dockerfiles that have them.
#[allow(clippy::type_complexity)]
fn transfer_groups(
    t: &[(String, Option<super::Count>, super::Count)],
) -> Vec<(Option<super::Count>, super::Count, Vec<&str>)> {
    let mut v: Vec<(Option<super::Count>, super::Count, Vec<&str>)> = Vec::new();
    for (rel, tb, ta) in t {
        match v.iter_mut().find(|g| g.0 == *tb && g.1 == *ta) {
            Some(g) => g.2.push(rel),
            None => v.push((*tb, *ta, vec![rel])),
        }
    }
    v
}

/// The Dockerfiles of one shared transfer line: the Compose services' names (`services admin,
/// web`), then the other Dockerfiles' paths; six at most, then how many more.
fn transfer_names(served: &[(String, String)], rels: &[&str]) -> String {
    let service = |rel: &str| {
        served
            .iter()
            .find(|(r, _)| r == rel)
            .and_then(|(_, o)| o.split("compose service ").nth(1))
    };
    let (svc, paths): (Vec<&str>, Vec<&str>) = rels.iter().partition(|r| service(r).is_some());
    let svc: Vec<String> = svc.iter().filter_map(|r| service(r)).map(esc).collect();
    let mut names: Vec<String> = paths.iter().map(|p| esc(p)).collect();
    let more = (svc.len() + names.len()).saturating_sub(6);
    let svc_shown = svc.len().min(6);
    names.truncate(6 - svc_shown);
    let mut parts = Vec::new();
    match svc_shown {
        0 => {}
        1 => parts.push(format!("service {}", svc[0])),
        n => parts.push(format!("services {}", svc[..n].join(", "))),
    }
    parts.extend(names);
    let mut out = parts.join("; ");
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// The stderr summary.
pub fn summary(s: &Suggestion) -> String {
    let mut o = String::new();
    let pair = |x: Option<(u64, u64)>| match x {
        Some((f, b)) => format!("{f} file{}, {}", if f == 1 { "" } else { "s" }, human(b)),
        None => "n/a".to_string(),
    };
    o.push_str(&format!(
        "ctxsize suggest: {} ({} used file(s){})\n",
        esc(&s.destination.display().to_string()),
        s.used_files,
        if s.whole_context {
            ", whole context"
        } else {
            ""
        }
    ));
    for (rel, origin) in &s.served {
        o.push_str(&format!("  serves    {} ({origin})\n", esc(rel)));
    }
    for f in &s.figures {
        let b = f.builder.map_or("", |b| label(b, s.podman));
        o.push_str(&format!(
            "  {b:<8}  sent      {} → {}\n",
            pair(f.before),
            pair(Some(f.after))
        ));
        // A monorepo serving dozens: the first ones, then how many more. Dockerfiles whose
        // transfers are the same (plane's four whole-context service builds) share one line.
        const SHOWN: usize = 10;
        let groups = transfer_groups(&f.transfer);
        for (tb, ta, rels) in groups.iter().take(SHOWN) {
            // One per Dockerfile BuildKit builds with the file; with several served, each
            // names its own.
            let of = match (s.served.as_slice(), rels.as_slice()) {
                ([_, _, ..], [one]) => format!(" ({})", esc(one)),
                ([_, _, ..], _) => format!(
                    " (each of {}: {})",
                    rels.len(),
                    transfer_names(&s.served, rels)
                ),
                _ => String::new(),
            };
            o.push_str(&format!(
                "  {b:<8}  transfer  {} → {}{of}\n",
                pair(*tb),
                pair(Some(*ta))
            ));
        }
        if groups.len() > SHOWN {
            let more = &groups[SHOWN..];
            let after: (u64, u64) = more.iter().fold((0, 0), |(n, sz), (_, (f, x), r)| {
                (n + f * r.len() as u64, sz + x * r.len() as u64)
            });
            o.push_str(&format!(
                "  {b:<8}  transfer  … {} more Dockerfiles, {} in their transfers with the proposal\n",
                more.iter().map(|g| g.2.len()).sum::<usize>(),
                pair(Some(after))
            ));
        }
    }
    if s.removals.is_empty() {
        o.push_str("  removed:  nothing the build copies\n");
    } else {
        o.push_str(&format!(
            "  removed:  {} file(s) the build copied, none needed in an image:\n",
            s.removals.len()
        ));
        for (p, why, n) in s.removal_groups.iter().take(50) {
            let files = if *n > 1 || p.ends_with('/') {
                format!(", {n} file(s)")
            } else {
                String::new()
            };
            o.push_str(&format!("    - {} ({}{files})\n", esc(p), esc(why)));
        }
        if s.removal_groups.len() > 50 {
            o.push_str(&format!("    … and {} more\n", s.removal_groups.len() - 50));
        }
    }
    if !s.protective.is_empty() {
        o.push_str(&format!(
            "  kept protective line(s): {}\n",
            s.protective
                .iter()
                .map(|l| format!("`{}`", esc(l)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (n, l, why) in &s.dropped_lines {
        o.push_str(&format!(
            "  dropped line {n} `{}`: {} (the other lines are carried over)\n",
            esc(&l.chars().take(200).collect::<String>()),
            esc(why)
        ));
    }
    if !s.not_carried.is_empty() {
        o.push_str(&format!(
            "  not carried over from the current file: {} line(s)\n",
            s.not_carried.len()
        ));
        for (n, l, why) in s.not_carried.iter().take(20) {
            o.push_str(&format!(
                "    - line {n} `{}`: {}\n",
                esc(&l.chars().take(120).collect::<String>()),
                esc(why)
            ));
        }
        if s.not_carried.len() > 20 {
            o.push_str(&format!("    … and {} more\n", s.not_carried.len() - 20));
        }
    }
    if s.proven() {
        o.push_str(&format!(
            "  proven: every file the build copies is still sent under {}, except the removals above\n",
            s.proven_for
                .iter()
                .map(|b| label(*b, s.podman))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    } else {
        o.push_str("  NOT proven:\n");
        for f in s.failures.iter().take(20) {
            o.push_str(&format!("    - {}\n", esc(f)));
        }
    }
    if let Some((p, why)) = &s.alternative {
        o.push_str(&format!(
            "  or write it to {}: {why}\n",
            esc(&p.display().to_string())
        ));
    }
    for n in s.notes.iter().take(20) {
        o.push_str(&format!("  note: {}\n", esc(n)));
    }
    if s.notes.len() > 20 {
        o.push_str(&format!("  note: … and {} more\n", s.notes.len() - 20));
    }
    for w in &s.warnings {
        o.push_str(&format!("  warning: {}\n", esc(w)));
    }
    o
}

/// A unified diff (`diff -u` style, 3 lines of context) between two texts.
pub(crate) fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if j < m && (i == n || t[i][j + 1] >= t[i + 1][j]) {
            ops.push(('+', i, j));
            j += 1;
        } else {
            ops.push(('-', i, j));
            i += 1;
        }
    }
    if ops.iter().all(|o| o.0 == ' ') {
        return String::new();
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    const CTX: usize = 3;
    let mut k = 0;
    while k < ops.len() {
        if ops[k].0 == ' ' {
            k += 1;
            continue;
        }
        let start = k.saturating_sub(CTX);
        let mut end = k;
        let mut last_change = k;
        while end < ops.len() {
            if ops[end].0 != ' ' {
                last_change = end;
            } else if end - last_change > 2 * CTX {
                break;
            }
            end += 1;
        }
        let end = (last_change + CTX + 1).min(ops.len());
        let hunk = &ops[start..end];
        let a_start = hunk[0].1;
        let b_start = hunk[0].2;
        let a_len = hunk.iter().filter(|o| o.0 != '+').count();
        let b_len = hunk.iter().filter(|o| o.0 != '-').count();
        let pos = |s: usize, l: usize| if l == 0 { s } else { s + 1 };
        out.push_str(&format!(
            "@@ -{},{a_len} +{},{b_len} @@\n",
            pos(a_start, a_len),
            pos(b_start, b_len)
        ));
        for &(tag, ai, bi) in hunk {
            let line = if tag == '+' { b[bi] } else { a[ai] };
            out.push(tag);
            out.push_str(line);
            out.push('\n');
        }
        k = end;
    }
    out
}
