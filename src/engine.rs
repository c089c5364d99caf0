//! Which tool runs the build: docker (with either builder), or Podman/Buildah (`podman build`,
//! `buildah bud`), which read the same kind of ignore file but choose the files otherwise and
//! match with a different library.
//!
//! What Buildah does, from its source (containers/buildah `5b1b18e`, vendoring
//! containers/storage v1.63.0 and openshift/imagebuilder v1.2.21), checked where noted against
//! a real `buildah bud` 1.28.2 (`docs/podman.md` has the cases and the commands):
//! - **Containerfile** (`pkg/util/util.go` `DiscoverContainerfile`): without `-f`,
//!   `<context>/Containerfile`, else `<context>/Dockerfile`; no lowercase `dockerfile`.
//! - **Ignore file** (`pkg/parse/parse.go` `ContainerIgnoreFile`, called by
//!   `imagebuildah/executor.go` `newExecutor`): `--ignorefile FILE` if given; else, for each
//!   Containerfile, `<Containerfile>.dockerignore` if it exists, else
//!   `<Containerfile>.containerignore` (the later check overwrites the earlier one, so the
//!   `.dockerignore` one wins when both exist); else `<context>/.containerignore`, else
//!   `<context>/.dockerignore`.
//! - **Matching** (`copier/copier.go` `pathIsExcluded` and `copierHandlerGet`, `add.go`
//!   `Add`): storage's `fileutils.PatternMatcher.Matches`, which tries every pattern against
//!   the whole path with `(/.*)?$` appended (a pattern covers its subtree: docker's
//!   `MatchesOrParentMatches`), the last match winning; no force-inclusion of the Containerfile
//!   or the ignore file. An excluded directory is entered only when some exception's text
//!   starts with the directory's path; it is not itself copied.
//!
//! ctxsize models this with the classic builder's walk (every file not excluded; excluded
//! directories never written) changed where Buildah differs: no force-inclusion, no
//! pre-flight validation, ancestor matching by rule (a), Buildah's pruning test, and the
//! lines read as Buildah reads them (`read_buildah`). One difference is not reproduced:
//! Buildah passes `+ ( )` to Go's regexp unescaped where docker escapes them;
//! `dialect_notes` names such lines (and every other line the two engines read
//! differently). (`| { }` reach the regexp unescaped in both: patternmatcher's escape table
//! loses every byte above 63.)

use std::path::{Path, PathBuf};

/// The tool whose rules apply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Engine {
    /// `docker build` / `docker buildx build` (BuildKit or the classic builder: `--builder`).
    #[default]
    Docker,
    /// `podman build` / `buildah bud`.
    Podman {
        /// `--ignorefile FILE`, relative to the current directory.
        ignorefile: Option<PathBuf>,
        /// podman-remote (`podman --remote`, Podman on macOS and Windows): the client tars the
        /// context and uploads it (containers/podman `pkg/bindings/images/build.go`).
        remote: bool,
    },
}

impl Engine {
    /// Whether this is podman-remote.
    pub(crate) fn is_remote(&self) -> bool {
        matches!(self, Engine::Podman { remote: true, .. })
    }

    /// Whether this is Podman/Buildah.
    pub fn is_podman(&self) -> bool {
        matches!(self, Engine::Podman { .. })
    }
}

