//! `ctxsize lint`: problems in the ignore file, each with a stable id and, where it has one, the
//! line. Findings use the report's [`Finding`] type (category `dockerignore`, `path` = the file
//! the finding is on, `line` = its line), so the config file, `--fail-on` and every output
//! format treat them like the report's findings.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::analysis::{analyze_resolved, Analysis, Config};
use crate::context::Resolved;
use crate::dockerignore::PatternLine;
use crate::dockerignore::{Pattern, PatternError, PatternSet};
use crate::error::Error;
use crate::explain::{rel_display, Explainer, Reason};
use crate::report::Finding;
use crate::tree::{Kind, State, ROOT};
use crate::walk::Builder;

mod nested;
mod served;
use nested::{stale_nested_loses, unused_ignore_files};
use served::Served;

/// The result of `ctxsize lint`.
#[derive(Debug, Serialize)]
pub(crate) struct LintReport {
    /// The context root.
    pub context: String,
    /// The builder whose rules were applied.
    pub builder: Builder,
    /// The Dockerfile.
    pub dockerfile: String,
    /// The ignore file in effect (relative to the context when inside it).
    pub ignore_file: Option<String>,
    /// The problems, in line order.
    pub findings: Vec<Finding>,
    /// Checks that could not run, and why.
    pub notes: Vec<String>,
}

struct Ctx<'a> {
    file: String,
    findings: Vec<Finding>,
    resolved: &'a Resolved,
}

impl Ctx<'_> {
    fn add(&mut self, id: &str, severity: &str, line: Option<usize>, message: String, fix: String) {
        self.findings.push(Finding {
            rule: id.into(),
            category: "dockerignore".into(),
            severity: severity.into(),
            path: self.file.clone(),
            message,
            fix,
            line,
            ..Default::default()
        });
    }
}

/// An echoed ignore-file text: escaped, and capped so a binary file cannot flood the output.
fn show(b: &[u8]) -> String {
    crate::render::escape_capped(b, 120)
}

/// Every entry under `root` (not following symlinks): (relative path, is a directory).
fn full_tree(root: &Path) -> Vec<(Vec<u8>, bool)> {
    let mut v = Vec::new();
    for e in ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .build()
        .flatten()
    {
        if let Ok(r) = e.path().strip_prefix(root) {
            let b = crate::sys::slash_bytes(r);
            if !b.is_empty() {
                let dir = e.file_type().is_some_and(|t| t.is_dir());
                v.push((b.to_vec(), dir));
            }
        }
    }
    v.sort();
    v
}

/// The builder's name, or `Podman/Buildah` with that engine.
fn engine_name(cfg: &Config) -> &'static str {
    if cfg.engine.is_remote() {
        "podman-remote"
    } else if cfg.engine.is_podman() {
        "Podman/Buildah"
    } else {
        builder_name(cfg.builder)
    }
}

fn builder_name(b: Builder) -> &'static str {
    match b {
        Builder::Buildkit => "BuildKit",
        Builder::Classic => "the classic builder",
    }
}

/// R16(b) level by level with a pattern set: (verdict, index of the deciding line).
fn decide(set: &PatternSet, path: &[u8]) -> Option<(bool, Option<usize>)> {
    let mut parent: Option<Vec<bool>> = None;
    let mut res = (false, None);
    let ends = path
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'/')
        .map(|(i, _)| i)
        .chain(std::iter::once(path.len()));
    for end in ends {
        let (m, bits) = set
            .matches_using_parent_results(&path[..end], parent.as_deref())
            .ok()?;
        res = (m, bits.iter().rposition(|&b| b));
        parent = Some(bits);
    }
    Some(res)
}

