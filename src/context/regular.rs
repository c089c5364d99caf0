//! Reading a file the build names (the Dockerfile, an ignore file) without hanging on one that
//! is not a regular file.

use std::io::{Error, ErrorKind};
use std::path::Path;

/// The contents of `path`, following symlinks; a FIFO, socket or device there (`mkfifo
/// Dockerfile`, `.dockerignore -> /dev/zero`) is an error (`not a regular file`), not a read
/// that waits for a writer forever or never ends. A directory keeps the OS's own error
/// (`is a directory`), as a missing file keeps `not found`.
pub(crate) fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = open_regular(path)?;
    let mut b = Vec::new();
    f.read_to_end(&mut b)?;
    Ok(b)
}

/// `path` opened for reading as [`read_regular`] reads it: only a regular file (or a directory,
/// for the OS's own error on reading it).
pub(crate) fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let md = std::fs::metadata(path)?;
    if !md.is_file() && !md.is_dir() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    std::fs::File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("Dockerfile");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(
            status.as_ref().is_ok_and(|s| s.success()),
            "mkfifo {fifo:?}: {status:?}"
        );
        // Without the check this read waits for a writer forever.
        let e = read_regular(&fifo).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.to_string(), "not a regular file");
        let zero = d.path().join(".dockerignore");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert_eq!(
            read_regular(&zero).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        let f = d.path().join("a");
        std::fs::write(&f, "x").unwrap();
        assert_eq!(read_regular(&f).unwrap(), b"x");
        assert_eq!(
            read_regular(d.path()).unwrap_err().kind(),
            std::fs::read(d.path()).unwrap_err().kind()
        );
        assert_eq!(
            read_regular(&d.path().join("none")).unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }
}
