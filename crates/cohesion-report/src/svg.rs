//! Inline SVG charts with no scripts and no external references: a [`Frame`] maps data to
//! the picture and draws gridlines, ticks, lines, 5–95 % bands and observed points. The
//! demo page and the report share it, so a chart looks the same wherever it appears.

use std::fmt::Write;

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A tick label with enough digits to tell ticks `step` apart.
pub fn fmt_tick(v: f64, step: f64) -> String {
    let digits = (-(step.abs().max(1e-12)).log10().floor()).max(0.0) as usize + 1;
    format!("{v:.digits$}")
}

/// Plot area of a 520 × 280 chart and the data ranges it shows.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Frame {
    /// A frame showing years `x0..=x1` and values `y0..=y1`, the value range padded by 5 %
    /// (or widened to ±0.5 when flat) so no mark sits on the border.
    pub fn new(x: (f64, f64), y: (f64, f64)) -> Frame {
        let (mut y0, mut y1) = y;
        if !(y1 - y0).is_finite() || (y1 - y0).abs() < 1e-9 {
            let mid = if y0.is_finite() { y0 } else { 0.0 };
            y0 = mid - 0.5;
            y1 = mid + 0.5;
        }
        let pad = 0.05 * (y1 - y0);
        Frame {
            width: 520.0,
            height: 280.0,
            left: 60.0,
            right: 24.0,
            top: 30.0,
            bottom: 30.0,
            x0: x.0,
            x1: if x.1 > x.0 { x.1 } else { x.0 + 1.0 },
            y0: y0 - pad,
            y1: y1 + pad,
        }
    }

    /// The smallest frame holding every point.
    pub fn fitting(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Frame> {
        let mut xr = (f64::INFINITY, f64::NEG_INFINITY);
        let mut yr = (f64::INFINITY, f64::NEG_INFINITY);
        for (x, y) in points {
            if x.is_finite() && y.is_finite() {
                xr = (xr.0.min(x), xr.1.max(x));
                yr = (yr.0.min(y), yr.1.max(y));
            }
        }
        xr.0.is_finite().then(|| Frame::new(xr, yr))
    }

    pub fn x(&self, v: f64) -> f64 {
        self.left + (v - self.x0) / (self.x1 - self.x0) * (self.width - self.left - self.right)
    }

    pub fn y(&self, v: f64) -> f64 {
        self.top
            + (1.0 - (v - self.y0) / (self.y1 - self.y0)) * (self.height - self.top - self.bottom)
    }

    /// `<svg>` start, title, horizontal gridlines with value ticks and three year ticks.
    pub fn open(&self, title: &str, out: &mut String) {
        let (w, h, left) = (self.width, self.height, self.left);
        let t = escape(title);
        let _ = write!(
            out,
            r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><text x="{left}" y="18" class="title">{t}</text>"#
        );
        for k in 0..=4 {
            let v = self.y0 + (self.y1 - self.y0) * k as f64 / 4.0;
            let yy = self.y(v);
            let _ = write!(
                out,
                r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" class="tick" text-anchor="end">{}</text>"##,
                w - self.right,
                left - 4.0,
                yy + 4.0,
                fmt_tick(v, (self.y1 - self.y0) / 4.0)
            );
        }
        for x in [self.x0, (self.x0 + self.x1) / 2.0, self.x1] {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{}" class="tick" text-anchor="middle">{}</text>"#,
                self.x(x),
                h - 8.0,
                x.round()
            );
        }
    }

    pub fn close(out: &mut String) {
        out.push_str("</svg>");
    }

    fn path_of(&self, pts: &[(f64, f64)]) -> String {
        let mut d = String::new();
        for (i, (x, y)) in pts.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { " L" },
                self.x(*x),
                self.y(*y)
            );
        }
        d
    }

    /// A line through the finite points, as a `<path>`; nothing when none is finite.
    pub fn line(
        &self,
        pts: &[(f64, f64)],
        colour: &str,
        dashed: bool,
        tip: &str,
        out: &mut String,
    ) {
        let pts: Vec<(f64, f64)> = pts.iter().copied().filter(|p| p.1.is_finite()).collect();
        if pts.is_empty() {
            return;
        }
        let dash = if dashed {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<path class="line" fill="none" stroke="{colour}" stroke-width="2"{dash} d="{}"><title>{}</title></path>"#,
            self.path_of(&pts),
            escape(tip)
        );
    }

    /// A closed band between `low` and `high` over `xs` (e.g. the 5th and 95th percentiles).
    pub fn band(&self, rows: &[(f64, f64, f64)], colour: &str, tip: &str, out: &mut String) {
        let rows: Vec<(f64, f64, f64)> = rows
            .iter()
            .copied()
            .filter(|r| r.1.is_finite() && r.2.is_finite())
            .collect();
        if rows.is_empty() {
            return;
        }
        let mut pts: Vec<(f64, f64)> = rows.iter().map(|r| (r.0, r.2)).collect();
        pts.extend(rows.iter().rev().map(|r| (r.0, r.1)));
        let _ = write!(
            out,
            r#"<path class="band" fill="{colour}" fill-opacity="0.22" stroke="none" d="{} Z"><title>{}</title></path>"#,
            self.path_of(&pts),
            escape(tip)
        );
    }

    /// An observed value, with its 95 % interval as a whisker when known.
    pub fn point(&self, x: f64, y: f64, interval: Option<(f64, f64)>, tip: &str, out: &mut String) {
        let (cx, cy) = (self.x(x), self.y(y));
        if let Some((lo, hi)) = interval {
            let _ = write!(
                out,
                r##"<line class="whisker" x1="{cx:.1}" x2="{cx:.1}" y1="{:.1}" y2="{:.1}" stroke="#000" stroke-width="1"/>"##,
                self.y(lo),
                self.y(hi)
            );
        }
        let _ = write!(
            out,
            r##"<circle class="obs" cx="{cx:.1}" cy="{cy:.1}" r="3.5" fill="#000" stroke="#fff"><title>{}</title></circle>"##,
            escape(tip)
        );
    }

    /// A vertical marker (e.g. the first simulated year).
    pub fn vertical(&self, x: f64, out: &mut String) {
        let xx = self.x(x);
        let _ = write!(
            out,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{}" y2="{}" stroke="#999" stroke-dasharray="2 3"/>"##,
            self.top,
            self.height - self.bottom
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape(r#"<script>alert("x&y's")</script>"#),
            "&lt;script&gt;alert(&quot;x&amp;y&#39;s&quot;)&lt;/script&gt;"
        );
    }

    #[test]
    fn band_outlines_high_then_low_back() {
        let f = Frame::new((2025.0, 2027.0), (0.0, 10.0));
        let mut s = String::new();
        f.band(
            &[(2025.0, 1.0, 9.0), (2027.0, 2.0, 8.0)],
            "#000",
            "b",
            &mut s,
        );
        // Upper edge left to right, then the lower edge right to left.
        let d = s.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
        let want = format!(
            "M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z",
            f.x(2025.0),
            f.y(9.0),
            f.x(2027.0),
            f.y(8.0),
            f.x(2027.0),
            f.y(2.0),
            f.x(2025.0),
            f.y(1.0)
        );
        assert_eq!(d, want);
    }

    proptest! {
        #[test]
        fn data_stays_inside_the_plot_area(
            ys in proptest::collection::vec(-1e6f64..1e6, 1..40),
            x0 in 1900i32..2100,
        ) {
            let pts: Vec<(f64, f64)> =
                ys.iter().enumerate().map(|(i, y)| ((x0 + i as i32) as f64, *y)).collect();
            let f = Frame::fitting(pts.iter().copied()).unwrap();
            for (x, y) in pts {
                prop_assert!(f.x(x) >= f.left - 1e-9 && f.x(x) <= f.width - f.right + 1e-9);
                prop_assert!(f.y(y) >= f.top - 1e-9 && f.y(y) <= f.height - f.bottom + 1e-9);
            }
        }
    }
}
