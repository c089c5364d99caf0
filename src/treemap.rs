//! Squarified treemap layout (Bruls, Huizing and van Wijk, "Squarified Treemaps", 2000).
//!
//! Pure geometry: sizes in, rectangles out. Each rectangle's area is proportional to its size,
//! the rectangles tile the bounds without overlap, and rows are chosen so the rectangles stay
//! close to squares (readable labels, comparable areas). Used by the HTML report.

/// An axis-aligned rectangle: top-left corner, width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    /// Left edge.
    pub(crate) x: f64,
    /// Top edge.
    pub(crate) y: f64,
    /// Width (never negative).
    pub(crate) w: f64,
    /// Height (never negative).
    pub(crate) h: f64,
}

impl Rect {
    /// A rectangle; negative or non-finite extents become 0.
    pub(crate) fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        let clean = |v: f64| if v.is_finite() && v > 0.0 { v } else { 0.0 };
        Rect {
            x,
            y,
            w: clean(w),
            h: clean(h),
        }
    }

    /// Width times height.
    pub(crate) fn area(&self) -> f64 {
        self.w * self.h
    }

    /// The rectangle shrunk by `top` at the top and `pad` on every side, or an empty rectangle
    /// at the centre when it is too small for that.
    pub(crate) fn inset(&self, top: f64, pad: f64) -> Rect {
        if self.w <= 2.0 * pad || self.h <= top + 2.0 * pad {
            return Rect::new(self.x + self.w / 2.0, self.y + self.h / 2.0, 0.0, 0.0);
        }
        Rect::new(
            self.x + pad,
            self.y + top + pad,
            self.w - 2.0 * pad,
            self.h - top - 2.0 * pad,
        )
    }
}

/// Lays out `sizes` inside `bounds`: one rectangle per size, in the order given. Zero sizes get
/// an empty rectangle at the bounds' corner. Sizes are laid out largest first.
pub(crate) fn squarify(sizes: &[u64], bounds: Rect) -> Vec<Rect> {
    let mut out = vec![Rect::new(bounds.x, bounds.y, 0.0, 0.0); sizes.len()];
    let total: f64 = sizes.iter().map(|&s| s as f64).sum();
    if total <= 0.0 || bounds.area() <= 0.0 {
        return out;
    }
    let mut order: Vec<usize> = (0..sizes.len()).filter(|&i| sizes[i] > 0).collect();
    // Largest first; ties by input order, so the layout is deterministic.
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let scale = bounds.area() / total;
    let areas: Vec<f64> = order.iter().map(|&i| sizes[i] as f64 * scale).collect();

    let mut free = bounds;
    let mut start = 0;
    while start < order.len() {
        // The row runs along the shorter side of the free space.
        let side = free.w.min(free.h);
        let mut end = start + 1;
        let mut best = worst(&areas[start..end], side);
        while end < order.len() {
            let next = worst(&areas[start..=end], side);
            if next > best {
                break;
            }
            best = next;
            end += 1;
        }
        // The last row takes all the space left, so rounding never leaves a gap or spills over.
        if end == order.len() {
            free = place_last(&order[start..end], &areas[start..end], free, &mut out);
        } else {
            free = place_row(&order[start..end], &areas[start..end], free, &mut out);
        }
        start = end;
    }
    out
}

/// The worst aspect ratio (≥ 1) of a row of `areas` laid along a side of length `side`.
fn worst(areas: &[f64], side: f64) -> f64 {
    let sum: f64 = areas.iter().sum();
    if sum <= 0.0 || side <= 0.0 {
        return f64::INFINITY;
    }
    let (mut max, mut min) = (f64::MIN, f64::MAX);
    for &a in areas {
        max = max.max(a);
        min = min.min(a);
    }
    let s2 = side * side;
    let sum2 = sum * sum;
    (s2 * max / sum2).max(sum2 / (s2 * min))
}

/// Places one row along the shorter side of `free` and returns the space left.
fn place_row(idx: &[usize], areas: &[f64], free: Rect, out: &mut [Rect]) -> Rect {
    let sum: f64 = areas.iter().sum();
    if free.w >= free.h {
        // A column at the left, as tall as the free space.
        let thick = (sum / free.h).min(free.w);
        let mut y = free.y;
        for (k, &i) in idx.iter().enumerate() {
            let h = if k + 1 == idx.len() {
                free.y + free.h - y
            } else {
                areas[k] / thick
            };
            out[i] = Rect::new(free.x, y, thick, h);
            y += h;
        }
        Rect::new(free.x + thick, free.y, free.w - thick, free.h)
    } else {
        // A row at the top, as wide as the free space.
        let thick = (sum / free.w).min(free.h);
        let mut x = free.x;
        for (k, &i) in idx.iter().enumerate() {
            let w = if k + 1 == idx.len() {
                free.x + free.w - x
            } else {
                areas[k] / thick
            };
            out[i] = Rect::new(x, free.y, w, thick);
            x += w;
        }
        Rect::new(free.x, free.y + thick, free.w, free.h - thick)
    }
}