/// Runs every check on the context described by `cfg`.
pub(crate) fn lint(cfg: &Config) -> Result<LintReport, Error> {
    let (resolved, no_dockerfile) = crate::pipeline::resolve(cfg, cfg.builder)?;
    let root = resolved.root.clone();
    let file = match &resolved.ignore_file {
        Some(f) => rel_display(&root, f),
        None => ".dockerignore".into(),
    };
    let mut cx = Ctx {
        file: file.clone(),
        findings: Vec::new(),
        resolved: &resolved,
    };
    let mut notes = Vec::new();
    // The Dockerfiles built with this context (the resolved one and those discovery serves),
    // found once, when a check needs them: without a Dockerfile at the root, now.
    let main_df = (!no_dockerfile).then(|| resolved.dockerfile.clone());
    let tree = full_tree(&root);
    let find_served = || served::dockerfiles(cfg, &resolved, main_df.as_deref(), &tree);
    let served = std::cell::OnceCell::new();
    if no_dockerfile {
        let found = served.get_or_init(find_served);
        notes.push(if found.is_empty() {
            "no Dockerfile at the context root: the ignore file was checked for BuildKit's context alone (pass -f to check a Dockerfile's)".into()
        } else {
            served::note(found)
        });
    }

    unused_ignore_files(&mut cx, cfg, &tree);

    // A binary file (a NUL byte near the start) is not an ignore file someone wrote: one
    // finding, not one per "line".
    let head = &resolved.ignore_text[..resolved.ignore_text.len().min(8192)];
    if head.contains(&0) {
        cx.add(
            "DI001",
            "high",
            None,
            format!(
                "the ignore file is binary (it holds NUL bytes, {} bytes in all): docker reads it as patterns and the build fails or excludes at random",
                resolved.ignore_text.len()
            ),
            String::new(),
        );
        notes.push("the ignore file is binary: line checks were skipped".into());
        return Ok(finish(cx, cfg, notes));
    }

    // Line by line: validity, comments, trailing slashes.
    let mut valid: Vec<PatternLine> = Vec::new();
    let mut invalid = false;
    match dockerignore::read_all(&resolved.ignore_text) {
        Err(e) => {
            invalid = true;
            cx.add(
                "DI001",
                "high",
                Some(e.line()),
                format!("{e}: this line is 64 KiB or longer"),
                String::new(),
            );
        }
        Ok(raw) => {
            for entry in &raw {
                let (line, original, _) = entry;
                match dockerignore::to_pattern_list(std::slice::from_ref(entry)) {
                    Ok(v) => valid.extend(v),
                    Err(e) => {
                        invalid = true;
                        let what = match e {
                            PatternError::IllegalExclusion { .. } => {
                                "a `!` without a pattern".to_string()
                            }
                            _ => format!("`{}` is not a valid pattern", show(original)),
                        };
                        cx.add(
                            "DI001",
                            "high",
                            Some(*line),
                            format!("{what}: docker fails the build ({e})"),
                            String::new(),
                        );
                    }
                }
                let trimmed = dockerignore::trim_space(original);
                if trimmed.first() == Some(&b'#') {
                    cx.add("DI004", "medium", Some(*line), format!("`{}` is a pattern, not a comment: only a `#` in column 1 starts a comment", show(original)), show(trimmed));
                } else if trimmed.starts_with(b"//") {
                    // A comment in another language's style (`// Ignore everything`).
                    let text = dockerignore::trim_space(&trimmed[2..]);
                    cx.add(
                        "DI004",
                        "medium",
                        Some(*line),
                        format!(
                            "`{}` is a pattern, not a comment: `//` does not start one, only a `#` in column 1 does",
                            show(original)
                        ),
                        format!("# {}", show(text)),
                    );
                } else if let Some(pos) = original
                    .windows(2)
                    .position(|w| (w[0] == b' ' || w[0] == b'\t') && w[1] == b'#')
                {
                    let pat = dockerignore::trim_space(&original[..pos]);
                    cx.add(
                        "DI004",
                        "medium",
                        Some(*line),
                        format!(
                            "the comment is part of the pattern `{}`; it matches nothing you meant",
                            show(original)
                        ),
                        show(pat),
                    );
                }
            }
        }
    }
    let set = PatternSet::new(valid);
    // An unused ignore file that is itself excluded (a dependency's, under node_modules) is
    // never sent and changes nothing: info, not a problem.
    for f in cx.findings.iter_mut().filter(|f| f.rule == "DI010") {
        if set.matches_or_parent_matches(f.path.as_bytes()) == Ok(true) {
            f.severity = "info".into();
            f.message.push_str(" (it is excluded itself)");
        }
    }
    stale_nested_loses(&mut cx, cfg, &set, &tree);
    for (i, p) in set.patterns().iter().enumerate() {
        if p.is_broken() {
            invalid = true;
            cx.add("DI001", "high", Some(p.line().line), format!("`{}` cannot be compiled (for example a reversed range); docker fails the build as soon as it evaluates it", show(&p.line().original)), String::new());
            continue;
        }
        let _ = i;
        let orig = dockerignore::trim_space(&p.line().original);
        if orig.len() > 1 && orig.last() == Some(&b'/') {
            if let Some((f, _)) = tree
                .iter()
                .find(|(path, dir)| !*dir && p.matches(path) == Ok(true))
            {
                cx.add("DI005", "low", Some(p.line().line), format!("`{}` also matches the file {}: a trailing `/` does not mean \"directories only\"", show(orig), show(f)), String::new());
            }
        }
        let commented = cx
            .findings
            .iter()
            .any(|f| f.rule == "DI004" && f.line == Some(p.line().line));
        // A whole line of comment indented by a space (` # Remove dev settings`) is a pattern
        // for a file of that name: when no such file exists it keeps nothing out and lets
        // nothing in that the user meant, so it is info (the fix still moves the `#` to column
        // 1), not a problem that fails `lint`. A trailing comment (`foo # deps`) stays medium:
        // the line no longer excludes `foo`.
        let matches_nothing = || !tree.iter().any(|(path, _)| p.matches(path) == Ok(true));
        if commented
            && (orig.first() == Some(&b'#') || orig.starts_with(b"//"))
            && matches_nothing()
        {
            for f in cx
                .findings
                .iter_mut()
                .filter(|f| f.rule == "DI004" && f.line == Some(p.line().line))
            {
                f.severity = "info".into();
                f.message
                    .push_str(" (it matches nothing here, so it changes nothing that is sent)");
            }
        }
        if !commented && matches_nothing() {
            cx.add(
                "DI002",
                "info",
                Some(p.line().line),
                format!("`{}` matches nothing in this context", show(orig)),
                String::new(),
            );
        }
    }
    if invalid {
        notes.push("the ignore file is invalid: checks that need the walk were skipped".into());
        return Ok(finish(cx, cfg, notes));
    }

    let chosen = match analyze_resolved(resolved.clone(), cfg.builder, cfg.threads) {
        Ok(a) => a,
        Err(e @ Error::Pattern { .. }) => {
            cx.add("DI001", "high", None, e.to_string(), String::new());
            return Ok(finish(cx, cfg, notes));
        }
        Err(e) => return Err(e),
    };
    // With Podman the comparison is with docker's default builder (BuildKit).
    let other_cfg = Config {
        builder: cfg.builder.other(),
        ..cfg.clone()
    };
    let other_cfg = match cfg.engine {
        // `docker build -f <the Containerfile Podman uses>`.
        crate::engine::Engine::Podman { .. } => Config {
            builder: Builder::Buildkit,
            engine: crate::engine::Engine::Docker,
            dockerfile: Some(resolved.dockerfile.clone()),
            ..other_cfg
        },
        // Without a Dockerfile at the root, the classic builder builds the first one served.
        crate::engine::Engine::Docker => match served.get().and_then(|v| v.first()) {
            Some(first) if no_dockerfile => Config {
                dockerfile: Some(first.dockerfile.clone()),
                ..other_cfg
            },
            _ => other_cfg,
        },
    };
    let other_a = other_cfg
        .resolve_for(other_cfg.builder)
        .and_then(|r| analyze_resolved(r, other_cfg.builder, cfg.threads));
    let other_a = match other_a {
        Ok(a) if a.resolved.ignore_file == resolved.ignore_file => Some(a),
        Ok(_) => {
            notes.push(format!(
                "{} reads a different ignore file: builder comparison skipped",
                engine_name(&other_cfg)
            ));
            None
        }
        // Without a Dockerfile the classic builder stops before it reads the ignore file; the
        // note above says why (its error names an lstat of the missing path).
        Err(_) if no_dockerfile => {
            notes.push(format!(
                "{} needs a Dockerfile: builder comparison skipped",
                engine_name(&other_cfg)
            ));
            None
        }
        Err(e) => {
            notes.push(format!(
                "{}: {e}: builder comparison skipped",
                engine_name(&other_cfg)
            ));
            None
        }
    };

    root_only(&mut cx, &set, &chosen, &|| served.get_or_init(find_served));
    exceptions(&mut cx, &set, &tree, &chosen, other_a.as_ref());
    undone_exclusions(&mut cx, &set, &tree, &chosen);
    self_excluded(&mut cx, &set, &chosen, other_a.as_ref());
    if let Some(o) = &other_a {
        disagree(&mut cx, &chosen, o);
    }
    Ok(finish(cx, cfg, notes))
}

