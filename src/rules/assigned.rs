//! CTX169: a secret without a recognisable prefix, assigned to a secret-named variable or key in
//! code or config (`JWT_SECRET = "…"`, `"client_secret": "…"`, `api_key: …`,
//! `SECRET_KEY = 'django-insecure-…'`).
//!
//! Precision comes first: a name must say it holds a secret (and not something about one:
//! `TOKEN_TTL`, `password_hash`, `publicKey`), the value must be a literal (a quoted string; in
//! config files also a bare word) and look generated: long, mixed, high in entropy, not a
//! placeholder, a reference, a checksum, an identifier, a sequence or a UUID. Like the other
//! content rules, only offsets leave this module; values are looked at and dropped.

use std::sync::OnceLock;

/// Case-insensitive anchors: every name this rule accepts holds one of them.
const KEYWORDS: &[&str] = &[
    "secret",
    "token",
    "passw",
    "apikey",
    "api_key",
    "api-key",
    "privatekey",
    "private_key",
    "private-key",
    "authkey",
    "auth_key",
    "auth-key",
    "accesskey",
    "access_key",
    "access-key",
];

/// Extensions of programming languages: a bare word after `=` is a reference there, not a
/// literal, so only quoted values count.
const CODE_EXTS: &[&str] = &[
    "py", "pyi", "pyw", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "go", "java", "kt",
    "kts", "scala", "groovy", "gradle", "rb", "rake", "php", "rs", "cs", "fs", "vb", "swift", "m",
    "mm", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "dart", "ex", "exs", "erl", "lua", "pl", "pm",
    "r", "jl", "vue", "svelte", "astro", "clj", "cljs", "elm", "hs", "ml", "nim", "zig", "sol",
    "tf", "hcl", "nix", "cr", "coffee",
];

/// Extensions of configuration formats (a chosen, readable password is a credential there;
/// see [`readable_password`]).
const SETTINGS_EXTS: &[&str] = &[
    "yml",
    "yaml",
    "toml",
    "ini",
    "hjson",
    "json",
    "json5",
    "conf",
    "cfg",
    "properties",
];

/// Extensions of documentation: examples there are shown, not used.
/// Documentation formats: Markdown, reStructuredText, AsciiDoc, plain text, man pages (roff,
/// by section: `syncthing-config.5`, and `.man`, `.mdoc`), Texinfo, Perl's POD, Org and RDoc.
const DOC_EXTS: &[&str] = &[
    "md", "markdown", "mdx", "rst", "adoc", "asciidoc", "txt", "1", "2", "3", "4", "5", "6", "7",
    "8", "9", "man", "mdoc", "roff", "texi", "texinfo", "pod", "org", "rdoc",
];

/// How a file's text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// A programming language: only a quoted value is a literal (a bare word is a reference).
    /// Here and in config, comment lines (documentation, disabled settings) are skipped.
    Code,
    /// Documentation: a value shown as an example (`For example, …` just above) or as a
    /// command's output in a shell session (after a `$ command` line in the same code block)
    /// is skipped.
    Doc,
    /// Config and anything else: bare values count.
    Config,
    /// A configuration format (YAML, TOML, INI, HJSON, JSON, `.conf`, `.properties`): read as
    /// [`FileKind::Config`], and a password key set to a readable literal counts too (CTX185).
    Settings,
}

impl FileKind {
    /// The kind of the file at `path`, by extension.
    pub(crate) fn of(path: &[u8]) -> FileKind {
        let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
        let Some(dot) = name.iter().rposition(|&b| b == b'.') else {
            return FileKind::Config;
        };
        let ext = name[dot + 1..].to_ascii_lowercase();
        if CODE_EXTS.iter().any(|e| e.as_bytes() == &ext[..]) {
            FileKind::Code
        } else if DOC_EXTS.iter().any(|e| e.as_bytes() == &ext[..]) {
            FileKind::Doc
        } else if SETTINGS_EXTS.iter().any(|e| e.as_bytes() == &ext[..]) {
            FileKind::Settings
        } else {
            FileKind::Config
        }
    }
}

/// The spellings of [`KEYWORDS`] that names use (lower case, upper case, capitalised, camel
/// case and capitalised words: `secret`, `SECRET`, `clientSecret`, `apiKey`, `APIKey`,
/// `X-Api-Key`), searched case-sensitively and
/// leftmost-first, so that aho-corasick puts Teddy (SIMD) in front of its automaton: the
/// case-insensitive standard-semantics automaton it replaces walked every byte and cost 0.37 s
/// of CPU over the 40k files of the mono corpus, these 49 literals cost 0.06 s.
fn spellings() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for k in KEYWORDS {
        add(k.to_string());
        add(k.to_ascii_uppercase());
        if !k.contains(['_', '-']) {
            let mut cap = k.to_string();
            cap[..1].make_ascii_uppercase();
            add(cap);
        } else if k.contains('-') {
            // Each word capitalised, as HTTP headers are written (`X-Api-Key`, `X-API-Key`).
            let words: Vec<String> = k
                .split('-')
                .map(|w| {
                    let mut c = w.to_string();
                    c[..1].make_ascii_uppercase();
                    c
                })
                .collect();
            add(words.join("-"));
            let mut first_upper = words;
            first_upper[0].make_ascii_uppercase();
            add(first_upper.join("-"));
        }
        // Camel case of a two-word keyword without a separator: `apiKey`, `ApiKey`, `APIKey`.
        if let Some(second) = ["key"]
            .iter()
            .find(|w| k.len() > w.len() && k.ends_with(*w) && !k.contains(['_', '-']))
        {
            let first = &k[..k.len() - second.len()];
            let mut camel = first.to_string();
            camel.push_str("Key");
            add(camel.clone());
            let mut pascal = camel;
            pascal[..1].make_ascii_uppercase();
            add(pascal);
            add([&first.to_ascii_uppercase(), "Key"].concat());
        }
    }
    out
}

