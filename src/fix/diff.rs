//! A unified diff of a file's fixes, as `git apply` and `patch` read it:
//! the changed lines of each replacement with three lines of context, the
//! hunks of nearby changes merged, and `\ No newline at end of file` where
//! the last line has none.

use super::files::Replacement;

const CONTEXT: usize = 3;

/// One changed run of lines: old lines `first..last` become `new`.
struct Change {
    first: usize,
    last: usize,
    new: Vec<u8>,
}

/// The diff of `file` under `replacements` (in file order, not
/// overlapping), naming the file `path` (`a/path`, `b/path`); empty when
/// nothing changes.
pub fn unified_diff(path: &str, file: &[u8], replacements: &[Replacement]) -> String {
    let lines = line_starts(file);
    let changes = changes(file, &lines, replacements);
    if changes.is_empty() {
        return String::new();
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let line_count = lines.len();
    let line =
        |index: usize| &file[lines[index]..lines.get(index + 1).copied().unwrap_or(file.len())];
    // Lines added so far minus lines removed, for the new side's numbers.
    let mut shift: isize = 0;
    let mut index = 0;
    while index < changes.len() {
        let mut end = index + 1;
        while end < changes.len() && changes[end].first <= changes[end - 1].last + 2 * CONTEXT {
            end += 1;
        }
        let group = &changes[index..end];
        let start = group[0].first.saturating_sub(CONTEXT);
        let stop = (group[group.len() - 1].last + CONTEXT).min(line_count);
        let mut body = String::new();
        let (mut old_count, mut new_count) = (0, 0);
        let mut at = start;
        for change in group {
            for context in at..change.first {
                push_line(&mut body, ' ', line(context));
            }
            for removed in change.first..change.last {
                push_line(&mut body, '-', line(removed));
            }
            let added = split_lines(&change.new);
            for new_line in &added {
                push_line(&mut body, '+', new_line);
            }
            old_count += change.first - at + change.last - change.first;
            new_count += change.first - at + added.len();
            at = change.last;
        }
        for context in at..stop {
            push_line(&mut body, ' ', line(context));
        }
        old_count += stop - at;
        new_count += stop - at;
        let new_start = start as isize + shift;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(start, old_count),
            range(new_start as usize, new_count)
        ));
        out.push_str(&body);
        shift += new_count as isize - old_count as isize;
        index = end;
    }
    out
}

/// `start,count` of a hunk side, 1-based; an empty side names the line before.
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{count}", start + 1),
    }
}

fn push_line(out: &mut String, mark: char, line: &[u8]) {
    out.push(mark);
    out.push_str(&String::from_utf8_lossy(line));
    if !line.ends_with(b"\n") {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// The byte offset of each line's start; no line after a final newline.
fn line_starts(file: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', file).map(|at| at + 1).filter(|&at| at < file.len()));
    if file.is_empty() {
        starts.clear();
    }
    starts
}

fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|byte| *byte == b'\n').collect()
}

/// The whole lines each replacement touches, merged where they share one,
/// with their new content.
fn changes(file: &[u8], lines: &[usize], replacements: &[Replacement]) -> Vec<Change> {
    let line_of = |offset: usize| lines.partition_point(|&start| start <= offset).saturating_sub(1);
    let line_end = |index: usize| lines.get(index + 1).copied().unwrap_or(file.len());
    let mut changes: Vec<(usize, usize, Vec<&Replacement>)> = Vec::new();
    for replacement in replacements {
        // An insertion at the very end of a file that ends its last line
        // adds lines after it.
        let first = if replacement.start == file.len() && (file.is_empty() || file.ends_with(b"\n"))
        {
            lines.len()
        } else {
            line_of(replacement.start)
        };
        let last = if replacement.end > replacement.start {
            line_of(replacement.end - 1) + 1
        } else {
            (first + 1).min(lines.len())
        };
        match changes.last_mut() {
            Some((_, previous_last, group)) if first < *previous_last => {
                *previous_last = (*previous_last).max(last);
                group.push(replacement);
            }
            _ => changes.push((first, last.max(first), vec![replacement])),
        }
    }
    changes
        .into_iter()
        .map(|(first, last, group)| {
            let from = lines.get(first).copied().unwrap_or(file.len());
            let to = if last > first { line_end(last - 1) } else { from };
            let mut new = Vec::new();
            let mut at = from;
            for replacement in group {
                new.extend_from_slice(&file[at..replacement.start]);
                new.extend_from_slice(&replacement.bytes);
                at = replacement.end;
            }
            new.extend_from_slice(&file[at..to]);
            Change { first, last, new }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(at: usize, text: &str) -> Replacement {
        Replacement { start: at, end: at, bytes: text.as_bytes().to_vec() }
    }

    #[test]
    fn a_change_in_the_middle_has_three_lines_of_context() {
        let file = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let diff = unified_diff("posts.txt", file.as_bytes(), &[insert(8, "#ad ")]);
        assert_eq!(
            diff,
            "--- a/posts.txt\n+++ b/posts.txt\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+#ad 5\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn the_last_line_without_newline_is_marked() {
        let diff = unified_diff("a.txt", b"hello", &[insert(0, "#ad ")]);
        assert_eq!(
            diff,
            "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-hello\n\\ No newline at end of file\n+#ad hello\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn far_apart_changes_are_two_hunks_with_shifted_numbers() {
        let file: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let second = file.find("15\n").unwrap();
        let diff =
            unified_diff("f", file.as_bytes(), &[insert(0, "new\n"), insert(second, "#ad ")]);
        assert!(diff.contains("@@ -1,4 +1,5 @@\n-1\n+new\n+1\n 2\n 3\n 4\n"), "{diff}");
        assert!(diff.contains("@@ -12,7 +13,7 @@\n"), "{diff}");
    }

    #[test]
    fn nothing_changed_is_no_diff() {
        assert_eq!(unified_diff("f", b"x\n", &[]), "");
    }
}
