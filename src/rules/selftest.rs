//! Runs every rule's own pass/fail examples.
