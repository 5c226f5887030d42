//! `sponsorlint init`: write a commented starter configuration.

use std::path::Path;

use clap::Args;

use super::EXIT_ERROR;
use sponsorlint::config::{FILE_NAMES, STARTER};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing configuration file
    #[arg(long)]
    pub force: bool,
}

/// Writes `sponsorlint.yaml` in the current folder — or overwrites the
/// `.sponsorlint.yaml` already there with `--force`, so that a folder never
/// ends up with both names. `--config FILE` writes FILE instead.
pub fn run(args: &InitArgs, explicit: Option<&Path>) -> u8 {
    let existing = match explicit {
        Some(path) => Some(path).filter(|path| path.exists()),
        None => FILE_NAMES.iter().map(Path::new).find(|path| path.exists()),
    };
    let target = match existing {
        Some(path) if !args.force => {
            eprintln!("error: {} already exists; use --force to overwrite it", path.display());
            return EXIT_ERROR;
        }
        Some(path) => path,
        None => explicit.unwrap_or(Path::new(FILE_NAMES[0])),
    };
    match std::fs::write(target, STARTER) {
        Ok(()) => {
            eprintln!("wrote {}", target.display());
            0
        }
        Err(error) => {
            eprintln!("error: cannot write {}: {error}", target.display());
            EXIT_ERROR
        }
    }
}
