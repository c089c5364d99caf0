//! Variables and BuildKit's shell-word lexer: quotes, escapes, `$VAR` and
//! `${VAR...}` substitution, and the shell patterns of `${VAR#pat}`,
//! `${VAR%pat}` and `${VAR/pat/repl}`.

use std::collections::{BTreeMap, BTreeSet};

/// A variable value; `unknown` marks values only the builder would know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Var {
    pub(super) value: String,
    pub(super) unknown: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Env {
    vars: BTreeMap<String, Var>,
    /// Names whose value a build can change: declared by `ARG` (a `--build-arg` or the
    /// platform sets it), or set by `ENV` from such a name. An `ENV` of a literal value is
    /// fixed: `--build-arg` does not override it.
    varying: BTreeSet<String>,
    /// Names whose value an `ARG` set (and no `ENV` after it): the classic builder does not
    /// pass these to a stage built `FROM` this one.
    args: BTreeSet<String>,
}

impl Env {
    /// Records that `ARG k` (`true`) or `ENV k` (`false`) set `k`.
    pub(super) fn set_by_arg(&mut self, k: &str, arg: bool) {
        if arg {
            self.args.insert(k.to_string());
        } else {
            self.args.remove(k);
        }
    }

    /// This stage's variables as the classic builder passes them to a stage built `FROM` it:
    /// its `ENV` (in the image's config), not its `ARG` values.
    pub(super) fn without_args(mut self) -> Env {
        for k in std::mem::take(&mut self.args) {
            self.vars.remove(&k);
            self.varying.remove(&k);
        }
        self
    }

    pub(super) fn get(&self, k: &str) -> Option<&Var> {
        self.vars.get(k)
    }

    pub(super) fn set(&mut self, k: &str, value: String, unknown: bool) {
        self.vars.insert(k.to_string(), Var { value, unknown });
    }

    /// Marks `k` as one a build can change (`true`) or as fixed by the Dockerfile (`false`).
    pub(super) fn set_varying(&mut self, k: &str, varying: bool) {
        if varying {
            self.varying.insert(k.to_string());
        } else {
            self.varying.remove(k);
        }
    }

    fn varies(&self, k: &str) -> bool {
        self.varying.contains(k)
    }
}

/// Result of expanding one word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Expanded {
    pub(super) text: String,
    pub(super) unresolved: bool,
    /// A variable it read can take another value in another build (see [`Env`]'s `varying`).
    pub(super) varies: bool,
}

const MAX_NESTING: usize = 64;

/// Shell-like word processing as done by BuildKit for instruction arguments:
/// quotes, escapes and `$VAR` / `${VAR...}` substitution.
pub(super) struct Lexer<'a> {
    c: Vec<char>,
    i: usize,
    escape: char,
    env: &'a Env,
    pub(super) raw_quotes: bool,
    pub(super) raw_escapes: bool,
    pub(super) skip_unset: bool,
    unresolved: bool,
    varies: bool,
    depth: usize,
    budget: usize,
}

#[derive(Default)]
struct Words {
    buf: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !self.buf.is_empty() {
                self.words.push(std::mem::take(&mut self.buf));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.buf.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw_string(&mut self, s: &str) {
        self.buf.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.buf.is_empty() {
            self.words.push(self.buf);
        }
        self.words
    }
}

impl<'a> Lexer<'a> {
    pub(super) fn new(word: &str, escape: char, env: &'a Env) -> Self {
        Lexer {
            c: word.chars().collect(),
            i: 0,
            escape,
            env,
            raw_quotes: false,
            raw_escapes: false,
            skip_unset: false,
            unresolved: false,
            varies: false,
            depth: 0,
            budget: 4_000_000,
        }
    }

    /// Expands the whole input as one word.
    fn word(&mut self) -> Result<String, String> {
        let raw = self.raw_escapes;
        self.stop_on(None, raw).map(|(s, _)| s)
    }

    /// Expands and splits the input into words.
    pub(super) fn words(&mut self) -> Result<Vec<String>, String> {
        let raw = self.raw_escapes;
        self.stop_on(None, raw).map(|(_, w)| w)
    }

    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.c.get(self.i).copied();
        if ch.is_some() {
            self.i += 1;
        }
        ch
    }

