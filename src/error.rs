//! The crate's error type and its exit codes.

use std::path::Path;

/// Everything that can stop fission. The message is complete: it names the file, key or line and
/// says what is allowed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad scenario, bad graph input or bad usage; exit code 2.
    #[error("{0}")]
    Input(String),
    /// Reading or writing a file failed; exit code 1.
    #[error("{context}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code for this error: 2 for bad input, 1 for I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => 2,
            Error::Io { .. } => 1,
        }
    }

    /// An I/O error while doing `what` with `path`.
    pub fn io(what: &str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            context: format!("could not {what} `{}`", path.display()),
            source,
        }
    }
}

/// At most 40 characters of `text`, control characters and quotes escaped: how a message quotes
/// a value the user gave, so that it stays one readable line.
pub fn excerpt(text: &str) -> String {
    let s: String = text.chars().take(40).collect();
    s.escape_debug().to_string()
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
