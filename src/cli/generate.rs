//! `sponsorlint completions SHELL` and `sponsorlint man`: both generated
//! from the clap definitions, so they never fall behind the flags.

use std::io::Write as _;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_ERROR, write_stdout};

pub fn completions(shell: Shell) -> u8 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "sponsorlint", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))
}

/// The EXIT STATUS section of the main page and of `check`'s (roff).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
No finding at or above \fB\-\-fail\-on\fR (error by default), or \fB\-\-exit\-zero\fR and the run completed.
.TP
\fB1\fR
Findings at or above \fB\-\-fail\-on\fR.
.TP
\fB2\fR
A usage error, an invalid configuration or rule pack, or an input that could not be read (the other inputs are still checked and reported first; with \fB\-\-exit\-zero\fR, unreadable inputs exit 0).
.PP
A run cut short by a closed output pipe exits with the status its findings so far call for.
"#;

/// The main page on stdout, or one page per subcommand written to `dir`.
pub fn man(dir: Option<&Path>) -> u8 {
    let command = Cli::command();
    let Some(dir) = dir else {
        let mut page = Vec::new();
        if let Err(error) = clap_mangen::Man::new(command).render(&mut page) {
            eprintln!("error: cannot render the man page: {error}");
            return EXIT_ERROR;
        }
        page.extend_from_slice(EXIT_STATUS.as_bytes());
        return write_stdout(&String::from_utf8_lossy(&page));
    };
    let with_exit_status = |name: &str| {
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(name))
            .and_then(|mut page| page.write_all(EXIT_STATUS.as_bytes()))
    };
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(command, dir))
        .and_then(|()| with_exit_status("sponsorlint.1"))
        .and_then(|()| with_exit_status("sponsorlint-check.1"));
    match written {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: cannot write man pages to {}: {error}", dir.display());
            EXIT_ERROR
        }
    }
}
