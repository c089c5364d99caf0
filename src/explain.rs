//! `ctxsize explain PATH…`: why a path is sent or not. For each builder: the verdict (from the
//! same walk that `list` prints), the ignore line that decided it, every line that matched on the
//! way down from the top-level directory, and — where it matters — that the classic builder
//! never walks into an excluded parent so an exception cannot reach the path, or that BuildKit
//! sends an excluded directory because something below it is sent.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::dockerignore::clean;
use crate::dockerignore::PatternSet;
use crate::tree::{Kind, State, Tree};
use crate::walk::Builder;

/// One ignore-file line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineRef {
    /// The ignore file (relative to the context when inside it), or `(appended by docker)`.
    pub file: String,
    /// 1-based line number (0 for a pattern docker appends).
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// Whether it is a `!` exception.
    pub exception: bool,
}

/// The lines that matched at one level of the path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The path prefix (`a`, `a/b`, …).
    pub path: String,
    /// Lines that matched this prefix (lines inherited from the parent are not repeated).
    pub matched: Vec<LineRef>,
    /// The patterns' verdict for this prefix: excluded or not.
    pub excluded: bool,
}

/// Why a path is (not) sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// No line matches it: sent.
    NotMatched,
    /// The deciding line is an exception: sent.
    IncludedBy,
    /// The deciding line excludes it.
    ExcludedBy,
    /// The patterns would send it, but an excluded ancestor directory is never walked into
    /// (classic: no exception starts with `dir/` literally; BuildKit: no exception can reach).
    PrunedParent,
    /// BuildKit: the directory is excluded, but something below it is sent, so it is sent too.
    ParentOfSent,
    /// The classic builder skips sockets.
    Skipped,
    /// Does not exist in the context directory (`would_be_sent` says whether it would be sent
    /// if it existed).
    Missing,
    /// Lies below a symbolic link the context holds: docker sends the link, never what lies
    /// behind it (`pruned_at` names the link).
    BelowSymlink,
}

/// One builder's answer.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// The builder.
    pub builder: Builder,
    /// Whose build: `docker`, or `podman` (the builder is then `classic`, the walk Buildah's is
    /// modelled on).
    pub engine: &'static str,
    /// Sent or not (`None` when this builder could not analyse the context).
    pub sent: Option<bool>,
    /// Why.
    pub reason: Option<Reason>,
    /// The line that decided the patterns' verdict (the last one that matched).
    pub deciding: Option<LineRef>,
    /// Every line that matched, level by level.
    pub steps: Vec<Step>,
    /// For [`Reason::PrunedParent`]: the ancestor directory that is not walked into.
    pub pruned_at: Option<String>,
    /// For [`Reason::PrunedParent`]: the line that excluded that directory.
    pub pruned_by: Option<LineRef>,
    /// The error this builder stops on, if any.
    pub error: Option<String>,
    /// For [`Reason::Missing`]: whether the path would be sent if it were created (by the
    /// same rules: the deciding line, and `pruned_at`/`pruned_by` when an excluded parent
    /// would not be walked into).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub would_be_sent: Option<bool>,
}

/// The explanation of one path.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    /// The path, relative to the context.
    pub path: String,
    /// File, dir, symlink, … (`None` when it does not exist).
    pub kind: Option<Kind>,
    /// The chosen builder's verdict first, then the other's.
    pub verdicts: Vec<Verdict>,
    /// The two builders disagree on whether this path is sent.
    pub builders_disagree: bool,
}

/// An analysis prepared for many look-ups.
pub struct Explainer<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    by_path: HashMap<Vec<u8>, u32>,
    file: String,
    /// The builder's own pruning rule (for a path that does not exist yet).
    prune: crate::walk::Prune,
}

/// `path` relative to `root` when inside it (the one path-display helper,
/// [`crate::analysis::display_rel`]).
pub(crate) use crate::analysis::display_rel as rel_display;

