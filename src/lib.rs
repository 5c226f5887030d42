pub mod finding;
pub mod post;
pub mod rules;
