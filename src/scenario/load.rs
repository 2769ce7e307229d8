//! Reading a scenario file: TOML text → `--set` overrides → [`Scenario`] → range checks.
//!
//! Every error becomes one line `FILE:LINE: message` naming the dotted key and what is allowed;
//! unknown keys get the nearest valid key.

use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::schema::Scenario;
use super::validate;
use crate::error::{Error, Result};

/// A validated scenario and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The validated scenario, every default filled in.
    pub scenario: Scenario,
    /// The scenario file.
    pub path: PathBuf,
    /// `--set path=value` overrides applied on top of the file, in order.
    pub sets: Vec<String>,
}

impl LoadedScenario {
    /// Reads, overrides and validates the scenario at `path`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; [`Error::Input`] for a TOML syntax error, an unknown
    /// key, a wrong type, a value out of range or a malformed `--set`.
    pub fn load(path: &Path, sets: &[String]) -> Result<Self> {
        Self::from_text(&read_text(path)?, path, sets)
    }

    /// Like [`LoadedScenario::load`] with the text already read; `path` names it in errors and
    /// anchors relative paths.
    ///
    /// # Errors
    /// As [`LoadedScenario::load`], without the I/O error.
    pub fn from_text(text: &str, path: &Path, sets: &[String]) -> Result<Self> {
        let table = parse_table(text, path)?;
        Self::from_table(table, text, path, sets, &Layers::default())
    }

    /// Builds the scenario from `table`, the file `text` (at `path`) with `layers` already merged
    /// in, applying `sets` on top; errors name the layer a key came from.
    ///
    /// # Errors
    /// As [`LoadedScenario::from_text`].
    pub fn from_table(
        mut table: toml::Table,
        text: &str,
        path: &Path,
        sets: &[String],
        layers: &Layers<'_>,
    ) -> Result<Self> {
        let source = Source {
            text,
            path,
            sets,
            layers,
        };
        let spans = DeTable::parse(text).map_err(|e| source.syntax_error(&e))?;
        for set in sets {
            apply_set(&mut table, set)?;
        }
        let scenario: Scenario = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| {
                let path = e.path().to_string();
                source.key_error(
                    spans.get_ref(),
                    &path,
                    &explain_serde(e.inner().to_string()),
                )
            })?;
        if let Some((key, message)) = validate::problems(&scenario).into_iter().next() {
            return Err(source.key_error(spans.get_ref(), &key, &message));
        }
        Ok(Self {
            scenario,
            path: path.to_path_buf(),
            sets: sets.to_vec(),
        })
    }

    /// What decides the graph: its settings, the master seed and the scenario file (edge-list
    /// paths are relative to it). Arms with the same key share one graph.
    pub fn graph_key(&self) -> (&super::GraphSpec, u64, &Path) {
        (&self.scenario.graph, self.scenario.seed, &self.path)
    }

    /// Resolves a path written in the scenario relative to the scenario file's folder.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        let base = self.path.parent().unwrap_or(Path::new("."));
        base.join(relative)
    }
}

