//! The allowlist: `*`, then `!` lines for what the Dockerfiles use (their own globs mirrored,
//! sources that do not exist yet kept), or for `COPY . .` one line per top-level entry worth
//! sending; written so that both builders can follow them.

use std::collections::BTreeSet;

use crate::dockerfile::source_matches;
use crate::tree::ROOT;

use super::model::Model;

/// The parts of a proposal before it is written out.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    /// `COPY . .`: the keep lines are the top-level entries worth sending.
    pub whole: bool,
    /// No `*` line at all (no allowlist could be written or proven).
    pub open: bool,
    /// Kept paths (the `!` lines, unescaped).
    pub keep: BTreeSet<String>,
    /// Kept globs, as the Dockerfile writes them.
    pub globs: BTreeSet<String>,
    /// Re-exclusions: (line, reason).
    pub reexcl: Vec<(String, String)>,
    /// Lines carried over from the current ignore file, in its order.
    pub carried: Vec<String>,
    /// Paths a source names that a carried protective line excludes: kept again after it.
    pub rekeep: BTreeSet<String>,
    /// Paths the current ignore file's own `!` line sends on purpose inside an entry that is
    /// removed whole (`.git` then `!.git/HEAD`): kept again after every exclusion.
    pub user_keep: BTreeSet<String>,
}

/// The plain-text directories a pattern line starts with (`/public/hot` → `public/hot`,
/// `bootstrap/cache/*.php` → `bootstrap/cache`), or `None` when its first component already has
/// a wildcard.
pub(crate) fn literal_dirs(line: &str) -> Option<String> {
    let comps: Vec<&str> = line
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .take_while(|c| !c.contains(['*', '?', '[', ']', '\\']))
        .collect();
    if comps.is_empty() || comps.contains(&"..") {
        return None;
    }
    Some(comps.join("/"))
}

/// A name that can stand in a pattern as literal text: no glob characters, no escape, no
/// surrounding white space (docker trims lines), no control characters (line breaks end a
/// pattern, and BuildKit cannot send a pattern holding one: gRPC header values are printable
/// ASCII).
pub(crate) fn plain(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['*', '?', '[', ']', '\\'])
        && !name.chars().any(is_control)
        && name.trim() == name
}

/// A character no pattern can hold as itself: C0 controls (line breaks among them) and DEL.
fn is_control(c: char) -> bool {
    c < ' ' || c == '\x7f'
}

/// A name that can be written escaped (as the last component of a pattern): any name; the
/// characters a line cannot hold as themselves become `?`.
fn escapable(name: &str) -> bool {
    !name.is_empty()
}

