//! GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`): annotations on
//! the pull request, one per finding and per failed gate, then one plain summary line.

use std::path::Path;

use super::sarif::{location_uri, message_with_fix, Group};
use crate::rules::lint_rules;

/// Escapes a workflow-command message: `%`, CR and LF as GitHub defines, and every other
/// control character (ESC, BEL, … from file names) percent-encoded so none reaches the log raw.
pub(crate) fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a workflow-command property value.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The command for a severity.
pub(crate) fn command(severity: &str) -> &'static str {
    match severity {
        "high" => "error",
        "medium" => "warning",
        _ => "notice",
    }
}

/// Writes the annotations for every group, then `summary` (if any) as a plain line.
pub(crate) fn render(
    groups: &[Group],
    base: &Path,
    summary: &[String],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for g in groups {
        for f in g.findings {
            let (uri, relative) = location_uri(base, g.root, &f.path);
            let file = if relative {
                uri_decode(&uri)
            } else {
                g.root.join(&f.path).display().to_string()
            };
            let mut props = format!("file={}", escape_property(file.trim_end_matches('/')));
            if let Some(l) = f.line.filter(|&l| l > 0) {
                props.push_str(&format!(",line={l}"));
            }
            let name = lint_rules::rule(&f.rule)
                .map(|r| r.name)
                .unwrap_or(&f.category);
            props.push_str(&format!(
                ",title={}",
                escape_property(&format!("ctxsize {} {name}", f.rule))
            ));
            let msg = message_with_fix(f);
            writeln!(
                out,
                "::{} {props}::{}",
                command(&f.severity),
                escape_data(&msg)
            )?;
        }
        for w in g.warnings {
            writeln!(
                out,
                "::warning title={}::{}",
                escape_property("ctxsize walk"),
                escape_data(w)
            )?;
        }
        if let Some(o) = g.outcome {
            for fail in &o.failures {
                let cmd = if o.warn_only { "warning" } else { "error" };
                let mut props = String::new();
                if let Some(a) = &g.anchor {
                    let (uri, relative) = location_uri(base, g.root, a);
                    if relative {
                        props.push_str(&format!("file={},", escape_property(&uri_decode(&uri))));
                    }
                }
                props.push_str(&format!(
                    "title={}",
                    escape_property(&format!("ctxsize {}", fail.gate))
                ));
                writeln!(out, "::{cmd} {props}::{}", escape_data(&fail.message))?;
            }
        }
    }
    for s in summary {
        writeln!(out, "{}", s.replace("::", ": :"))?;
    }
    Ok(())
}

fn uri_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Finding, GateFailure, Outcome};

    #[test]
    fn annotations() {
        // `..Default::default()`: other modules may add fields to `Finding`.
        #[allow(clippy::needless_update)]
        let f = Finding {
            rule: "DI003".into(),
            category: "dockerignore".into(),
            severity: "medium".into(),
            path: ".dockerignore".into(),
            files: 2,
            bytes: 10,
            message: "`*.log` only matches at the root, 100%\nreally".into(),
            fix: "**/*.log".into(),
            line: Some(3),
            ..Default::default()
        };
        let o = Outcome {
            failures: vec![GateFailure {
                gate: "budget",
                message: "budget exceeded: x".into(),
            }],
            passed: vec![],
            warn_only: false,
        };
        let fs = [f];
        let g = Group {
            root: Path::new("/repo/app"),
            findings: &fs,
            outcome: Some(&o),
            anchor: Some("Dockerfile".into()),
            warnings: &[],
        };
        let mut out = Vec::new();
        render(&[g], Path::new("/repo"), &["sent 1 MB".into()], &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(
            lines[0],
            "::warning file=app/.dockerignore,line=3,title=ctxsize DI003 root-only-pattern::`*.log` only matches at the root, 100%25%0Areally. Fix: `**/*.log`"
        );
        assert_eq!(
            lines[1],
            "::error file=app/Dockerfile,title=ctxsize budget::budget exceeded: x"
        );
        assert_eq!(lines[2], "sent 1 MB");
        assert_eq!(uri_decode("a%20b%C3%BC"), "a bü");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