/// Largest scenario file read (a bigger one is not a scenario).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Reads a scenario file's text.
///
/// # Errors
/// [`Error::Input`] (exit code 2) if the file is missing, unreadable, not a regular file, larger
/// than [`MAX_SCENARIO_BYTES`] or not UTF-8.
pub fn read_text(path: &Path) -> Result<String> {
    let bad = |why: String| Error::Input(format!("{}: {why}", path.display()));
    let meta =
        std::fs::metadata(path).map_err(|e| bad(format!("cannot read the scenario: {e}")))?;
    if !meta.is_file() {
        return Err(bad("not a regular file; give a scenario .toml file".into()));
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(bad(format!(
            "{} bytes is too large for a scenario (at most {MAX_SCENARIO_BYTES})",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read the scenario: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        bad(format!(
            "line {line} is not UTF-8 text (byte {at}); save the scenario as UTF-8"
        ))
    })
}

/// Parses scenario text into a TOML table.
///
/// # Errors
/// [`Error::Input`] naming the line of a syntax error.
pub fn parse_table(text: &str, path: &Path) -> Result<toml::Table> {
    toml::from_str(text).map_err(|e| syntax_error(text, path, &e))
}

fn syntax_error(text: &str, path: &Path, e: &toml::de::Error) -> Error {
    let line = e.span().map_or(0, |s| line_of(text, s.start));
    let message = e.message().trim().replace('\n', "; ");
    Error::Input(format!(
        "{}:{line}: invalid TOML: {message}",
        path.display()
    ))
}

/// The layers merged onto a file's base scenario, so that an error names where its key came from.
#[derive(Debug, Default, Clone, Copy)]
pub struct Layers<'a> {
    /// The variant's name and its override table (`[variants.<name>]`).
    pub variant: Option<(&'a str, &'a toml::Table)>,
    /// The sweep point's number and its `(dotted key, value)` settings.
    pub point: Option<(usize, &'a [(String, toml::Value)])>,
}

/// Does the dotted error `key` concern the setting `set` (the same key, inside it, or above it)?
fn concerns(key: &str, set: &str) -> bool {
    key == set || key.starts_with(&format!("{set}.")) || set.starts_with(&format!("{key}."))
}

/// Does the override table `over` set the dotted `key` (or a table above it)?
fn overrides(over: &toml::Table, key: &str) -> bool {
    let mut table = over;
    for part in key.split('.') {
        let name = part.split_once('[').map_or(part, |(n, _)| n);
        match table.get(name) {
            None => return false,
            Some(toml::Value::Table(t)) => table = t,
            Some(_) => return true,
        }
    }
    true
}

/// The text being loaded, for error messages.
struct Source<'a> {
    text: &'a str,
    path: &'a Path,
    sets: &'a [String],
    layers: &'a Layers<'a>,
}

impl Source<'_> {
    fn syntax_error(&self, e: &toml::de::Error) -> Error {
        syntax_error(self.text, self.path, e)
    }

    /// An error about the dotted key `key`, located in the file or attributed to `--set`.
    fn key_error(&self, spans: &DeTable<'_>, key: &str, message: &str) -> Error {
        let shown = if key.is_empty() || key == "." {
            String::new()
        } else {
            format!("`{key}`: ")
        };
        if let Some(set) = self
            .sets
            .iter()
            .rev()
            .find(|s| concerns(key, s.split('=').next().unwrap_or("").trim()))
        {
            return Error::Input(format!(
                "{}: --set {}: {shown}{message}",
                self.path.display(),
                printable(set)
            ));
        }
        if let Some((i, settings)) = self.layers.point
            && settings.iter().any(|(k, _)| concerns(key, k))
        {
            let point: Vec<String> = settings.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            return Error::Input(format!(
                "{}: sweep point {i} ({}): {shown}{message}",
                self.path.display(),
                point.join(", ")
            ));
        }
        let (key, variant) = match self.layers.variant {
            Some((name, over)) if overrides(over, key) => (format!("variants.{name}.{key}"), None),
            Some((name, _)) => (key.to_string(), Some(name)),
            None => (key.to_string(), None),
        };
        let shown = if shown.is_empty() {
            shown
        } else {
            format!("`{key}`: ")
        };
        let within = variant.map_or(String::new(), |v| format!(" (in variant `{v}`)"));
        let line =
            locate(spans, &key).map_or(String::new(), |o| format!("{}:", line_of(self.text, o)));
        Error::Input(format!(
            "{}:{line} {shown}{message}{within}",
            self.path.display()
        ))
    }
}

/// 1-based line number of byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Byte offset of the deepest existing key along the dotted `key` (e.g. `population.segments[1].share`).
fn locate(table: &DeTable<'_>, key: &str) -> Option<usize> {
    let mut best = None;
    let mut current: Option<&toml::de::DeValue<'_>> = None;
    let mut first = true;
    for part in key.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let tbl = if first {
            Some(table)
        } else {
            current.and_then(|v| v.as_table())
        };
        first = false;
        let (k, v) = tbl?.iter().find(|(k, _)| k.get_ref().as_ref() == name)?;
        best = Some(k.span().start);
        current = Some(v.get_ref());
        if let Some(i) = index {
            let item = current.and_then(|v| v.as_array()).and_then(|a| a.get(i))?;
            best = Some(item.span().start);
            current = Some(item.get_ref());
        }
    }
    best
}

