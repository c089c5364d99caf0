//! The whole context (walked with no patterns) and what each served Dockerfile selects in it.

#[path = "linktargets.rs"]
mod linktargets;

use crate::dockerfile::{source_matches, ContextSource};
use crate::dockerignore::PatternSet;
use crate::transfer::node_paths;
use crate::tree::{Children, Kind, Tree, ROOT};

use super::targets::Target;

/// A source reduced to what selection needs.
#[derive(Debug, Clone)]
pub(crate) struct Sel {
    /// Cleaned path or wildcard pattern; `""` is the root.
    pub path: String,
    /// It has a wildcard.
    pub wildcard: bool,
    /// The literal directory before the first wildcard.
    pub prefix: String,
    /// `COPY --exclude` patterns.
    pub excludes: Option<std::sync::Arc<PatternSet>>,
    /// From an unresolved source: the literal directory it certainly lies in.
    pub broad: bool,
}

impl Sel {
    /// From a resolved source.
    pub(crate) fn from_source(s: &ContextSource) -> Sel {
        let excludes = (!s.excludes.is_empty())
            .then(|| {
                PatternSet::parse(s.excludes.join("\n").as_bytes())
                    .ok()
                    .map(std::sync::Arc::new)
            })
            .flatten();
        Sel {
            path: s.path.clone(),
            wildcard: s.has_wildcard,
            prefix: s.source_prefix().to_string(),
            excludes,
            broad: false,
        }
    }

    /// A whole directory kept for an unresolved source.
    pub(crate) fn dir(p: String) -> Sel {
        Sel {
            prefix: p.clone(),
            path: p,
            wildcard: false,
            excludes: None,
            broad: true,
        }
    }

    /// The target of a symlink source, which the build copies through the link.
    pub(crate) fn link_target(p: String) -> Sel {
        Sel {
            prefix: p.clone(),
            path: p,
            wildcard: false,
            excludes: None,
            broad: false,
        }
    }

    /// Selects `p` (the build may copy it).
    pub(crate) fn selects(&self, p: &str) -> bool {
        source_matches(&self.path, p)
    }

    /// Selected and not removed by `COPY --exclude` (patterns relative to the copied item).
    pub(crate) fn copies(&self, p: &str) -> bool {
        if !self.selects(p) {
            return false;
        }
        let Some(ex) = &self.excludes else {
            return true;
        };
        let Some(rel) = crate::dockerfile::excluded_rel(&self.path, self.wildcard, p) else {
            return true;
        };
        !ex.matches_or_parent_matches(rel.as_bytes())
            .unwrap_or(false)
    }

    /// The source points at `p` or inside it (not merely at an ancestor of `p`).
    pub(crate) fn names(&self, p: &str) -> bool {
        if self.path.is_empty() || self.broad {
            return false;
        }
        let within =
            |lit: &str| lit == p || (lit.starts_with(p) && lit[p.len()..].starts_with('/'));
        if !self.wildcard {
            return within(&self.path);
        }
        if within(&self.prefix) {
            return true;
        }
        source_matches(&self.path, p)
            && match p.rfind('/') {
                Some(k) => !source_matches(&self.path, &p[..k]),
                None => true,
            }
    }
}

/// One served Dockerfile's selections.
#[derive(Debug, Clone)]
pub(crate) struct Need {
    /// The sources.
    pub sels: Vec<Sel>,
    /// Some source is the whole context (or an unresolved one with no literal directory).
    pub whole: bool,
    /// Per node: copied into the image (selected, not `--exclude`d).
    pub copies: Vec<bool>,
}

/// The full tree and what the Dockerfiles select.
pub(crate) struct Model {
    /// The context root.
    pub tree_root: std::path::PathBuf,
    /// The tree (no patterns).
    pub tree: Tree,
    /// Node paths.
    pub paths: Vec<String>,
    /// Children by name.
    pub kids: Children,
    /// Selected by any source of any Dockerfile.
    pub selected: Vec<bool>,
    /// Named by a source (it points at the node or inside it).
    pub named: Vec<bool>,
    /// Per served Dockerfile.
    pub needs: Vec<Need>,
    /// Literal source paths (resolved, no wildcard), whether they exist or not.
    pub literals: Vec<String>,
    /// Glob sources (resolved).
    pub globs: Vec<String>,
    /// Sources kept for this build's variable values only, each variable replaced by `*`
    /// (`COPY .build/${OS}-${ARCH}/app` → `.build/*-*/app`): what a build with other values
    /// copies.
    pub value_globs: Vec<String>,
    /// What sources led by a variable name with this build's values
    /// (`authelia-linux-amd64/authelia` for `COPY authelia-${TARGETOS}-${TARGETARCH}/authelia`).
    pub lead_paths: Vec<String>,
    /// Every node path, for lookups.
    pub path_set: std::collections::HashSet<String>,
    /// What git tracks in the context, read the first time it is asked.
    git: std::sync::OnceLock<crate::findings::git::GitState>,
    /// The `.git` directories the user's current ignore file keeps out (esphome's `.git/`):
    /// suggest carries that line, so the copy holds no checkout ([`Model::note_user_file`]).
    git_kept_out: Vec<u32>,
}

