//! [`RuleSet`]: the precompiled name/path/size rules.

use std::cell::RefCell;
use std::cmp::Reverse;

use super::catalog::{Detector, Target, RULES};
use super::names::NameSet;
use super::{Category, EntryRef, Hit, Kind, RuleConfig, Severity, LARGE_FILE_RULE};

/// Most name rules one entry can match at once; more are dropped (never
/// reached with the built-in catalog).
const MAX_RULES_PER_ENTRY: usize = 16;

/// Files never worth a content scan: binary formats, lockfiles (integrity
/// hashes look like tokens), minified bundles and source maps.
pub(super) const NO_SCAN: &[&str] = &[
    // images, fonts, documents
    "**/*.{png,jpg,jpeg,gif,bmp,ico,icns,webp,tif,tiff,avif,heic,heif,psd,psb,xcf,sketch,fig,blend}",
    "**/*.{woff,woff2,ttf,otf,eot,ttc}",
    "**/*.{pdf,doc,docx,xls,xlsx,ppt,pptx,odt,ods,odp}",
    // archives and packages
    "**/*.{zip,gz,tgz,bz2,xz,zst,lz4,br,7z,rar,tar,jar,war,ear,whl,egg,apk,ipa,aar,nupkg,gem,crate,deb,rpm,msi,dmg,iso,img}",
    // compiled code
    "**/*.{exe,dll,so,dylib,a,o,obj,lib,class,pyc,pyo,wasm,node,bin,pdb}",
    // media
    "**/*.{mp3,mp4,m4a,m4v,mov,avi,mkv,webm,wav,flac,ogg,oga,opus,aac,wmv,flv,mpg,mpeg}",
    // binary data, keystores, captures, model weights
    "**/*.{sqlite,sqlite3,db,mdb,kdb,kdbx,p12,pfx,jks,keystore,bks,der,pcap,pcapng,hprof}",
    "**/*.{parquet,avro,arrow,npy,npz,pkl,pickle,pt,pth,onnx,h5,hdf5,safetensors,ckpt,tflite}",
    // lockfiles
    "**/*.lock", "**/*.lockb", "**/*-lock.json", "**/*-lock.yaml", "**/*.lockfile",
    "**/npm-shrinkwrap.json", "**/go.sum", "**/go.work.sum", "**/packages.lock.json",
    "**/Package.resolved", "**/.terraform.lock.hcl",
    // minified bundles and source maps
    "**/*.min.{js,mjs,cjs,css}", "**/*.map", "**/*.bundle.js", "**/*.chunk.{js,css}",
    // installed package metadata
    "**/*.dist-info/**",
];

thread_local! {
    /// Reused match-id buffer, so `classify` does not allocate per call.
    static SCRATCH: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    /// Reused buffer for the lowercased path.
    static LOWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// What kind of flagged directory an entry sits beneath. Ordered by precedence: an entry
/// beneath both a `test-data` and a `dependencies` directory is [`Nest::Opaque`].
///
/// A tree walker passes the nest of a directory's entries down with
/// `RuleSet::nest_below` instead of looking at every ancestor of every path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Nest {
    /// Not beneath any flagged directory.
    #[default]
    Top,
    /// Beneath some other flagged directory: keep secrets only.
    Other,
    /// Beneath a test-data directory: keep secrets, at low severity.
    TestData,
    /// Beneath a `vcs` or `dependencies` directory: no name hits.
    Opaque,
}

fn nest_of(category: Category) -> Nest {
    match category {
        Category::Vcs | Category::Dependencies => Nest::Opaque,
        Category::TestData => Nest::TestData,
        _ => Nest::Other,
    }
}

/// A name set plus, per glob, the index into [`RULES`] it stands for.
#[derive(Debug)]
struct Indexed {
    set: NameSet,
    map: Vec<u16>,
}

