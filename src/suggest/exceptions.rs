//! The user's own `!` lines inside an entry suggest removes whole (`.git` then `!.git/HEAD`,
//! `.git/*` then `!.git/refs/**`): those entries are sent on purpose and keep their lines after
//! every exclusion.

use std::collections::BTreeSet;

use super::model::Model;
use super::plan::{self, keep_pattern};
use super::{reexclude, targets};
use crate::dockerignore::PatternSet;
use crate::tree::ROOT;

/// An exception that takes a whole directory (`!.git/refs/**`, `!.git/refs/*`) inside an entry
/// removed as a whole (`.git` by the VCS row): the user sends that directory on purpose, as a
/// line naming it would (`!conf/*` under a directory no rule removes stays no such choice for
/// a secret in it). The line must decide what is below the directory over an earlier exclusion.
pub(super) fn whole_dir_exceptions(
    m: &Model,
    set: &PatternSet,
    installs: &[targets::Installs],
    on_purpose: &mut [Option<(usize, String)>],
) {
    let index: std::collections::HashMap<&str, usize> = m
        .paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    for (k, pat) in set.patterns().iter().enumerate() {
        let l = pat.line();
        if !pat.exclusion() || l.line == 0 {
            continue;
        }
        let cleaned = String::from_utf8_lossy(&l.cleaned);
        let Some(dir) = cleaned
            .strip_suffix("/**")
            .or_else(|| cleaned.strip_suffix("/*"))
        else {
            continue;
        };
        if !dir.split('/').all(plan::plain) {
            continue;
        }
        let Some(&i) = index.get(dir) else { continue };
        if !m.is_dir(i as u32) || on_purpose[i].is_some() {
            continue;
        }
        let probe = format!("{dir}/\u{1}ctxsize-probe");
        let (excluded, hits) = set.trace(probe.as_bytes());
        if excluded || hits.last() != Some(&k) || hits.len() < 2 {
            continue;
        }
        let mut up = m.tree.nodes[i].parent;
        let mut removed = false;
        while up != ROOT && !removed {
            let inst = reexclude::installs_for(m, installs, up);
            removed = reexclude::strict(m, up, inst)
                .is_some_and(|s| reexclude::kept_for_build(m, up, inst, &s).is_none());
            up = m.tree.nodes[up as usize].parent;
        }
        if removed {
            on_purpose[i] = Some((
                l.line,
                String::from_utf8_lossy(&l.original).trim().to_string(),
            ));
        }
    }
}

/// Entries the user's own `!` line sends on purpose (`.git` then `!.git/HEAD`, `!.git/refs/heads`:
/// the build reads its version from them) that the build copies and that sit inside an entry
/// removed as a whole (a re-exclusion, or a top-level entry `COPY . .` leaves out): each keeps
/// its line after every exclusion, said. The topmost such entry only.
pub(super) fn user_keep(
    m: &Model,
    reasons: &[Option<&'static str>],
    on_purpose: &[Option<(usize, String)>],
    sent_before: &[bool],
    warnings: &mut Vec<String>,
) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for (i, p) in m.paths.iter().enumerate() {
        let Some((n, line)) = &on_purpose[i] else {
            continue;
        };
        if reasons[i].is_some()
            || !sent_before[i]
            || !m.needs.iter().any(|need| need.copies[i])
            || out.iter().any(|k| plan::at_or_below(p, k))
        {
            continue;
        }
        // The topmost ancestor removed as a whole, with its reason.
        let mut up = m.tree.nodes[i].parent;
        let mut removed = None;
        while up != ROOT {
            if let Some(why) = reasons[up as usize] {
                removed = Some((up, why));
            }
            up = m.tree.nodes[up as usize].parent;
        }
        let Some((a, why)) = removed else { continue };
        if keep_pattern(p).is_none() {
            warnings.push(format!(
                "{p:?} (sent on purpose by line {n} `{line}` of the current ignore file) cannot be written as a pattern; it is removed with {}/",
                m.paths[a as usize]
            ));
            continue;
        }
        // What of it the current file sends: all of it, one line; else (`!.git/objects` then
        // `.git/objects/*`) the entries below that it sends whole, never what it keeps out.
        let mut lines = Vec::new();
        sent_whole_below(m, i as u32, sent_before, &mut lines);
        if lines.is_empty() {
            continue;
        }
        warnings.push(format!(
            "kept {p:?}{}: line {n} `{line}` of the current ignore file sends it on purpose, inside {}/ which is removed ({why})",
            if lines.len() == 1 && lines[0] == *p {
                String::new()
            } else {
                format!(" (what the current file sends of it: {} line(s))", lines.len())
            },
            m.paths[a as usize]
        ));
        out.extend(lines);
    }
    out
}

/// Whether every regular file at or below `i` is sent today.
fn all_sent_below(m: &Model, i: u32, sent_before: &[bool]) -> bool {
    let mut stack = vec![i];
    while let Some(j) = stack.pop() {
        if m.is_dir(j) {
            stack.extend(m.kids.of(j).iter().copied());
        } else if !sent_before[j as usize] {
            return false;
        }
    }
    true
}

/// The fewest writable paths at or below `i` that cover what is sent today and nothing else.
fn sent_whole_below(m: &Model, i: u32, sent_before: &[bool], out: &mut Vec<String>) {
    let p = &m.paths[i as usize];
    if !sent_before[i as usize] {
        return;
    }
    if all_sent_below(m, i, sent_before) && keep_pattern(p).is_some() {
        out.push(p.clone());
        return;
    }
    if m.is_dir(i) && std::str::from_utf8(m.tree.name(i)).is_ok_and(plan::plain) {
        for &c in m.kids.of(i) {
            sent_whole_below(m, c, sent_before, out);
        }
    }
}