fn finish(mut cx: Ctx, cfg: &Config, notes: Vec<String>) -> LintReport {
    // A root-only pattern (DI003) does match something, below the root: "matches nothing"
    // (DI002) on the same line would contradict it.
    let root_only: Vec<Option<usize>> = cx
        .findings
        .iter()
        .filter(|f| f.rule == "DI003")
        .map(|f| f.line)
        .collect();
    cx.findings
        .retain(|f| !(f.rule == "DI002" && root_only.contains(&f.line)));
    cx.findings.sort_by(|a, b| {
        (a.path != cx.file, a.line.unwrap_or(0), &a.rule).cmp(&(
            b.path != cx.file,
            b.line.unwrap_or(0),
            &b.rule,
        ))
    });
    let r = cx.resolved;
    LintReport {
        context: r.root.display().to_string(),
        builder: cfg.builder,
        dockerfile: r.dockerfile.display().to_string(),
        ignore_file: r.ignore_file.as_ref().map(|f| rel_display(&r.root, f)),
        findings: cx.findings,
        notes,
    }
}

/// The depth a pattern is pinned to and the one-component pattern it matches there: `x.log`
/// → 0, `*.log`; `*/bin` → 1, `bin` (one level below the root, as in a .NET `*/bin` habit);
/// `None` for a pattern with another `/` or a `**`.
fn pinned(p: &Pattern) -> Option<(usize, Option<PatternSet>)> {
    let c = &p.line().cleaned;
    let mut rest: &[u8] = c;
    let mut depth = 0;
    while let Some(r) = rest.strip_prefix(b"*/") {
        rest = r;
        depth += 1;
    }
    if rest.is_empty() || rest.contains(&b'/') || rest.starts_with(b"**") {
        return None;
    }
    if depth == 0 {
        return Some((0, None));
    }
    let tail = PatternSet::parse(rest).ok()?;
    tail.patterns().first()?;
    Some((depth, Some(tail)))
}

/// Whether a pattern's text is anchored at the root by its author: a leading `/` or `./`.
fn anchored(line: &[u8]) -> bool {
    line.starts_with(b"/") || line.starts_with(b"./")
}

/// Whether a directory above node `id` is an installed dependency tree, as the report's rules
/// name one (`node_modules/`, a virtualenv, a `vendor/` beside its package manager's manifest;
/// not an app's own `resources/views/vendor/`).
fn below_dependency_tree(tree: &crate::tree::Tree, id: u32) -> bool {
    let mut cur = tree.nodes[id as usize].parent;
    while cur != ROOT {
        if crate::findings::name_hit(tree, cur)
            .is_some_and(|h| h.category == crate::rules::Category::Dependencies)
        {
            return true;
        }
        cur = tree.nodes[cur as usize].parent;
    }
    false
}

