//! When the walk goes into an excluded directory: each builder's pruning rule (R20, B4).

/// How to prune excluded directories.
#[derive(Clone, Debug)]
pub(crate) enum Prune {
    /// Classic (R20): no exceptions → prune; else walk in only when an exception's text starts
    /// with `dir/` literally.
    Classic {
        /// Whether any exception exists.
        has_exclusions: bool,
        /// Each exception's cleaned text followed by `/`.
        prefixes: Vec<Vec<u8>>,
    },
    /// Buildah (`copier/copier.go` `copierHandlerGet`): no exceptions → prune; else walk in
    /// when an exception's cleaned text followed by `/` starts with the directory's path (no
    /// `/` required after it: `sub` is entered for `!subway/x`). An empty prefix is podman-remote's
    /// rule: walk into every excluded directory when an exception exists.
    Buildah {
        /// Whether any exception exists.
        has_exclusions: bool,
        /// Each exception's cleaned text followed by `/`.
        prefixes: Vec<Vec<u8>>,
    },
    /// BuildKit (B4): prune only when every exception is prefix-only.
    Buildkit {
        /// `None` when some exception has a wildcard (BuildKit never prunes).
        prefixes: Option<Vec<Vec<u8>>>,
        /// Whether any exception exists.
        has_exclusions: bool,
        /// When BuildKit does not prune: the literal leading components of every exception
        /// (`src` for `!src/**/build/`), or `None` when one can match anywhere. BuildKit walks
        /// every excluded directory then, but one that is neither above nor below any of these
        /// holds nothing an exception can re-include, so ctxsize only sizes it: same entries,
        /// same totals, without matching every path below `node_modules/`.
        reach: Option<Vec<Vec<u8>>>,
    },
}

/// `a` lies below the directory `b`.
fn below(a: &[u8], b: &[u8]) -> bool {
    a.len() > b.len() && a.starts_with(b) && a[b.len()] == b'/'
}

impl Prune {
    /// Whether the walk goes into the excluded directory `dir` (its context-relative path) to
    /// look for entries an exception re-includes; otherwise the directory is only sized.
    pub(crate) fn walks_into(&self, dir: &[u8]) -> bool {
        let starts = |prefixes: &Vec<Vec<u8>>| prefixes.iter().any(|p| below(p, dir));
        match self {
            Prune::Classic {
                has_exclusions,
                prefixes,
            } => *has_exclusions && starts(prefixes),
            Prune::Buildah {
                has_exclusions,
                prefixes,
            } => *has_exclusions && prefixes.iter().any(|p| p.is_empty() || p.starts_with(dir)),
            Prune::Buildkit {
                prefixes,
                has_exclusions,
                reach,
            } => match (prefixes, reach) {
                (Some(p), _) => *has_exclusions && starts(p),
                (None, None) => true,
                // `dir` is, contains or lies below an exception's literal part.
                (None, Some(r)) => r
                    .iter()
                    .any(|p| p.as_slice() == dir || below(p, dir) || below(dir, p)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(xs: &[&str]) -> Vec<Vec<u8>> {
        xs.iter().map(|x| x.as_bytes().to_vec()).collect()
    }

    #[test]
    fn classic_walks_in_only_toward_a_literal_exception() {
        let p = Prune::Classic {
            has_exclusions: true,
            prefixes: v(&["a/b/keep/"]),
        };
        assert!(p.walks_into(b"a"));
        assert!(p.walks_into(b"a/b"));
        assert!(p.walks_into(b"a/b/keep"));
        assert!(!p.walks_into(b"ab"));
        assert!(!p.walks_into(b"a/c"));
        let none = Prune::Classic {
            has_exclusions: false,
            prefixes: v(&["a/"]),
        };
        assert!(!none.walks_into(b"a"));
    }

    // containers/buildah copier/copier.go copierHandlerGet: `strings.HasPrefix(spec+"/", dir)`;
    // buildah bud 1.28.2 re-includes `sub/keep.txt` for `sub`, `!subway/x`, `!**/keep.txt`
    // (docs/podman.md).
    #[test]
    fn buildah_walks_in_when_an_exception_starts_with_the_path() {
        let p = Prune::Buildah {
            has_exclusions: true,
            prefixes: v(&["subway/x/", "a/b/keep/"]),
        };
        assert!(p.walks_into(b"sub"));
        assert!(p.walks_into(b"subway"));
        assert!(p.walks_into(b"a/b"));
        assert!(!p.walks_into(b"a/c"));
        assert!(!p.walks_into(b"x"));
        let none = Prune::Buildah {
            has_exclusions: false,
            prefixes: v(&["a/"]),
        };
        assert!(!none.walks_into(b"a"));
        // podman-remote's nTar never skips a directory (pkg/bindings/images/build.go).
        let remote = Prune::Buildah {
            has_exclusions: true,
            prefixes: vec![Vec::new()],
        };
        assert!(remote.walks_into(b"node_modules/x"));
    }

    #[test]
    fn buildkit_prunes_by_prefix_or_walks_everything_or_by_reach() {
        let prefix = Prune::Buildkit {
            prefixes: Some(v(&["x/y/"])),
            has_exclusions: true,
            reach: None,
        };
        assert!(prefix.walks_into(b"x"));
        assert!(!prefix.walks_into(b"z"));
        let all = Prune::Buildkit {
            prefixes: None,
            has_exclusions: true,
            reach: None,
        };
        assert!(all.walks_into(b"node_modules"));
        let reach = Prune::Buildkit {
            prefixes: None,
            has_exclusions: true,
            reach: Some(v(&["src"])),
        };
        assert!(reach.walks_into(b"src"));
        assert!(reach.walks_into(b"src/a/build"));
        assert!(!reach.walks_into(b"node_modules"));
        assert!(!reach.walks_into(b"srcx"));
        let deep = Prune::Buildkit {
            prefixes: None,
            has_exclusions: true,
            reach: Some(v(&["a/b"])),
        };
        assert!(deep.walks_into(b"a"));
        assert!(!deep.walks_into(b"b"));
    }
}
