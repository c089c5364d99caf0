//! Docker's decision for one entry, apart from how the entry was found: which builder sends it,
//! whether the walk goes into a directory, the classic builder's pre-flight errors and its
//! truncated tar streams, sockets. Pure functions of what the walk already knows; the I/O they
//! depend on (a read-permission check) is passed in as a closure and made only when docker
//! makes it.

use crate::builder::Builder;
use crate::tree::{Kind, State};

/// What a directory job is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Role {
    /// Entries here are candidates for the context (the tar walk, R16 b).
    pub(crate) tar: bool,
    /// Classic validation walks this directory (R16 a).
    pub(crate) val: bool,
}

/// Both walks' verdicts on one entry (`true`: excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Verdicts {
    /// The tar walk's verdict (R16 b).
    pub(crate) excluded_b: bool,
    /// Whether the tar walk still goes on here (false once a broken pattern stopped it).
    pub(crate) tar_here: bool,
    /// Classic validation's verdict (R16 a; true when validation does not walk here).
    pub(crate) excluded_a: bool,
}

/// A directory's fate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DirPlan {
    /// Its state in the tree.
    pub(crate) state: State,
    /// Its entries are candidates for the context.
    pub(crate) tar_in: bool,
    /// Classic validation walks it.
    pub(crate) val_in: bool,
    /// Failing to open it stops the build.
    pub(crate) fatal_open: bool,
}

/// Decides a subdirectory found in a directory with role `role`. `walks_into` tells whether
/// the pruning rule goes into an excluded directory (asked only for one).
pub(crate) fn dir_plan(
    builder: Builder,
    role: Role,
    v: Verdicts,
    walks_into: impl FnOnce() -> bool,
) -> DirPlan {
    let (state, tar_in) = if !role.tar {
        (State::Excluded, false)
    } else if !v.excluded_b {
        (State::Sent, true)
    } else if v.tar_here && walks_into() {
        (State::ExcludedWalked, true)
    } else {
        (State::Excluded, false)
    };
    DirPlan {
        state,
        tar_in,
        val_in: role.val && !v.excluded_a,
        fatal_open: match builder {
            Builder::Classic => role.val,
            Builder::Buildkit => state == State::Sent,
        },
    }
}

/// Classic validation lists every directory it meets, an excluded one too, before its callback
/// can prune it (`filepath.Walk`): an excluded directory it cannot read fails the build.
pub(crate) fn lists_excluded_dir(role: Role, v: Verdicts) -> bool {
    role.val && v.excluded_a
}

/// Classic validation opens every file it keeps (not symlinks, pipes or directories): one it
/// cannot read fails the build ("no permission to read from").
pub(crate) fn validation_opens(role: Role, v: Verdicts, kind: Kind) -> bool {
    role.val && !v.excluded_a && !matches!(kind, Kind::Symlink | Kind::Fifo | Kind::Dir)
}

/// A leaf's kind and state as sent, and whether docker warns that it skips it.
pub(crate) fn leaf(builder: Builder, kind: Kind, excluded_b: bool) -> (Kind, State, bool) {
    if excluded_b {
        (kind, State::Excluded, false)
    } else if kind == Kind::Socket {
        match builder {
            // archive/tar: sockets not supported.
            Builder::Classic => (kind, State::Skipped, true),
            // BuildKit sends a socket as an empty regular file.
            Builder::Buildkit => (Kind::File, State::Sent, false),
        }
    } else {
        (kind, State::Sent, false)
    }
}

/// The classic builder sends a file validation never saw (its directory is excluded and walked
/// only for an exception): if the CLI cannot open it, it has already written the header and the
/// rest of the tar, trailer included, is lost (go-archive v0.1.0). Whether to check.
pub(crate) fn may_cut_tar(
    builder: Builder,
    role: Role,
    v: Verdicts,
    kind: Kind,
    state: State,
) -> bool {
    state == State::Sent
        && builder == Builder::Classic
        && kind == Kind::File
        && (!role.val || v.excluded_a)
}