/// The literal directory an unresolved source certainly lies in: the text before the first
/// variable, cut back to a whole directory without wildcards. `""` means anywhere.
pub(crate) fn broad_prefix(raw: &str) -> String {
    let before = raw.split('$').next().unwrap_or("");
    let before = before.trim_start_matches("./").trim_start_matches('/');
    let mut comps: Vec<&str> = before.split('/').collect();
    comps.pop();
    let mut out: Vec<&str> = Vec::new();
    for c in comps {
        if c.is_empty() || c == "." {
            continue;
        }
        if c == ".." || c.contains(['*', '?', '[', '\\']) {
            break;
        }
        out.push(c);
    }
    out.join("/")
}

/// For a source whose unset variables sit inside one path component after plain directories
/// (`./minio-${TARGETARCH}.${RELEASE}`, `src/app-${V}/bin`): that component with each variable
/// replaced by `*` (`minio-*.*`, `src/app-*`), which selects what the instruction copies whatever
/// the values (an unset ARG expands to nothing, which `*` matches too; a value holding `/` names
/// an entry below the matched directory). Sound as a keep line under both builders: the
/// directories above it are plain text (the classic builder's literal prefix test), and the
/// glob matches the entry itself, which then sends its subtree. `None` when a directory before
/// it is not plain, the component holds no literal text besides the variables (`${APP}` would
/// be `*`: every entry), or the text has escapes, quotes or `..`.
pub(crate) fn component_glob(raw: &str) -> Option<String> {
    if !raw.contains('$') || raw.contains(['\\', '`', '"', '\'', '[', ']']) {
        return None;
    }
    let t = raw.trim_start_matches("./").trim_start_matches('/');
    let mut dirs: Vec<&str> = Vec::new();
    for comp in t.split('/') {
        if comp.is_empty() || comp == "." {
            continue;
        }
        if !comp.contains('$') {
            if comp == ".." || comp.contains(['*', '?']) {
                return None;
            }
            dirs.push(comp);
            continue;
        }
        let g = any_value_component(comp)?;
        if !g.chars().any(|c| c != '*' && c != '?') {
            return None;
        }
        dirs.push(&g);
        let out = dirs.join("/");
        return crate::dockerignore::PatternSet::parse(format!("!{out}").as_bytes())
            .is_ok_and(|s| !s.patterns().iter().any(|p| p.is_broken()))
            .then_some(out);
    }
    None
}

/// Text (one path component, or a whole source) with each variable (`$V`, `${V}`, `${V:-x}`)
/// replaced by `*`.
fn any_value_component(comp: &str) -> Option<String> {
    let b = comp.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            let ch = comp[i..].chars().next()?;
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let end = if b.get(i + 1) == Some(&b'{') {
            i + 2 + comp[i + 2..].find('}')? + 1
        } else {
            let n = comp[i + 1..]
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                .count();
            if n == 0 {
                return None;
            }
            i + 1 + n
        };
        if !out.ends_with('*') {
            out.push('*');
        }
        i = end;
    }
    Some(out)
}

