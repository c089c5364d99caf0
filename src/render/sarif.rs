//! SARIF 2.1.0 output, loadable by GitHub code scanning: one run, a rule (with help text) for
//! every rule id that appears, and one result per finding and per failed gate. Findings on the
//! ignore file or the Dockerfile carry the file and the line.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Value};

use crate::report::{Finding, Outcome};
use crate::rules::gates::gate;
use crate::rules::lint_rules;

/// The findings of one context.
pub(crate) struct Group<'a> {
    /// The context root (finding paths are relative to it).
    pub root: &'a Path,
    /// Findings.
    pub findings: &'a [Finding],
    /// The gate outcome, if gates ran.
    pub outcome: Option<&'a Outcome>,
    /// Context-relative file that gate results point at (the ignore file or the Dockerfile).
    pub anchor: Option<String>,
    /// The walk's warnings (a classic tar cut short, …): GitHub annotations show them too.
    pub warnings: &'a [String],
}

/// SARIF level of a ctxsize severity.
pub(crate) fn level(severity: &str) -> &'static str {
    match severity {
        "high" => "error",
        "medium" => "warning",
        _ => "note",
    }
}

/// Percent-encodes a relative path for a URI (RFC 3986 unreserved characters and `/` stay).
pub(crate) fn uri_path(p: &str) -> String {
    uri_bytes(p.as_bytes())
}

