//! The packs compiled into the binary (see build.rs).

include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));