    fn stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("substitution nested too deeply".to_string());
        }
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.stop_on_inner(stop);
        self.raw_escapes = saved;
        self.depth -= 1;
        r
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), String> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.i += 1;
                return Ok((result, words.finish()));
            }
            match ch {
                '$' => {
                    let v = self.dollar()?;
                    result.push_str(&v);
                    words.add_string(&v);
                }
                '\'' => {
                    let v = self.single_quote()?;
                    result.push_str(&v);
                    words.add_raw_string(&v);
                }
                '"' => {
                    let v = self.double_quote()?;
                    result.push_str(&v);
                    words.add_raw_string(&v);
                }
                '<' => {
                    let v = self.possible_heredoc();
                    result.push_str(&v);
                    words.add_raw_string(&v);
                }
                _ => {
                    self.i += 1;
                    if ch == self.escape {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        match self.next() {
                            Some(n) => {
                                words.add_raw_char(n);
                                result.push(n);
                            }
                            None => break,
                        }
                    } else {
                        words.add_char(ch);
                        result.push(ch);
                    }
                }
            }
        }
        match stop {
            Some(s) => Err(format!(
                "unexpected end of statement while looking for matching {s}"
            )),
            None => Ok((result, words.finish())),
        }
    }

    fn possible_heredoc(&mut self) -> String {
        self.i += 1;
        if self.peek() != Some('<') {
            return "<".to_string();
        }
        self.i += 1;
        let mut out = "<<".to_string();
        while let Some(c @ ('\t' | '\r' | ' ')) = self.peek() {
            out.push(c);
            self.i += 1;
        }
        out
    }

    fn single_quote(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let open = self.next().unwrap_or('\'');
        if self.raw_quotes {
            out.push(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .to_string(),
                    )
                }
                Some('\'') => {
                    if self.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let open = self.next().unwrap_or('"');
        if self.raw_quotes {
            out.push(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .to_string(),
                    )
                }
                Some('"') => {
                    self.i += 1;
                    if self.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let v = self.dollar()?;
                    out.push_str(&v);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.escape {
                        if self.raw_escapes {
                            out.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                ch = n;
                                self.i += 1;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(ch);
                }
            }
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_ascii_digit() {
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    name.push(d);
                    self.i += 1;
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.i += 1;
                return ch.to_string();
            }
            if !(ch.is_alphanumeric() || ch == '_') {
                break;
            }
            name.push(ch);
            self.i += 1;
        }
        name
    }

    /// Looks a variable up; unset and unknown values mark the word unresolved
    /// unless `quiet` (used by the `-` default forms for unset names).
    fn lookup(&mut self, name: &str) -> Option<String> {
        self.varies |= self.env.varies(name);
        match self.env.get(name) {
            Some(v) => {
                if v.unknown {
                    self.unresolved = true;
                }
                Some(v.value.clone())
            }
            None => None,
        }
    }

    fn dollar(&mut self) -> Result<String, String> {
        self.i += 1; // '$'
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.skip_unset => format!("${name}"),
                None => {
                    self.unresolved = true;
                    String::new()
                }
            });
        }
        self.i += 1; // '{'
        match self.peek() {
            None => return Err("syntax error: missing '}'".to_string()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".to_string()),
            _ => {}
        }
        let name = self.name();
        let Some(mut ch) = self.next() else {
            return Err("syntax error: missing '}'".to_string());
        };
        let mut mods = ch.to_string();
        match ch {
            '}' => Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.skip_unset => format!("${{{name}}}"),
                None => {
                    self.unresolved = true;
                    String::new()
                }
            }),
            ':' | '+' | '-' | '?' | '#' | '%' => {
                let null_is_unset = ch == ':';
                if null_is_unset {
                    match self.next() {
                        Some(c) => {
                            ch = c;
                            mods.push(c);
                        }
                        None => return Err("syntax error: missing '}'".to_string()),
                    }
                }
                let raw = ch == '#' || ch == '%';
                if null_is_unset && raw {
                    return Err(format!("unsupported modifier ({mods}) in substitution"));
                }
                let word = match self.stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() && !e.contains("nested") {
                            return Err("syntax error: missing '}'".to_string());
                        }
                        return Err(e);
                    }
                };
                self.varies |= self.env.varies(&name);
                let current = self.env.get(&name).cloned();
                if current.is_none() && self.skip_unset {
                    return Ok(format!("${{{name}{mods}{word}}}"));
                }
                let is_set = current.is_some();
                let unknown = current.as_ref().is_some_and(|v| v.unknown);
                let value = current.map(|v| v.value).unwrap_or_default();
                let empty_or_unset = !is_set || (null_is_unset && value.is_empty());
                match ch {
                    '-' => {
                        if unknown {
                            self.unresolved = true;
                        }
                        Ok(if empty_or_unset { word } else { value })
                    }
                    '+' => {
                        if unknown || !is_set {
                            self.unresolved = true;
                        }
                        Ok(if empty_or_unset { String::new() } else { word })
                    }
                    '?' => {
                        if unknown || !is_set {
                            // BuildKit fails here; the value is simply unknown to us.
                            self.unresolved = true;
                            return Ok(value);
                        }
                        if null_is_unset && value.is_empty() {
                            let msg = if word.is_empty() {
                                "is not allowed to be empty".to_string()
                            } else {
                                word
                            };
                            return Err(format!("{name}: {msg}"));
                        }
                        Ok(value)
                    }
                    '#' | '%' => {
                        if unknown || !is_set {
                            self.unresolved = true;
                        }
                        let (greedy, pat) = match word.strip_prefix(ch) {
                            Some(p) => (true, p.to_string()),
                            None => (false, word),
                        };
                        let pattern = shell_pattern(&pat)?;
                        if ch == '#' {
                            Ok(trim_prefix(&pattern, &value, greedy, &mut self.budget)?)
                        } else {
                            Ok(trim_suffix(&pattern, &value, greedy, &mut self.budget)?)
                        }
                    }
                    _ => Err(format!("unsupported modifier ({mods}) in substitution")),
                }
            }
            '/' => {
                let all = self.peek() == Some('/');
                if all {
                    self.i += 1;
                }
                let pattern = match self.stop_on(Some('/'), true) {
                    Ok((p, _)) => p,
                    Err(e) => {
                        if self.peek().is_none() && !e.contains("nested") {
                            return Err("syntax error: missing '/' in ${}".to_string());
                        }
                        return Err(e);
                    }
                };
                let repl = match self.stop_on(Some('}'), true) {
                    Ok((r, _)) => r,
                    Err(e) => {
                        if self.peek().is_none() && !e.contains("nested") {
                            return Err("syntax error: missing '}'".to_string());
                        }
                        return Err(e);
                    }
                };
                self.varies |= self.env.varies(&name);
                let current = self.env.get(&name).cloned();
                if current.is_none() && self.skip_unset {
                    return Ok(format!("${{{name}/{pattern}/{repl}}}"));
                }
                if current.as_ref().is_none_or(|v| v.unknown) {
                    self.unresolved = true;
                }
                let value = current.map(|v| v.value).unwrap_or_default();
                let pat = shell_pattern(&pattern)?;
                replace_pattern(&pat, &value, &repl, all, &mut self.budget)
            }
            _ => Err(format!("unsupported modifier ({mods}) in substitution")),
        }
    }
}

