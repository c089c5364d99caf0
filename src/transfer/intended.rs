//! Which entries an ignore file keeps out of a `COPY dir/` on purpose: what never belongs in an
//! image whatever the directory (VCS metadata, installed dependency trees, compiler output,
//! caches, log files, editor and OS droppings), named as the report's rules name them. The
//! partly-sent check (DF003) says nothing about those: `**/bin/` and `**/obj/` leaving a .NET
//! project's build output out of `COPY Api/. ./Api/` (ErsatzTV) is the point of the line, and
//! its fix `!Api` would send them again.
//!
//! Not counted as on purpose, so still said: `vendor/` (Composer and Go vendoring may be what
//! the build uses), `dist/`/`build/` (a prebuilt front end the image may need), `tmp/` and
//! `logs/` directories (a PHP app's `Logs/` classes), secrets (a config directory's key the app
//! reads), test data.

use std::collections::HashMap;

use crate::rules::Category;
use crate::tree::{Tree, ROOT};

/// Whether the report's rule `rule` names what never belongs in an image.
fn junk_rule(rule: &str, category: Category) -> bool {
    match category {
        Category::Vcs | Category::EditorOs => true,
        Category::Dependencies => rule != "CTX306",
        Category::BuildOutput => matches!(rule, "CTX401" | "CTX404" | "CTX405" | "CTX406"),
        Category::Cache => rule != "CTX506",
        Category::Logs => rule == "CTX601",
        _ => false,
    }
}

/// Remembers, per node, whether it (or a directory between it and the source) is kept out on
/// purpose.
pub(super) struct Intended<'a> {
    tree: &'a Tree,
    memo: HashMap<u32, bool>,
}

impl<'a> Intended<'a> {
    pub(super) fn new(tree: &'a Tree) -> Self {
        Intended {
            tree,
            memo: HashMap::new(),
        }
    }

    /// Whether node `id`, or a directory above it that lies below the source's own directory
    /// (`base`, a path from the context root, `""` for the root), is junk by the report's
    /// rules. The source's directory itself never counts: the Dockerfile names it.
    pub(super) fn junk(&mut self, id: u32, base: &str) -> bool {
        let mut cur = id;
        while cur != ROOT {
            if self.tree.path(cur).len() <= base.len() {
                return false;
            }
            let tree = self.tree;
            let hit = *self.memo.entry(cur).or_insert_with(|| {
                crate::findings::name_hit(tree, cur).is_some_and(|h| junk_rule(h.rule, h.category))
            });
            if hit {
                return true;
            }
            cur = self.tree.nodes[cur as usize].parent;
        }
        false
    }
}