/// DI003: `*.log` while `sub/a.log` is sent (or `*/bin` while `src/Web/bin` is).
fn root_only<'s>(cx: &mut Ctx, set: &PatternSet, a: &Analysis, served: &dyn Fn() -> &'s [Served]) {
    let (cands, pins): (Vec<&Pattern>, Vec<(usize, Option<PatternSet>)>) = set
        .patterns()
        .iter()
        .filter(|p| {
            !p.exclusion()
                // `/vendor` says "at the root" on purpose (as in .gitignore), and so does
                // `./export` (paperless-ngx): docker cleans both to `vendor`, `export`.
                && !anchored(dockerignore::trim_space(&p.line().original))
                && p.line().line > 0
        })
        .filter_map(|p| pinned(p).map(|t| (p, t)))
        .unzip();
    if cands.is_empty() {
        return;
    }
    // An exception after the pattern that re-includes the entry (or a parent of it) means the
    // entry is sent on purpose (`*` then `!src` is an allowlist, not a gitignore habit).
    let later_exceptions: Vec<Vec<&Pattern>> = cands
        .iter()
        .map(|c| {
            set.patterns()
                .iter()
                .filter(|p| p.exclusion() && p.line().line > c.line().line)
                .collect()
        })
        .collect();
    let reincluded = |k: usize, path: &[u8]| {
        later_exceptions[k].iter().any(|e| {
            e.matches(path) == Ok(true)
                || path
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b'/')
                    .any(|(i, _)| e.matches(&path[..i]) == Ok(true))
        })
    };
    let tree = &a.tree;
    // Whether the top-level entries a root-level pattern matches are all directories (`Some(true)`)
    // or all not (`Some(false)`): a deeper match of the other kind (ollama's `app` line for its
    // `app/` sources, and a binary `target/debug/app`) is another thing named alike.
    let root_kind: Vec<Option<bool>> = cands
        .iter()
        .zip(&pins)
        .map(|(p, (pin, _))| {
            let mut kinds = tree
                .children()
                .of(ROOT)
                .iter()
                .filter(|&&c| *pin == 0 && p.matches(tree.name(c)) == Ok(true));
            let first = tree.nodes[*kinds.next()? as usize].kind == Kind::Dir;
            kinds
                .all(|&c| (tree.nodes[c as usize].kind == Kind::Dir) == first)
                .then_some(first)
        })
        .collect();
    // What the report's name rules flag (secrets, logs, dependencies, …; not what they only
    // mention, at info): a root-only pattern that lets such an entry through below the root
    // changes what is sent in a way that matters.
    // With each whether it is a serious one. DI003 takes the grade of the most severe flagged
    // entry it lets through, where a low finding over the project's own committed content (test
    // data, media and archives: homebox's README in a `testdata/` directory, vikunja's Go test
    // fixture zips) is no problem that fails `lint`, while a low one over what a build or a
    // machine leaves behind (logs, build output, caches, editor files) still is: nobody meant
    // to send those.
    let flagged_paths: Vec<(String, bool)> = crate::findings::compute(
        a,
        &crate::report::ReportOptions {
            content_max: 0,
            gitignore: false,
            large_file: 0,
            ..Default::default()
        },
    )
    .findings
    .into_iter()
    .filter(|f| f.severity != "info")
    .map(|f| {
        let own_content = matches!(f.category.as_str(), "test-data" | "media-archive");
        (
            f.path.trim_end_matches('/').to_string(),
            f.severity != "low" || !own_content,
        )
    })
    .collect();
    // `None` when unflagged, else whether something flagged above low holds the path.
    let flag_grade = |path: &[u8]| -> Option<bool> {
        let p = crate::paths::lossy(path);
        flagged_paths
            .iter()
            .filter(|(f, _)| {
                p == *f || (p.starts_with(f.as_str()) && p.as_bytes().get(f.len()) == Some(&b'/'))
            })
            .map(|&(_, serious)| serious)
            .reduce(|a, b| a || b)
    };
    // What git ignores (a clean checkout, CI's, does not hold it, so no build needs it): the
    // fix may exclude it too (`*/bin` → `**/bin` over a .NET project's ignored `src/Web/bin`).
    // Computed once, at the first entry that needs it.
    let ignored = std::cell::OnceCell::new();
    let is_ignored = |path: &[u8]| {
        let ignored: &Vec<String> = ignored.get_or_init(|| {
            crate::findings::compute(
                a,
                &crate::report::ReportOptions {
                    content_max: 0,
                    gitignore: true,
                    large_file: 0,
                    ..Default::default()
                },
            )
            .findings
            .into_iter()
            .filter(|f| f.category == "gitignored")
            .map(|f| f.path.trim_end_matches('/').to_string())
            .collect()
        });
        let p = crate::paths::lossy(path);
        ignored.iter().any(|f| {
            p == *f || (p.starts_with(f.as_str()) && p.as_bytes().get(f.len()) == Some(&b'/'))
        })
    };
    // The files the builds copy (the sources of every Dockerfile built with this context,
    // BuildKit's transfer sets): the fix `**/X` is proposed only when it would exclude none of
    // them but flagged ones. Computed once, at the first entry that needs it.
    let used = std::cell::OnceCell::new();
    let used = || -> &Option<Vec<bool>> {
        used.get_or_init(|| {
            let dfs = served();
            if dfs.is_empty() {
                return None;
            }
            let mut u = vec![false; tree.nodes.len()];
            for d in dfs {
                let t = crate::transfer::compute(a, &d.sources, &|_| false);
                for (x, y) in u.iter_mut().zip(t.used) {
                    *x |= y;
                }
            }
            Some(u)
        })
    };
    let mut breaks: Vec<Option<Vec<u8>>> = vec![None; cands.len()];
    // The fix would exclude unflagged files while no Dockerfile says what the build copies.
    let mut unknown = vec![false; cands.len()];
    let mut flagged = vec![false; cands.len()];
    // Whether something flagged above low slips through (medium), not only low ones (info).
    let mut serious = vec![false; cands.len()];
    // A deeper match that holds (or is) source code git tracks (halo's `ui` line beside its
    // Java packages `application/src/main/java/…/ui/`): the project's own code, named like the
    // root entry by chance, which the project's build uses whether or not a Dockerfile copies
    // it; the smallest such match.
    let mut source: Vec<Option<Vec<u8>>> = vec![None; cands.len()];
    let mut stats = vec![(0u64, 0u64, None::<Vec<u8>>); cands.len()];
    for id in tree.sent() {
        let n = &tree.nodes[id as usize];
        if n.kind == Kind::Dir || n.parent == ROOT {
            continue;
        }
        // Components below the depth a pattern is pinned to, this entry's own name included.
        let mut chain = Vec::new();
        let mut cur = id;
        while cur != ROOT {
            chain.push(cur);
            cur = tree.nodes[cur as usize].parent;
        }
        // Inside VCS metadata (`.git/logs/HEAD`, `.git/info/exclude`): a pattern written for
        // the project's files (`logs/`, `info`) does not aim there, and `**/logs` is no fix for
        // a sent `.git` (the report's CTX201 names its own line).
        if chain[1..]
            .iter()
            .any(|&c| matches!(tree.name(c), b".git" | b".hg" | b".svn"))
        {
            continue;
        }
        // The deepest component each pattern matches (`chain[j]` lies at depth `len - j`, the
        // top level being 1).
        let mut hit: Vec<Option<u32>> = vec![None; cands.len()];
        for (j, &c) in chain.iter().enumerate() {
            let depth = chain.len() - j;
            let name = tree.name(c);
            for (k, (pin, tail)) in pins.iter().enumerate() {
                let p = tail.as_ref().map_or(cands[k], |t| &t.patterns()[0]);
                if hit[k].is_none() && depth >= pin + 2 && p.matches(name) == Ok(true) {
                    hit[k] = Some(c);
                }
            }
        }
        let path = tree.path(id);
        for (k, h) in hit.iter().enumerate() {
            let Some(comp) = *h else { continue };
            // What the pattern names lies inside an installed dependency tree
            // (`node_modules/left-pad/index.js` under `*.js`): the pattern was written for the
            // project's own files, and `**/*.js` is no fix for a sent `node_modules` (the
            // report's CTX301 names its own line).
            if below_dependency_tree(tree, comp) {
                continue;
            }
            // A deeper match of another kind than the top-level entries the line matches (a
            // binary `target/debug/app` under a line written for the `app/` directory) is
            // another thing named alike.
            let comp_dir = tree.nodes[comp as usize].kind == Kind::Dir;
            if root_kind[k].is_some_and(|d| d != comp_dir) {
                continue;
            }
            if !reincluded(k, &path) {
                // What the pattern names lies inside a flagged entry (`*.log` → `sub/a.log`),
                // not merely holds one (`tests/` → `lib/tests/`, which holds `fixtures/`).
                let grade = flag_grade(&tree.path(comp));
                let comp_flagged = grade.is_some();
                serious[k] |= grade == Some(true);
                // Excluding a copied file the rules flag (a log, a secret) is the point of the
                // fix; excluding copied source is not.
                // The smallest path is the example: the walk's order varies from run to run.
                let smaller = |cur: &Option<Vec<u8>>| cur.as_ref().is_none_or(|c| path < *c);
                if smaller(&breaks[k]) && !comp_flagged && !is_ignored(&tree.path(comp)) {
                    match used().as_ref() {
                        Some(u) if u.get(id as usize).copied().unwrap_or(false) => {
                            breaks[k] = Some(path.clone());
                        }
                        Some(_) => {}
                        // No Dockerfile says what is copied: this unflagged file may be.
                        None => unknown[k] = true,
                    }
                }
                let name = tree.name(id);
                if !comp_flagged
                    && crate::rules::SOURCE_EXTS.iter().any(|e| name.ends_with(e))
                    && !is_ignored(&tree.path(comp))
                {
                    let mut cp = tree.path(comp);
                    if tree.nodes[comp as usize].kind == Kind::Dir {
                        cp.push(b'/');
                    }
                    if source[k].as_ref().is_none_or(|c| cp < *c) {
                        source[k] = Some(cp);
                    }
                }
                stats[k].0 += 1;
                stats[k].1 += n.size;
                if comp_flagged && (!flagged[k] || smaller(&stats[k].2)) {
                    flagged[k] = true;
                    // The example shown is one that matters.
                    stats[k].2 = Some(path.clone());
                } else if !flagged[k] && smaller(&stats[k].2) {
                    stats[k].2 = Some(path.clone());
                }
            }
        }
    }
    for (k, p) in cands.iter().enumerate() {
        let (files, bytes, Some(ex)) = &stats[k] else {
            continue;
        };
        let orig = show(dockerignore::trim_space(&p.line().original));
        let pin = pins[k].0;
        let generic = format!("**/{}", show(&p.line().cleaned[pin * 2..]));
        let only = match pin {
            0 => "only matches at the context root".to_string(),
            1 => "only matches one level below the context root".to_string(),
            n => format!("only matches {n} levels below the context root"),
        };
        // A fix that would exclude a file the build copies is no fix: said instead.
        // Without a Dockerfile nothing says what the build copies: the pattern is asked about,
        // not offered as the fix.
        // Anchored, the line says what it already does (the root entry only) and is no longer
        // reported.
        let anchor = format!("/{}", show(&p.line().cleaned));
        let (fix, ask) = match (&breaks[k], &source[k]) {
            (None, Some(src)) => (
                if flagged[k] { String::new() } else { anchor.clone() },
                format!(
                    "`{generic}` would also exclude {}, source code of the project that its build uses: {}",
                    show(src),
                    if flagged[k] {
                        "name the deeper entries you want out by path instead".to_string()
                    } else {
                        format!("if the root one is meant, say so with `{anchor}`")
                    }
                ),
            ),
            (None, None) if unknown[k] => (
                String::new(),
                format!("did you mean `{generic}`? (no Dockerfile analysed: check with -f that the build copies none of them)"),
            ),
            (None, None) => (generic.clone(), format!("did you mean `{generic}`?")),
            // The build copies the whole context (`COPY . .`): that the deeper entry is copied
            // says nothing about whether the image needs it, only that nothing keeps it out.
            // The anchored line keeps out what the line does today and says so.
            (Some(b), _) if served::whole_context_only(served(), &crate::paths::lossy(b)) => (
                if flagged[k] { String::new() } else { anchor.clone() },
                format!(
                    "the build copies the whole context, so it copies {} only because nothing keeps it out: if the root one alone is meant, say so with `{anchor}`; if the deeper ones should go too, `{generic}` excludes them",
                    show(b)
                ),
            ),
            (Some(b), _) => (
                String::new(),
                format!(
                    "if you meant `{generic}`, it would also exclude {}, which the build copies: name the deeper entries you want out by path instead",
                    show(b)
                ),
            ),
        };
        // `..Default::default()`: other modules may add fields to `Finding`.
        #[allow(clippy::needless_update)]
        let finding = Finding {
            rule: "DI003".into(),
            category: "dockerignore".into(),
            // Medium when what slips through is something the rules flag above low (a secret,
            // logs, dependencies); otherwise worth knowing, not a problem that fails `lint`:
            // only low ones slip through (test fixtures: a README in `testdata/`, Go's fixture
            // zips), or nothing flagged (a second docker-compose.yml in a test folder).
            severity: if flagged[k] && serious[k] {
                "medium"
            } else {
                "info"
            }
            .into(),
            path: cx.file.clone(),
            files: *files,
            bytes: *bytes,
            message: format!(
                "`{orig}` {only}, but {files} file{} below it {} sent ({}), e.g. {}; {ask}",
                if *files == 1 { "" } else { "s" },
                if *files == 1 { "is" } else { "are" },
                crate::units::human(*bytes),
                show(ex)
            ),
            fix,
            line: Some(p.line().line),
            ..Default::default()
        };
        cx.findings.push(finding);
    }
}

