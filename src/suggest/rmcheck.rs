//! The plain `rm` warning: a served Dockerfile whose `RUN` step removes, with `rm` and no `-f`,
//! a file the proposal no longer sends (`COPY . .`, then `RUN rm .env`) fails with "No such file
//! or directory" once the file is left out.
//!
//! Each operand is followed into the image and back into the context: a relative operand
//! resolves against the step's directory (the stage's `WORKDIR`s, inherited from the stage it
//! starts from, then the step's own `cd`s), and the image path against the `COPY`/`ADD` steps
//! before it that put context files there. A glob operand (`rm *.log`) is expanded by the shell
//! in its directory: it fails when nothing matches there any more. The warning is given only
//! when that path is certain: an operand with a variable, a directory not known (a `WORKDIR`
//! with a variable), a copy whose destination is not known, one of another stage or a remote
//! source that may put the file there, or a `COPY --parents`/`--exclude` over it: no warning.

use crate::dockerfile::{source_matches, ContextSource, StageSteps};

use super::model::Model;
use super::shellwords::{commands, join, IMG};
use super::targets::Target;

/// `p` lies at or below `d` (both from [`join`]).
fn at_or_below(p: &str, d: &str) -> bool {
    p == d || d == "/" || p.strip_prefix(d).is_some_and(|r| r.starts_with('/'))
}

/// Whether a copy to `d` may put something at `p` when one of them is below the unknown image
/// directory and the other is absolute: the image directory may be anything, so only a shared
/// name tells (`/.env` and `IMG/.env`).
fn may_meet(p: &str, d: &str) -> bool {
    if p.starts_with(IMG) == d.starts_with(IMG) {
        return at_or_below(p, d);
    }
    let last = d.rsplit('/').next().unwrap_or("");
    last.is_empty() || p.split('/').any(|c| c == last)
}

/// A context copy before the `RUN` step: where it puts what.
struct Copy<'a> {
    /// The destination, resolved (`None`: not known).
    dest: Option<String>,
    /// The destination is a directory (a trailing `/`, several sources, a wildcard).
    into_dir: bool,
    /// Its evaluated sources.
    items: Vec<&'a ContextSource>,
    /// Another stage's files, a remote source or a here-document: what it puts is not known.
    opaque: bool,
}

/// The image paths a context entry `e` gets from source `s` copied to `d`.
fn image_paths(s: &ContextSource, d: &str, into_dir: bool, e: &str, e_dir: bool) -> Vec<String> {
    let under = |rest: &str| join(d, rest).into_iter().collect::<Vec<_>>();
    if s.path.is_empty() {
        return under(e);
    }
    let n = s.path.split('/').count();
    let comps: Vec<&str> = e.split('/').collect();
    if comps.len() < n {
        return Vec::new();
    }
    let head = comps[..n].join("/");
    let hit = if s.has_wildcard {
        source_matches(&s.path, &head)
    } else {
        head == s.path
    };
    if !hit {
        return Vec::new();
    }
    if comps.len() > n {
        return under(&comps[n..].join("/"));
    }
    if e_dir {
        return vec![d.to_string()];
    }
    let base = comps[n - 1];
    if into_dir {
        under(base)
    } else {
        // `COPY app.py /app`: a file named `/app`, or `/app/app.py` when it is a directory.
        let mut v = vec![d.to_string()];
        v.extend(under(base));
        v
    }
}

/// The operands of `rm` in one command without `-f`/`--force` (none when forced), each with
/// the directory the step is in then (`None`: not known); `cwd` follows the command's `cd`.
fn rm_operands(cmd: &[String], cwd: &mut Option<String>) -> Vec<(String, Option<String>)> {
    if cmd[0] == "cd" {
        *cwd = match cmd.get(1) {
            Some(d) if !d.contains(['$', '`', '~']) && d != "-" => cwd
                .as_deref()
                .and_then(|c| join(c, d))
                .or_else(|| d.starts_with('/').then(|| join("/", d)).flatten()),
            _ => None,
        };
        return Vec::new();
    }
    let Some(at) = cmd.iter().position(|w| w.rsplit('/').next() == Some("rm")) else {
        return Vec::new();
    };
    let mut ops = Vec::new();
    let mut flags_done = false;
    for a in &cmd[at + 1..] {
        if !flags_done && a == "--" {
            flags_done = true;
        } else if !flags_done && a.starts_with('-') {
            if a == "--force" || (!a.starts_with("--") && a.contains('f')) {
                return Vec::new();
            }
        } else {
            ops.push((a.clone(), cwd.clone()));
        }
    }
    ops
}