/// The ignore file's patterns as Buildah reads them, in the form the docker matcher then
/// matches as Buildah does (openshift/imagebuilder `ParseIgnoreReader`, containers/storage
/// `NewPatternMatcher` and `Pattern.compile`):
/// - lines split on `\n` only, no length limit; a line whose first byte is `#` is a comment;
/// - `strings.Trim(line, "/")` first, then `TrimSpace`, then `filepath.Clean`: a `/` after
///   leading whitespace stays, so the pattern is absolute and matches nothing;
/// - after `!`, `Clean` and one leading `/` removed but no second `TrimSpace` (`! d` is the
///   name ` d`);
/// - a BOM at the start of any pattern is skipped (Go's `text/scanner` drops it when the
///   regex is built);
/// - `**` followed by a literal not starting with `/` compiles to `(.*/)?` + the literal, which
///   is docker's `**/` + the literal (docker's suffix match would cover `x.log` for `**.log`).
pub(crate) fn read_buildah(text: &[u8]) -> Vec<dockerignore::RawLine> {
    use dockerignore::{clean, trim_space};
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let mut out = Vec::new();
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let mut a = 0;
        let mut b = line.len();
        while a < b && line[a] == b'/' {
            a += 1;
        }
        while b > a && line[b - 1] == b'/' {
            b -= 1;
        }
        let p = trim_space(&line[a..b]);
        if p.is_empty() {
            continue;
        }
        let p = clean(p);
        let original = {
            let mut o = line.to_vec();
            if o.last() == Some(&b'\r') {
                o.pop();
            }
            o
        };
        let (bang, body) = match p.strip_prefix(b"!") {
            Some(rest) if !rest.is_empty() => {
                let c = clean(rest);
                let c = c.strip_prefix(b"/").map(<[u8]>::to_vec).unwrap_or(c);
                (true, c)
            }
            // A bare `!`: the same error as docker's, from the docker parser.
            _ => (false, p),
        };
        let body = body.strip_prefix(BOM).map(<[u8]>::to_vec).unwrap_or(body);
        let body = match body.strip_prefix(b"**") {
            Some(rest)
                if !rest.is_empty()
                    && rest[0] != b'/'
                    && !rest.iter().any(|c| b"*?[]\\".contains(c)) =>
            {
                [&b"**/"[..], rest].concat()
            }
            _ => body,
        };
        let text = if bang {
            [&b"!"[..], &body].concat()
        } else {
            body
        };
        out.push((i + 1, original, text));
    }
    out
}

/// Lines of an ignore file that Buildah's matcher (containers/storage `pkg/fileutils`, read by
/// openshift/imagebuilder `ParseIgnoreReader`) reads differently from docker's
/// (moby/patternmatcher), which ctxsize applies. Each note names the file, the line and what
/// Buildah does instead; empty when the two agree on every line.
pub(crate) fn dialect_notes(file: &Path, text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        if raw.first() == Some(&b'#') {
            continue;
        }
        let line = String::from_utf8_lossy(raw);
        if let Some(why) = dialect_difference(&line) {
            out.push(format!(
                "{}:{}: `{}`: {why}",
                file.display(),
                i + 1,
                crate::render::escape(line.trim().as_bytes())
            ));
        }
    }
    out
}

