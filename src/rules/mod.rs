pub mod raw;
pub mod yaml;
