//! Reading Dockerfile text the way BuildKit's parser does: parser directives
//! (`escape`), line continuations, comments inside continuations, heredoc
//! bodies, and the split of each instruction into keyword, builder flags and
//! arguments. The typed conversion is in `instructions`; `parse()` in the
//! module root runs both.

use std::collections::HashSet;

use super::json::{parse_json_array, JsonArray};
use super::lex::{Env, Lexer};
use super::model::{syntax, DockerfileError};

/// One logical instruction after joining continuation lines.
#[derive(Debug, Clone)]
pub(super) struct RawInstr {
    pub(super) line: usize,
    /// Keyword as written.
    pub(super) cmd: String,
    pub(super) flags: Vec<String>,
    /// Arguments after the flags, trimmed.
    pub(super) rest: String,
    /// The bodies of its heredocs, one after another (each line ending in `\n`).
    pub(super) heredoc_text: String,
}

pub(super) fn is_hspace(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

fn trim_newline(s: &str) -> &str {
    s.trim_end_matches(['\r', '\n'])
}

fn is_comment(s: &str) -> bool {
    s.trim_start().starts_with('#')
}

/// Removes a trailing continuation escape. Returns the line and whether the
/// instruction continues on the next line.
fn trim_continuation(line: &str, esc: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(esc) {
        if before.is_empty() {
            return ("", true);
        }
        if !before.ends_with(esc) {
            return (before, true);
        }
    }
    (line, false)
}

#[derive(Default)]
struct Directives {
    done: bool,
    seen: HashSet<String>,
}

impl Directives {
    /// Looks at a (left-trimmed) line for `# name=value`. Returns a new escape
    /// character when the directive is `escape`.
    fn check(&mut self, line: &str, lineno: usize) -> Result<Option<char>, DockerfileError> {
        if self.done {
            return Ok(None);
        }
        let Some(body) = line.strip_prefix('#') else {
            self.done = true;
            return Ok(None);
        };
        let body = body.trim_start();
        let Some((name, value)) = parse_directive(body) else {
            self.done = true;
            return Ok(None);
        };
        let key = name.to_ascii_lowercase();
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(None);
        }
        if !self.seen.insert(key.clone()) {
            return Err(syntax(
                lineno,
                format!("only one {key} parser directive can be used"),
            ));
        }
        if key == "escape" {
            return match value {
                "\\" => Ok(Some('\\')),
                "`" => Ok(Some('`')),
                _ => Err(syntax(
                    lineno,
                    format!("invalid escape token '{value}' does not match ` or \\"),
                )),
            };
        }
        Ok(None)
    }
}

/// `name\s*=\s*value` with `name` = `[A-Za-z][A-Za-z0-9]*` and a non-empty
/// value (trimmed).
fn parse_directive(body: &str) -> Option<(&str, &str)> {
    let mut chars = body.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() => {}
        _ => return None,
    }
    let name_end = body
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map(|(i, _)| i)
        .unwrap_or(body.len());
    let name = &body[..name_end];
    let rest = body[name_end..].trim_start();
    let value = rest.strip_prefix('=')?.trim();
    if value.is_empty() {
        return None;
    }
    Some((name, value))
}

/// One instruction as read, with the names of its heredocs (bodies skipped).
pub(super) type ReadInstr = (RawInstr, Vec<String>);

/// Reads Dockerfile text into its instructions and the escape character in
/// effect; [`build_stages`](super::instructions::build_stages) types them.
pub(super) fn read(text: &str) -> Result<(Vec<ReadInstr>, char), DockerfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    let mut esc = '\\';
    let mut directives = Directives::default();
    let mut instrs: Vec<ReadInstr> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i + 1;
        let first = trim_newline(lines[i]).trim_start();
        if let Some(e) = directives.check(first, lineno)? {
            esc = e;
        }
        i += 1;
        let content = if is_comment(first) { "" } else { first };
        let (content, mut cont) = trim_continuation(content, esc);
        if !cont && content.is_empty() {
            continue;
        }
        let mut buf = content.to_string();
        while cont && i < lines.len() {
            let l = trim_newline(lines[i]);
            directives.done = true;
            i += 1;
            if is_comment(l) || l.trim_start().is_empty() {
                continue;
            }
            let (l, c) = trim_continuation(l, esc);
            buf.push_str(l);
            cont = c;
        }
        let mut raw = split_command(&buf, esc, lineno);
        if raw.cmd.is_empty() {
            continue;
        }
        // Heredocs: only for ADD/COPY/RUN (or ONBUILD of one) in shell form.
        let mut bodies = Vec::new();
        if buf.contains("<<") && can_contain_heredoc(&raw, esc, lineno) {
            for (name, chomp) in heredocs_from_line(&buf, lineno)? {
                let mut terminated = false;
                while i < lines.len() {
                    let l = trim_newline(lines[i]);
                    i += 1;
                    let candidate = if chomp { l.trim_start_matches('\t') } else { l };
                    if candidate == name {
                        terminated = true;
                        break;
                    }
                    raw.heredoc_text.push_str(candidate);
                    raw.heredoc_text.push('\n');
                }
                if !terminated {
                    return Err(DockerfileError::UnterminatedHeredoc { line: lineno });
                }
                bodies.push(name);
            }
        }
        instrs.push((raw, bodies));
    }
    Ok((instrs, esc))
}