fn keywords() -> &'static super::literals::Ordered {
    static C: OnceLock<super::literals::Ordered> = OnceLock::new();
    C.get_or_init(|| super::literals::Ordered::new(&spellings()))
}

/// Offsets (the start of the name) of hard-coded secrets: at most one per line, at most `max`.
#[cfg(test)]
pub(crate) fn assigned_secret_offsets(bytes: &[u8], kind: FileKind, max: usize) -> Vec<usize> {
    assigned_offsets(bytes, kind, max).random
}

/// What [`assigned_offsets`] finds: offsets (the start of the name) of each kind of value.
#[derive(Debug, Default)]
pub(crate) struct Assigned {
    /// A generated-looking literal (CTX169).
    pub random: Vec<usize>,
    /// A readable password in a configuration file (CTX185): see [`readable_password`].
    pub readable: Vec<usize>,
}

/// Hard-coded secrets assigned to secret names: at most one per line, at most `max` in all.
pub(crate) fn assigned_offsets(bytes: &[u8], kind: FileKind, max: usize) -> Assigned {
    let mut found = Assigned::default();
    // The start of the last line that produced a hit.
    let mut done_line: Option<usize> = None;
    // The bounds of the line being looked at, found once for all its keywords (a minified
    // line can hold thousands).
    let mut bounds: Option<(usize, usize)> = None;
    // Documentation: the lines shown as an example so far. The same line again further on (a
    // man page's sample configuration repeated under the section of each element) is the same
    // example.
    let mut example_lines: Vec<&[u8]> = Vec::new();
    let fences = std::cell::OnceCell::new();
    for (ms, me) in keywords().find_iter(bytes) {
        let (ls, le) = match bounds {
            Some((s, e)) if ms < e => (s, e),
            _ => {
                let s = memchr::memrchr(b'\n', &bytes[..ms]).map_or(0, |k| k + 1);
                let e = memchr::memchr(b'\n', &bytes[ms..]).map_or(bytes.len(), |k| ms + k);
                bounds = Some((s, e));
                (s, e)
            }
        };
        if done_line == Some(ls) {
            continue;
        }
        if kind != FileKind::Doc && skip::comment_line(&bytes[ls..le.min(ls + 256)]) {
            continue;
        }
        // A window of the line around the keyword: each keyword costs a bounded look.
        let ws = ls.max(ms.saturating_sub(WINDOW_BEFORE));
        let we = le.min(me + WINDOW_AFTER);
        let line = &bytes[ws..we];
        let found_here = assignment_at(line, ms - ws, me - ws, kind).or_else(|| {
            let default = variable_default(bytes, ls, le, ms, me);
            default
                .filter(|_| kind == FileKind::Code)
                .map(|n| (n - ws, false))
        });
        if let Some((name_start, readable)) = found_here {
            if kind == FileKind::Doc {
                let text = bytes[ls..le].trim_ascii();
                if example_lines.contains(&text) {
                    continue;
                }
                if shown_example(&bytes[..ls])
                    || hash_comment_in_fence(&bytes[..ls], &bytes[ls..le])
                    || reused::shown_earlier(bytes, ls, le)
                    || reused::request_response(&bytes[..ls], &bytes[ls..le])
                    || reused::in_code_samples_of(bytes, ls, le, &fences)
                {
                    example_lines.push(text);
                    continue;
                }
            }
            if kind != FileKind::Doc
                && embedded_example(&bytes[ls.max(ms.saturating_sub(4096))..ms])
            {
                continue;
            }
            if kind != FileKind::Doc && skip::inside_example(&bytes[..ls], &bytes[ls..le]) {
                continue;
            }
            if kind == FileKind::Code
                && (skip::in_block_comment(&bytes[..ms])
                    || skip::in_example_string(&bytes[..ls], &bytes[ls..le]))
            {
                continue;
            }
            if kind == FileKind::Code && docstring::shown_in_docstring(bytes, ls) {
                continue;
            }
            if public::search_key(&bytes[ls.saturating_sub(400)..(le + 400).min(bytes.len())]) {
                continue;
            }
            if readable {
                found.readable.push(ws + name_start);
            } else {
                found.random.push(ws + name_start);
            }
            done_line = Some(ls);
            if found.random.len() + found.readable.len() == max {
                break;
            }
        }
    }
    found
}