fn index(tree: &Tree) -> HashMap<Vec<u8>, u32> {
    (0..tree.nodes.len() as u32)
        .map(|i| (tree.path(i), i))
        .collect()
}

impl<'a> Explainer<'a> {
    /// Prepares an analysis.
    pub fn new(analysis: &'a Analysis) -> Explainer<'a> {
        let r = &analysis.resolved;
        let file = match &r.ignore_file {
            Some(f) => rel_display(&r.root, f),
            None => ".dockerignore".into(),
        };
        Explainer {
            analysis,
            by_path: index(&analysis.tree),
            file,
            prune: crate::analysis::builder_prune_rule(analysis),
        }
    }

    fn line_ref(&self, set: &PatternSet, i: usize) -> LineRef {
        let l = &set.patterns()[i].line();
        LineRef {
            file: if l.line == 0 {
                "(appended by docker)".into()
            } else {
                self.file.clone()
            },
            line: l.line,
            text: if l.line == 0 {
                l.display()
            } else {
                String::from_utf8_lossy(&l.original).into_owned()
            },
            exception: l.exclusion,
        }
    }

    /// The patterns' trace for `path` (R16 b, level by level): steps, verdict, deciding index.
    fn trace(&self, path: &[u8]) -> Result<(Vec<Step>, bool, Option<usize>), String> {
        let set = self.analysis.matcher.set();
        let mut parent: Option<Vec<bool>> = None;
        let mut steps = Vec::new();
        let mut verdict = false;
        let mut last = None;
        let ends: Vec<usize> = path
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'/')
            .map(|(i, _)| i)
            .chain(std::iter::once(path.len()))
            .collect();
        let podman = self.analysis.resolved.podman;
        for end in ends {
            let prefix = &path[..end];
            let res = if podman {
                podman_level(set, prefix, parent.as_deref())
            } else {
                set.matches_using_parent_results(prefix, parent.as_deref())
            };
            let (m, bits) = res.map_err(|b| {
                let l = &set.patterns()[b.0].line();
                format!(
                    "line {}: `{}`: syntax error in pattern (docker fails the build)",
                    l.line,
                    String::from_utf8_lossy(&l.original)
                )
            })?;
            let matched = (0..bits.len())
                .filter(|&i| bits[i] && !parent.as_ref().is_some_and(|p| p[i]))
                .map(|i| self.line_ref(set, i))
                .collect();
            steps.push(Step {
                path: String::from_utf8_lossy(prefix).into_owned(),
                matched,
                excluded: m,
            });
            verdict = m;
            last = bits.iter().rposition(|&b| b);
            parent = Some(bits);
        }
        Ok((steps, verdict, last))
    }

    /// The deciding line of a directory prefix of `path` (for pruning messages).
    fn deciding_for(&self, prefix: &[u8]) -> Option<LineRef> {
        let (_, _, last) = self.trace(prefix).ok()?;
        last.map(|i| self.line_ref(self.analysis.matcher.set(), i))
    }