/// `text` with control characters (line breaks, NUL) written as escapes, so that a message
/// quoting it stays on one line.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Applies one `path=value` override; the value is TOML (`0.3`, `true`, `"top_degree"`, `[1, 2]`),
/// and a bare word is taken as a string.
pub(crate) fn apply_set(table: &mut toml::Table, set: &str) -> Result<()> {
    let bad = |why: &str| {
        Error::Input(format!(
            "--set {}: {why}; expected --set dotted.key=value",
            printable(set)
        ))
    };
    let (key, value) = set.split_once('=').ok_or_else(|| bad("no `=`"))?;
    let key = key.trim();
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(bad("empty key"));
    }
    let value: toml::Value = match toml::from_str::<toml::Table>(&format!("v = {value}")) {
        Ok(mut t) => t.remove("v").ok_or_else(|| bad("no value"))?,
        Err(_) => toml::Value::String(value.trim().to_string()),
    };
    set_path(table, key, value).map_err(|why| bad(&why))
}

/// Most dotted parts in a `--set` or sweep key (the deepest scenario key has five).
pub const MAX_KEY_PARTS: usize = 16;

/// Sets the dotted `key` of `table` to `value`, creating tables on the way.
///
/// # Errors
/// A message if a part of the path is not a table.
pub fn set_path(
    table: &mut toml::Table,
    key: &str,
    value: toml::Value,
) -> std::result::Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.len() > MAX_KEY_PARTS {
        return Err(format!(
            "the key has {} dotted parts; scenario keys have at most {MAX_KEY_PARTS}",
            parts.len()
        ));
    }
    let (last, parents) = parts.split_last().ok_or("empty key")?;
    let mut cursor = table;
    for part in parents {
        // `name[i]`: the i-th table of the array of tables `name` (e.g. `flash_sale[0].stock`).
        if let Some((name, index)) = part
            .strip_suffix(']')
            .and_then(|p| p.split_once('['))
            .and_then(|(name, i)| Some((name, i.parse::<usize>().ok()?)))
        {
            let array = cursor
                .get_mut(name)
                .and_then(toml::Value::as_array_mut)
                .ok_or_else(|| format!("`{name}` is not an array of tables ([[{name}]])"))?;
            let len = array.len();
            cursor = array
                .get_mut(index)
                .and_then(toml::Value::as_table_mut)
                .ok_or_else(|| format!("`{name}` has no table {index} (it has {len}, from 0)"))?;
            continue;
        }
        let entry = cursor
            .entry((*part).to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cursor = entry
            .as_table_mut()
            .ok_or_else(|| format!("`{part}` is not a table"))?;
    }
    cursor.insert((*last).to_string(), value);
    Ok(())
}

/// Rewrites serde's message into the project's wording, adding the nearest valid key.
pub(crate) fn explain_serde(message: String) -> String {
    // toml appends the key on a second line (`in `name``); the caller names the key already.
    let message = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let what = if message.starts_with("unknown field") {
            "unknown key"
        } else {
            "unknown value"
        };
        if let Some((bad, allowed)) = quoted.split_first() {
            let hint =
                nearest(bad, allowed).map_or(String::new(), |n| format!("did you mean `{n}`? "));
            return format!("{what} `{bad}`; {hint}allowed: {}", allowed.join(", "));
        }
    }
    if message.contains("untagged enum Dist") {
        return "not a distribution; allowed: a number, or { uniform = { min, max } }, \
                { normal = { mean, sd } }, { lognormal = { mean, sd } }, { beta = { a, b } }, \
                { gamma = { shape, scale } }"
            .into();
    }
    if let Some(field) = quoted
        .first()
        .filter(|_| message.starts_with("missing field"))
    {
        return format!("missing required key `{field}`");
    }
    message
}