/// A Terraform variable named like a secret whose `default` is a generated literal:
/// `variable "db_password" {` on the keyword's line `bytes[ls..le]` (the keyword at `ms..me`
/// inside the quoted name), `default = "…"` within the block's next eight lines. The name's
/// offset.
fn variable_default(bytes: &[u8], ls: usize, le: usize, ms: usize, me: usize) -> Option<usize> {
    let head = &bytes[ls..le];
    let t = head.trim_ascii_start();
    let rest = t.strip_prefix(b"variable")?.trim_ascii_start();
    let name = rest.strip_prefix(b"\"")?;
    let name = &name[..memchr::memchr(b'"', name)?];
    let ns = ls + (head.len() - t.len()) + (t.len() - rest.len()) + 1;
    if !(ns <= ms && me <= ns + name.len()) {
        return None;
    }
    let kind = secret_name_kind(&name_words(name))?;
    for l in bytes[le..].split(|&b| b == b'\n').skip(1).take(8) {
        let l = l.trim_ascii();
        if l.starts_with(b"}") || l.starts_with(b"variable") {
            return None;
        }
        let Some(v) = l.strip_prefix(b"default") else {
            continue;
        };
        let v = v.trim_ascii_start().strip_prefix(b"=")?.trim_ascii();
        let v = v.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
        return random_literal(v, kind, true).then_some(ns);
    }
    None
}

/// How much of a line before and after a keyword is read: enough for a long name and a
/// 1 KiB value.
const WINDOW_BEFORE: usize = 256;
const WINDOW_AFTER: usize = 1280;

/// Whether a line of documentation is a `#` comment inside a fenced code block of a language
/// whose comments start with `#` (`bash`, `yaml`, `python`, …; `before` ends at the line's
/// start): a note or a disabled setting, as comment lines of config and code are (an annotated
/// log pasted as comments under the command that printed it). Not in a `console` block or one
/// without a language, where `#` is also a root prompt.
fn hash_comment_in_fence(before: &[u8], line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    if !t.starts_with(b"#") || t.starts_with(b"#!") {
        return false;
    }
    const HASH_LANGS: &[&str] = &[
        "bash",
        "sh",
        "shell",
        "zsh",
        "fish",
        "yaml",
        "yml",
        "toml",
        "ini",
        "conf",
        "python",
        "py",
        "ruby",
        "rb",
        "dockerfile",
        "properties",
        "env",
        "dotenv",
        "makefile",
        "make",
    ];
    // The info string of the fence open at the line, if one is.
    let mut open: Option<&[u8]> = None;
    for l in before.split(|&b| b == b'\n') {
        let l = l.trim_ascii();
        if l.starts_with(b"```") || l.starts_with(b"~~~") {
            open = match open {
                Some(_) => None,
                None => Some(l[3..].trim_ascii()),
            };
        }
    }
    open.is_some_and(|info| {
        let lang = info
            .split(|&b| b.is_ascii_whitespace() || matches!(b, b'{' | b',' | b'}'))
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        HASH_LANGS.iter().any(|l| l.as_bytes() == &lang[..])
    })
}

/// Whether documentation text before a line (`before` ends at its start) shows it as an
/// example: `example`, `e.g.`, `for instance`, `consider`, `sample`, `such as`, `like this`,
/// `looks like` or a `<your …>` placeholder in the eight lines above, or in the eight lines
/// above the start of the code block it sits in (a Markdown fence, an RST `.. code` directive,
/// a man page's `.EX` or `.nf`: "an example of a default configuration file" above a long
/// sample), or a `$ command` line or an HTTP status line (`HTTP/1.1 200 OK`) earlier in the
/// same code block (the line is its output).
pub(super) fn shown_example(before: &[u8]) -> bool {
    let mut lines = before.split(|&b| b == b'\n').rev();
    // `split` yields the empty text after the last newline first.
    lines.next();
    // Still inside the line's own code block (or paragraph).
    let mut in_block = true;
    // The line number (counted upwards) of the start of the code block the line sits in.
    let mut block_start: Option<usize> = None;
    for (k, l) in lines.enumerate().take(64) {
        let t = l.trim_ascii();
        let low = t.to_ascii_lowercase();
        // The eight lines above the line, or above the start of its code block (a long sample
        // configuration introduced as "an example of a default configuration file").
        let near = k < 8 || block_start.is_some_and(|s| k > s && k <= s + 8);
        if near
            && [
                "example",
                "e.g.",
                "for instance",
                "consider",
                "sample",
                "such as",
                "something like",
                "like this",
                "looks like",
                "<your",
            ]
            .iter()
            .any(|w| memchr::memmem::find(&low, w.as_bytes()).is_some())
        {
            return true;
        }
        // A man page's example and no-fill blocks (`.EX` … `.EE`, `.nf` … `.fi`): met from
        // below, the end of one means the line is not in it.
        if in_block && block_start.is_none() && (t == b".EE" || t == b".fi") {
            in_block = false;
        }
        if in_block && block_start.is_none() && (t == b".EX" || t == b".nf") {
            block_start = Some(k);
            in_block = false;
            continue;
        }
        // A command's prompt, or an HTTP response's status line (a sample API response).
        if in_block
            && (t.starts_with(b"$ ")
                || t.starts_with(b"> ")
                || t.starts_with(b"PS> ")
                || t.starts_with(b"HTTP/"))
        {
            return true;
        }
        let fence = |t: &[u8]| t.starts_with(b"```") || t.starts_with(b"~~~");
        if fence(t) || t.starts_with(b".. code") {
            // The fence that opens the line's block, not one that closes an earlier block: an
            // odd number of fences above the line.
            let opens = !fence(t)
                || before
                    .split(|&b| b == b'\n')
                    .filter(|l| fence(l.trim_ascii()))
                    .count()
                    % 2
                    == 1;
            if in_block && opens {
                block_start = Some(k);
            }
            in_block = false;
        }
        if !in_block && k >= 8 && block_start.is_none_or(|s| k >= s + 8) {
            return false;
        }
    }
    false
}