/// Expands one instruction argument with BuildKit's word rules.
pub(super) fn expand(word: &str, escape: char, env: &Env) -> Result<Expanded, String> {
    let mut lx = Lexer::new(word, escape, env);
    let text = lx
        .word()
        .map_err(|e| format!("failed to process {word:?}: {e}"))?;
    Ok(Expanded {
        text,
        unresolved: lx.unresolved,
        varies: lx.varies,
    })
}

// --- shell patterns used by ${VAR#pat}, ${VAR%pat}, ${VAR/pat/repl} --------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PatTok {
    Star,
    Any,
    Lit(char),
}

pub(super) fn shell_pattern(p: &str) -> Result<Vec<PatTok>, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => out.push(PatTok::Star),
            '?' => out.push(PatTok::Any),
            '\\' => match chars.get(i + 1) {
                Some('}') | Some('/') => {}
                Some(&c @ ('*' | '?' | '\\')) => {
                    out.push(PatTok::Lit(c));
                    i += 1;
                }
                Some(&c) => {
                    return Err(format!(
                        "invalid pattern ({p}) in substitution: invalid escape '\\{c}'"
                    ))
                }
                None => {
                    return Err(format!(
                        "invalid pattern ({p}) in substitution: invalid escape '\\'"
                    ))
                }
            },
            c => out.push(PatTok::Lit(c)),
        }
        i += 1;
    }
    Ok(out)
}