    /// This builder's verdict on a context-relative path (cleaned, no leading `/`).
    pub(crate) fn verdict(&self, path: &[u8]) -> Verdict {
        let a = self.analysis;
        let mut v = Verdict {
            builder: a.builder,
            engine: a.resolved.engine_id(),
            sent: None,
            reason: None,
            deciding: None,
            steps: Vec::new(),
            pruned_at: None,
            pruned_by: None,
            error: None,
            would_be_sent: None,
        };
        let (steps, excluded, last) = match self.trace(path) {
            Ok(t) => t,
            Err(e) => {
                v.error = Some(e);
                return v;
            }
        };
        let first_pruned = steps[..steps.len().saturating_sub(1)]
            .iter()
            .find(|s| s.excluded && !self.prune.walks_into(s.path.as_bytes()))
            .map(|s| s.path.clone());
        v.steps = steps;
        v.deciding = last.map(|i| self.line_ref(a.matcher.set(), i));
        let node = self.by_path.get(path).copied();
        let (sent, reason) = match node {
            Some(id) => {
                let n = &a.tree.nodes[id as usize];
                match n.state {
                    State::Sent if excluded => (true, Reason::ParentOfSent),
                    State::Sent if last.is_some() => (true, Reason::IncludedBy),
                    State::Sent => (true, Reason::NotMatched),
                    State::Skipped => (false, Reason::Skipped),
                    State::Excluded | State::ExcludedWalked if excluded => {
                        (false, Reason::ExcludedBy)
                    }
                    // Not expected: the walk and the trace use the same rules.
                    State::Excluded | State::ExcludedWalked => (false, Reason::PrunedParent),
                }
            }
            None => {
                // Deepest ancestor the walk recorded.
                let mut anc: Option<(usize, u32)> = None;
                for (i, &b) in path.iter().enumerate() {
                    if b == b'/' {
                        if let Some(&id) = self.by_path.get(&path[..i]) {
                            anc = Some((i, id));
                        }
                    }
                }
                let anc_kind = anc.map(|(end, id)| (end, &a.tree.nodes[id as usize]));
                let pruned =
                    anc_kind.filter(|&(_, n)| n.kind == Kind::Dir && n.state == State::Excluded);
                let exists =
                    std::fs::symlink_metadata(crate::walk::abs_path(&a.resolved.root, path))
                        .is_ok();
                match (pruned, anc_kind) {
                    (Some((end, _)), _) if exists => {
                        v.pruned_at = Some(String::from_utf8_lossy(&path[..end]).into_owned());
                        v.pruned_by = self.deciding_for(&path[..end]);
                        if excluded {
                            (false, Reason::ExcludedBy)
                        } else {
                            (false, Reason::PrunedParent)
                        }
                    }
                    (_, Some((end, n))) if n.kind == Kind::Symlink => {
                        v.pruned_at = Some(String::from_utf8_lossy(&path[..end]).into_owned());
                        (false, Reason::BelowSymlink)
                    }
                    // On disk but not met by the walk (not expected): no guess.
                    _ if exists => (false, Reason::Missing),
                    _ => {
                        // What the builder would do with it once created: the patterns' verdict,
                        // unless an excluded parent would not be walked into.
                        let would = match &first_pruned {
                            _ if excluded => false,
                            Some(at) => {
                                v.pruned_by = self.deciding_for(at.as_bytes());
                                v.pruned_at = Some(at.clone());
                                false
                            }
                            None => true,
                        };
                        v.would_be_sent = Some(would);
                        (false, Reason::Missing)
                    }
                }
            }
        };
        v.sent = Some(sent);
        v.reason = Some(reason);
        v
    }
}

/// One level of Buildah's matching (R16 a, storage's `PatternMatcher.Matches`): a pattern
/// applies when it matches this prefix or applied to an ancestor; the last that applies decides.
fn podman_level(
    set: &PatternSet,
    prefix: &[u8],
    parent: Option<&[bool]>,
) -> Result<(bool, Vec<bool>), crate::dockerignore::BrokenPattern> {
    let mut bits = Vec::with_capacity(set.patterns().len());
    for (i, p) in set.patterns().iter().enumerate() {
        let inherited = parent.is_some_and(|b| b[i]);
        let here = p
            .matches(prefix)
            .map_err(|_| crate::dockerignore::BrokenPattern(i))?;
        bits.push(inherited || here);
    }
    let m = bits
        .iter()
        .rposition(|&b| b)
        .is_some_and(|i| !set.patterns()[i].exclusion());
    Ok((m, bits))
}