/// Whether the section a line of documentation is in (`before` ends at its start) is headed as
/// an example (`#### Configuration Example`, `## Examples`): the nearest Markdown heading of
/// two or more `#` within 60 lines or, when that is of three or more, one of the headings it
/// sits under (`##### Examples` above `###### Basic Configuration`; a heading of the same or a
/// deeper level on the way is a sibling's, not the line's), up to the nearest of two `#`; and
/// any `#` line on the way (an H1, or a comment in the code block) that says so.
pub(super) fn example_section(before: &[u8]) -> bool {
    let lines = before.strip_suffix(b"\n").unwrap_or(before);
    // The level of the innermost heading of the line's section found so far.
    let mut level = usize::MAX;
    for l in lines.rsplit(|&b| b == b'\n').take(60) {
        let t = l.trim_ascii();
        if !t.starts_with(b"#") {
            continue;
        }
        let hashes = t.iter().take_while(|&&b| b == b'#').count();
        let heading = hashes >= 2 && t.get(hashes) == Some(&b' ');
        if heading && hashes >= level {
            continue;
        }
        let low = t.to_ascii_lowercase();
        if memchr::memmem::find(&low, b"example").is_some() {
            return true;
        }
        if heading {
            if hashes == 2 {
                return false;
            }
            level = hashes;
        }
    }
    false
}

/// Whether the text of a line before a keyword (`prefix`) is documentation written inside a
/// string literal of code or config, with escaped newlines (`\n`), that shows the value as an
/// example: an API description embedded in the source (an OpenAPI security scheme's
/// `"… for instance:\n```js\nconst client = new Client({\n  apiKey: '…'"`). The embedded
/// lines are read as documentation ([`shown_example`]); only the last 4 KiB before the keyword
/// (a minified line can be long).
pub(super) fn embedded_example(prefix: &[u8]) -> bool {
    if memchr::memmem::find(prefix, b"\\n").is_none() {
        return false;
    }
    let mut text = Vec::with_capacity(prefix.len());
    let mut i = 0;
    while i < prefix.len() {
        if prefix[i] == b'\\' && prefix.get(i + 1) == Some(&b'n') {
            text.push(b'\n');
            i += 2;
        } else {
            text.push(prefix[i]);
            i += 1;
        }
    }
    shown_example(&text)
}

fn ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Looks at the keyword at `ks..ke` in `line`: the start of the name when it names a secret that
/// is assigned a random-looking literal (`false`), or, in a configuration file, a password name
/// assigned a readable one (`true`, see [`readable_password`]).
fn assignment_at(line: &[u8], ks: usize, ke: usize, file: FileKind) -> Option<(usize, bool)> {
    let quoted_only = file == FileKind::Code;
    // The whole name around the keyword (bounded: a minified line is not read to its ends).
    let mut ns = ks;
    while ns > 0 && ks - ns < 128 && ident(line[ns - 1]) {
        ns -= 1;
    }
    let mut ne = ke;
    while ne < line.len() && ne - ke < 128 && ident(line[ne]) {
        ne += 1;
    }
    let name = trim_name(&line[ns..ne]);
    let words = name_words(name);
    let kind = secret_name_kind(&words)?;
    // Ruling out checksums and hashes: the line names one (`sha512-…`, `"integrity": …`).
    if hash_words(line) {
        return None;
    }
    if let Some(v) = segment_value(line, ns, ne)
        .or_else(|| query_value(line, ns, ne).filter(|_| !quoted_only && file != FileKind::Doc))
        .or_else(|| xml_value(line, ns, ne))
        .or_else(|| header_value(line, ns, ne))
    {
        return random_literal(v, kind, false).then_some((ns, false));
    }
    let mut i = ne;
    // A quoted key (`"client_secret":`, `'api_key' =>`, `headers["x-api-key"] =`).
    // Not when the quote does not close after the name: then it opens a string or an inline
    // code span the name starts (`` `API_TOKEN=…` `` in documentation). Inside a string
    // literal the quotes may be escaped (`\"api_key\": \"…\"`, a notebook's code cell).
    let quote = ns.checked_sub(1).map(|k| line[k]);
    let escaped = quote
        .is_some_and(|q| ns >= 2 && line[ns - 2] == b'\\' && line[i..].starts_with(&[b'\\', q]));
    let quoted_name =
        matches!(quote, Some(b'"' | b'\'' | b'`')) && (line.get(i) == quote.as_ref() || escaped);
    if quoted_name {
        i += if escaped { 2 } else { 1 };
    }
    // `headers["x-api-key"] =`; a name closed by `]` is an index or a list item, never a
    // looked-up name with a default (`addUniqueIndex(['token'], 'UNIQ_…')`).
    let indexed = line.get(i) == Some(&b']');
    if indexed {
        i += 1;
    }
    i = skip_ws(line, i);
    let looked_up = default_after(line, ns, i, quoted_name && !indexed);
    i = match looked_up {
        Some(k) => k,
        None => operator(line, i)?,
    };
    // `key=value` (properties, dotenv, shell, INI), where a bare value is literal from its
    // first byte; after `key:` (YAML) some first bytes are syntax.
    let equals = looked_up.is_none() && line[i - 1] == b'=';
    i = skip_ws(line, i);
    let (value, quoted) = value_at(line, i, quoted_only, file == FileKind::Doc, equals)?;
    if !quoted && quoted_only {
        return None;
    }
    if random_literal(value, kind, quoted_only) {
        return Some((ns, false));
    }
    // A readable value counts only as a key's own value (not a list's next item, nor a
    // looked-up name's default).
    (file == FileKind::Settings
        && kind == Kind::Password
        && looked_up.is_none()
        && readable_password(value, &words))
    .then_some((ns, true))
}