/// Lengths `n` such that `pat` matches `s[..n]` (in chars), via NFA simulation.
fn prefix_match_lengths(
    pat: &[PatTok],
    s: &[char],
    budget: &mut usize,
) -> Result<Vec<usize>, String> {
    // states: positions in pat; closure over Star (which may match empty).
    let closure = |set: &mut Vec<bool>| {
        for k in 0..pat.len() {
            if set[k] && pat[k] == PatTok::Star {
                set[k + 1] = true;
            }
        }
    };
    let mut cur = vec![false; pat.len() + 1];
    cur[0] = true;
    closure(&mut cur);
    let mut out = Vec::new();
    if cur[pat.len()] {
        out.push(0);
    }
    for (n, &ch) in s.iter().enumerate() {
        *budget = budget.saturating_sub(pat.len() + 1);
        if *budget == 0 {
            return Err("substitution pattern too expensive".to_string());
        }
        let mut next = vec![false; pat.len() + 1];
        let mut any = false;
        for k in 0..pat.len() {
            if !cur[k] {
                continue;
            }
            match pat[k] {
                PatTok::Star => {
                    next[k] = true;
                    any = true;
                }
                PatTok::Any => {
                    next[k + 1] = true;
                    any = true;
                }
                PatTok::Lit(c) if c == ch => {
                    next[k + 1] = true;
                    any = true;
                }
                PatTok::Lit(_) => {}
            }
        }
        if !any {
            break;
        }
        closure(&mut next);
        if next[pat.len()] {
            out.push(n + 1);
        }
        cur = next;
    }
    Ok(out)
}

pub(super) fn trim_prefix(
    pat: &[PatTok],
    value: &str,
    greedy: bool,
    budget: &mut usize,
) -> Result<String, String> {
    let s: Vec<char> = value.chars().collect();
    let lens = prefix_match_lengths(pat, &s, budget)?;
    let cut = if greedy { lens.last() } else { lens.first() };
    Ok(match cut {
        Some(&n) => s[n..].iter().collect(),
        None => value.to_string(),
    })
}

pub(super) fn trim_suffix(
    pat: &[PatTok],
    value: &str,
    greedy: bool,
    budget: &mut usize,
) -> Result<String, String> {
    let mut rp: Vec<PatTok> = pat.to_vec();
    rp.reverse();
    let mut s: Vec<char> = value.chars().collect();
    s.reverse();
    let lens = prefix_match_lengths(&rp, &s, budget)?;
    let cut = if greedy { lens.last() } else { lens.first() };
    let mut rest: Vec<char> = match cut {
        Some(&n) => s[n..].to_vec(),
        None => s,
    };
    rest.reverse();
    Ok(rest.into_iter().collect())
}

pub(super) fn replace_pattern(
    pat: &[PatTok],
    value: &str,
    repl: &str,
    all: bool,
    budget: &mut usize,
) -> Result<String, String> {
    let s: Vec<char> = value.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut replaced = false;
    while i <= s.len() {
        if !replaced || all {
            let lens = prefix_match_lengths(pat, &s[i..], budget)?;
            if let Some(&n) = lens.last() {
                out.push_str(repl);
                replaced = true;
                if n > 0 {
                    i += n;
                    continue;
                }
            }
        }
        if i < s.len() {
            out.push(s[i]);
        }
        i += 1;
    }
    Ok(out)
}
