//! Reading `RUN` steps and image paths, shared by the `rm` warning ([`super::rmcheck`]) and the
//! files a step tests for ([`super::runreads`]): a step's commands as words, and paths joined
//! below the image's unknown `WORKDIR`.

use crate::dockerfile::Step;

/// The unknown `WORKDIR` of the image a stage chain starts from: paths below it are written
/// `IMG/…`, and compare with each other but not with absolute ones.
pub(super) const IMG: &str = "\u{0}img";

/// `rel` resolved against the directory `dir`, cleaned; `None` when it leaves the unknown image
/// directory (`..` above it).
pub(super) fn join(dir: &str, rel: &str) -> Option<String> {
    let (root, base) = if rel.starts_with('/') {
        ("", "")
    } else if let Some(r) = dir.strip_prefix(IMG) {
        (IMG, r)
    } else {
        ("", dir)
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in base.split('/').chain(rel.split('/')) {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() && root == IMG {
                    return None;
                }
            }
            c => parts.push(c),
        }
    }
    Some(match (parts.is_empty(), root) {
        (true, IMG) => IMG.to_string(),
        _ => format!("{root}/{}", parts.join("/")),
    })
}

/// The commands of a `RUN` step, each its words (quotes trimmed), in order.
pub(super) fn commands(step: &Step) -> Vec<Vec<String>> {
    if let crate::dockerfile::JsonArray::Strings(v) =
        crate::dockerfile::parse_json_array(&step.text)
    {
        return vec![v];
    }
    let text = format!("{}\n{}", step.text, step.heredoc).replace("\\\n", " ");
    text.split(['\n', ';', '&', '|', '(', ')'])
        .map(|c| {
            c.split_whitespace()
                .map(|w| w.trim_matches(['"', '\'']).to_string())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}
