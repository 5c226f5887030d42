pub mod cli;
pub mod engine;
pub mod finding;
pub mod fingerprint;
pub mod input;
pub mod post;
pub mod report;
pub mod rules;