/// DI012: an exclusion that a later directory exception undoes. Every path the line excludes
/// is sent again, some of them only because a `!` line below names a directory above them
/// (`/tmp/*`, `/tmp/pids/*`, then `!/tmp/pids/`): in a .gitignore that exception re-includes
/// the directory alone, in a .dockerignore everything inside it. A path the exception names
/// itself (`!/tmp/pids/.keep`) is re-included on purpose and is no finding alone.
fn undone_exclusions(cx: &mut Ctx, set: &PatternSet, tree: &[(Vec<u8>, bool)], a: &Analysis) {
    // The files under a directory that an exception matches, with that exception's line: only
    // an exclusion above such a line matching one of them can be undone. Found once, so that
    // lines with no directory exception below them cost nothing (`tree` is sorted: a
    // directory's files are one run after `dir/`).
    let mut under: Vec<(usize, &[u8])> = Vec::new();
    for q in set
        .patterns()
        .iter()
        .filter(|q| q.exclusion() && q.line().line > 0)
    {
        for (d, _) in tree
            .iter()
            .filter(|(d, is_dir)| *is_dir && q.matches(d) == Ok(true))
        {
            let mut prefix = d.clone();
            prefix.push(b'/');
            let from = tree.partition_point(|(x, _)| x.as_slice() < prefix.as_slice());
            under.extend(
                tree[from..]
                    .iter()
                    .take_while(|(x, _)| x.starts_with(&prefix))
                    .filter(|(_, is_dir)| !is_dir)
                    .map(|(x, _)| (q.line().line, x.as_slice())),
            );
        }
    }
    if under.is_empty() {
        return;
    }
    let ea = Explainer::new(a);
    for p in set.patterns().iter().filter(|p| {
        !p.exclusion()
            && p.line().line > 0
            && under
                .iter()
                .any(|&(l, x)| l > p.line().line && p.matches(x) == Ok(true))
    }) {
        let mut matched = false;
        let mut undone = true;
        let mut through_dir: Vec<&[u8]> = Vec::new();
        let mut by: Option<(usize, String)> = None;
        for (x, dir) in tree {
            if p.matches(x) != Ok(true) {
                continue;
            }
            matched = true;
            let v = ea.verdict(x);
            match (&v.deciding, v.sent) {
                (Some(d), Some(true)) if d.exception && d.line > p.line().line => {
                    // Named by an exception below (the deciding one, or a later one the
                    // matcher skips once the path is re-included): re-included on purpose.
                    let named = set.patterns().iter().any(|q| {
                        q.exclusion() && q.line().line > p.line().line && q.matches(x) == Ok(true)
                    });
                    if !named && !*dir {
                        through_dir.push(x);
                        by.get_or_insert((d.line, d.text.clone()));
                    }
                }
                _ => {
                    undone = false;
                    break;
                }
            }
        }
        let (Some((l, t)), true, true) = (by, matched, undone) else {
            continue;
        };
        let orig = show(dockerignore::trim_space(&p.line().original));
        cx.add(
            "DI012",
            "medium",
            Some(p.line().line),
            format!(
                "`{orig}` keeps nothing out: line {l} `{t}` below it re-includes a directory \
                 above what it excludes, and in a .dockerignore (unlike a .gitignore) that sends \
                 everything inside it: {} file{} sent (e.g. {}); drop line {l} (an exception \
                 naming the files to keep, such as `.keep`, keeps their directory)",
                through_dir.len(),
                if through_dir.len() == 1 { "" } else { "s" },
                show(through_dir[0])
            ),
            String::new(),
        );
    }
}