/// Where the value starts when the name is looked up with a literal default, the other way a
/// program hard-codes a secret: a quoted name followed by `,` (`os.getenv("API_TOKEN", "…")`,
/// `define('AUTH_KEY', '…')`, `env('APP_SECRET', '…')`, `System.getProperty("app.secret", "…")`),
/// or an environment variable followed by `||`/`??` (`process.env.API_TOKEN || "…"`,
/// `import.meta.env.SECRET ?? "…"`). `i` is the first byte after the name (and its quote).
fn default_after(line: &[u8], ns: usize, i: usize, quoted_name: bool) -> Option<usize> {
    let rest = &line[i..];
    if quoted_name && rest.first() == Some(&b',') {
        return Some(i + 1);
    }
    // The name runs back over dots: `process.env.API_TOKEN` is one name.
    let before = &line[..i];
    let env_var = [&b"env."[..], b"ENV."]
        .iter()
        .any(|p| memchr::memmem::find(&before[ns.saturating_sub(4)..], p).is_some());
    let or = rest.starts_with(b"||") || rest.starts_with(b"??");
    (env_var && or && rest.get(2) != Some(&b'=')).then_some(i + 2)
}

fn skip_ws(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && matches!(line[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// Drops leading `-`/`.` (`--api-key`, `.token`) and trailing ones.
fn trim_name(n: &[u8]) -> &[u8] {
    let s = n
        .iter()
        .position(|&b| !matches!(b, b'-' | b'.'))
        .unwrap_or(n.len());
    let e = n
        .iter()
        .rposition(|&b| !matches!(b, b'-' | b'.'))
        .map_or(s, |k| k + 1);
    &n[s..e.max(s)]
}

/// The name split into lower-case words: at `_`, `-`, `.` and camel-case humps
/// (`clientSecret`, `APIKey`, `JWT_SECRET` → `client secret`, `api key`, `jwt secret`).
pub(super) fn name_words(name: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    for (k, &b) in name.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = k.checked_sub(1).map(|p| name[p]);
        let next = name.get(k + 1).copied();
        let hump = b.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if hump && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(b.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// What a secret-named variable holds: a password (12 characters are enough) or a key/token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Password,
    Key,
    /// A name that says `secret` (a UUID value counts).
    Secret,
}

/// Whether the words name a secret, and which kind. `None` for names about a secret
/// (`token_ttl`, `password_hash`, `secret_name`), public ones (`publicKey`,
/// `NEXT_PUBLIC_API_KEY`) and test doubles (`fake_token`, `EXAMPLE_API_KEY`).
fn secret_name_kind(words: &[Vec<u8>]) -> Option<Kind> {
    const PAIRS: &[(&str, &str)] = &[
        ("api", "key"),
        ("private", "key"),
        ("auth", "key"),
        ("access", "key"),
        ("client", "secret"),
    ];
    const JOINED: &[&str] = &["apikey", "privatekey", "authkey", "accesskey", "secretkey"];
    // Words that make the name about something else, anywhere in it.
    const NEVER: &[&str] = &[
        "public",
        "csrf",
        "xsrf",
        "authenticity",
        "forgery",
        "nonce",
        "publishable",
        "example",
        "sample",
        "dummy",
        "fake",
        "mock",
        "test",
        "demo",
        "hash",
        "hashed",
        "digest",
        "checksum",
        "sha",
        "sha1",
        "sha256",
        "sha512",
        "md5",
        "integrity",
        "salt",
        "placeholder",
        "regex",
        "pattern",
    ];
    // Last words that describe a property of the secret rather than hold it.
    const META: &[&str] = &[
        "file",
        "files",
        "path",
        "dir",
        "length",
        "len",
        "ttl",
        "expiry",
        "expires",
        "expire",
        "expiration",
        "exp",
        "lifetime",
        "timeout",
        "enabled",
        "enable",
        "disabled",
        "required",
        "header",
        "headers",
        "name",
        "names",
        "type",
        "url",
        "uri",
        "host",
        "port",
        "user",
        "username",
        "mode",
        "alg",
        "algorithm",
        "prefix",
        "suffix",
        "id",
        "ids",
        "location",
        "endpoint",
        "version",
        "size",
        "count",
        "min",
        "max",
        "policy",
        "provider",
        "format",
        "rotation",
        "strategy",
        "field",
        "fields",
        "param",
        "params",
        "kind",
        "label",
        "hint",
        "message",
        "msg",
        "error",
        "errors",
        "text",
        "title",
        "description",
        "desc",
        "help",
        "env",
        "var",
        "ref",
        "arn",
        "input",
        "selector",
        "class",
        "icon",
        "confirm",
        "confirmation",
        "reset",
        "storage",
        "store",
        "cookie",
        "attr",
        "attribute",
        "column",
        "table",
        "index",
        "idx",
        "keyid",
        "source",
        "ssm",
        "vault",
        "manager",
        "chars",
        "charset",
        "separator",
        "delimiter",
        "regexp",
        "validator",
        "schema",
        "scope",
        "scopes",
        "audience",
        "issuer",
        "usage",
        "method",
        "kms",
        "namespace",
        "namespaces",
        "region",
        "bucket",
        "volume",
        "mount",
        "annotation",
        "annotations",
        // Tensor names of a model (`token_embd.weight`), whose values are digests.
        "weight",
        "weights",
        "bias",
        "embd",
        "embedding",
        "embeddings",
    ];
    let is = |w: &Vec<u8>, s: &str| w.as_slice() == s.as_bytes();
    // Variables a front-end build inlines into the JavaScript bundle it ships to browsers
    // (`REACT_APP_…`, `VITE_…`, `GATSBY_…`, as `NEXT_PUBLIC_…` above): public by design.
    let bundled = match words {
        [a, b, ..] if is(a, "react") && is(b, "app") => true,
        [a, ..] => is(a, "vite") || is(a, "gatsby"),
        [] => false,
    };
    if bundled {
        return None;
    }
    if words.iter().any(|w| {
        NEVER.iter().any(|n| is(w, n))
            || w.starts_with(b"public")
            || w.starts_with(b"csrf")
            || w.starts_with(b"xsrf")
    }) {
        return None;
    }
    let last = words.last()?;
    if META.iter().any(|m| is(last, m)) {
        return None;
    }
    let mut kind: Option<Kind> = None;
    let mut note = |k: Kind| {
        kind = Some(match (kind, k) {
            (Some(Kind::Secret), _) | (_, Kind::Secret) => Kind::Secret,
            (Some(Kind::Key), _) | (_, Kind::Key) => Kind::Key,
            _ => Kind::Password,
        });
    };
    for (k, w) in words.iter().enumerate() {
        let ends = |s: &str| w.ends_with(s.as_bytes());
        if ends("secret") || is(w, "secretkey") {
            note(Kind::Secret);
        } else if ends("token") || JOINED.iter().any(|j| ends(j)) {
            note(Kind::Key);
        } else if ends("password") || ends("passwd") {
            note(Kind::Password);
        } else if let Some(next) = words.get(k + 1) {
            if PAIRS.iter().any(|(a, b)| is(w, a) && is(next, b)) {
                note(Kind::Key);
            }
        }
    }
    kind.filter(|&k| !public::embed_key(words, k))
}

/// Whether the line talks about checksums (`sha512-…`, `"integrity":`, `digest`).
fn hash_words(line: &[u8]) -> bool {
    let low = line.to_ascii_lowercase();
    [
        "sha1",
        "sha256",
        "sha384",
        "sha512",
        "sha-",
        "digest",
        "checksum",
        "integrity",
        "md5",
    ]
    .iter()
    .any(|w| memchr::memmem::find(&low, w.as_bytes()).is_some())
}

/// The operator at `i` (`=`, `:=`, `=>`, `:`, `?=`, `||=`, `??=`, or a type annotation
/// `: str =`, `: &str =`, Go's `string =`): the index after it.
fn operator(line: &[u8], i: usize) -> Option<usize> {
    let at = |k: usize| line.get(k).copied();
    match at(i)? {
        b'=' => match at(i + 1) {
            Some(b'=' | b'~') => None,
            Some(b'>') => Some(i + 2),
            _ => Some(i + 1),
        },
        b':' => match at(i + 1) {
            Some(b'=') => Some(i + 2),
            Some(b':') => None,
            _ => {
                // `name: Type = value` (TypeScript, Python, Rust, Kotlin annotations).
                if let Some(after) = annotation(line, i + 1) {
                    return Some(after);
                }
                // A mapping key: `key: value`, `"key":"value"`.
                match at(i + 1) {
                    None | Some(b' ' | b'\t' | b'"' | b'\'' | b'\r') => Some(i + 1),
                    _ => None,
                }
            }
        },
        b'?' if at(i + 1) == Some(b'=') => Some(i + 2),
        b'?' if at(i + 1) == Some(b'?') && at(i + 2) == Some(b'=') => Some(i + 3),
        b'|' if at(i + 1) == Some(b'|') && at(i + 2) == Some(b'=') => Some(i + 3),
        // Go: `apiKey string = "…"`.
        b if b.is_ascii_alphabetic() => {
            let mut k = i;
            while k < line.len() && k - i < 16 && line[k].is_ascii_alphanumeric() {
                k += 1;
            }
            let ty = &line[i..k];
            if !matches!(ty, b"string" | b"String" | b"str") {
                return None;
            }
            let k = skip_ws(line, k);
            (at(k) == Some(b'=') && at(k + 1) != Some(b'=')).then_some(k + 1)
        }
        _ => None,
    }
}

/// A type annotation starting at `i` (after the `:`) and ending in `=` before a value: the index
/// after the `=`.
fn annotation(line: &[u8], i: usize) -> Option<usize> {
    let mut k = skip_ws(line, i);
    let start = k;
    while k < line.len()
        && k - start < 48
        && (line[k].is_ascii_alphanumeric()
            || matches!(
                line[k],
                b'_' | b'<' | b'>' | b'[' | b']' | b'&' | b'\'' | b'.' | b'?' | b'|' | b' '
            ))
    {
        k += 1;
    }
    let ty = line[start..k].trim_ascii();
    if ty.is_empty() || !ty[0].is_ascii_alphabetic() && ty[0] != b'&' {
        return None;
    }
    // A value follows the `=`: a bare word ending in `=` is base64 with its padding
    // (`password: cGFzc3dvcmQ=`, a Kubernetes Secret's data), not a type.
    let valued = skip_ws(line, k + 1) < line.trim_ascii_end().len();
    (line.get(k) == Some(&b'=') && !matches!(line.get(k + 1), Some(b'=' | b'>')) && valued)
        .then_some(k + 1)
}

/// A `key=value` segment of a connection string inside a string literal
/// (`"Server=db;User Id=sa;Password=…;"`, ADO.NET, JDBC, Npgsql): the name starts after `;` or
/// the string's quote and `=` follows it at once; the value runs to the next `;` or quote.
fn segment_value(line: &[u8], ns: usize, ne: usize) -> Option<&[u8]> {
    if ns == 0 || !matches!(line[ns - 1], b';' | b'"' | b'\'') || line.get(ne) != Some(&b'=') {
        return None;
    }
    let body = ne + 1;
    let len = line[body..]
        .iter()
        .position(|b| matches!(b, b';' | b'"' | b'\''))?;
    let v = &line[body..body + len];
    (!v.iter().any(|b| b.is_ascii_whitespace())).then_some(v)
}

/// A parameter of a URL's query string (`?token=…&after=60`, `&api_key=…#top`): the name starts
/// after `?` or `&` and `=` follows it at once; the value runs to the next `&`, `#`, space,
/// quote or bracket (the next parameter is not part of it). Only in config: in code a bare
/// value is never a literal, and documentation's URLs with a token are a command's sample
/// output (`http://127.0.0.1:8888/lab?token=…`), read as before.
fn query_value(line: &[u8], ns: usize, ne: usize) -> Option<&[u8]> {
    if ns == 0 || !matches!(line[ns - 1], b'?' | b'&') || line.get(ne) != Some(&b'=') {
        return None;
    }
    let body = ne + 1;
    let len = line[body..]
        .iter()
        .position(|b| {
            b.is_ascii_whitespace()
                || matches!(
                    b,
                    b'&' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b')' | b']'
                )
        })
        .unwrap_or(line.len() - body);
    Some(&line[body..body + len])
}

/// An HTTP header written in one string literal (`curl -H "X-Api-Key: …"`,
/// `headers: ["Authorization-Token: …"]`): the name starts after the quote, `:` and spaces
/// follow it, and the value runs to the closing quote with no space in it.
fn header_value(line: &[u8], ns: usize, ne: usize) -> Option<&[u8]> {
    let q = *line.get(ns.checked_sub(1)?)?;
    if !matches!(q, b'"' | b'\'') || line.get(ne) != Some(&b':') {
        return None;
    }
    let body = skip_ws(line, ne + 1);
    if body == ne + 1 {
        return None;
    }
    let len = memchr::memchr(q, &line[body..])?;
    let v = &line[body..body + len];
    (!v.iter().any(u8::is_ascii_whitespace)).then_some(v)
}

/// The text an XML file gives the secret name `line[ns..ne]`: an element's text
/// (`<password>…</password>`, Maven's `settings.xml`), or the `value` attribute or the element's
/// text after a `key` or `name` attribute that holds the name (`<add key="ApiSecret" value="…"
/// />`, .NET's `appSettings`; `<entry key="db.password">…</entry>`, Java's XML properties).
fn xml_value(line: &[u8], ns: usize, ne: usize) -> Option<&[u8]> {
    let name = &line[ns..ne];
    if ns > 0 && line[ns - 1] == b'<' && line.get(ne) == Some(&b'>') {
        let text = &line[ne + 1..];
        let end = memchr::memchr(b'<', text)?;
        let close = text[end..].strip_prefix(b"</")?;
        return (close.starts_with(name) && close.get(name.len()) == Some(&b'>'))
            .then_some(&text[..end]);
    }
    let q = *line.get(ne)?;
    if ns == 0 || !matches!(q, b'"' | b'\'') || line[ns - 1] != q {
        return None;
    }
    let attr = line[..ns - 1].strip_suffix(b"=")?;
    if !(attr.ends_with(b" key") || attr.ends_with(b" name")) {
        return None;
    }
    let rest = line[ne + 1..].trim_ascii_start();
    if let Some(text) = rest.strip_prefix(b">") {
        // `<entry key="db.password">…</entry>` (Java's XML properties).
        let end = memchr::memchr(b'<', text)?;
        return text[end..].starts_with(b"</").then_some(&text[..end]);
    }
    let body = rest.strip_prefix(b"value=")?.strip_prefix(&[q][..])?;
    let end = memchr::memchr(q, body)?;
    Some(&body[..end])
}

/// The value at `i`: a quoted string (with an optional `r`/`b`/`u`/`@` prefix) ending on this
/// line and not joined to more (`"a" + b`, `'a' . $b`, `"%s" % x`), or (unless `quoted_only`) a
/// bare word that ends the line (before a comment). Returns the value and whether it was quoted.
/// In documentation (`prose`) a bare value may close an inline code span (`` `KEY=…` ``) or be
/// followed by more prose when it is long (20 characters or more).
fn value_at(
    line: &[u8],
    mut i: usize,
    quoted_only: bool,
    prose: bool,
    equals: bool,
) -> Option<(&[u8], bool)> {
    let at = |k: usize| line.get(k).copied();
    if matches!(at(i), Some(b'r' | b'b' | b'u' | b'R' | b'B' | b'U' | b'@'))
        && matches!(at(i + 1), Some(b'"' | b'\''))
    {
        i += 1;
    }
    // A JSX attribute's expression (`apiKey={"…"}`) holds a quoted string.
    let braced = at(i) == Some(b'{') && matches!(at(i + 1), Some(b'"' | b'\'' | b'`'));
    if braced {
        i += 1;
    }
    // Quotes escaped inside a string literal (`OPENAI_API_KEY = \"…\"` in a notebook's JSON).
    let escaped = at(i) == Some(b'\\') && matches!(at(i + 1), Some(b'"' | b'\''));
    if escaped {
        i += 1;
    }
    match at(i)? {
        q @ (b'"' | b'\'' | b'`') => {
            let body = i + 1;
            let mut k = body;
            while k < line.len() && line[k] != q {
                if line[k] == b'\\' {
                    if escaped && at(k + 1) == Some(q) {
                        break;
                    }
                    return None;
                }
                k += 1;
            }
            if k >= line.len() {
                return None;
            }
            let end = k;
            if escaped {
                k += 1;
            }
            if braced {
                if at(k + 1) != Some(b'}') {
                    return None;
                }
                k += 1;
            }
            let after = skip_ws(line, k + 1);
            let spaced = after > k + 1;
            match at(after) {
                Some(b'+' | b'%' | b'*' | b'[' | b'"' | b'\'') => return None,
                Some(b'.') if spaced => return None,
                _ => {}
            }
            Some((&line[body..end], true))
        }
        _ if quoted_only => None,
        // A bare word starts with a letter or a digit, or with a symbol a generated password
        // may start with (`_hZj…`, `+g7P…`, `-A#W…`): not `--` (a flag). After `=` any symbol
        // may (`!M%i…`, `%iYl…`, `*M8r…`), as it is literal there; after `:` (YAML) `!`, `*`,
        // `&`, `%`, `#` and `@` are a tag, an alias, an anchor, a directive, a comment or
        // reserved. Never `$`, `<`, `{`, `[` or `(` (a reference, a template or a structure).
        b if b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'+')
            || (matches!(b, b'-' | b'.')
                && at(i + 1).is_some_and(|c| c.is_ascii_alphanumeric()))
            || (equals
                && matches!(
                    b,
                    b'!' | b'*' | b'%' | b'#' | b'@' | b'&' | b'^' | b'~' | b'?'
                )
                && at(i + 1).is_some_and(|c| c.is_ascii_graphic() && c != b'=')) =>
        {
            let mut k = i;
            while k < line.len() && !line[k].is_ascii_whitespace() {
                k += 1;
            }
            let mut v = &line[i..k];
            while let Some((&l, rest)) = v.split_last() {
                if matches!(l, b',' | b';') || (prose && l == b'`') {
                    v = rest;
                } else {
                    break;
                }
            }
            // Prose goes on after the word; a comment may.
            let rest = line[k..].trim_ascii();
            if !(rest.is_empty()
                || rest.starts_with(b"#")
                || rest.starts_with(b"//")
                || rest.starts_with(b";")
                || (prose && v.len() >= 20))
            {
                return None;
            }
            if v.iter()
                .any(|b| matches!(b, b'"' | b'\'' | b'`' | b'(' | b')' | b'[' | b']'))
            {
                return None;
            }
            Some((v, false))
        }
        _ => None,
    }
}

mod docstring;
mod public;
pub(in crate::rules) mod reused;
mod skip;
mod value;

use value::{random_literal, readable_password};
pub(super) use value::{random_password, random_token};

#[cfg(test)]
mod tests;
