//! Documentation inside code: a line of a triple-quoted string (a Python docstring, a
//! Kotlin or Java text block) is read as documentation is, so a sample call shown under
//! `Example:` or `For example::` in a function's docstring (`PlexServer(url, token='…')`, RFC
//! 6749's sample token response) is an example, not a hard-coded secret.

/// Whether the line that starts at `ls` lies inside a `"""` or `'''` string (an odd number of
/// either before it) and the text above it shows it as an example ([`super::shown_example`]).
pub(super) fn shown_in_docstring(bytes: &[u8], ls: usize) -> bool {
    let before = &bytes[..ls];
    let odd = |q: &[u8]| memchr::memmem::find_iter(before, q).count() % 2 == 1;
    (odd(b"\"\"\"") || odd(b"'''")) && super::shown_example(before)
}