/// DI006 and DI007: exceptions that cannot take effect.
fn exceptions(
    cx: &mut Ctx,
    set: &PatternSet,
    tree: &[(Vec<u8>, bool)],
    a: &Analysis,
    o: Option<&Analysis>,
) {
    let ea = Explainer::new(a);
    let eo = o.map(Explainer::new);
    let excludes_any = set
        .patterns()
        .iter()
        .any(|q| !q.exclusion() && q.line().line > 0);
    for p in set
        .patterns()
        .iter()
        .filter(|p| p.exclusion() && p.line().line > 0)
    {
        let paths: Vec<&Vec<u8>> = tree
            .iter()
            .filter(|(x, _)| p.matches(x) == Ok(true))
            .map(|(x, _)| x)
            .collect();
        if paths.is_empty() {
            continue;
        }
        let orig = show(dockerignore::trim_space(&p.line().original));
        // No line of the file excludes anything (an allowlist without its leading `*`): what
        // it matches is sent anyway, and the file keeps out nothing. (An exception above
        // unrelated exclusions is only redundant: the checks below judge it.)
        if !excludes_any {
            cx.add("DI006", "medium", Some(p.line().line), format!("`{orig}` has no effect: no line of the file excludes anything, so every path it re-includes is sent anyway; an allowlist starts with a `*` line"), String::new());
            continue;
        }
        // Order: every path it matches is decided by a later exclusion.
        let mut later = None;
        let mut all_overridden = true;
        for x in &paths {
            let v = ea.verdict(x);
            match (&v.deciding, v.sent) {
                (Some(d), Some(false))
                    if !d.exception
                        && d.line > p.line().line
                        && v.reason == Some(Reason::ExcludedBy) =>
                {
                    later.get_or_insert((d.line, d.text.clone()));
                }
                _ => {
                    all_overridden = false;
                    break;
                }
            }
        }
        if all_overridden {
            if let Some((l, t)) = later {
                cx.add("DI006", "medium", Some(p.line().line), format!("`{orig}` has no effect: line {l} `{}` below it excludes every path it re-includes; the last matching line wins", show(t.as_bytes())), String::new());
                continue;
            }
        }
        // Pruning, under each builder.
        for e in std::iter::once(&ea).chain(eo.iter()) {
            let blocked: Vec<(&Vec<u8>, crate::explain::Verdict)> = paths
                .iter()
                .map(|x| (*x, e.verdict(x)))
                .filter(|(_, v)| v.reason == Some(Reason::PrunedParent))
                .collect();
            if let Some((x, v)) = blocked.first() {
                let dir = v.pruned_at.clone().unwrap_or_default();
                let by = v
                    .pruned_by
                    .as_ref()
                    .map(|l| format!(" (line {} `{}`)", l.line, l.text))
                    .unwrap_or_default();
                cx.add(
                    "DI007",
                    "medium",
                    Some(p.line().line),
                    format!(
                        "`{orig}` cannot reach {} under {}: `{dir}/` is excluded{by} and never walked into, because no exception starts with `{dir}/`{}",
                        show(x),
                        if e.analysis.resolved.podman { "Podman/Buildah" } else { builder_name(e.analysis.builder) },
                        if blocked.len() > 1 { format!(" ({} paths affected)", blocked.len()) } else { String::new() }
                    ),
                    format!("!{}", show(x)),
                );
            }
        }
    }
}

