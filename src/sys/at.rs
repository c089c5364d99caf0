//! One entry of the context reached for reading outside the walk (`ctxsize hash`): by its
//! absolute path, or by its name in its directory where that path is too long for one system
//! call.

use std::io;
use std::path::{Path, PathBuf};

/// The permission bits docker records for an entry.
#[cfg(unix)]
pub(crate) fn mode_of(m: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o7777
}

/// The permission bits docker records for an entry.
#[cfg(not(unix))]
pub(crate) fn mode_of(m: &std::fs::Metadata) -> u32 {
    // Docker on Windows sends 0755 for everything; read-only is all the OS tells.
    if m.permissions().readonly() {
        0o555
    } else {
        0o755
    }
}

/// How an entry is reached: by its absolute path, or, where that is too long for one system
/// call (a context nested deeper than `PATH_MAX` with its own path before it, which `list`
/// and `docker build .` handle), by its name in its directory, opened a part at a time as the
/// content scan does ([`super::open_dir_deep`]).
pub(crate) enum EntryAt {
    Path(PathBuf),
    #[cfg(target_os = "linux")]
    Dir(std::os::fd::OwnedFd, Vec<u8>),
}

impl EntryAt {
    /// The entry `rel` (`/`-separated) below `root`.
    pub(crate) fn of(root: &Path, rel: &[u8]) -> io::Result<EntryAt> {
        #[cfg(target_os = "linux")]
        {
            let root_len = super::os_bytes(root.as_os_str()).len();
            if super::too_long(root_len, rel.len()) {
                let name = super::last_component(rel);
                let parent = &rel[..rel.len() - name.len()];
                let parent = parent.strip_suffix(b"/").unwrap_or(parent);
                let dir = super::open_dir_deep(root, parent)?;
                return Ok(EntryAt::Dir(dir, name.to_vec()));
            }
        }
        Ok(EntryAt::Path(root.join(super::bytes_to_path(rel))))
    }

    /// Opens the regular file for reading.
    pub(crate) fn open(&self) -> io::Result<std::fs::File> {
        match self {
            EntryAt::Path(p) => std::fs::File::open(p),
            #[cfg(target_os = "linux")]
            EntryAt::Dir(d, name) => {
                use rustix::fs::{Mode, OFlags};
                let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
                let fd = rustix::fs::openat(d, name.as_slice(), flags, Mode::empty())?;
                Ok(std::fs::File::from(fd))
            }
        }
    }

    /// The mode bits (`lstat`, no symlink followed) and whether it is a socket.
    pub(crate) fn lstat(&self) -> io::Result<(u32, bool)> {
        match self {
            EntryAt::Path(p) => {
                let meta = std::fs::symlink_metadata(p)?;
                #[cfg(unix)]
                let socket = std::os::unix::fs::FileTypeExt::is_socket(&meta.file_type());
                #[cfg(not(unix))]
                let socket = false;
                Ok((mode_of(&meta), socket))
            }
            #[cfg(target_os = "linux")]
            EntryAt::Dir(d, name) => {
                use rustix::fs::{AtFlags, FileType};
                let st = rustix::fs::statat(d, name.as_slice(), AtFlags::SYMLINK_NOFOLLOW)?;
                let socket = FileType::from_raw_mode(st.st_mode) == FileType::Socket;
                Ok((st.st_mode & 0o7777, socket))
            }
        }
    }

    /// A symlink's target bytes.
    pub(crate) fn read_link(&self) -> io::Result<Vec<u8>> {
        match self {
            EntryAt::Path(p) => {
                Ok(super::os_bytes(std::fs::read_link(p)?.as_os_str()).into_owned())
            }
            #[cfg(target_os = "linux")]
            EntryAt::Dir(d, name) => {
                Ok(rustix::fs::readlinkat(d, name.as_slice(), Vec::new())?.into_bytes())
            }
        }
    }
}
