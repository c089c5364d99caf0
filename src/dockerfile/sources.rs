//! Context sources: the `--mount` value fields, cleaning, wildcard and remote
//! (URL, git) classification, and matching context paths against a source.

/// Splits a `--mount` value into `key[=value]` fields (CSV with `"` quoting).
pub(super) fn csv_fields(s: &str) -> Vec<(String, Option<String>)> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_quotes = true;
        } else if c == ',' {
            fields.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    fields.push(cur);
    fields
        .into_iter()
        .filter(|f| !f.is_empty())
        .map(|f| match f.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_string())),
            None => (f.to_ascii_lowercase(), None),
        })
        .collect()
}

/// The raw `from=` of a `--mount` value, if any and non-empty.
pub(super) fn mount_from(m: &str) -> Option<String> {
    csv_fields(m)
        .into_iter()
        .filter(|(k, _)| k == "from")
        .filter_map(|(_, v)| v)
        .next_back()
        .filter(|v| !v.is_empty())
}

/// `path.Join("/", p)` without the leading `/`: `""` is the context root.
pub(super) fn clean_rel(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for comp in p.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

/// BuildKit's `containsWildcards`: `*`, `?` or `[` not escaped by `\`.
pub(super) fn contains_wildcards(s: &str) -> bool {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' | '[' => return true,
            '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    false
}

/// A git repository reference (`git@host:repo`, `ssh://`, `git://`,
/// `http(s)://…/x.git`). `github.com/x/y` without a scheme is treated as a
/// local path, like BuildKit does for COPY/ADD.
pub(super) fn is_git_source(s: &str) -> bool {
    if s.starts_with("./") || s.starts_with("../") || s.starts_with("github.com/") {
        return false;
    }
    let scheme_len = s
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    if scheme_len > 0 && s[scheme_len..].starts_with("://") {
        let scheme = s[..scheme_len].to_ascii_lowercase();
        let after = &s[scheme_len + 3..];
        return match scheme.as_str() {
            "ssh" | "git" => true,
            "http" | "https" => {
                let no_frag = after.split('#').next().unwrap_or("");
                let no_query = no_frag.split('?').next().unwrap_or("");
                match no_query.find('/') {
                    Some(p) => no_query[p..].ends_with(".git"),
                    None => false,
                }
            }
            _ => false,
        };
    }
    // scp-like: user@host:path
    let Some((user, rest)) = s.split_once('@') else {
        return false;
    };
    let Some((host, _)) = rest.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

pub(super) fn is_http_source(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://")) && !is_git_source(s)
}

// ---------------------------------------------------------------------------
// Matching context paths against sources
// ---------------------------------------------------------------------------

/// Whether the context path `path` is selected by the source `pattern` (a
/// cleaned [`ContextSource::path`](super::ContextSource::path)).
///
/// * `""` (the context root) selects everything.
/// * A source without wildcards selects itself and everything below it.
/// * A wildcard source is matched with Go `filepath.Match` rules (`*` and `?`
///   never match `/`, `[...]` classes with ranges and `^` negation, `\`
///   escapes) against the path and each of its ancestor directories, because
///   a matched directory is copied whole. A malformed pattern selects nothing.
///
/// Parent directories of a selected path are not reported as selected.
pub(crate) fn source_matches(pattern: &str, path: &str) -> bool {
    let path = clean_rel(path);
    let pattern = clean_rel(pattern);
    if pattern.is_empty() {
        return true;
    }
    if !contains_wildcards(&pattern) {
        return path == pattern
            || (path.len() > pattern.len()
                && path.starts_with(pattern.as_str())
                && path.as_bytes()[pattern.len()] == b'/');
    }
    let mut end = 0;
    let mut candidates = Vec::new();
    for comp in path.split('/') {
        end = if end == 0 {
            comp.len()
        } else {
            end + 1 + comp.len()
        };
        candidates.push(&path[..end]);
    }
    candidates.into_iter().any(|prefix| {
        crate::dockerignore::go_match(pattern.as_bytes(), prefix.as_bytes()).unwrap_or(false)
    })
}

/// The path `COPY --exclude` patterns are matched against for `p` (context-relative), copied by
/// a source `path` (cleaned; `wildcard`: it has a wildcard): `p` relative to the copied item —
/// the source itself, or for a wildcard the first ancestor of `p` it matched — and for the item
/// itself its name. BuildKit applies the patterns in the copy, relative to each copied source
/// (moby/buildkit frontend/dockerfile/dockerfile2llb/convert_copy.go passes them to
/// `llb.WithExcludePatterns`). `None`: the source does not select `p`.
pub(crate) fn excluded_rel<'a>(path: &str, wildcard: bool, p: &'a str) -> Option<&'a str> {
    if !source_matches(path, p) {
        return None;
    }
    let base_len = if !wildcard {
        path.len()
    } else {
        let mut end = 0;
        let mut found = None;
        for comp in p.split('/') {
            end = if end == 0 {
                comp.len()
            } else {
                end + 1 + comp.len()
            };
            if source_matches(path, &p[..end]) {
                found = Some(end);
                break;
            }
        }
        found?
    };
    Some(if base_len == 0 {
        p
    } else if p.len() > base_len {
        &p[base_len + 1..]
    } else {
        p.rsplit('/').next().unwrap_or(p)
    })
}
