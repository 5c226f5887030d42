//! `sponsorlint completions SHELL` and `sponsorlint man`: both generated
//! from the clap definitions, so they never fall behind the flags.

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

/// The main page on stdout, or one page per subcommand written to `dir`.
pub fn man(dir: Option<&Path>) -> u8 {
    let command = Cli::command();
    let Some(dir) = dir else {
        let mut page = Vec::new();
        if let Err(error) = clap_mangen::Man::new(command).render(&mut page) {
            eprintln!("error: cannot render the man page: {error}");
            return EXIT_ERROR;
        }
        return write_stdout(&String::from_utf8_lossy(&page));
    };
    let written =
        std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir));
    match written {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("error: cannot write man pages to {}: {error}", dir.display());
            EXIT_ERROR
        }
    }
}
