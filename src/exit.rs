//! The exit statuses of every command, in one place.

/// How a command ended; its number is the process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum ExitCode {
    /// 0: everything fine.
    #[default]
    Ok = 0,
    /// 1: a check failed (a gate, `--fail-on`, a lint problem).
    Check = 1,
    /// 2: an error (with docker's reason and ctxsize's hint).
    Error = 2,
}

impl ExitCode {
    /// The process exit status.
    pub fn code(self) -> i32 {
        self as i32
    }
}