impl Indexed {
    fn build(globs: Vec<(&'static str, u16)>) -> Indexed {
        let (pats, map): (Vec<&str>, Vec<u16>) = globs.into_iter().unzip();
        Indexed {
            set: NameSet::new(&pats).unwrap_or_else(|e| panic!("built-in glob: {e}")),
            map,
        }
    }
}

/// The ASCII-lowercased path in a reused thread-local buffer (the name sets are
/// case-insensitive by matching lowercased paths against lowercased globs).
fn with_lower<R>(path: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    LOWER.with(|buf| {
        let mut b = buf.borrow_mut();
        b.clear();
        b.extend(path.iter().map(u8::to_ascii_lowercase));
        f(&b[..])
    })
}

/// The name/path/size rules, compiled once. Cheap to share: `RuleSet` is
/// `Send + Sync`, and [`RuleSet::classify`] takes `&self`.
#[derive(Debug)]
pub struct RuleSet {
    cfg: RuleConfig,
    /// Globs of rules that apply to files.
    files: Indexed,
    /// Globs of rules that apply to directories.
    dirs: Indexed,
    /// `except` globs, by rule.
    except: Indexed,
    no_scan: NameSet,
    large: u16,
}

impl RuleSet {
    /// The built-in catalog with the default configuration, compiled once per process (for
    /// name questions outside the report: `suggest`'s notes, `lint`, the churn view).
    pub(crate) fn default_set() -> &'static RuleSet {
        static SET: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        SET.get_or_init(|| RuleSet::new(&RuleConfig::default()))
    }

    /// Compiles the built-in catalog. Panics only if the built-in catalog is
    /// broken, which the unit tests rule out.
    pub fn new(cfg: &RuleConfig) -> RuleSet {
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        let mut except = Vec::new();
        let mut large = None;
        for (i, r) in RULES.iter().enumerate() {
            let i = u16::try_from(i).expect("fewer than 65536 rules");
            match r.detector {
                Detector::Name {
                    target,
                    globs,
                    except: ex,
                } => {
                    for &g in globs {
                        if matches!(target, Target::File | Target::Any) {
                            files.push((g, i));
                        }
                        if matches!(target, Target::Dir | Target::Any) {
                            dirs.push((g, i));
                        }
                    }
                    except.extend(ex.iter().map(|&g| (g, i)));
                }
                Detector::Size => large = Some(i),
                Detector::Content { .. } | Detector::Gitignore => {}
            }
        }
        RuleSet {
            cfg: *cfg,
            files: Indexed::build(files),
            dirs: Indexed::build(dirs),
            except: Indexed::build(except),
            no_scan: NameSet::new(NO_SCAN).expect("built-in globs compile"),
            large: large.expect("the catalog has a size rule"),
        }
    }

    /// The single most important hit for `e`, if any: a secret beats
    /// everything, then higher severity, then the earlier rule in
    /// `super::RULES`.
    ///
    /// Allocation-free (thread-local buffers hold the lowercased path and glob
    /// match ids).
    pub fn classify(&self, e: &EntryRef<'_>) -> Option<Hit> {
        with_lower(e.path, |p| self.best(e, p, self.nest(p)))
    }