/// The selections of one Dockerfile, with warnings for unresolved sources.
pub(crate) fn sels_of(t: &Target, warnings: &mut Vec<String>) -> (Vec<Sel>, bool) {
    let mut sels = Vec::new();
    let mut whole = false;
    for s in &t.sources.items {
        if s.instruction.contains("tmpfs") {
            continue;
        }
        if s.unresolved {
            if let Some(g) = component_glob(&s.raw) {
                let w = format!(
                    "{}: {} {} (line {}) uses an ARG with no value: keeping `!{g}`, the component with each variable replaced by `*`, which sends what any value names under both builders (set it with --build-arg for a tighter file)",
                    t.rel, s.instruction, s.raw, s.line,
                );
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
                let mut sel = Sel::from_source(s);
                sel.prefix = broad_prefix(&s.raw);
                sel.path = g;
                sel.wildcard = true;
                sels.push(sel);
                continue;
            }
            let p = broad_prefix(&s.raw);
            let w = format!(
                "{}: {} {} (line {}) uses an ARG with no value: keeping {} (set it with --build-arg for a tighter file)",
                t.rel,
                s.instruction,
                s.raw,
                s.line,
                if p.is_empty() {
                    "every top-level entry there is today (one created before the build, such as the directory the ARG will name, stays out until you add a `!` line for it)".to_string()
                } else {
                    format!("{p}/ whole")
                }
            );
            // One source evaluated once per platform (minio's `${TARGETARCH}`) is said once.
            if !warnings.contains(&w) {
                warnings.push(w);
            }
            if p.is_empty() {
                whole = true;
            } else {
                sels.push(Sel::dir(p));
            }
            continue;
        }
        if s.path.is_empty() {
            whole = true;
        }
        sels.push(Sel::from_source(s));
        // The file keeps what this build's values name; node_exporter builds
        // `.build/${OS}-${ARCH}/…` once per ARCH with `--build-arg`: say which line serves them all.
        // A source whose variables the Dockerfile fixes (`ENV MIX_ENV=prod`) has no other values.
        if s.varies && any_value_glob(&s.raw).is_some_and(|g| g != s.path) {
            // Under the classic builder a wildcard exception reaches no directory it does not
            // name literally: the line that serves every value is the directory they vary in.
            let dir = broad_prefix(&s.raw);
            let head = format!("{}: {} {} (line {})", t.rel, s.instruction, s.raw, s.line);
            // One source evaluated once per platform is said once.
            if !warnings.iter().any(|w| w.starts_with(&head)) {
                warnings.push(format!(
                    "{head} is kept for this build's variable values only; a build with other values (--build-arg, --platform) fails with \"not found\" unless you add `!{dir}` (or run suggest with those values)"
                ));
            }
        } else if s.varies && s.raw.contains('$') && broad_prefix(&s.raw).is_empty() {
            // A variable before any literal directory (`ARG JAR_FILE=target/*.jar`, then `COPY
            // ${JAR_FILE} app.jar`, built with `--build-arg JAR_FILE=build/libs/*.jar` for
            // Gradle): no directory serves every value, and the file keeps this build's alone.
            let head = format!("{}: {} {} (line {})", t.rel, s.instruction, s.raw, s.line);
            if !warnings.iter().any(|w| w.starts_with(&head)) {
                warnings.push(format!(
                    "{head} is kept for this build's variable values only (`{}`); a variable comes first, so a build with other values (--build-arg, --platform) copies paths this file leaves out, and fails with \"not found\" unless you add a `!` line for them",
                    s.path
                ));
            }
        }
    }
    (sels, whole)
}

/// A source that uses variables after a literal directory, with each variable replaced by `*`
/// (`.build/${OS}-${ARCH}/app` → `.build/*-*/app`): what the instruction copies whatever
/// values the build is given. Only its existence matters to the caller: the file serves this
/// build, and a warning names the directory that serves every value. `None` without variables, with escapes or quotes, with `..`, or
/// when a variable comes before any literal directory (`${JAR_FILE}` would keep everything).
pub(crate) fn any_value_glob(raw: &str) -> Option<String> {
    if !raw.contains('$') || raw.contains(['\\', '`', '"', '\'']) || broad_prefix(raw).is_empty() {
        return None;
    }
    let out = any_value_component(raw)?;
    let out = out.trim_start_matches("./").trim_start_matches('/');
    let out = out.trim_end_matches('/');
    if out.split('/').any(|c| c == "..") {
        return None;
    }
    (!out.is_empty()).then(|| out.to_string())
}

