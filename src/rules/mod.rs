pub mod yaml;
pub mod raw;