    /// Whether a directory above `path` is an installed dependency tree (`node_modules/`,
    /// `vendor/`, …): what lies there belongs to another project (a vendored package's own
    /// `.dockerignore`, for one).
    pub(crate) fn in_dependency_tree(&self, path: &[u8]) -> bool {
        path.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'/')
            .any(|(i, _)| {
                let dir = EntryRef {
                    path: &path[..i],
                    kind: Kind::Dir,
                    size: 0,
                };
                self.classify(&dir)
                    .is_some_and(|h| h.category == Category::Dependencies)
            })
    }

    /// [`RuleSet::classify`] and `RuleSet::wants_content` in one pass, for an entry whose
    /// nest is known (from `RuleSet::nest_below` of its directory).
    pub fn check(&self, e: &EntryRef<'_>, nest: Nest) -> (Option<Hit>, bool) {
        with_lower(e.path, |p| {
            (self.best(e, p, nest), self.content_ok(e, p, nest))
        })
    }

    /// The nest of the entries directly inside the directory `dir` (a path
    /// relative to the context root), given the nest of `dir` itself: raised by
    /// any directory rule `dir` matches (its `except` globs do not count).
    pub(crate) fn nest_below(&self, dir: &[u8], nest: Nest) -> Nest {
        if nest == Nest::Opaque {
            return nest;
        }
        with_lower(dir, |p| self.dir_nest(p, nest))
    }

    fn dir_nest(&self, lower_dir: &[u8], nest: Nest) -> Nest {
        SCRATCH.with(|scratch| {
            let mut m = scratch.borrow_mut();
            m.clear();
            self.dirs.set.matches_into(lower_dir, &mut m);
            m.iter().fold(nest, |n, &g| {
                n.max(nest_of(
                    RULES[usize::from(self.dirs.map[g as usize])].category,
                ))
            })
        })
    }

    /// What kind of flagged directory (if any) the lowercased `path` is beneath: the
    /// directory rules over each of its ancestors.
    fn nest(&self, path: &[u8]) -> Nest {
        let mut nest = Nest::Top;
        for (k, _) in path.iter().enumerate().filter(|(_, &b)| b == b'/') {
            nest = self.dir_nest(&path[..k], nest);
            if nest == Nest::Opaque {
                break;
            }
        }
        nest
    }

    fn best(&self, e: &EntryRef<'_>, lower: &[u8], nest: Nest) -> Option<Hit> {
        let mut best: Option<(RankKey, Hit)> = None;
        self.for_each_hit(e, lower, nest, |idx, hit| {
            let key = rank(idx, &hit);
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, hit));
            }
        });
        best.map(|(_, h)| h)
    }

    /// Every hit for `e`, most important first, appended to `out`.
    #[cfg(test)]
    pub(crate) fn classify_all(&self, e: &EntryRef<'_>, out: &mut Vec<Hit>) {
        let mut keyed: Vec<(RankKey, Hit)> = Vec::new();
        with_lower(e.path, |p| {
            self.for_each_hit(e, p, self.nest(p), |idx, hit| {
                keyed.push((rank(idx, &hit), hit))
            });
        });
        keyed.sort_by_key(|&(k, _)| Reverse(k));
        out.extend(keyed.into_iter().map(|(_, h)| h));
    }

    /// Should the engine read this file and pass it to [`super::scan_content`]?
    ///
    /// True for regular, non-empty files up to `content_max` bytes that are
    /// not binary by extension, not lockfiles or minified bundles, and not
    /// beneath a `vcs`/`dependencies` directory.
    #[cfg(test)]
    pub(crate) fn wants_content(&self, e: &EntryRef<'_>) -> bool {
        with_lower(e.path, |p| self.content_ok(e, p, self.nest(p)))
    }

    fn content_ok(&self, e: &EntryRef<'_>, lower: &[u8], nest: Nest) -> bool {
        e.kind == Kind::File
            && e.size > 0
            && e.size <= self.cfg.content_max
            && nest != Nest::Opaque
            && !self.no_scan.is_match(lower)
    }

    /// Calls `f(rule_index, hit)` for every rule that fires on `e`.
    fn for_each_hit(
        &self,
        e: &EntryRef<'_>,
        lower: &[u8],
        nest: Nest,
        mut f: impl FnMut(u16, Hit),
    ) {
        let is_dir = match e.kind {
            Kind::File => false,
            Kind::Dir => true,
            Kind::Symlink | Kind::Other => return,
        };
        let mut rules = [0u16; MAX_RULES_PER_ENTRY];
        let n = if nest == Nest::Opaque {
            0 // beneath .git/ or node_modules/: only large-file below
        } else {
            self.matching_rules(lower, is_dir, &mut rules)
        };
        for &r in &rules[..n] {
            let rule = &RULES[usize::from(r)];
            let secret = rule.category == Category::Secret;
            let severity = match nest {
                Nest::Top => rule.severity,
                Nest::TestData if secret => rule.severity.min(Severity::Low),
                Nest::Other if secret => rule.severity,
                _ => continue,
            };
            f(
                r,
                Hit {
                    rule: rule.id,
                    category: rule.category,
                    severity,
                    covers_subtree: is_dir,
                },
            );
        }
        let t = self.cfg.large_file_threshold;
        if !is_dir && t > 0 && e.size > t {
            let rule = &RULES[usize::from(self.large)];
            debug_assert_eq!(rule.id, LARGE_FILE_RULE);
            f(
                self.large,
                Hit {
                    rule: rule.id,
                    category: rule.category,
                    severity: rule.severity,
                    covers_subtree: false,
                },
            );
        }
    }

    /// Fills `rules` with the indices of the name rules whose globs match
    /// (and whose `except` globs do not); returns how many.
    fn matching_rules(
        &self,
        lower: &[u8],
        is_dir: bool,
        rules: &mut [u16; MAX_RULES_PER_ENTRY],
    ) -> usize {
        let mut n = 0;
        SCRATCH.with(|scratch| {
            let mut m = scratch.borrow_mut();
            m.clear();
            let set = if is_dir { &self.dirs } else { &self.files };
            set.set.matches_into(lower, &mut m);
            for &g in m.iter() {
                let r = set.map[g as usize];
                if n < rules.len() && !rules[..n].contains(&r) {
                    rules[n] = r;
                    n += 1;
                }
            }
            if n > 0 && rules[..n].iter().any(|&r| self.has_except(r)) {
                m.clear();
                self.except.set.matches_into(lower, &mut m);
                let except = &self.except.map;
                let mut kept = 0;
                for i in 0..n {
                    let r = rules[i];
                    if !m.iter().any(|&g| except[g as usize] == r) {
                        rules[kept] = r;
                        kept += 1;
                    }
                }
                n = kept;
            }
        });
        n
    }

    fn has_except(&self, rule: u16) -> bool {
        matches!(RULES[usize::from(rule)].detector, Detector::Name { except, .. } if !except.is_empty())
    }
}