/// Why Buildah reads one ignore-file line differently from docker, if it does.
///
/// Every difference but the regex one is applied by [`read_buildah`]; the message says so.
pub(crate) fn dialect_difference(line: &str) -> Option<&'static str> {
    // imagebuildah: `strings.Trim(line, "/")` runs before storage's TrimSpace, so a `/` after
    // leading whitespace stays and the pattern is absolute: it matches nothing.
    let ws_then_slash = line.starts_with(char::is_whitespace)
        && line.trim_start().starts_with('/')
        && line.trim().len() > 1;
    if ws_then_slash {
        return Some("Podman/Buildah keep the leading `/` after the indentation, so the pattern matches nothing (docker drops it); applied");
    }
    let t = line.trim();
    // storage `NewPatternMatcher`: after `!`, only `filepath.Clean`, no second TrimSpace.
    if let Some(rest) = t.strip_prefix('!') {
        if rest.starts_with(char::is_whitespace) && !rest.trim().is_empty() {
            return Some("Podman/Buildah keep the space after `!` as part of the name, so this exception matches nothing (docker trims it); applied");
        }
    }
    let p = t.strip_prefix('!').unwrap_or(t);
    // storage `Pattern.compile` escapes only `.` and `$`; patternmatcher `shouldEscape` also
    // `+ ( )` (its table drops `| { }`, which both leave to the regexp).
    let mut in_class = false;
    let mut esc = false;
    for c in p.chars() {
        if esc {
            esc = false;
            continue;
        }
        match c {
            '\\' => esc = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '+' | '(' | ')' if !in_class => {
                return Some("Podman/Buildah pass `+ ( )` to the regular expression unescaped (a repetition, a group) where docker matches them literally; ctxsize matches them literally, so Buildah may copy other files than listed");
            }
            _ => {}
        }
    }
    // moby/patternmatcher's suffix match: `**` then a literal not starting with `/` matches
    // any path ending in it (`**.log`: `a.log`, `x/b.log`); storage compiles `(.*/)?` + the
    // literal, which matches only a whole name.
    if let Some(rest) = p.strip_prefix("**") {
        let literal = !rest.is_empty()
            && !rest.starts_with('/')
            && !rest.contains(['*', '?', '[', ']', '\\']);
        if literal {
            return Some("docker matches every path ending in the text after `**` (`**.log` covers `a.log`), Podman/Buildah only that whole name at any depth (as `**/.log`); applied");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expectations from containers/storage `pkg/fileutils/fileutils.go` (`NewPatternMatcher`,
    // `Pattern.compile`) and openshift/imagebuilder `builder.go` (`ParseIgnoreReader`), as
    // vendored by containers/buildah 5b1b18e; the `**.log`, `a+b` and `! d` cases were also
    // run through `buildah bud` 1.28.2 (docs/podman.md).
    #[test]
    fn lines_buildah_reads_otherwise_are_named() {
        for (line, differs) in [
            ("*.log", false),
            ("**/*.log", false),
            ("**.log", true),
            ("**file", true),
            ("**/file", false),
            ("a+b", true),
            ("x(1)", true),
            ("{a,b}", false),
            ("a|b", false),
            ("[+]", false),
            ("a\\+b", false),
            ("! d", true),
            ("!d", false),
            ("!  ", false),
            ("  /foo", true),
            ("/foo", false),
            ("  foo", false),
            ("node_modules", false),
        ] {
            assert_eq!(dialect_difference(line).is_some(), differs, "{line:?}");
        }
    }

    fn texts(t: &[u8]) -> Vec<String> {
        read_buildah(t)
            .into_iter()
            .map(|(_, _, x)| String::from_utf8_lossy(&x).into_owned())
            .collect()
    }

    // imagebuildah ParseIgnoreReader + storage NewPatternMatcher (see read_buildah's doc).
    #[test]
    fn read_as_buildah_reads() {
        assert_eq!(
            texts(b"# c\n/foo/\n  /bar\n! d\n!/e/\n**.log\n**/x\n**y*\nz\r\n\xEF\xBB\xBFw\n \n/\n"),
            vec!["foo", "/bar", "! d", "!e", "**/.log", "**/x", "**y*", "z", "w"]
        );
        let l = read_buildah(b"a\n\n#x\n b/../c\n");
        assert_eq!(l[1].0, 4);
        assert_eq!(l[1].1, b" b/../c");
        assert_eq!(l[1].2, b"c");
    }

    // What the docker matcher then does with them: Buildah's verdicts, as `buildah bud`
    // 1.28.2 gave them (docs/podman.md: dstarlog, slash, spacebang).
    #[test]
    fn the_docker_matcher_then_decides_as_buildah() {
        let set = |t: &[u8]| {
            dockerignore::PatternSet::new(dockerignore::to_pattern_list(&read_buildah(t)).unwrap())
        };
        let ex = |s: &dockerignore::PatternSet, p: &[u8]| s.matches_or_parent_matches(p).unwrap();
        let s = set(b"**.log\n");
        assert!(!ex(&s, b"x.log") && !ex(&s, b"sub/y.log") && ex(&s, b"sub/.log"));
        let s = set(b"  /foo\n/bar/\n");
        assert!(!ex(&s, b"foo") && ex(&s, b"bar/x"));
        let s = set(b"*\n! d\n");
        assert!(ex(&s, b"d/f"));
        assert!(matches!(
            dockerignore::to_pattern_list(&read_buildah(b"!\n")),
            Err(dockerignore::PatternError::IllegalExclusion { .. })
        ));
    }

    #[test]
    fn notes_give_the_file_and_line_and_skip_comments() {
        let n = dialect_notes(Path::new("/c/.containerignore"), b"# a+b\nok\n**.log\n");
        assert_eq!(n.len(), 1);
        assert!(
            n[0].starts_with("/c/.containerignore:3: `**.log`: "),
            "{n:?}"
        );
    }
}
