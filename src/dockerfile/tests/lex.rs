//! The shell-word lexer: quotes, escapes and `${VAR...}` substitution forms.

use super::*;
use crate::dockerfile::lex::{replace_pattern, shell_pattern, trim_prefix, trim_suffix};

#[test]
fn substitution_forms() {
    let p = |expr: &str| {
        let s = srcs(&format!(
            "FROM x\nARG SET=val\nARG EMPTY=\nARG UNSET\nCOPY {expr} /\n"
        ));
        (s.items[0].path.clone(), s.items[0].unresolved)
    };
    assert_eq!(p("${SET:-d}"), ("val".into(), false));
    assert_eq!(p("${EMPTY:-d}"), ("d".into(), false));
    assert_eq!(p("${EMPTY-d}x"), ("x".into(), false));
    assert_eq!(p("${UNSET-d}"), ("d".into(), false));
    assert_eq!(p("${UNSET:-d}"), ("d".into(), false));
    assert_eq!(p("a${SET:+alt}"), ("aalt".into(), false));
    assert_eq!(p("a${EMPTY:+alt}"), ("a".into(), false));
    assert_eq!(p("a${EMPTY+alt}"), ("aalt".into(), false));
    assert_eq!(p("a${UNSET+alt}"), ("a".into(), true));
    assert_eq!(p("a/$UNSET"), ("a".into(), true));
    assert_eq!(p("\\$SET"), ("$SET".into(), false));
    assert_eq!(p("'$SET'"), ("$SET".into(), false));
    assert_eq!(p("\"$SET\""), ("val".into(), false));
    assert_eq!(p("${SET#v}"), ("al".into(), false));
    assert_eq!(p("${SET%l}"), ("va".into(), false));
    assert_eq!(p("${SET/a/o}"), ("vol".into(), false));
    assert_eq!(p("$"), ("$".into(), false));
    assert_eq!(p("${SET:-${UNSET:-z}}"), ("val".into(), false));
    assert_eq!(p("${EMPTY:-${UNSET:-z}}"), ("z".into(), false));
    let e = err("FROM x\nCOPY ${A /\n");
    assert!(e.to_string().contains("missing '}'"), "{e}");
    let e = err("FROM x\nCOPY ${:A} /\n");
    assert!(e.to_string().contains("bad substitution"), "{e}");
}

#[test]
fn shell_pattern_trimming() {
    let mut b = usize::MAX;
    let pat = shell_pattern("*.").unwrap();
    assert_eq!(trim_prefix(&pat, "a.b.c", false, &mut b).unwrap(), "b.c");
    assert_eq!(trim_prefix(&pat, "a.b.c", true, &mut b).unwrap(), "c");
    let pat = shell_pattern(".*").unwrap();
    assert_eq!(trim_suffix(&pat, "a.b.c", false, &mut b).unwrap(), "a.b");
    assert_eq!(trim_suffix(&pat, "a.b.c", true, &mut b).unwrap(), "a");
    let pat = shell_pattern("o").unwrap();
    assert_eq!(
        replace_pattern(&pat, "foo", "0", true, &mut b).unwrap(),
        "f00"
    );
    assert_eq!(
        replace_pattern(&pat, "foo", "0", false, &mut b).unwrap(),
        "f0o"
    );
    assert!(shell_pattern("\\q").is_err());
}