/// Ordering key: secrets first, then severity, then catalog order.
type RankKey = (bool, Severity, Reverse<u16>);

fn rank(idx: u16, h: &Hit) -> RankKey {
    (h.category == Category::Secret, h.severity, Reverse(idx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str) -> EntryRef<'_> {
        EntryRef {
            path: p.as_bytes(),
            kind: Kind::File,
            size: 10,
        }
    }

    #[test]
    fn rule_set_is_send_sync() {
        fn assert_sync<T: Send + Sync>() {}
        assert_sync::<RuleSet>();
    }

    #[test]
    fn classify_all_orders_best_first() {
        let rs = RuleSet::new(&RuleConfig::default());
        let mut out = Vec::new();
        rs.classify_all(&file("certs/server-key.pem"), &mut out);
        let ids: Vec<_> = out.iter().map(|h| h.rule).collect();
        assert_eq!(ids, ["CTX103", "CTX104"]);
        assert_eq!(
            rs.classify(&file("certs/server-key.pem")).unwrap().rule,
            "CTX103"
        );
    }

    #[test]
    fn large_file_vs_name_rules() {
        let rs = RuleSet::new(&RuleConfig {
            large_file_threshold: 100,
            content_max: 10,
        });
        let big = |p: &'static str| EntryRef {
            path: p.as_bytes(),
            kind: Kind::File,
            size: 101,
        };
        // A big archive: large-file (medium) beats media-archive (low).
        assert_eq!(rs.classify(&big("backup.tar.gz")).unwrap().rule, "CTX800");
        // A big .env: secret beats everything.
        assert_eq!(rs.classify(&big(".env")).unwrap().rule, "CTX101");
        // Exactly at the threshold: not large.
        let at = EntryRef {
            path: b"a.bin",
            kind: Kind::File,
            size: 100,
        };
        assert_eq!(rs.classify(&at), None);
        // Large files beneath node_modules are still reported.
        assert_eq!(
            rs.classify(&big("node_modules/electron/dist/electron"))
                .unwrap()
                .rule,
            "CTX800"
        );
        // Threshold 0 disables.
        let off = RuleSet::new(&RuleConfig {
            large_file_threshold: 0,
            content_max: 10,
        });
        assert_eq!(off.classify(&big("a.bin")), None);
    }

    #[test]
    fn wants_content_limits() {
        let rs = RuleSet::new(&RuleConfig {
            large_file_threshold: 0,
            content_max: 100,
        });
        let f = |p: &'static str, size| EntryRef {
            path: p.as_bytes(),
            kind: Kind::File,
            size,
        };
        assert!(rs.wants_content(&f(".env", 10)));
        assert!(rs.wants_content(&f("config/settings.json", 100)));
        assert!(!rs.wants_content(&f("config/settings.json", 101)));
        assert!(!rs.wants_content(&f("empty.txt", 0)));
        for p in [
            "package-lock.json",
            "web/yarn.lock",
            "Cargo.lock",
            "go.sum",
            "pnpm-lock.yaml",
            "poetry.lock",
            "Gemfile.lock",
            "static/app.min.js",
            "static/app.js.map",
            "img/logo.PNG",
            "fonts/a.woff2",
            "bin/tool.exe",
            "lib/x.so",
            "keys/a.p12",
            "node_modules/x/index.js",
            "vendor/github.com/x/y.go",
            ".git/config",
            ".venv/lib/python3.12/site-packages/x.py",
        ] {
            assert!(!rs.wants_content(&f(p, 10)), "{p}");
        }
        let d = EntryRef {
            path: b"src",
            kind: Kind::Dir,
            size: 0,
        };
        assert!(!rs.wants_content(&d));
        let l = EntryRef {
            path: b".env",
            kind: Kind::Symlink,
            size: 10,
        };
        assert!(!rs.wants_content(&l));
    }
}