/// DI008 and DI009: the Dockerfile or the ignore file excluded by the patterns.
fn self_excluded(cx: &mut Ctx, set: &PatternSet, a: &Analysis, o: Option<&Analysis>) {
    let r = cx.resolved;
    let classic = if a.builder == Builder::Classic {
        Some(a)
    } else {
        o
    };
    let sent_classic = |rel: &[u8]| -> Option<bool> {
        let c = classic?;
        let ex = Explainer::new(c);
        ex.verdict(rel).sent
    };
    if let Some(rel) = r.dockerfile_rel.clone() {
        if let Some((true, Some(i))) = decide(set, &rel) {
            let l = &set.patterns()[i].line();
            let lost = sent_classic(&rel) == Some(false);
            cx.add(
                "DI008",
                if lost { "medium" } else { "info" },
                Some(l.line),
                if lost {
                    format!("line {} `{}` excludes the Dockerfile {}, and the classic builder cannot add it back (its parent directory is excluded by a `**` pattern): the classic build fails", l.line, show(&l.original), show(&rel))
                } else {
                    format!("line {} `{}` excludes the Dockerfile {}: docker still reads it, but a `COPY . .` would leave it out of the image", l.line, show(&l.original), show(&rel))
                },
                // Only a lost Dockerfile needs the line; otherwise the build works and leaving the
                // Dockerfile out of `COPY . .` is usually the point of the pattern.
                if lost {
                    format!("!{}", show(&rel))
                } else {
                    String::new()
                },
            );
        }
    }
    let root_ignore = r.root.join(".dockerignore");
    if r.ignore_file.as_deref() == Some(root_ignore.as_path()) {
        if let Some((true, Some(i))) = decide(set, b".dockerignore") {
            let l = &set.patterns()[i].line();
            cx.add("DI009", "info", Some(l.line), format!("line {} `{}` excludes .dockerignore itself: BuildKit leaves it out, the classic builder sends it anyway", l.line, show(&l.original)), String::new());
        }
    }
}