/// Turns a user's PATH into a context-relative path: absolute paths are taken relative to the
/// context root (`root`, or `given_root` as the user spelled it); relative paths are relative to
/// the context, as in a `.dockerignore`. PATH is taken as the OS gives it (a name that is not
/// UTF-8 can be explained); messages show it escaped.
pub(crate) fn context_path(
    root: &Path,
    given_root: &Path,
    p: impl AsRef<std::ffi::OsStr>,
) -> Result<Vec<u8>, String> {
    let pp = Path::new(p.as_ref());
    let bytes = crate::sys::os_bytes(pp.as_os_str());
    let shown = crate::render::escape_path(pp);
    let rel: Vec<u8> = if pp.is_absolute() {
        let c = crate::sys::bytes_to_path(&clean(&bytes)).into_owned();
        match c.strip_prefix(root).or_else(|_| c.strip_prefix(given_root)) {
            Ok(r) => crate::sys::slash_bytes(r).into_owned(),
            Err(_) => {
                return Err(format!(
                    "{shown} is outside the build context {}",
                    crate::render::escape_path(root)
                ))
            }
        }
    } else {
        clean(&bytes)
    };
    // `ctxsize explain .env .` spells the context as the other commands do, last: the hint
    // says how explain takes it.
    if rel.is_empty() || rel == b"." {
        return Err(format!(
            "{shown} is the context root itself, which is always sent (explain's arguments are \
             paths in the context: name the context with -C DIR)"
        ));
    }
    if rel.starts_with(b"../") || rel == b".." {
        return Err(format!(
            "{shown} is outside the build context {}",
            crate::render::escape_path(root)
        ));
    }
    Ok(rel)
}

/// Explains one path with the chosen builder's analysis and, when available, the other's.
pub fn explain(
    chosen: &Explainer,
    other: Option<&Explainer>,
    other_err: Option<&str>,
    path: &[u8],
) -> Explanation {
    let root = &chosen.analysis.resolved.root;
    let kind = std::fs::symlink_metadata(crate::walk::abs_path(root, path))
        .ok()
        .map(|m| crate::sys::kind_of(&m));
    let mut verdicts = vec![chosen.verdict(path)];
    match (other, other_err) {
        (Some(o), _) => verdicts.push(o.verdict(path)),
        (None, Some(e)) => verdicts.push(Verdict {
            // With Podman the other verdict is docker's (BuildKit).
            builder: if chosen.analysis.resolved.podman {
                Builder::Buildkit
            } else {
                chosen.analysis.builder.other()
            },
            engine: "docker",
            sent: None,
            reason: None,
            deciding: None,
            steps: Vec::new(),
            pruned_at: None,
            pruned_by: None,
            error: Some(e.to_string()),
            would_be_sent: None,
        }),
        _ => {}
    }
    let builders_disagree = verdicts.len() == 2
        && verdicts[0].sent.is_some()
        && verdicts[1].sent.is_some()
        && verdicts[0].sent != verdicts[1].sent;
    Explanation {
        path: crate::render::escape(path),
        kind,
        verdicts,
        builders_disagree,
    }
}

fn builder_name(v: &Verdict) -> &'static str {
    match v.builder {
        _ if v.engine == "podman" => "Podman/Buildah",
        _ if v.engine == "podman-remote" => "podman-remote",
        Builder::Buildkit => "BuildKit",
        Builder::Classic => "classic builder",
    }
}

/// An ignore-file line for people: control bytes escaped, a long (binary) line capped.
fn show_line(l: &LineRef) -> String {
    let text = crate::render::escape_capped(l.text.as_bytes(), 120);
    let file = crate::render::escape_controls(&l.file);
    if l.line == 0 {
        format!("`{text}` {file}")
    } else {
        format!("{file}:{}: `{text}`", l.line)
    }
}

