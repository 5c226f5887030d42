//! Normalising any text is idempotent, leaves no whitespace but the
//! space, and every range of the normalised
//! text maps back to a range of the original on char boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sponsorlint::engine::normalize::Normalized;

fuzz_target!(|text: &str| {
    let normalized = Normalized::new(text);
    assert_eq!(Normalized::new(&normalized.text).text, normalized.text, "idempotent");
    assert!(normalized.text.chars().all(|c| c == ' ' || !c.is_whitespace()), "one kind of space");
    let len = normalized.text.len();
    for (start, _) in normalized.text.char_indices().step_by(7) {
        for end in [start, (start + 5).min(len), len] {
            let original = normalized.original_range(start..end);
            assert!(original.start <= original.end && original.end <= text.len());
            assert!(text.is_char_boundary(original.start) && text.is_char_boundary(original.end));
        }
    }
});