/// DI011: one summary of the paths on which the builders disagree.
fn disagree(cx: &mut Ctx, a: &Analysis, o: &Analysis) {
    let sa: HashSet<Vec<u8>> = a.tree.sent().map(|i| a.tree.path(i)).collect();
    let so: HashSet<Vec<u8>> = o.tree.sent().map(|i| o.tree.path(i)).collect();
    let diff: BTreeSet<&Vec<u8>> = sa.symmetric_difference(&so).collect();
    if diff.is_empty() {
        return;
    }
    // Top-most paths only: a directory stands for what is below it when it differs too.
    // (An ancestor is looked up, not compared with the previous path: `a-b` sorts between `a`
    // and `a/b`.)
    let tops: Vec<&Vec<u8>> = diff
        .iter()
        .filter(|p| {
            !p.iter()
                .enumerate()
                .any(|(i, &b)| b == b'/' && diff.contains(&p[..i].to_vec()))
        })
        .copied()
        .collect();
    let podman = a.resolved.podman;
    let (kb, cl) = if a.builder == Builder::Buildkit && !podman {
        (&sa, &so)
    } else {
        (&so, &sa)
    };
    // Each place is named with the count of differing entries below it, so the places and
    // their counts add up to the total.
    let below = |t: &[u8]| {
        diff.iter()
            .filter(|p| p.len() > t.len() && p.starts_with(t) && p[t.len()] == b'/')
            .count()
    };
    let mut parts = Vec::new();
    for p in tops.iter().take(20) {
        let who = match (kb.contains(*p) && !cl.contains(*p), podman) {
            (true, false) => "BuildKit only",
            (false, false) => "classic only",
            (true, true) => "docker only",
            (false, true) => "Podman/Buildah only",
        };
        let n = below(p);
        parts.push(match n {
            0 => format!("{} ({who})", show(p)),
            _ => format!(
                "{}/ ({who}) and {n} entr{} below it",
                show(p),
                if n == 1 { "y" } else { "ies" }
            ),
        });
    }
    if tops.len() > 20 {
        let rest: usize = tops[20..].iter().map(|t| 1 + below(t)).sum();
        parts.push(format!(
            "and {rest} more entr{} in {} more place{}",
            if rest == 1 { "y" } else { "ies" },
            tops.len() - 20,
            if tops.len() - 20 == 1 { "" } else { "s" }
        ));
    }
    let _ = State::Sent;
    cx.findings.push(Finding {
        rule: "DI011".into(),
        category: "dockerignore".into(),
        severity: "info".into(),
        path: cx.file.clone(),
        files: diff.len() as u64,
        message: format!(
            "{} disagree on {} entr{}: {}",
            if podman {
                "Podman/Buildah and docker (BuildKit)"
            } else {
                "the classic builder and BuildKit"
            },
            diff.len(),
            if diff.len() == 1 { "y" } else { "ies" },
            parts.join(", ")
        ),
        ..Default::default()
    });
}

/// Human output: `FILE:LINE: ID severity: message`.
pub(crate) fn render_human(r: &LintReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use crate::render::escape_controls as esc;
    for f in &r.findings {
        let loc = match f.line {
            Some(l) => format!("{}:{l}", esc(&f.path)),
            None => esc(&f.path),
        };
        let name = crate::rules::lint_rules::rule(&f.rule)
            .map(|x| x.name)
            .unwrap_or("");
        writeln!(
            out,
            "{loc}: {} {} [{name}]: {}",
            f.severity,
            f.rule,
            esc(&f.message)
        )?;
        if !f.fix.is_empty() {
            writeln!(out, "  fix: {}", esc(&f.fix))?;
        }
    }
    for n in &r.notes {
        writeln!(out, "note: {}", esc(n))?;
    }
    let notes = r.findings.iter().filter(|f| f.severity == "info").count();
    if notes == r.findings.len() {
        let file = r.ignore_file.as_deref().unwrap_or("(no ignore file)");
        if notes == 0 {
            writeln!(out, "{file}: no problems found")?;
        } else {
            writeln!(
                out,
                "{file}: no problems that change what is sent ({notes} info finding{})",
                if notes == 1 { "" } else { "s" }
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
