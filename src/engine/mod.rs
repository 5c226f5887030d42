pub mod matcher;
pub mod normalize;
pub mod tokens;