/// The option words of the `rm` in `cmd` as written (`-r`, `-v`, `--`), each followed by a space,
/// for the warning to show the command the step runs (`rm -r .idea`), never its other words.
fn rm_flags(cmd: &[String]) -> String {
    let Some(at) = cmd.iter().position(|w| w.rsplit('/').next() == Some("rm")) else {
        return String::new();
    };
    let mut out = String::new();
    for a in cmd[at + 1..].iter().take_while(|a| a.starts_with('-')) {
        out.push_str(a);
        out.push(' ');
        if a == "--" {
            break;
        }
    }
    out
}

/// The stages a stage starts from, itself last (a `FROM` naming an earlier stage).
fn chain(stages: &[StageSteps], k: usize) -> Vec<usize> {
    let mut out = vec![k];
    let mut cur = k;
    while let Some(b) = stages[..cur].iter().rposition(|s| {
        s.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&stages[cur].base))
    }) {
        if out.contains(&b) {
            break;
        }
        out.push(b);
        cur = b;
    }
    out.reverse();
    out
}

/// The warnings for one served Dockerfile. `before(i)`: the build sends node `i` today;
/// `after(i)`: the proposal sends it under some builder.
pub(super) fn warnings(
    t: &Target,
    m: &Model,
    before: &dyn Fn(usize) -> bool,
    after: &dyn Fn(usize) -> bool,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in 0..t.steps.len() {
        let stages = chain(&t.steps, k);
        let root = &t.steps[stages[0]].base;
        let mut wd: Option<String> = Some(if root.eq_ignore_ascii_case("scratch") {
            "/".to_string()
        } else {
            IMG.to_string()
        });
        let mut copies: Vec<Copy> = Vec::new();
        // The words of the RUN commands so far (not `rm`'s own).
        let mut written: Vec<String> = Vec::new();
        for &s in &stages {
            for step in &t.steps[s].steps {
                match step.keyword.as_str() {
                    "WORKDIR" => {
                        let d = step.text.trim().trim_matches(['"', '\'']);
                        wd = if d.contains('$') {
                            None
                        } else {
                            wd.as_deref()
                                .or(Some("/").filter(|_| d.starts_with('/')))
                                .and_then(|w| join(w, d))
                        };
                    }
                    "COPY" | "ADD" => {
                        let dest = (!step.dest.contains('$'))
                            .then(|| {
                                let w = if step.dest.starts_with('/') {
                                    Some("/")
                                } else {
                                    wd.as_deref()
                                };
                                w.and_then(|w| join(w, &step.dest))
                            })
                            .flatten();
                        let items: Vec<&ContextSource> = t
                            .sources
                            .items
                            .iter()
                            .filter(|i| {
                                i.line == step.line && i.stage == s && i.instruction == step.keyword
                            })
                            .collect();
                        let opaque = step.from.is_some()
                            || items.is_empty()
                            || step.sources.len()
                                > items
                                    .iter()
                                    .map(|i| &i.raw)
                                    .collect::<std::collections::BTreeSet<_>>()
                                    .len()
                            || items
                                .iter()
                                .any(|i| i.unresolved || i.parents || !i.excludes.is_empty());
                        let into_dir = step.dest.ends_with('/')
                            || step.dest == "."
                            || step.sources.len() > 1
                            || items.iter().any(|i| i.has_wildcard);
                        copies.push(Copy {
                            dest,
                            into_dir,
                            items,
                            opaque,
                        });
                    }
                    "RUN" => {
                        let mut cwd = wd.clone();
                        for cmd in commands(step) {
                            let ops = rm_operands(&cmd, &mut cwd);
                            let flags = rm_flags(&cmd);
                            for (op, dir) in ops.iter().filter(|_| s == k) {
                                // A name an earlier command wrote (`cp .env.example .env`,
                                // `echo > .env`, `… > build.log`) may be what it removes.
                                if made_before(&written, op) {
                                    continue;
                                }
                                if let Some(w) =
                                    check(m, &copies, op, dir.as_deref(), before, after)
                                {
                                    let w = format!(
                                        "{}: a RUN step runs `rm {flags}{op}` without -f, and {w} is no longer sent: that step fails with \"No such file or directory\"; use `rm -f`",
                                        t.rel
                                    );
                                    if !out.contains(&w) {
                                        out.push(w);
                                    }
                                }
                            }
                            if ops.is_empty() {
                                written.extend(cmd.iter().flat_map(|w| {
                                    w.split(['>', '<', '='])
                                        .filter(|x| !x.is_empty())
                                        .map(str::to_string)
                                        .collect::<Vec<_>>()
                                }));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// Whether an earlier command's word names what `op` removes (its last component, or a name its
/// glob matches).
fn made_before(words: &[String], op: &str) -> bool {
    let last = op.trim_end_matches('/').rsplit('/').next().unwrap_or(op);
    let glob = last.contains(['*', '?', '[']);
    words.iter().any(|w| {
        let name = w.trim_end_matches('/').rsplit('/').next().unwrap_or(w);
        if glob {
            source_matches(last, name)
        } else {
            name == last
        }
    })
}

/// The context path an `rm` of `op` (run in `dir`) no longer finds in the image, if it is
/// certain: something the copies put there is sent today, and nothing is sent with the proposal.
fn check(
    m: &Model,
    copies: &[Copy],
    op: &str,
    dir: Option<&str>,
    before: &dyn Fn(usize) -> bool,
    after: &dyn Fn(usize) -> bool,
) -> Option<String> {
    if op.contains(['$', '`', '{', '}', '~', '\\']) {
        return None;
    }
    let (parent, last) = match op.trim_end_matches('/').rsplit_once('/') {
        Some((p, l)) => (if p.is_empty() { "/" } else { p }, l),
        None => (".", op.trim_end_matches('/')),
    };
    if parent.contains(['*', '?', '[']) || last.is_empty() || last == "." || last == ".." {
        return None;
    }
    let glob = last.contains(['*', '?', '[']);
    let base = if op.starts_with('/') { "/" } else { dir? };
    let target = join(
        base,
        if glob {
            parent
        } else {
            op.trim_end_matches('/')
        },
    )?;
    let mut found: Vec<usize> = Vec::new();
    for c in copies {
        // A copy whose destination is not known may put the file anywhere.
        let d = c.dest.as_deref()?;
        if !may_meet(&target, d) {
            continue;
        }
        if c.opaque {
            return None;
        }
        if target.starts_with(IMG) != d.starts_with(IMG) {
            continue;
        }
        for (i, e) in m.paths.iter().enumerate() {
            let e_dir = m.is_dir(i as u32);
            let hit = c.items.iter().any(|s| {
                image_paths(s, d, c.into_dir, e, e_dir).iter().any(|ip| {
                    if glob {
                        ip.rsplit_once('/').is_some_and(|(dp, name)| {
                            (if dp.is_empty() { "/" } else { dp }) == target
                                && (!name.starts_with('.') || last.starts_with('.'))
                                && source_matches(last, name)
                        })
                    } else {
                        *ip == target
                    }
                })
            });
            if hit && !found.contains(&i) {
                found.push(i);
            }
        }
    }
    let mut gone: Vec<&str> = found
        .iter()
        .filter(|&&i| before(i))
        .map(|&i| m.paths[i].as_str())
        .collect();
    if gone.is_empty() || found.iter().any(|&i| after(i)) {
        return None;
    }
    gone.sort_unstable();
    Some(match gone.as_slice() {
        [one] => one.to_string(),
        more => format!(
            "what it matches ({}{})",
            more[..more.len().min(3)].join(", "),
            if more.len() > 3 { ", …" } else { "" }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_directory() {
        assert_eq!(join("/app", ".env").as_deref(), Some("/app/.env"));
        assert_eq!(join("/app", "../x/./y").as_deref(), Some("/x/y"));
        assert_eq!(join(IMG, "a/b").as_deref(), Some("\u{0}img/a/b"));
        assert_eq!(join(IMG, "a/..").as_deref(), Some(IMG));
        assert_eq!(join(IMG, "..").as_deref(), None);
        assert_eq!(join(IMG, "/etc/x").as_deref(), Some("/etc/x"));
        assert_eq!(join("/", ".").as_deref(), Some("/"));
        assert!(at_or_below("/app/.env", "/app") && at_or_below("/x", "/"));
        assert!(!at_or_below("/application", "/app"));
        assert!(may_meet("\u{0}img/.env", "/.env") && !may_meet("\u{0}img/.env", "/usr/bin/x"));
    }

    #[test]
    fn rm_operands_follow_cd_and_force() {
        let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        let mut cwd = Some("/app".to_string());
        assert!(rm_operands(&w("rm -rf node_modules"), &mut cwd).is_empty());
        assert!(rm_operands(&w("rm --force a"), &mut cwd).is_empty());
        assert!(rm_operands(&w("cd config"), &mut cwd).is_empty());
        assert_eq!(
            rm_operands(&w("rm -r .idea x"), &mut cwd),
            [
                (".idea".to_string(), Some("/app/config".to_string())),
                ("x".to_string(), Some("/app/config".to_string()))
            ]
        );
        assert_eq!(rm_flags(&w("rm -r -v .idea x")), "-r -v ");
        assert_eq!(rm_flags(&w("rm -- -f")), "-- ");
        assert_eq!(rm_flags(&w("rm .env")), "");
        rm_operands(&w("cd $HOME"), &mut cwd);
        assert_eq!(
            rm_operands(&w("rm -- -f"), &mut cwd),
            [("-f".to_string(), None)]
        );
    }
}