impl Model {
    /// Builds the model over `tree` for the served Dockerfiles.
    pub(crate) fn new(
        root: &std::path::Path,
        tree: Tree,
        targets: &[Target],
        warnings: &mut Vec<String>,
    ) -> Model {
        let paths = node_paths(&tree);
        let n = tree.nodes.len();
        let kids = tree.children_by_name();
        let mut selected = vec![false; n];
        let mut named = vec![false; n];
        let mut needs = Vec::new();
        let mut literals = Vec::new();
        let mut globs = Vec::new();
        let mut value_globs = Vec::new();
        let mut lead_paths = Vec::new();
        let walked: std::collections::HashSet<&str> = paths.iter().map(String::as_str).collect();
        for t in targets {
            // Sources led by a variable, resolved: what they name with this build's values.
            lead_paths.extend(
                t.sources
                    .items
                    .iter()
                    .filter(|s| s.varies && !s.unresolved && s.raw.contains('$'))
                    .filter(|s| broad_prefix(&s.raw).is_empty() && !s.path.is_empty())
                    .map(|s| s.path.clone()),
            );
            let (mut sels, whole) = sels_of(t, warnings);
            if !whole {
                let more = linktargets::link_sels(root, &sels, &walked);
                sels.extend(more);
            }
            value_globs.extend(
                t.sources
                    .items
                    .iter()
                    .filter(|s| s.varies && !s.unresolved)
                    .filter_map(|s| any_value_glob(&s.raw).filter(|g| *g != s.path)),
            );
            let mut copies = vec![false; n];
            for s in &sels {
                if s.broad || s.path.is_empty() {
                    if !s.path.is_empty() {
                        literals.push(s.path.clone());
                    }
                } else if s.wildcard {
                    globs.push(s.path.clone());
                } else {
                    literals.push(s.path.clone());
                }
            }
            for (i, p) in paths.iter().enumerate() {
                let mut c = whole;
                for s in &sels {
                    if s.selects(p) {
                        selected[i] = true;
                        if s.copies(p) {
                            c = true;
                        }
                    }
                    if s.names(p) {
                        named[i] = true;
                    }
                }
                if whole {
                    selected[i] = true;
                }
                copies[i] = c;
            }
            needs.push(Need {
                sels,
                whole,
                copies,
            });
        }
        literals.sort();
        literals.dedup();
        globs.sort();
        globs.dedup();
        value_globs.sort();
        value_globs.dedup();
        lead_paths.sort();
        lead_paths.dedup();
        let path_set = paths.iter().cloned().collect();
        Model {
            path_set,
            tree_root: root.to_path_buf(),
            tree,
            paths,
            kids,
            selected,
            named,
            needs,
            literals,
            globs,
            value_globs,
            lead_paths,
            git: std::sync::OnceLock::new(),
            git_kept_out: Vec::new(),
        }
    }

    /// Whether git tracks `p` or a file below it (the index read once, on the first call).
    pub(crate) fn tracked_below(&self, p: &str) -> bool {
        self.git
            .get_or_init(|| crate::findings::git::load(&self.tree_root))
            .tracked()
            .is_some_and(|t| t.has_below(p.as_bytes()))
    }

    /// Notes what the user's current ignore file `user` keeps out that the model reads: the
    /// `.git` directories ([`Model::copies_own_git`]).
    pub(crate) fn note_user_file(&mut self, user: &PatternSet) {
        self.git_kept_out = (0..self.paths.len() as u32)
            .filter(|&i| {
                self.tree.name(i) == b".git" && user.trace(self.paths[i as usize].as_bytes()).0
            })
            .collect();
    }

    /// Whether a Dockerfile that copies node `i` also copies the `.git` of the checkout `i` is
    /// in (the nearest `.git` among its ancestors' children, in the context): only then does git
    /// in the image see the copy as a checkout, which a missing tracked file leaves dirty. A
    /// `.git` left out of the copy, or outside the context, makes no checkout of the copy, nor
    /// does one the user's current ignore file keeps out (a line suggest carries).
    pub(crate) fn copies_own_git(&self, i: u32) -> bool {
        let mut d = self.tree.nodes[i as usize].parent;
        loop {
            let kids = if d == crate::tree::ROOT {
                self.top()
            } else {
                self.kids.of(d)
            };
            if let Some(&g) = kids.iter().find(|&&c| self.tree.name(c) == b".git") {
                return !self.git_kept_out.contains(&g)
                    && self
                        .needs
                        .iter()
                        .any(|n| n.copies[i as usize] && n.copies[g as usize]);
            }
            if d == crate::tree::ROOT {
                return false;
            }
            d = self.tree.nodes[d as usize].parent;
        }
    }

    /// The walk listed `p`.
    pub(crate) fn has(&self, p: &str) -> bool {
        self.path_set.contains(p)
    }

    /// A directory.
    pub(crate) fn is_dir(&self, i: u32) -> bool {
        self.tree.nodes[i as usize].kind == Kind::Dir
    }

    /// Some Dockerfile copies the whole context.
    pub(crate) fn whole(&self) -> bool {
        self.needs.iter().any(|n| n.whole)
    }

    /// Top-level entries.
    pub(crate) fn top(&self) -> &[u32] {
        self.kids.of(ROOT)
    }

    /// Total size of regular files at or below `i`.
    pub(crate) fn size_below(&self, i: u32) -> (u64, u64) {
        let mut stack = vec![i];
        let (mut files, mut bytes) = (0, 0);
        while let Some(j) = stack.pop() {
            let node = &self.tree.nodes[j as usize];
            if node.kind == Kind::File {
                files += 1;
                bytes += node.size;
            }
            stack.extend(self.kids.of(j).iter().copied());
        }
        (files, bytes)
    }
}