/// Places the last row so that it fills `free` exactly.
fn place_last(idx: &[usize], areas: &[f64], free: Rect, out: &mut [Rect]) -> Rect {
    let sum: f64 = areas.iter().sum();
    let mut acc = 0.0;
    for (k, &i) in idx.iter().enumerate() {
        let (from, to) = (acc / sum, (acc + areas[k]) / sum);
        acc += areas[k];
        let to = if k + 1 == idx.len() { 1.0 } else { to };
        out[i] = if free.w >= free.h {
            Rect::new(free.x, free.y + from * free.h, free.w, (to - from) * free.h)
        } else {
            Rect::new(free.x + from * free.w, free.y, (to - from) * free.w, free.h)
        };
    }
    Rect::new(free.x + free.w, free.y + free.h, 0.0, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-6;

    fn inside(r: &Rect, b: &Rect) -> bool {
        r.x >= b.x - EPS
            && r.y >= b.y - EPS
            && r.x + r.w <= b.x + b.w + EPS
            && r.y + r.h <= b.y + b.h + EPS
    }

    fn overlap(a: &Rect, b: &Rect) -> f64 {
        let w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
        let h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
        if w > 0.0 && h > 0.0 {
            w * h
        } else {
            0.0
        }
    }

    /// Every property the HTML report relies on, for one input.
    fn check(sizes: &[u64], b: Rect) {
        let rs = squarify(sizes, b);
        assert_eq!(rs.len(), sizes.len());
        let total: f64 = sizes.iter().map(|&s| s as f64).sum();
        for (r, &s) in rs.iter().zip(sizes) {
            assert!(inside(r, &b), "{r:?} outside {b:?}");
            let want = s as f64 / total * b.area();
            assert!(
                (r.area() - want).abs() <= 1e-6 * b.area().max(1.0),
                "size {s}: area {} want {want} ({sizes:?})",
                r.area()
            );
        }
        for i in 0..rs.len() {
            for j in i + 1..rs.len() {
                assert!(
                    overlap(&rs[i], &rs[j]) <= EPS,
                    "{:?} overlaps {:?}",
                    rs[i],
                    rs[j]
                );
            }
        }
        // Together they cover the bounds.
        let covered: f64 = rs.iter().map(Rect::area).sum();
        assert!((covered - b.area()).abs() <= 1e-6 * b.area());
    }

    #[test]
    fn the_papers_example() {
        // Bruls et al.'s example: 6, 6, 4, 3, 2, 2, 1 in a 6 × 4 rectangle.
        let b = Rect::new(0.0, 0.0, 6.0, 4.0);
        let sizes = [6, 6, 4, 3, 2, 2, 1];
        check(&sizes, b);
        let rs = squarify(&sizes, b);
        // The first row is the two 6s stacked at the left, 3 wide and 2 high each.
        assert!(
            (rs[0].w - 3.0).abs() < EPS && (rs[0].h - 2.0).abs() < EPS,
            "{:?}",
            rs[0]
        );
        assert!(
            (rs[1].y - 2.0).abs() < EPS && rs[1].x.abs() < EPS,
            "{:?}",
            rs[1]
        );
        // Squarified: no rectangle worse than 3:1 here (a slice layout would give 36:1).
        for r in &rs {
            assert!(r.w.max(r.h) / r.w.min(r.h) <= 3.0 + EPS, "{r:?}");
        }
    }

    #[test]
    fn areas_proportional_inside_no_overlap() {
        let b = Rect::new(10.0, 20.0, 1000.0, 625.0);
        check(&[1], b);
        check(&[5, 5], b);
        check(&[1_000_000, 1], b);
        check(&[3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9], b);
        check(&(1..200).collect::<Vec<u64>>(), b);
        check(&[u64::MAX / 4, u64::MAX / 4, 1], b);
        check(&[7, 7, 7], Rect::new(0.0, 0.0, 1.0, 100.0));
        check(&[7, 1, 1, 1], Rect::new(0.0, 0.0, 100.0, 1.0));
    }

    #[test]
    fn pseudo_random_inputs() {
        // A small LCG: varied sizes and shapes, reproducible.
        let mut s: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s >> 33
        };
        for _ in 0..200 {
            let n = 1 + (next() % 40) as usize;
            let sizes: Vec<u64> = (0..n).map(|_| 1 + next() % 1_000_000).collect();
            let w = 1.0 + (next() % 2000) as f64;
            let h = 1.0 + (next() % 2000) as f64;
            check(&sizes, Rect::new(0.0, 0.0, w, h));
        }
    }

    #[test]
    fn zero_sizes_and_empty_bounds() {
        let b = Rect::new(0.0, 0.0, 100.0, 50.0);
        let rs = squarify(&[0, 10, 0, 30], b);
        assert_eq!(rs[0].area(), 0.0);
        assert_eq!(rs[2].area(), 0.0);
        assert!((rs[1].area() - 1250.0).abs() < 1e-6);
        assert!((rs[3].area() - 3750.0).abs() < 1e-6);
        assert!(squarify(&[0, 0], b).iter().all(|r| r.area() == 0.0));
        assert!(squarify(&[], b).is_empty());
        let empty = Rect::new(0.0, 0.0, 0.0, 10.0);
        assert!(squarify(&[1, 2], empty).iter().all(|r| r.area() == 0.0));
        // Non-finite or negative extents are treated as empty.
        assert_eq!(Rect::new(0.0, 0.0, f64::NAN, -1.0).area(), 0.0);
    }

    #[test]
    fn order_is_kept_and_deterministic() {
        let b = Rect::new(0.0, 0.0, 300.0, 200.0);
        let a = squarify(&[1, 2, 3], b);
        let again = squarify(&[1, 2, 3], b);
        assert_eq!(a, again);
        assert!(a[0].area() < a[1].area() && a[1].area() < a[2].area());
    }

    #[test]
    fn inset_leaves_room_for_a_label() {
        let r = Rect::new(0.0, 0.0, 100.0, 60.0);
        let i = r.inset(14.0, 2.0);
        assert_eq!(i, Rect::new(2.0, 16.0, 96.0, 42.0));
        assert!(inside(&i, &r));
        let tiny = Rect::new(5.0, 5.0, 3.0, 10.0).inset(14.0, 2.0);
        assert_eq!(tiny.area(), 0.0);
    }
}
