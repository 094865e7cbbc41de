//! A bar chart drawn on the server as inline SVG (the site runs no script), for the public
//! figures of funds and violation reports: one bar per label, its height its value against
//! the highest, the figure above it. Geometry in integers; the markup is a template
//! (`templates/bars.svg`), so every text is escaped by askama, and it points at the table
//! that holds the same figures (`aria-describedby`), as the turnout chart does.

use askama::Template;

const W: u64 = 640;
const H: u64 = 300;
const LEFT: u64 = 16;
const RIGHT: u64 = 16;
const TOP: u64 = 24;
const BOTTOM: u64 = 44;

struct Bar {
    x: u64,
    y: u64,
    width: u64,
    height: u64,
    label_x: u64,
    label: String,
    value: String,
    value_y: u64,
    /// The second series (expenses beside income), drawn in another colour.
    second: bool,
}

#[derive(Template)]
#[template(path = "kit/templates/bars.svg")]
struct BarsSvg<'a> {
    id: &'a str,
    title: &'a str,
    desc: String,
    table: &'a str,
    bars: Vec<Bar>,
    axis_y: u64,
    axis_x2: u64,
}

/// One bar: its label under the axis, its value, the figure printed above it, and whether it
/// belongs to the second series.
pub(crate) struct Datum {
    pub label: String,
    pub value: u64,
    pub shown: String,
    pub second: bool,
}

/// The chart of `data`, titled `title`, described by the table `table`.
pub(crate) fn svg(id: &str, title: &str, table: &str, data: &[Datum]) -> String {
    let highest = data.iter().map(|d| d.value).max().unwrap_or(0).max(1);
    let plot_h = H - TOP - BOTTOM;
    let axis_y = H - BOTTOM;
    let slot = (W - LEFT - RIGHT) / data.len().max(1) as u64;
    let bar_w = (slot * 3 / 5).max(2);
    let bars = data
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = LEFT + slot * i as u64 + (slot - bar_w) / 2;
            let height =
                u64::try_from(u128::from(d.value) * u128::from(plot_h) / u128::from(highest))
                    .unwrap_or(plot_h)
                    .max(1);
            Bar {
                x,
                y: axis_y - height,
                width: bar_w,
                height,
                label_x: x + bar_w / 2,
                label: d.label.clone(),
                value: d.shown.clone(),
                value_y: (axis_y - height).saturating_sub(6).max(TOP - 8),
                second: d.second,
            }
        })
        .collect();
    let desc = data
        .iter()
        .map(|d| format!("{}: {}", d.label, d.shown))
        .collect::<Vec<_>>()
        .join("; ");
    let chart = BarsSvg {
        id,
        title,
        desc,
        table,
        bars,
        axis_y,
        axis_x2: W - RIGHT,
    };
    chart.render().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_bar_fills_the_plot_and_texts_are_escaped() {
        let data = [
            Datum {
                label: "<a>".into(),
                value: 10,
                shown: "10".into(),
                second: false,
            },
            Datum {
                label: "b".into(),
                value: 5,
                shown: "5".into(),
                second: true,
            },
        ];
        let s = svg("c", "T & t", "tbl", &data);
        assert!(!s.contains("<a>") && !s.contains("T & t"), "{s}");
        assert!(s.contains(&format!("height=\"{}\"", H - TOP - BOTTOM)));
        assert!(s.contains(&format!("height=\"{}\"", (H - TOP - BOTTOM) / 2)));
    }
}