/// One verdict as human text (several lines, indented by `indent`).
pub(crate) fn render_verdict(
    v: &Verdict,
    indent: &str,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let name = builder_name(v);
    if let Some(e) = &v.error {
        return writeln!(
            out,
            "{indent}{name}: error: {}",
            crate::render::escape_controls(e)
        );
    }
    let sent = if v.sent == Some(true) {
        "SENT"
    } else {
        "NOT SENT"
    };
    let why = match (v.reason, &v.deciding) {
        (Some(Reason::NotMatched), _) => "no ignore line matches it".to_string(),
        (Some(Reason::IncludedBy), Some(l)) => format!("re-included by {}", show_line(l)),
        (Some(Reason::ExcludedBy), Some(l)) => format!("excluded by {}", show_line(l)),
        (Some(Reason::ExcludedBy), None) => "excluded".to_string(),
        (Some(Reason::PrunedParent), d) => {
            let mut s = format!(
                "{} is excluded{} and never walked into",
                v.pruned_at.as_deref().unwrap_or("its parent directory"),
                v.pruned_by
                    .as_ref()
                    .map(|l| format!(" by {}", show_line(l)))
                    .unwrap_or_default()
            );
            if let Some(l) = d.as_ref().filter(|l| l.exception) {
                s.push_str(&format!(
                    "; the exception {} matches this path but cannot reach it{}",
                    show_line(l),
                    if v.engine == "podman" || v.engine == "podman-remote" {
                        " (Podman/Buildah walk into an excluded directory only when an exception's text starts with its path)"
                    } else if v.builder == Builder::Classic {
                        " (the classic builder walks into an excluded directory only when an exception starts with `dir/` literally)"
                    } else {
                        ""
                    }
                ));
            }
            s
        }
        (Some(Reason::ParentOfSent), l) => format!(
            "excluded{}, but BuildKit sends a directory when something below it is sent",
            l.as_ref()
                .map(|l| format!(" by {}", show_line(l)))
                .unwrap_or_default()
        ),
        (Some(Reason::Skipped), _) if v.engine == "podman" => {
            "a socket: Podman/Buildah skip it".to_string()
        }
        (Some(Reason::Skipped), _) if v.engine == "podman-remote" => {
            "not a file, directory or symlink: podman-remote does not upload it".to_string()
        }
        (Some(Reason::Skipped), _) => "a socket: the classic builder skips it".to_string(),
        (Some(Reason::BelowSymlink), _) => format!(
            "{} is a symbolic link: docker sends the link, not what lies behind it",
            crate::render::escape(v.pruned_at.as_deref().unwrap_or("a parent").as_bytes())
        ),
        (Some(Reason::Missing), d) => {
            let would = match (v.would_be_sent, d) {
                (Some(true), Some(l)) => format!("would be sent (re-included by {})", show_line(l)),
                (Some(true), None) => "would be sent (no ignore line matches it)".to_string(),
                (Some(false), _) if v.pruned_at.is_some() => format!(
                    "would not be sent ({} is excluded{} and never walked into)",
                    crate::render::escape(v.pruned_at.as_deref().unwrap_or_default().as_bytes()),
                    v.pruned_by
                        .as_ref()
                        .map(|l| format!(" by {}", show_line(l)))
                        .unwrap_or_default()
                ),
                (Some(false), Some(l)) => {
                    format!("would not be sent (excluded by {})", show_line(l))
                }
                _ => String::new(),
            };
            if would.is_empty() {
                "not in the build context".to_string()
            } else {
                format!("does not exist in the context; if it existed, it {would}")
            }
        }
        _ => String::new(),
    };
    writeln!(out, "{indent}{name}: {sent} — {why}")?;
    for s in &v.steps {
        for l in &s.matched {
            writeln!(
                out,
                "{indent}  {} matched {}{}",
                crate::render::escape(s.path.as_bytes()),
                show_line(l),
                if l.exception { " (exception)" } else { "" }
            )?;
        }
    }
    Ok(())
}

