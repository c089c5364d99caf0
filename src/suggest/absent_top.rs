//! `COPY . .`: the user's `!` line for one top-level name that is absent today (excalidraw's
//! `*` … `!.prettierrc` in a checkout without one). The keep lines are the top-level entries
//! sent today, so the name gets none; the exception is the user's word that such an entry is
//! sent when it is there, and is carried, unless it names a secret or junk (a protective name,
//! which `carry` leaves out, or one a re-exclusion of the proposal matches).

use std::collections::BTreeSet;

use crate::dockerignore::PatternSet;

use super::model::Model;
use super::plan::{plain, Plan};

/// The top-level name a `!` line sends, when the line is just that name (`!.prettierrc`,
/// `!/public/`, `!./tsconfig.json`): no wildcard, one component.
fn top_name(line: &str) -> Option<&str> {
    let body = line.trim().strip_prefix('!')?;
    let body = body.trim_start_matches("./").trim_start_matches('/');
    let body = body.strip_suffix('/').unwrap_or(body);
    (plain(body) && !body.contains('/') && body != "." && body != "..").then_some(body)
}

/// The `!` lines of `set` (the user's file) that send one top-level name absent today, in
/// whole-context mode, with the name: `(pattern index, name)`. Lines already in `carry`, and
/// names a re-exclusion of the proposal matches, are left out.
pub(crate) fn absent_top_exceptions<'a>(
    m: &Model,
    plan: &Plan,
    set: &'a PatternSet,
    carry: &BTreeSet<usize>,
) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    if !plan.whole || plan.open {
        return out;
    }
    let re: Vec<&str> = plan.reexcl.iter().map(|(l, _)| l.as_str()).collect();
    let reset = PatternSet::parse(re.join("\n").as_bytes()).unwrap_or_default();
    for (k, pat) in set.patterns().iter().enumerate() {
        if !pat.exclusion() || pat.line().line == 0 || carry.contains(&k) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&pat.line().original) else {
            continue;
        };
        let Some(name) = top_name(text) else {
            continue;
        };
        if m.has(name) || reset.matches_or_parent_matches(name.as_bytes()) != Ok(false) {
            continue;
        }
        // The line decides the name in the user's file: it is sent there when present.
        let (excluded, hits) = set.trace(name.as_bytes());
        if !excluded && hits.last() == Some(&k) {
            out.push((k, name));
        }
    }
    out
}

/// The top-level name a `!` line names a path inside (`!.next/standalone/node_modules` →
/// `.next`): its literal directories, first component.
fn top_parent(line: &str) -> Option<&str> {
    let body = line.trim().strip_prefix('!')?;
    let body = body.trim_start_matches("./").trim_start_matches('/');
    let (first, rest) = body.split_once('/')?;
    (!rest.trim_matches('/').is_empty() && plain(first) && first != "." && first != "..")
        .then_some(first)
}

/// `COPY . .`: a top-level entry absent today that a `!` line of the user's file names a path
/// inside (homepage's `**/node_modules` then `!.next/standalone/node_modules`, for the `.next/`
/// a CI step builds before `docker build`, which a later stage copies from the first), when the
/// user's file sends that entry whenever it is there. The keep lines are the top-level entries
/// sent today, so it gets none, and the build that finds it there (the CI one) would lose it:
/// it is kept, as the line's own top-level name is by [`absent_top_exceptions`]; its exception
/// is then carried after the exclusion it overrides ([`super::carry`]). Never a protective
/// name, nor one a re-exclusion of the proposal matches. `(name, line number, line)`.
pub(crate) fn absent_top_parents(
    m: &Model,
    plan: &Plan,
    set: &PatternSet,
) -> Vec<(String, usize, String)> {
    let mut out: Vec<(String, usize, String)> = Vec::new();
    if !plan.whole || plan.open {
        return out;
    }
    for pat in set.patterns() {
        if !pat.exclusion() || pat.line().line == 0 {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&pat.line().original) else {
            continue;
        };
        let Some(name) = top_parent(text) else {
            continue;
        };
        if m.has(name)
            || plan.keep.contains(name)
            || out.iter().any(|(n, ..)| n == name)
            || super::protect::protective(name)
        {
            continue;
        }
        // The user's file sends it when present (no line excludes the name itself).
        if set.trace(name.as_bytes()).0 {
            continue;
        }
        out.push((name.to_string(), pat.line().line, text.trim().to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{top_name, top_parent};

    #[test]
    fn top_parents_of_exception_lines() {
        assert_eq!(top_parent("!.next/standalone/node_modules"), Some(".next"));
        assert_eq!(top_parent(" !./dist/app/ "), Some("dist"));
        assert_eq!(top_parent("!/out/x"), Some("out"));
        for l in ["!.next", "!.next/", "!*/x", "!**/x", "dist/x", "!../x/y"] {
            assert_eq!(top_parent(l), None, "{l}");
        }
    }

    #[test]
    fn top_names_of_exception_lines() {
        assert_eq!(top_name("!.prettierrc"), Some(".prettierrc"));
        assert_eq!(top_name(" !/public/ "), Some("public"));
        assert_eq!(top_name("!./tsconfig.json"), Some("tsconfig.json"));
        for l in ["!src/x", "!*.json", "!", "!/", "public", "!.."] {
            assert_eq!(top_name(l), None, "{l}");
        }
    }
}