/// `name` as pattern text: glob characters escaped; control characters and the white space
/// docker would trim from the line's ends written as `?`, which matches any one character but
/// `/` under both builders, control characters included (so the pattern also matches names that
/// differ only there; the proof sees any such name).
fn escape_name(name: &str) -> String {
    let lead = name.len() - name.trim_start().len();
    let body_end = name.trim_end().len().max(lead);
    let mut out = String::with_capacity(name.len() + 2);
    for (k, c) in name.char_indices() {
        if is_control(c) || k < lead || k >= body_end {
            out.push('?');
            continue;
        }
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The pattern for a kept path: every directory above it plain (the classic builder's literal
/// prefix test, R20), the last name escaped. `None` when the path cannot be written that way.
pub(crate) fn keep_pattern(path: &str) -> Option<String> {
    let comps: Vec<&str> = path.split('/').collect();
    let (last, dirs) = comps.split_last()?;
    if !dirs.iter().all(|c| plain(c)) || !escapable(last) {
        return None;
    }
    let mut s = dirs.join("/");
    if !s.is_empty() {
        s.push('/');
    }
    s.push_str(&escape_name(last));
    Some(s)
}

/// An exact exclusion pattern for a path, or `None` when it cannot be written.
pub(crate) fn exact_pattern(path: &str) -> Option<String> {
    if !path.split('/').all(escapable) {
        return None;
    }
    let mut s = String::new();
    if path.starts_with(['!', '#']) {
        s.push('\\');
    }
    s.push_str(
        &path
            .split('/')
            .map(escape_name)
            .collect::<Vec<_>>()
            .join("/"),
    );
    Some(s)
}

/// `p` is `k` or below it.
pub(crate) fn at_or_below(p: &str, k: &str) -> bool {
    k.is_empty() || p == k || (p.starts_with(k) && p[k.len()..].starts_with('/'))
}

/// Inside the kept paths (everything, for an open file).
pub(crate) fn inside(plan: &Plan, p: &str) -> bool {
    plan.open
        || plan.keep.iter().any(|k| at_or_below(p, k))
        || plan.globs.iter().any(|g| source_matches(g, p))
}

/// A glob the exceptions can mirror as is: a valid pattern whose directories are plain text
/// (the classic builder enters `a/` for `!a/*.json` only through that literal prefix).
fn mirrorable(g: &str) -> bool {
    let comps: Vec<&str> = g.split('/').collect();
    let (last, dirs) = comps.split_last().expect("split yields one");
    !last.is_empty()
        && !g.chars().any(is_control)
        && g.trim() == g
        && dirs.iter().all(|c| plain(c))
        && crate::dockerignore::PatternSet::parse(format!("!{g}").as_bytes())
            .is_ok_and(|s| !s.patterns().iter().any(|p| p.is_broken()))
}

/// Mirrors the Dockerfiles' globs that can be written, leaving out one that another covers
/// (`minio-*.*.minisig` beside `minio-*.*`): the `!` lines stand together, so a line whose
/// every match another `!` line also matches changes nothing.
fn mirror_globs(m: &Model, plan: &mut Plan) {
    plan.globs
        .extend(m.globs.iter().filter(|g| mirrorable(g)).cloned());
    let all: Vec<String> = plan.globs.iter().cloned().collect();
    plan.globs.retain(|g| {
        !all.iter()
            .any(|w| w != g && glob_covers(w, g) && !(glob_covers(g, w) && g < w))
    });
}

/// Whether every path glob `narrow` matches, `wide` matches too: the same directories (written
/// plain, see [`mirrorable`]), and a last component where each of `narrow`'s `*` falls inside
/// one of `wide`'s. Only `*` and literal characters are compared; anything else is "no".
pub(crate) fn glob_covers(wide: &str, narrow: &str) -> bool {
    let (wd, wl) = wide.rsplit_once('/').unwrap_or(("", wide));
    let (nd, nl) = narrow.rsplit_once('/').unwrap_or(("", narrow));
    let odd = |t: &str| t.contains(['?', '[', ']', '\\']);
    if wd != nd || odd(wl) || odd(nl) {
        return false;
    }
    let (w, n) = (wl.as_bytes(), nl.as_bytes());
    // cov[j]: wide[i..] covers narrow[j..], for the current i (from the end).
    let mut cov = vec![false; n.len() + 1];
    cov[n.len()] = true;
    for i in (0..w.len()).rev() {
        let mut next = vec![false; n.len() + 1];
        for j in (0..=n.len()).rev() {
            next[j] = if w[i] == b'*' {
                cov[j] || (j < n.len() && next[j + 1])
            } else {
                j < n.len() && n[j] != b'*' && n[j] == w[i] && cov[j + 1]
            };
        }
        cov = next;
    }
    cov[0]
}

/// Chooses the keep lines for Dockerfiles that do not copy the whole context: the Dockerfile's
/// own globs, the maximal wholly-selected entries, and literal sources that do not exist yet.
/// `None`: no allowlist can be written.
pub(crate) fn choose_keep(m: &Model, plan: &mut Plan, warnings: &mut Vec<String>) -> bool {
    let n = m.tree.nodes.len();
    mirror_globs(m, plan);
    let covered = |p: &str| plan.globs.iter().any(|g| source_matches(g, p));
    let mut fully = vec![false; n];
    let mut any = vec![false; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut stack: Vec<u32> = m.kids.of(ROOT).iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        for &c in m.kids.of(i).iter().rev() {
            stack.push(c);
        }
    }
    for &i in order.iter().rev() {
        let ch = m.kids.of(i);
        let u = m.selected[i as usize];
        // A directory no source copies whole is not one line because every entry in it is
        // used today: `build/distributions/` holding only the `controller.tar` an ADD names
        // gets `!build/distributions/controller.tar`, not `!build/distributions`, which would
        // send the `controller.zip` Gradle writes there next. Only a path that cannot be
        // written entry by entry (a name needing escapes) is still kept whole.
        let whole_kids = !ch.is_empty() && ch.iter().all(|&c| fully[c as usize]);
        fully[i as usize] = u || whole_kids && !m.paths[i as usize].split('/').all(plain);
        // What a mirrored glob already sends needs no literal line: `application/` holding
        // only the `build/libs/*.jar` a glob copies is not kept whole by `!application`, which
        // would send whatever lands there next.
        let needed = u && !covered(&m.paths[i as usize]);
        any[i as usize] = needed || ch.iter().any(|&c| any[c as usize]);
    }
    let mut keep = BTreeSet::new();
    let mut stack: Vec<u32> = m.kids.of(ROOT).iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        if !any[i as usize] {
            continue;
        }
        let p = &m.paths[i as usize];
        if covered(p) {
            continue;
        }
        let writable = keep_pattern(p).is_some();
        if fully[i as usize] || !m.is_dir(i) {
            if writable {
                keep.insert(p.clone());
                continue;
            }
        } else if writable && p.split('/').all(plain) {
            for &c in m.kids.of(i).iter().rev() {
                stack.push(c);
            }
            continue;
        } else if writable {
            warnings.push(format!(
                "{p}/ is kept whole: a name in its path needs escaping, which the classic builder's literal prefix test cannot follow"
            ));
            keep.insert(p.clone());
            continue;
        }
        match p.rfind('/') {
            Some(k) => {
                let parent = p[..k].to_string();
                warnings.push(format!(
                    "{p:?} cannot be written as a pattern; keeping {parent}/ whole"
                ));
                keep.insert(parent);
            }
            None => {
                warnings.push(format!(
                    "{p:?} cannot be written as a pattern; no allowlist is possible"
                ));
                return false;
            }
        }
    }
    // Sources that do not exist yet (generated before the build) keep their line.
    for lit in &m.literals {
        if m.has(lit) || covered(lit) {
            continue;
        }
        match keep_pattern(lit) {
            Some(_) => {
                keep.insert(lit.clone());
            }
            None => warnings.push(format!(
                "{lit:?} (a source that does not exist yet) cannot be written as a pattern"
            )),
        }
    }
    let all: Vec<String> = keep.iter().cloned().collect();
    keep.retain(|p| !all.iter().any(|q| q != p && at_or_below(p, q)));
    // A mirrored glob inside a directory kept whole (`!src/ad/gradlew*` beside `!src/ad`,
    // two Dockerfiles copying one directory in two ways) changes nothing: every path it
    // matches is below that directory, which the later `!` line sends anyway.
    plan.globs.retain(|g| {
        let dirs = g.rsplit_once('/').map_or("", |(d, _)| d);
        dirs.is_empty() || !keep.iter().any(|k| !k.is_empty() && at_or_below(dirs, k))
    });
    plan.keep = keep;
    true
}

/// A directory that holds files, every one of them a removal (or below one), and nothing a
/// source names: a `logs/` holding only `*.log`. Its keep line would send nothing today and
/// whatever lands there later.
fn only_removals(m: &Model, i: u32, removable: &dyn Fn(u32) -> bool) -> bool {
    if !m.is_dir(i) || m.named[i as usize] {
        return false;
    }
    let mut removals = 0;
    let mut stack: Vec<u32> = m.kids.of(i).to_vec();
    while let Some(j) = stack.pop() {
        if m.named[j as usize] {
            return false;
        }
        if removable(j) {
            removals += 1;
        } else if m.is_dir(j) {
            stack.extend(m.kids.of(j).iter().copied());
        } else {
            return false;
        }
    }
    removals > 0
}

/// Chooses the keep lines for `COPY . .`: each top-level entry worth sending (sent today and
/// not wholly a removal, nor a directory of removals only), and top-level sources that do not
/// exist yet.
pub(crate) fn choose_top(
    m: &Model,
    plan: &mut Plan,
    sent_before: &[bool],
    removable: &dyn Fn(u32) -> bool,
    warnings: &mut Vec<String>,
) -> bool {
    let mut keep = BTreeSet::new();
    for &i in m.top() {
        let p = &m.paths[i as usize];
        let worth = sent_before[i as usize] || m.named[i as usize];
        if !worth || (removable(i) && !m.named[i as usize]) || only_removals(m, i, removable) {
            continue;
        }
        if keep_pattern(p).is_none() {
            warnings.push(format!(
                "{p:?} cannot be written as a pattern; no allowlist is possible"
            ));
            return false;
        }
        keep.insert(p.clone());
    }
    for lit in &m.literals {
        if m.has(lit) || keep.iter().any(|k| at_or_below(lit, k)) {
            continue;
        }
        if keep_pattern(lit).is_some() {
            keep.insert(lit.clone());
        }
    }
    mirror_globs(m, plan);
    plan.keep = keep;
    true
}
