pub mod finding;
pub mod input;
pub mod post;
pub mod rules;
