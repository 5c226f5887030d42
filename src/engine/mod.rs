pub mod checks;
pub mod language;
pub mod matcher;
pub mod normalize;
pub mod scan;
pub mod tokens;
