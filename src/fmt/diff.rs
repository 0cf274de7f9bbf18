//! A unified line diff (`--- a`, `+++ b`, `@@ -l,n +l,n @@` hunks with three lines of context),
//! for `formwerk fmt --check`.
//!
//! Lines are compared with their line ends, so a file that differs only in `\r\n` shows up.
//! The lines between the common start and end are matched by a longest common subsequence;
//! when that table would be too large (a file rewritten almost entirely), the middle is shown
//! as removed and added, which is still a correct diff.

const CONTEXT: usize = 3;
/// The largest table of the longest common subsequence (cells).
const MAX_TABLE: usize = 4_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    Same,
    Removed,
    Added,
}

/// The unified diff from `old` to `new`, both named `name`; empty when they are equal.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let script = edit_script(&old_lines, &new_lines);

    let mut out = format!("--- {name}\n+++ {name} (formatted)\n");
    // Positions in the script of the changed lines, grouped into hunks.
    let changed: Vec<usize> = (0..script.len()).filter(|&i| script[i].0 != Edit::Same).collect();
    let mut index = 0;
    while index < changed.len() {
        let first = changed[index];
        let mut last = first;
        while index + 1 < changed.len() && changed[index + 1] <= last + 2 * CONTEXT + 1 {
            index += 1;
            last = changed[index];
        }
        index += 1;
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(script.len());
        let old_before = script[..start].iter().filter(|e| e.0 != Edit::Added).count();
        let new_before = script[..start].iter().filter(|e| e.0 != Edit::Removed).count();
        let old_count = script[start..end].iter().filter(|e| e.0 != Edit::Added).count();
        let new_count = script[start..end].iter().filter(|e| e.0 != Edit::Removed).count();
        out.push_str(&format!(
            "@@ -{},{old_count} +{},{new_count} @@\n",
            old_before + usize::from(old_count > 0),
            new_before + usize::from(new_count > 0)
        ));
        for (edit, line) in &script[start..end] {
            out.push(match edit {
                Edit::Same => ' ',
                Edit::Removed => '-',
                Edit::Added => '+',
            });
            out.push_str(line.strip_suffix('\n').unwrap_or(line));
            out.push('\n');
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

fn edit_script<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<(Edit, &'a str)> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
    let old_middle = &old[prefix..old.len() - suffix];
    let new_middle = &new[prefix..new.len() - suffix];

    let mut script: Vec<(Edit, &str)> = old[..prefix].iter().map(|l| (Edit::Same, *l)).collect();
    let (n, m) = (old_middle.len(), new_middle.len());
    if n.saturating_mul(m) > MAX_TABLE {
        script.extend(old_middle.iter().map(|l| (Edit::Removed, *l)));
        script.extend(new_middle.iter().map(|l| (Edit::Added, *l)));
    } else {
        // lengths[i][j]: the longest common subsequence of old_middle[i..] and new_middle[j..].
        let width = m + 1;
        let mut lengths = vec![0u32; (n + 1) * width];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lengths[i * width + j] = if old_middle[i] == new_middle[j] {
                    lengths[(i + 1) * width + j + 1] + 1
                } else {
                    lengths[(i + 1) * width + j].max(lengths[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && old_middle[i] == new_middle[j] {
                script.push((Edit::Same, old_middle[i]));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
                script.push((Edit::Removed, old_middle[i]));
                i += 1;
            } else {
                script.push((Edit::Added, new_middle[j]));
                j += 1;
            }
        }
    }
    script.extend(old[old.len() - suffix..].iter().map(|l| (Edit::Same, *l)));
    script
}

#[cfg(test)]
mod tests {
    use super::unified_diff;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified_diff("a.form", "x\ny\n", "x\ny\n"), "");
    }

    #[test]
    fn a_changed_line_is_a_hunk_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let diff = unified_diff("a.form", old, new);
        assert_eq!(diff, "--- a.form\n+++ a.form (formatted)\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
    }

    #[test]
    fn line_ends_and_a_missing_last_newline_show() {
        let diff = unified_diff("a.form", "x\r\ny", "x\ny\n");
        assert!(diff.contains("-x\r\n") && diff.contains("\\ No newline at end of file"), "{diff}");
    }
}