/// Percent-encodes a path's bytes for a URI: a byte that is not UTF-8 is `%NN` of itself.
fn uri_bytes(p: &[u8]) -> String {
    let mut s = String::with_capacity(p.len());
    for &b in p {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The location of a context-relative path: relative to `base` (the current directory, which
/// code scanning takes as the repository root) when inside it, else an absolute `file://` URI.
///
/// `rel` is a report string ([`crate::paths::lossy`]): the URI names the bytes it stands for
/// (`back\\slash.pem` is `back%5Cslash.pem`, `bad\xff.pem` is `bad%FF.pem`).
pub(crate) fn location_uri(base: &Path, root: &Path, rel: &str) -> (String, bool) {
    let bytes = crate::paths::unlossy(rel);
    let dir = bytes.ends_with(b"/");
    let trimmed = bytes.strip_suffix(b"/").unwrap_or(&bytes);
    let abs = crate::sys::abs_path(root, trimmed);
    match abs.strip_prefix(base) {
        Ok(r) => {
            let mut s = uri_bytes(&crate::sys::slash_bytes(r));
            if dir && !s.is_empty() {
                s.push('/');
            }
            (s, true)
        }
        Err(_) => (
            format!("file://{}", uri_bytes(&crate::sys::slash_bytes(&abs))),
            false,
        ),
    }
}

const HELP_URI: &str = "https://github.com/ctxsize/ctxsize/blob/main/docs/rules.md";

/// The descriptor of a rule id: from the rule catalogs (`CTX…` findings, `DI…` ignore-file
/// rules, `DF…` Dockerfile checks, `gate/…` CI gates), never from one finding's text.
fn rule_descriptor(id: &str) -> Value {
    if let Some(r) = lint_rules::rule(id) {
        let tag = if r.id.starts_with("DF") {
            "dockerfile"
        } else {
            "dockerignore"
        };
        return json!({
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.short},
            "fullDescription": {"text": r.short},
            "help": {"text": r.help},
            "helpUri": HELP_URI,
            "properties": {"tags": [tag]},
        });
    }
    if let Some(g) = id.strip_prefix("gate/") {
        let (short, help) = gate(g)
            .map(|x| (x.short, x.help))
            .unwrap_or(("A CI gate failed.", "See the message."));
        return json!({
            "id": id,
            "name": g,
            "shortDescription": {"text": short},
            "help": {"text": help},
            "helpUri": "https://github.com/ctxsize/ctxsize/blob/main/docs/ci.md",
            "properties": {"tags": ["ci-gate"]},
        });
    }
    if let Some(r) = crate::rules::rule(id) {
        let cat = r.category.to_string();
        return json!({
            "id": r.id,
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.why},
            "help": {"text": format!("{} Exclude it in .dockerignore if the build does not need it (generic line: `{}`).", r.why, r.fix)},
            "helpUri": HELP_URI,
            "properties": {"tags": [cat]},
        });
    }
    json!({
        "id": id,
        "shortDescription": {"text": "A ctxsize finding."},
        "help": {"text": "See docs/rules.md."},
        "helpUri": HELP_URI,
    })
}

/// A finding's message with its fix as a separate sentence: `message. Fix: `line``. A fix in
/// words that quotes code itself ("move the secret out …; pass it with `RUN --mount=…`") is not
/// put in backticks again: nested, they would end the code span early.
pub(crate) fn message_with_fix(f: &Finding) -> String {
    let mut text = f.message.trim_end().to_string();
    if !f.fix.is_empty() && !text.contains(&format!("`{}`", f.fix)) {
        if !text.ends_with(['.', '!', '?']) {
            text.push('.');
        }
        if f.fix.contains('`') {
            text.push_str(&format!(" Fix: {}", f.fix));
        } else {
            text.push_str(&format!(" Fix: `{}`", f.fix));
        }
    }
    text
}

fn fingerprint(parts: &[&str]) -> String {
    // FNV-1a, 64 bit: stable across runs and platforms.
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

fn location(base: &Path, root: &Path, rel: &str, line: Option<usize>) -> Value {
    let (uri, relative) = location_uri(base, root, rel);
    let mut art = json!({"uri": uri});
    if relative {
        art["uriBaseId"] = json!("%SRCROOT%");
    }
    let mut phys = json!({"artifactLocation": art});
    if let Some(l) = line.filter(|&l| l > 0) {
        phys["region"] = json!({"startLine": l});
    }
    json!({"physicalLocation": phys})
}

/// Builds the SARIF log.
pub(crate) fn to_value(groups: &[Group], base: &Path) -> Value {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut results = Vec::new();
    for g in groups {
        for f in g.findings {
            ids.insert(f.rule.clone());
            let text = message_with_fix(f);
            let line_s = f.line.map(|l| l.to_string()).unwrap_or_default();
            results.push(json!({
                "ruleId": f.rule,
                "level": level(&f.severity),
                "message": {"text": text},
                "locations": [location(base, g.root, &f.path, f.line)],
                "partialFingerprints": {"ctxsize/v1": fingerprint(&[&location_uri(base, g.root, "").0, &f.rule, &f.path, &line_s])},
                "properties": {
                    "category": f.category,
                    "severity": f.severity,
                    "files": f.files,
                    "bytes": f.bytes,
                },
            }));
        }
        if let Some(o) = g.outcome {
            for fail in &o.failures {
                let id = format!("gate/{}", fail.gate);
                ids.insert(id.clone());
                let anchor = g.anchor.clone().unwrap_or_default();
                results.push(json!({
                    "ruleId": id,
                    "level": if o.warn_only { "warning" } else { "error" },
                    "message": {"text": fail.message},
                    "locations": [location(base, g.root, &anchor, None)],
                    "partialFingerprints": {"ctxsize/v1": fingerprint(&[&location_uri(base, g.root, "").0, &id])},
                }));
            }
        }
    }
    let rules: Vec<Value> = ids.iter().map(|id| rule_descriptor(id)).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ctxsize",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/ctxsize/ctxsize",
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": format!("file://{}/", uri_path(&base.display().to_string()).trim_end_matches('/'))}},
            "results": results,
        }],
    })
}

/// Writes the SARIF log as pretty JSON.
pub(crate) fn render(
    groups: &[Group],
    base: &Path,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(groups, base))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri_path("a b/ü#.txt"), "a%20b/%C3%BC%23.txt");
        let (u, rel) = location_uri(Path::new("/repo"), Path::new("/repo/app"), "node_modules/");
        assert_eq!((u.as_str(), rel), ("app/node_modules/", true));
        let (u, rel) = location_uri(Path::new("/repo"), Path::new("/elsewhere"), ".env");
        assert_eq!((u.as_str(), rel), ("file:///elsewhere/.env", false));
        // Report strings name bytes: one backslash, a byte that is not UTF-8.
        let (u, _) = location_uri(Path::new("/repo"), Path::new("/repo"), "back\\\\slash.pem");
        assert_eq!(u, "back%5Cslash.pem");
        let (u, _) = location_uri(Path::new("/repo"), Path::new("/repo"), "bad\\xff.pem");
        assert_eq!(u, "bad%FF.pem");
    }
}
