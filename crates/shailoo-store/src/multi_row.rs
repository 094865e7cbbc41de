//! Multi-row `INSERT`s for rows a writer appends in bulk (the chains' entries of a batch): one
//! statement per chunk instead of one per row, in a few fixed chunk sizes so that each engine's
//! cache of prepared statements holds a handful of texts, not one per batch size.

/// The largest chunk: 64 rows of at most a dozen columns stay far below either engine's limit
/// of bound parameters (SQLite 32,766, PostgreSQL 65,535).
const MAX_ROWS: usize = 64;

/// `rows` cut into chunks of 64, then of the powers of two that sum to the rest (at most seven
/// statement texts per table).
pub(crate) fn chunks<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = if rest.len() >= MAX_ROWS {
            MAX_ROWS
        } else {
            1 << rest.len().ilog2()
        };
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        Some(chunk)
    })
}

/// `head` (`INSERT INTO t (a, b, …)`) followed by [`values`].
pub(crate) fn insert_sql(head: &str, columns: usize, rows: usize) -> String {
    format!("{head} {}", values(columns, rows))
}

/// `VALUES` with `rows` tuples of `columns` numbered placeholders (`$1`, `$2`, …), which both
/// engines accept; as a table in a `FROM`, both name its columns `column1`, `column2`, ….
pub(crate) fn values(columns: usize, rows: usize) -> String {
    use std::fmt::Write;
    let mut sql = String::with_capacity(8 + rows * columns * 5);
    sql.push_str("VALUES ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            let sep = if c == 0 { "" } else { ", " };
            // Writing to a String cannot fail.
            let _ = write!(sql, "{sep}${}", r * columns + c + 1);
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_row_once_in_few_sizes() {
        for n in 0..300usize {
            let rows: Vec<usize> = (0..n).collect();
            let cut: Vec<&[usize]> = chunks(&rows).collect();
            assert_eq!(cut.concat(), rows);
            assert!(
                cut.iter()
                    .all(|c| c.len().is_power_of_two() && c.len() <= MAX_ROWS)
            );
        }
    }

    #[test]
    fn placeholders_are_numbered_row_by_row() {
        assert_eq!(
            insert_sql("INSERT INTO t (a, b)", 2, 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
