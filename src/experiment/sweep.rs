//! Sweeps: `[sweep]` axes (dotted scenario key → list of values or `{ min, max }` range) expanded
//! into points by `grid`, `random` or `lhs` sampling, plus `zip` axes of matched lists; and the
//! two sensitivity designs over ranges, `sobol` (Saltelli's A, B and A with column i from B)
//! and `morris` (one-at-a-time trajectories), whose structure the estimators of
//! [`super::sensitivity`] read.

use rand::RngExt;
use serde::Deserialize;
use toml::Value;

use crate::rng::{Draws, Stream};

/// How range axes are sampled and axes combined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every combination; a range gives `samples` evenly spaced values.
    #[default]
    Grid,
    /// `samples` points, each axis drawn independently (lists uniformly, ranges uniformly).
    Random,
    /// `samples` points by Latin hypercube: each axis's range cut into `samples` strata, one
    /// value per stratum, strata shuffled independently per axis.
    Lhs,
    /// Saltelli's design for Sobol indices: `samples` (N) rows of two independent uniform
    /// matrices A and B, then for each of the k axes A with that column taken from B —
    /// N·(k + 2) points.
    Sobol,
    /// Morris screening: `samples` (r) trajectories of k + 1 points on a `levels`-level grid,
    /// each step moving one axis by Δ = levels / (2 (levels − 1)) — r·(k + 1) points.
    Morris,
}

impl Mode {
    /// Is this a sensitivity design (sobol, morris), whose points have a structure?
    pub fn is_design(self) -> bool {
        matches!(self, Mode::Sobol | Mode::Morris)
    }
}

/// One axis: a list of values, or a numeric range.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Axis {
    /// These values, in order.
    List(Vec<Value>),
    /// A range; integers if both ends are integers.
    Range {
        /// Lowest value.
        min: Value,
        /// Highest value.
        max: Value,
    },
}

/// The `[sweep]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sweep {
    /// Sampling mode.
    #[serde(default)]
    pub mode: Mode,
    /// Values per range axis (grid), points in all (random, lhs), base rows N (sobol) or
    /// trajectories r (morris).
    pub samples: Option<u32>,
    /// Grid levels of a Morris design (even, default 4).
    pub levels: Option<u32>,
    /// Dotted scenario key → a list of values or `{ min, max }`, in file order.
    #[serde(default)]
    pub axes: toml::Table,
    /// Dotted scenario key → list; the lists have one length and move together as one axis.
    #[serde(default)]
    pub zip: toml::Table,
}

/// Most points a sweep may have (each is an arm per variant, validated and run).
pub const MAX_POINTS: u64 = 100_000;

/// One sweep point: the value of every swept key.
pub type Point = Vec<(String, Value)>;

/// Named axes.
type Axes = Vec<(String, Axis)>;

/// Named zipped lists.
type Zipped = Vec<(String, Vec<Value>)>;

impl Sweep {
    /// Every swept key, in column order (axes, then zipped keys).
    pub fn keys(&self) -> Vec<String> {
        self.axes.keys().chain(self.zip.keys()).cloned().collect()
    }

