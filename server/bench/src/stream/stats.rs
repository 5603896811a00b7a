//! Percentiles of measured samples, chosen the same way as `parley-bench` does (nearest
//! rank), so the two binaries' tables read alike.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
}

impl Percentiles {
    /// Of `values`; NaN when there are none (printed as such rather than hidden).
    pub fn of(values: &[f64]) -> Self {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let pick = |q: f64| {
            if sorted.is_empty() {
                return f64::NAN;
            }
            let at = ((sorted.len() - 1) as f64 * q).round() as usize;
            sorted[at.min(sorted.len() - 1)]
        };
        Self {
            p50: pick(0.5),
            p90: pick(0.9),
        }
    }

    /// Of durations, in milliseconds.
    pub fn of_ms(durations: &[Duration]) -> Self {
        Self::of(&durations.iter().map(ms).collect::<Vec<_>>())
    }

    /// `self − other`, percentile by percentile.
    pub fn minus(self, other: Self) -> Self {
        Self {
            p50: self.p50 - other.p50,
            p90: self.p90 - other.p90,
        }
    }
}

pub fn ms(d: &Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let values: Vec<f64> = (1..=10).map(f64::from).rev().collect();
        let p = Percentiles::of(&values);
        assert_eq!(p.p50, 6.0);
        assert_eq!(p.p90, 9.0);
        assert!(Percentiles::of(&[]).p50.is_nan());
    }
}