/// The warning for a socket the classic builder (or Buildah's copier) skips.
pub(crate) fn socket_warning(path: &[u8], podman: bool) -> String {
    if podman {
        return format!(
            "socket {} is skipped by Podman/Buildah (copier: skipping socket)",
            String::from_utf8_lossy(path)
        );
    }
    format!(
        "socket {} is skipped by the classic builder (archive/tar: sockets not supported)",
        String::from_utf8_lossy(path)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: Role = Role {
        tar: true,
        val: true,
    };
    const TAR: Role = Role {
        tar: true,
        val: false,
    };
    const NONE: Role = Role {
        tar: false,
        val: true,
    };

    fn v(b: bool, here: bool, a: bool) -> Verdicts {
        Verdicts {
            excluded_b: b,
            tar_here: here,
            excluded_a: a,
        }
    }

    #[test]
    fn directory_states() {
        let sent = dir_plan(Builder::Buildkit, TAR, v(false, true, true), || {
            panic!("not asked")
        });
        assert_eq!(
            (sent.state, sent.tar_in, sent.fatal_open),
            (State::Sent, true, true)
        );
        let walked = dir_plan(Builder::Buildkit, TAR, v(true, true, true), || true);
        assert_eq!(
            (walked.state, walked.tar_in, walked.fatal_open),
            (State::ExcludedWalked, true, false)
        );
        let pruned = dir_plan(Builder::Buildkit, TAR, v(true, true, true), || false);
        assert_eq!((pruned.state, pruned.tar_in), (State::Excluded, false));
        // A broken pattern stopped the classic tar walk: no walking in.
        let stopped = dir_plan(Builder::Classic, BOTH, v(true, false, false), || true);
        assert_eq!(
            (stopped.state, stopped.tar_in, stopped.val_in),
            (State::Excluded, false, true)
        );
        // Below a directory only validation walks.
        let val_only = dir_plan(Builder::Classic, NONE, v(false, true, false), || true);
        assert_eq!(
            (
                val_only.state,
                val_only.tar_in,
                val_only.val_in,
                val_only.fatal_open
            ),
            (State::Excluded, false, true, true)
        );
    }

    #[test]
    fn classic_checks() {
        assert!(lists_excluded_dir(BOTH, v(true, true, true)));
        assert!(!lists_excluded_dir(TAR, v(true, true, true)));
        assert!(validation_opens(BOTH, v(false, true, false), Kind::File));
        assert!(validation_opens(BOTH, v(false, true, false), Kind::Socket));
        for k in [Kind::Symlink, Kind::Fifo, Kind::Dir] {
            assert!(!validation_opens(BOTH, v(false, true, false), k));
        }
        assert!(!validation_opens(BOTH, v(false, true, true), Kind::File));
        assert!(may_cut_tar(
            Builder::Classic,
            BOTH,
            v(false, true, true),
            Kind::File,
            State::Sent
        ));
        assert!(may_cut_tar(
            Builder::Classic,
            TAR,
            v(false, true, true),
            Kind::File,
            State::Sent
        ));
        assert!(!may_cut_tar(
            Builder::Classic,
            BOTH,
            v(false, true, false),
            Kind::File,
            State::Sent
        ));
        assert!(!may_cut_tar(
            Builder::Buildkit,
            TAR,
            v(false, true, true),
            Kind::File,
            State::Sent
        ));
    }

    #[test]
    fn sockets_per_builder() {
        assert_eq!(
            leaf(Builder::Classic, Kind::Socket, false),
            (Kind::Socket, State::Skipped, true)
        );
        assert_eq!(
            leaf(Builder::Buildkit, Kind::Socket, false),
            (Kind::File, State::Sent, false)
        );
        assert_eq!(
            leaf(Builder::Classic, Kind::Socket, true),
            (Kind::Socket, State::Excluded, false)
        );
        assert_eq!(
            leaf(Builder::Buildkit, Kind::Fifo, false),
            (Kind::Fifo, State::Sent, false)
        );
    }
}