/// Human output for a list of explanations.
pub(crate) fn render_human(
    list: &[Explanation],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let kind = match e.kind {
            None => " (does not exist in the context)".to_string(),
            Some(Kind::Dir) => "/".to_string(),
            Some(_) => String::new(),
        };
        writeln!(out, "{}{kind}", e.path)?;
        for v in &e.verdicts {
            render_verdict(v, "  ", out)?;
        }
        if e.builders_disagree && e.verdicts.iter().any(|v| v.engine != "docker") {
            writeln!(
                out,
                "  note: {} and docker (BuildKit) disagree on this path",
                builder_name(&e.verdicts[0])
            )?;
        } else if e.builders_disagree {
            writeln!(out, "  note: the two builders disagree on this path")?;
        } else if e.verdicts.len() == 2
            && e.verdicts.iter().all(|v| v.would_be_sent.is_some())
            && e.verdicts[0].would_be_sent != e.verdicts[1].would_be_sent
        {
            writeln!(
                out,
                "  note: once it exists, the two builders would disagree on this path"
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    fn ctx(files: &[&str], ignore: &str) -> tempfile::TempDir {
        crate::testutil::ctx(files, ignore, b"x")
    }

    fn an(d: &Path, b: Builder) -> Analysis {
        analyze(&crate::testutil::config(d, b, 1)).unwrap()
    }

    #[test]
    fn classic_pruning_blocks_wildcard_exception() {
        let d = ctx(
            &["Dockerfile", "sub/keep.txt", "sub/drop.txt"],
            "sub\n!**/keep.txt\n",
        );
        let c = an(d.path(), Builder::Classic);
        let b = an(d.path(), Builder::Buildkit);
        let (ce, be) = (Explainer::new(&c), Explainer::new(&b));
        let e = explain(&ce, Some(&be), None, b"sub/keep.txt");
        assert!(e.builders_disagree);
        let v = &e.verdicts[0];
        assert_eq!(v.sent, Some(false));
        assert_eq!(v.reason, Some(Reason::PrunedParent));
        assert_eq!(v.pruned_at.as_deref(), Some("sub"));
        assert_eq!(v.pruned_by.as_ref().unwrap().line, 1);
        assert_eq!(v.deciding.as_ref().unwrap().line, 2);
        let v = &e.verdicts[1];
        assert_eq!(v.sent, Some(true));
        assert_eq!(v.reason, Some(Reason::IncludedBy));
        let mut out = Vec::new();
        render_human(&[e], &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("cannot reach it"), "{s}");
        assert!(s.contains(".dockerignore:2: `!**/keep.txt`"), "{s}");
    }

    #[test]
    fn last_match_decides_and_steps_list_all() {
        let d = ctx(&["Dockerfile", "a.log", "keep.log"], "*.log\n!keep.log\n");
        let c = an(d.path(), Builder::Buildkit);
        let ce = Explainer::new(&c);
        let v = ce.verdict(b"keep.log");
        assert_eq!(v.sent, Some(true));
        assert_eq!(v.deciding.as_ref().unwrap().line, 2);
        assert_eq!(v.steps[0].matched.len(), 2);
        let v = ce.verdict(b"a.log");
        assert_eq!((v.sent, v.reason), (Some(false), Some(Reason::ExcludedBy)));
        let v = ce.verdict(b"nope");
        assert_eq!(v.reason, Some(Reason::Missing));
    }

    #[test]
    fn paths() {
        let r = Path::new("/ctx");
        assert_eq!(context_path(r, r, "a/./b/").unwrap(), b"a/b");
        assert_eq!(context_path(r, r, "/ctx/a").unwrap(), b"a");
        assert!(context_path(r, r, "/other/a").is_err());
        assert!(context_path(r, r, "../a").is_err());
        // `.` given last as the other commands take the context: the error says how explain
        // takes it.
        let e = context_path(r, r, ".").unwrap_err();
        assert!(e.contains("always sent") && e.contains("-C DIR"), "{e}");
        // A name that is not UTF-8 is taken as its bytes; a message shows it escaped, on one
        // line.
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = std::ffi::OsStr::from_bytes(b"d/./bad\xffname");
            assert_eq!(context_path(r, r, p).unwrap(), b"d/bad\xffname");
            let p = std::ffi::OsStr::from_bytes(b"/other/x\ny\xff\x1b");
            let e = context_path(r, r, p).unwrap_err();
            assert!(e.starts_with("/other/x\\ny\\xff\\x1b is outside"), "{e}");
        }
    }
}
