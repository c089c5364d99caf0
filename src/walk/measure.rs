//! Sizing one excluded directory on its own, for a question about it after a walk that did not
//! open it (see [`super::WalkPlan::excluded_sizes`]): the same count the full walk makes of a
//! pruned directory (every non-directory below it; the bytes of regular files), never following
//! a symlink. Unreadable directories and entries are left out, as the full walk leaves them out
//! with a warning.

use std::path::Path;

use crate::sys::abs_path;

/// Files (non-directories) and regular-file bytes below the context-relative directory `rel`.
pub(crate) fn measure_dir(root: &Path, rel: &[u8]) -> (u64, u64) {
    let mut files = 0u64;
    let mut bytes = 0u64;
    let mut stack = vec![abs_path(root, rel)];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else {
                continue;
            };
            if ft.is_dir() {
                stack.push(e.path());
            } else if let Ok(m) = e.path().symlink_metadata() {
                files += 1;
                if m.file_type().is_file() {
                    bytes += m.len();
                }
            }
        }
    }
    (files, bytes)
}
