//! `.txt` files: the whole file is the post's text.

use serde_json::Value;

use super::{ReadContext, Record, bom_len, fields};
use crate::post::Origin;

pub(super) fn read(text: &str, path: String, ctx: &ReadContext) -> Record {
    let start = bom_len(text);
    let origin = Origin { path, line: Some(1), verbatim: true, ..Origin::default() };
    let body = Value::String(text[start..].to_owned());
    fields::build([("text", body, Some(start))], origin, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::context;

    #[test]
    fn the_whole_file_is_the_text() {
        let post = read("Loving my new #ad shoes\n", "a.txt".into(), &context()).unwrap();
        assert_eq!(post.text, "Loving my new #ad shoes\n");
        assert_eq!(
            post.origin,
            Origin {
                path: "a.txt".into(),
                line: Some(1),
                text_offset: Some(0),
                verbatim: true,
                ..Origin::default()
            }
        );
    }

    #[test]
    fn a_bom_is_skipped_and_counted() {
        let file = "\u{feff}hello";
        let post = read(file, "a.txt".into(), &context()).unwrap();
        assert_eq!(post.text, "hello");
        assert_eq!(&file[post.origin.text_offset.unwrap()..], "hello");
    }
}