/// The allowed word closest to `word` by edit distance, if it is close enough to be a typo.
fn nearest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let (best, d) = allowed
        .iter()
        .map(|a| (*a, edit_distance(word, a)))
        .min_by_key(|&(_, d)| d)?;
    (d <= (word.chars().count() / 3).max(2)).then_some(best)
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "name = \"t\"\n[graph.erdos_renyi]\nn = 10\nmean_degree = 2.0\n[share]\np_share = 0.5\n";

    fn load(text: &str, sets: &[&str]) -> Result<LoadedScenario> {
        let sets: Vec<String> = sets.iter().map(|s| (*s).to_string()).collect();
        LoadedScenario::from_text(text, Path::new("x.toml"), &sets)
    }

    fn error(text: &str, sets: &[&str]) -> String {
        load(text, sets).unwrap_err().to_string()
    }

    #[test]
    fn unknown_key_names_line_key_and_nearest() {
        let e = error(&GOOD.replace("p_share = 0.5", "p_shar = 0.5"), &[]);
        assert!(
            e.starts_with(
                "x.toml:6: `share.p_shar`: unknown key `p_shar`; did you mean `p_share`?"
            ),
            "{e}"
        );
        assert!(e.contains("allowed: p_share, reach"), "{e}");
        assert_eq!(e.lines().count(), 1);
    }

    #[test]
    fn out_of_range_value_names_line_and_range() {
        let e = error(&GOOD.replace("0.5", "1.5"), &[]);
        assert!(e.starts_with("x.toml:6: `share.p_share`:"), "{e}");
        assert!(e.contains("[0, 1]"), "{e}");
    }

    #[test]
    fn set_overrides_and_is_named_in_errors() {
        let s = load(GOOD, &["share.reach=0.25", "seeding.strategy=top_degree"]).unwrap();
        assert!((s.scenario.share.reach - 0.25).abs() < 1e-12);
        let e = error(GOOD, &["share.reach=2"]);
        assert!(e.contains("--set share.reach=2"), "{e}");
        let e = error(GOOD, &["share.rech=0.2"]);
        assert!(e.contains("did you mean `reach`"), "{e}");
    }

    #[test]
    fn set_reaches_into_arrays_of_tables_by_index() {
        let text = format!(
            "{GOOD}[[flash_sale]]\nname = \"a\"\nday = 3\ndiscount_pct = 10.0\nstock = 5\naudience = \"all\"\n\
             [[flash_sale]]\nname = \"b\"\nday = 4\ndiscount_pct = 10.0\nstock = 5\naudience = \"all\"\n"
        );
        let s = load(&text, &["flash_sale[1].stock=9"]).unwrap();
        let stock: Vec<u32> = s.scenario.flash_sale.iter().map(|f| f.stock).collect();
        assert_eq!(stock, [5, 9]);
        let e = error(&text, &["flash_sale[2].stock=9"]);
        assert!(
            e.contains("`flash_sale` has no table 2 (it has 2, from 0)"),
            "{e}"
        );
        let e = error(GOOD, &["share[0].reach=0.1"]);
        assert!(e.contains("`share` is not an array of tables"), "{e}");
    }

    #[test]
    fn unknown_enum_value_gets_a_suggestion() {
        let e = error(
            &format!("{GOOD}[seeding]\ncount = 1\nstrategy = \"top_degre\"\n"),
            &[],
        );
        assert!(e.contains("did you mean `top_degree`"), "{e}");
    }

    #[test]
    fn syntax_error_names_the_line() {
        let e = error("name = \"t\"\n[graph\n", &[]);
        assert!(e.starts_with("x.toml:2: invalid TOML"), "{e}");
    }

    #[test]
    fn array_of_tables_errors_point_into_the_array() {
        let text = format!(
            "{GOOD}[[population.segments]]\nname = \"a\"\nshare = 0.5\n[[population.segments]]\nname = \"b\"\nshare = 0.7\n"
        );
        let e = error(&text, &[]);
        assert!(e.contains("population.segments"), "{e}");
        assert!(
            e.starts_with("x.toml:10:") || e.starts_with("x.toml:7:"),
            "{e}"
        );
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(nearest("raech", &["reach", "k"]), Some("reach"));
        assert_eq!(nearest("zzzzzz", &["reach", "k"]), None);
    }
}
