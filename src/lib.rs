pub mod engine;
pub mod finding;
pub mod post;
pub mod rules;