fn can_contain_heredoc(raw: &RawInstr, esc: char, line: usize) -> bool {
    let (kw, rest) = if raw.cmd.eq_ignore_ascii_case("ONBUILD") {
        let inner = split_command(&raw.rest, esc, line);
        (inner.cmd, inner.rest)
    } else {
        (raw.cmd.clone(), raw.rest.clone())
    };
    let kw = kw.to_ascii_uppercase();
    if !matches!(kw.as_str(), "ADD" | "COPY" | "RUN") {
        return false;
    }
    // JSON form cannot carry heredocs.
    !matches!(parse_json_array(&rest), JsonArray::Strings(_))
}

/// Splits `CMD --flags rest` the way BuildKit does.
pub(super) fn split_command(line: &str, esc: char, lineno: usize) -> RawInstr {
    let t = line.trim();
    let (cmd, rest) = match t.find(is_hspace) {
        Some(p) => (&t[..p], t[p..].trim_start_matches(is_hspace)),
        None => (t, ""),
    };
    let (rest, flags) = extract_flags(rest, esc);
    RawInstr {
        line: lineno,
        cmd: cmd.to_string(),
        flags,
        rest: rest.trim().to_string(),
        heredoc_text: String::new(),
    }
}

/// Leading `--flag[=value]` words (quotes and escapes removed). Returns the
/// remaining text and the flags.
fn extract_flags(line: &str, esc: char) -> (String, Vec<String>) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut words = Vec::new();
    let mut pos = 0;
    loop {
        while pos < chars.len() && chars[pos].1.is_whitespace() {
            pos += 1;
        }
        if pos >= chars.len() {
            return (String::new(), words);
        }
        let starts_flag = chars[pos].1 == '-' && chars.get(pos + 1).is_some_and(|c| c.1 == '-');
        if !starts_flag {
            return (line[chars[pos].0..].to_string(), words);
        }
        let mut word = String::new();
        let mut blank_ok = false;
        let mut quote: Option<char> = None;
        while pos < chars.len() {
            let ch = chars[pos].1;
            match quote {
                None => {
                    if ch.is_whitespace() {
                        break;
                    }
                    if ch == '\'' || ch == '"' {
                        quote = Some(ch);
                        blank_ok = true;
                    } else if ch == esc {
                        pos += 1;
                        if let Some(&(_, c)) = chars.get(pos) {
                            word.push(c);
                        }
                    } else {
                        word.push(ch);
                    }
                }
                Some(q) => {
                    if ch == q {
                        quote = None;
                    } else if ch == esc {
                        pos += 1;
                        match chars.get(pos) {
                            Some(&(_, c)) => word.push(c),
                            None => quote = None,
                        }
                    } else {
                        word.push(ch);
                    }
                }
            }
            pos += 1;
        }
        if word == "--" {
            let rest = chars.get(pos).map(|c| &line[c.0..]).unwrap_or("");
            return (rest.to_string(), words);
        }
        if blank_ok || !word.is_empty() {
            words.push(word);
        }
    }
}

/// Heredoc markers on an instruction line: `(name, chomp)` in order.
fn heredocs_from_line(line: &str, lineno: usize) -> Result<Vec<(String, bool)>, DockerfileError> {
    let env = Env::default();
    let mut lx = Lexer::new(line, '\\', &env);
    lx.raw_quotes = true;
    lx.raw_escapes = true;
    lx.skip_unset = true;
    let words = match lx.words() {
        Ok(w) => w,
        Err(_) => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for w in words {
        match parse_heredoc(&w) {
            Ok(Some(h)) => out.push(h),
            Ok(None) => {}
            Err(msg) => return Err(syntax(lineno, msg)),
        }
    }
    Ok(out)
}

/// Recognises `[n]<<[-]WORD` (a whole argument). `Ok(None)` if it is not a
/// heredoc marker.
pub(super) fn parse_heredoc(word: &str) -> Result<Option<(String, bool)>, String> {
    let digits_end = word
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(word.len());
    let Some(after) = word[digits_end..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(a) => (true, a),
        None => (false, after),
    };
    let rest = after.trim_start_matches([' ', '\t', '\n', '\r', '\u{c}']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let env = Env::default();
    let mut lx = Lexer::new(rest, '\\', &env);
    lx.skip_unset = true;
    let words = lx.words()?;
    if words.len() != 1 {
        return Ok(None);
    }
    Ok(words.into_iter().next().map(|w| (w, chomp)))
}
