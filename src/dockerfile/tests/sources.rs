//! Context sources: wildcards, prefixes, matching against paths, `--parents`,
//! `--exclude`, bind mounts and remote `ADD` sources.

use super::*;

#[test]
fn wildcards_and_prefix() {
    let s = srcs("FROM x\nCOPY src/*/lib/*.py pkg/[ab]?.txt *.json \\\\*lit /\n");
    let it = &s.items;
    assert!(it[0].has_wildcard && it[1].has_wildcard && it[2].has_wildcard);
    assert!(!it[3].has_wildcard);
    assert_eq!(it[3].path, "\\*lit");
    // The lexer removes a single escape: `\*x` is the wildcard `*x`.
    let s = srcs("FROM x\nCOPY \\*x /\n");
    assert!(s.items[0].has_wildcard);
    assert_eq!(it[0].source_prefix(), "src");
    assert_eq!(it[1].source_prefix(), "pkg");
    assert_eq!(it[2].source_prefix(), "");
    let s = srcs("FROM x\nCOPY a/b/c /\n");
    assert_eq!(s.items[0].source_prefix(), "a/b/c");
    assert!(s.items[0].matches("a/b/c/d"));
}

#[test]
fn source_matching() {
    assert!(source_matches("", "anything/at/all"));
    assert!(source_matches("src", "src"));
    assert!(source_matches("src", "src/main.rs"));
    assert!(!source_matches("src", "srcx"));
    assert!(!source_matches("src/a", "src"));
    assert!(source_matches("*.txt", "a.txt"));
    assert!(!source_matches("*.txt", "d/a.txt"));
    assert!(
        source_matches("src*", "src/main.rs"),
        "a matched directory is copied whole"
    );
    assert!(source_matches("a?c", "abc"));
    assert!(!source_matches("a?c", "a/c"));
    assert!(source_matches("[a-c]x", "bx"));
    assert!(!source_matches("[^a-c]x", "bx"));
    assert!(source_matches("[^a-c]x", "dx"));
    assert!(source_matches("[!a]x", "!x"), "only ^ negates in Go");
    assert!(!source_matches("[!a]x", "bx"));
    assert!(source_matches("\\*x", "\\*x"), "no wildcard: literal");
    assert!(
        source_matches("a\\*[x]", "a*x"),
        "escape inside a wildcard pattern"
    );
    assert!(!source_matches("a\\*[x]", "abx"));
    assert!(!source_matches("[z-", "z"), "a bad pattern selects nothing");
    assert!(!source_matches("[]", "x"));
    assert!(source_matches("a*b*c", "aXbYc"));
    assert!(!source_matches("a*b", "a/b"));
    assert!(source_matches("*/*.go", "cmd/main.go"));
    assert!(source_matches("./src", "/src/x"));
    assert!(source_matches("*", "x/y/z"));
}

#[test]
fn parents_and_excludes() {
    let s = srcs("FROM x\nCOPY --parents ./apps/./web/package.json /src/\nCOPY --exclude=*.md --exclude=docs/ . /app\n");
    assert!(s.items[0].parents);
    assert_eq!(s.items[0].path, "apps/web/package.json");
    assert_eq!(s.items[0].raw, "./apps/./web/package.json");
    assert_eq!(s.items[1].excludes, ["*.md", "docs/"]);
    assert!(s.whole_context);
}

#[test]
fn bind_mounts() {
    let text = "\
FROM x AS deps
FROM golang
RUN --mount=type=bind,source=go.mod,target=go.mod \\
    --mount=type=bind,src=internal,target=/src/internal \\
    --mount=type=cache,target=/root/.cache \\
    --mount=type=bind,from=deps,source=/x,target=/y \\
    --mount=type=secret,id=tok \\
    go build
";
    let s = srcs(text);
    assert_eq!(paths(&s), ["go.mod", "internal"]);
    assert_eq!(s.items[0].instruction, "RUN --mount");
    assert_eq!(s.items[0].line, 3);
    // Default type is bind, default source is the context root.
    assert!(srcs("FROM x\nRUN --mount=target=/ctx ls /ctx\n").whole_context);
    // ARG in the mount source.
    let s = srcs("FROM x\nARG D=tools\nRUN --mount=type=bind,source=$D,target=/t true\n");
    assert_eq!(paths(&s), ["tools"]);
    // tmpfs quirk: BuildKit records the root.
    let s = srcs("FROM x\nRUN --mount=type=tmpfs,target=/tmp true\n");
    assert_eq!(s.items[0].instruction, "RUN --mount=type=tmpfs");
    assert!(s.whole_context);
    // from= makes the stage reachable.
    let s = srcs("FROM x AS a\nCOPY gen /gen\nFROM y\nRUN --mount=from=a,target=/a true\n");
    assert_eq!(paths(&s), ["gen"]);
    let e = err("FROM x\nRUN --mount=type=bogus,target=/a true\n");
    assert!(e.to_string().contains("unsupported mount type"), "{e}");
    let e = err("FROM x\nARG S=a\nRUN --mount=from=$S,target=/a true\n");
    assert!(e.to_string().contains("doesn't support variable expansion"));
}

#[test]
fn remote_add_sources() {
    let text = "\
FROM x
ADD https://example.com/file.tar.gz /tmp/
ADD http://example.com/x /tmp/
ADD git@github.com:moby/buildkit.git /src
ADD https://github.com/moby/buildkit.git#v0.13 /bk
ADD git://example.com/repo /r
ADD --keep-git-dir=true --checksum=sha256:abc ssh://git@example.com/r.git /r
ADD local.tar.gz /
ADD github.com/foo/bar /gh
";
    assert_eq!(paths(&srcs(text)), ["local.tar.gz", "github.com/foo/bar"]);
    let e = err("FROM x\nCOPY https://example.com/a /a\n");
    assert_eq!(e.to_string(), "line 2: source can't be a URL for COPY");
    let e = err("FROM x\nCOPY git@github.com:a/b.git /a\n");
    assert_eq!(e.to_string(), "line 2: source can't be a git ref for COPY");
    // A URL from an ARG is still a URL.
    let s = srcs("FROM x\nARG U=https://example.com/a.tgz\nADD $U /\n");
    assert!(s.items.is_empty());
}