    /// The axes and zipped lists, checked.
    fn parsed(&self) -> Result<(Axes, Zipped), String> {
        let max = crate::scenario::load::MAX_KEY_PARTS;
        if let Some(k) = self.keys().iter().find(|k| k.split('.').count() > max) {
            let start: String = k.chars().take(40).collect();
            return Err(format!(
                "sweep key `{start}…` has {} dotted parts; scenario keys have at most {max}",
                k.split('.').count()
            ));
        }
        let axes = self
            .axes
            .iter()
            .map(|(k, v)| {
                let axis = Axis::deserialize(v.clone()).map_err(|_| {
                    format!("`sweep.axes.{k}`: expected a list of values or {{ min, max }}")
                })?;
                if let Axis::Range { min, max } = &axis {
                    Range::of(min, max).map_err(|e| format!("`sweep.axes.{k}`: {e}"))?;
                }
                Ok((k.clone(), axis))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let zip = self
            .zip
            .iter()
            .map(|(k, v)| match v {
                Value::Array(a) => Ok((k.clone(), a.clone())),
                _ => Err(format!("`sweep.zip.{k}`: expected a list of values")),
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok((axes, zip))
    }

    /// The sweep's points (each a value for every key of [`Sweep::keys`]), drawn from `seed`
    /// where sampling is random.
    ///
    /// # Errors
    /// A message naming the key of a malformed axis.
    pub fn points(&self, seed: u64) -> Result<Vec<Point>, String> {
        let (axes, zip) = self.parsed()?;
        let mut lists: Vec<Vec<Point>> = Vec::new();
        let samples = self.samples;
        if let Some(n) = samples.filter(|&n| u64::from(n) > MAX_POINTS) {
            return Err(format!(
                "`sweep.samples` = {n}: at most {MAX_POINTS} points; split the study into \
                 several files"
            ));
        }
        for (key, axis) in &axes {
            lists.push(match axis {
                Axis::List(values) if values.is_empty() => {
                    return Err(format!("`sweep.axes.{key}`: the list is empty"));
                }
                Axis::List(values) => values
                    .iter()
                    .map(|v| vec![(key.clone(), v.clone())])
                    .collect(),
                Axis::Range { min, max } => {
                    let range =
                        Range::of(min, max).map_err(|e| format!("`sweep.axes.{key}`: {e}"))?;
                    let n = samples.unwrap_or(5).max(1);
                    (0..n)
                        .map(|i| {
                            let t = if n == 1 {
                                0.5
                            } else {
                                f64::from(i) / f64::from(n - 1)
                            };
                            vec![(key.clone(), range.at(t))]
                        })
                        .collect()
                }
            });
        }
        if !zip.is_empty() {
            let len = zip[0].1.len();
            if let Some((key, _)) = zip.iter().find(|(_, v)| v.len() != len || v.is_empty()) {
                return Err(format!(
                    "`sweep.zip.{key}`: every zipped list must have the same non-zero length ({len})"
                ));
            }
            lists.push(
                (0..len)
                    .map(|i| zip.iter().map(|(k, v)| (k.clone(), v[i].clone())).collect())
                    .collect(),
            );
        }
        if lists.is_empty() {
            return Ok(Vec::new());
        }
        let grid = lists
            .iter()
            .fold(1u64, |n, l| n.saturating_mul(l.len() as u64));
        if self.mode == Mode::Grid && grid > MAX_POINTS {
            return Err(format!(
                "`sweep`: the grid has {grid} points, more than the {MAX_POINTS} allowed; use \
                 fewer values, or mode = \"lhs\" with `samples`"
            ));
        }
        match self.mode {
            Mode::Grid => Ok(lists.iter().fold(vec![Vec::new()], |acc, axis| {
                acc.iter()
                    .flat_map(|p| {
                        axis.iter().map(move |v| {
                            let mut q = p.clone();
                            q.extend(v.iter().cloned());
                            q
                        })
                    })
                    .collect()
            })),
            Mode::Sobol | Mode::Morris => {
                design(self.mode, &axes, &zip, samples, self.levels, seed).map(|d| d.0)
            }
            Mode::Random | Mode::Lhs => {
                let n =
                    samples.ok_or("`sweep.samples`: required with mode = \"random\" or \"lhs\"")?;
                if n == 0 {
                    return Err("`sweep.samples`: must be at least 1".into());
                }
                Ok(sampled(self.mode, &axes, &zip, n, seed))
            }
        }
    }

    /// Each point's position in the unit cube (one coordinate per axis), for a sensitivity
    /// design; `None` for other modes.
    ///
    /// # Errors
    /// As [`Sweep::points`].
    pub fn units(&self, seed: u64) -> Result<Option<Vec<Vec<f64>>>, String> {
        if !self.mode.is_design() {
            return Ok(None);
        }
        let (axes, zip) = self.parsed()?;
        design(self.mode, &axes, &zip, self.samples, self.levels, seed).map(|d| Some(d.1))
    }
}

/// A Sobol or Morris design over range axes: the points and their unit-cube positions.
fn design(
    mode: Mode,
    axes: &[(String, Axis)],
    zip: &[(String, Vec<Value>)],
    samples: Option<u32>,
    levels: Option<u32>,
    seed: u64,
) -> Result<(Vec<Point>, Vec<Vec<f64>>), String> {
    let name = if mode == Mode::Sobol {
        "sobol"
    } else {
        "morris"
    };
    if !zip.is_empty() {
        return Err(format!(
            "`sweep.zip`: mode = \"{name}\" takes range axes only"
        ));
    }
    let mut ranges = Vec::new();
    for (k, axis) in axes {
        match axis {
            Axis::Range { min, max } => {
                ranges.push((k.clone(), Range::of(min, max)?));
            }
            Axis::List(_) => {
                return Err(format!(
                    "`sweep.axes.{k}`: mode = \"{name}\" needs a range {{ min, max }}, not a list"
                ));
            }
        }
    }
    let k = ranges.len();
    if k == 0 {
        return Err(format!(
            "`sweep.axes`: mode = \"{name}\" needs at least one range axis"
        ));
    }
    let n = samples.ok_or(format!("`sweep.samples`: required with mode = \"{name}\""))? as usize;
    if n < 2 {
        return Err("`sweep.samples`: must be at least 2 for a sensitivity design".into());
    }
    let count = if mode == Mode::Sobol {
        n * (k + 2)
    } else {
        n * (k + 1)
    };
    if count as u64 > MAX_POINTS {
        return Err(format!(
            "`sweep`: the {name} design has {count} points, more than the {MAX_POINTS} allowed; \
             lower `samples`"
        ));
    }
    let mut rng = Draws::new(seed, u64::MAX).stream(Stream::SweepPoint);
    let units: Vec<Vec<f64>> = if mode == Mode::Sobol {
        let mut draw = || -> Vec<Vec<f64>> {
            (0..n)
                .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
                .collect()
        };
        let (a, b) = (draw(), draw());
        let mut u = a.clone();
        u.extend(b.iter().cloned());
        for i in 0..k {
            u.extend(a.iter().zip(&b).map(|(ra, rb)| {
                let mut row = ra.clone();
                row[i] = rb[i];
                row
            }));
        }
        u
    } else {
        let p = levels.unwrap_or(4);
        if p < 2 || !p.is_multiple_of(2) {
            return Err(format!("`sweep.levels` = {p}: must be an even number ≥ 2"));
        }
        let step = f64::from(p) / (2.0 * f64::from(p - 1));
        let mut u = Vec::with_capacity(count);
        for _ in 0..n {
            // A base on the lower half of the grid, then +Δ on each axis in a random order.
            let mut x: Vec<f64> = (0..k)
                .map(|_| f64::from(rng.random_range(0..p / 2)) / f64::from(p - 1))
                .collect();
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            u.push(x.clone());
            for i in order {
                x[i] += step;
                u.push(x.clone());
            }
        }
        u
    };
    let points = units
        .iter()
        .map(|row| {
            ranges
                .iter()
                .zip(row)
                .map(|((key, r), &t)| (key.clone(), r.at(t)))
                .collect()
        })
        .collect();
    Ok((points, units))
}

/// `n` random or Latin-hypercube points.
fn sampled(
    mode: Mode,
    axes: &[(String, Axis)],
    zip: &[(String, Vec<Value>)],
    n: u32,
    seed: u64,
) -> Vec<Point> {
    let mut rng = Draws::new(seed, u64::MAX).stream(Stream::SweepPoint);
    let mut points: Vec<Point> = vec![Vec::new(); n as usize];
    let zip_len = zip.first().map_or(0, |(_, v)| v.len());
    // Each column: an axis, or (None) the zipped lists.
    let mut columns: Vec<Option<&(String, Axis)>> = axes.iter().map(Some).collect();
    if zip_len > 0 {
        columns.push(None);
    }
    for column in columns {
        // Positions in [0, 1): independent uniforms, or one per stratum in shuffled order.
        let mut u: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        if mode == Mode::Lhs {
            let mut strata: Vec<u32> = (0..n).collect();
            for i in (1..strata.len()).rev() {
                strata.swap(i, rng.random_range(0..=i));
            }
            for (x, s) in u.iter_mut().zip(strata) {
                *x = (f64::from(s) + *x) / f64::from(n);
            }
        }
        for (point, t) in points.iter_mut().zip(u) {
            match column {
                Some((k, Axis::Range { min, max })) => {
                    // Checked when the grid of lists was built.
                    if let Ok(r) = Range::of(min, max) {
                        point.push((k.clone(), r.at(t)));
                    }
                }
                Some((k, Axis::List(v))) => point.push((k.clone(), v[pick(t, v.len())].clone())),
                None => {
                    let i = pick(t, zip_len);
                    point.extend(zip.iter().map(|(k, v)| (k.clone(), v[i].clone())));
                }
            }
        }
    }
    points
}

/// The list index for a position `t ∈ [0, 1)` in a list of `len`.
fn pick(t: f64, len: usize) -> usize {
    ((t * len as f64) as usize).min(len - 1)
}

/// A numeric range of a sweep axis.
#[derive(Debug, Clone, Copy)]
struct Range {
    min: f64,
    max: f64,
    integer: bool,
}

impl Range {
    fn of(min: &Value, max: &Value) -> Result<Self, String> {
        let num = |v: &Value| match v {
            Value::Integer(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        };
        let (Some(lo), Some(hi)) = (num(min), num(max)) else {
            return Err("`min` and `max` must be numbers".into());
        };
        if lo.is_nan() || hi.is_nan() || lo > hi {
            return Err(format!("`min` ({lo}) must not exceed `max` ({hi})"));
        }
        Ok(Self {
            min: lo,
            max: hi,
            integer: matches!((min, max), (Value::Integer(_), Value::Integer(_))),
        })
    }

    /// The value at position `t ∈ [0, 1]`.
    fn at(&self, t: f64) -> Value {
        let x = self.min + t * (self.max - self.min);
        if self.integer {
            Value::Integer(x.round() as i64)
        } else {
            // 12 significant digits: 0.05 + 0.5 × 0.2 is 0.15, not 0.15000000000000002.
            Value::Float(format!("{x:.11e}").parse().unwrap_or(x))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep(text: &str) -> Sweep {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn grid_crosses_lists_ranges_and_zips() {
        let s = sweep(
            "samples = 3\n[axes]\n\"a.x\" = [1, 2]\n\"b\" = { min = 0, max = 10 }\n[zip]\n\"c\" = [\"p\", \"q\"]\n\"d\" = [5, 6]\n",
        );
        let points = s.points(1).unwrap();
        assert_eq!(points.len(), 2 * 3 * 2);
        assert_eq!(s.keys(), ["a.x", "b", "c", "d"]);
        let values: Vec<i64> = points
            .iter()
            .map(|p| p[1].1.as_integer().unwrap())
            .collect();
        assert_eq!(&values[..6], &[0, 0, 5, 5, 10, 10]);
        // zipped keys move together
        assert!(
            points
                .iter()
                .all(|p| (p[2].1.as_str() == Some("p")) == (p[3].1.as_integer() == Some(5)))
        );
    }

    #[test]
    fn lhs_puts_one_point_in_every_stratum() {
        let s = sweep("mode = \"lhs\"\nsamples = 10\n[axes]\n\"x\" = { min = 0.0, max = 1.0 }\n");
        let points = s.points(7).unwrap();
        let mut strata: Vec<usize> = points
            .iter()
            .map(|p| (p[0].1.as_float().unwrap() * 10.0) as usize)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..10).collect::<Vec<_>>());
        assert_eq!(points, s.points(7).unwrap(), "deterministic for a seed");
        assert_ne!(points, s.points(8).unwrap());
    }

    #[test]
    fn malformed_axes_are_named() {
        let e = sweep("[axes]\n\"x\" = { min = 2, max = 1 }\n")
            .points(1)
            .unwrap_err();
        assert!(e.contains("sweep.axes.x"), "{e}");
        let e = sweep("[zip]\n\"x\" = [1]\n\"y\" = [1, 2]\n")
            .points(1)
            .unwrap_err();
        assert!(e.contains("same non-zero length"), "{e}");
        let e = sweep("mode = \"random\"\n[axes]\n\"x\" = [1]\n")
            .points(1)
            .unwrap_err();
        assert!(e.contains("sweep.samples"), "{e}");
    }
}
