//! Reading a CSV export of the national prisoner database: one implementation for the
//! command line (`jenguk import inmates`) and the console's import page.
//!
//! Columns (header row, any order, case-insensitive): `reg_number` (or `no_registrasi`,
//! `nomor_registrasi`, `no_reg`), `name` (or `nama`), `status` (`tahanan`/`narapidana`),
//! optional `block` (or `blok`). A UTF-8 byte-order mark is skipped; a header with `;` and
//! no `,` (Excel in an Indonesian locale) switches the separator; a file that is not UTF-8 is
//! read as Windows-1252 (what Excel on Windows writes) and says so. Every bad row is named
//! by its line number (the header is line 1) with the reasons, in a form callers translate.

use std::collections::HashMap;

use jenguk_domain::text::TextError;
use jenguk_domain::{InmateStatus, PersonName, RegNumber};

use crate::inmates::{InmateRow, NewInmate};

/// The header the importer expects (shown in error messages).
pub const EXPECTED_HEADER: &str = "reg_number,name,status,block";
/// The most data rows one file may have.
pub const MAX_ROWS: usize = 20_000;

/// Why a whole file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    /// No bytes, or only a header.
    Empty,
    /// UTF-16 (Excel's "Unicode text"): not a CSV we read.
    Utf16,
    /// The header row lacks a required column; what was found.
    Header(String),
    /// More data rows than [`MAX_ROWS`].
    TooManyRows(usize),
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsvError::Empty => f.write_str("the file has no rows"),
            CsvError::Utf16 => {
                f.write_str("the file is UTF-16 text, not CSV: save it as \"CSV UTF-8\"")
            }
            CsvError::Header(found) => write!(
                f,
                "the header row must name the columns {EXPECTED_HEADER} (block optional; found: {found})"
            ),
            CsvError::TooManyRows(n) => {
                write!(f, "{n} rows: at most {MAX_ROWS} rows per file")
            }
        }
    }
}

/// One thing wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RowProblem {
    /// The registration number is empty, too long or has other characters.
    RegNumber(String),
    /// The name is empty, too long or has characters names cannot have.
    Name(String),
    /// The status is neither `tahanan` nor `narapidana`: what it was.
    Status(String),
    /// The registration number is also on an earlier line.
    Duplicate(u64),
    /// The CSV reader could not read the row.
    Unreadable(String),
}

fn text_error(e: &TextError) -> String {
    match e {
        TextError::Empty => "empty",
        TextError::TooLong => "too_long",
        TextError::InvalidCharacters => "invalid_characters",
    }
    .to_string()
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowProblem::RegNumber(e) => write!(f, "reg_number: {}", e.replace('_', " ")),
            RowProblem::Name(e) => write!(f, "name: {}", e.replace('_', " ")),
            RowProblem::Status(s) => write!(f, "status: {s:?} is neither tahanan nor narapidana"),
            RowProblem::Duplicate(first) => write!(f, "reg_number also on line {first}"),
            RowProblem::Unreadable(e) => write!(f, "unreadable row: {e}"),
        }
    }
}

/// A row that could not be read, with its line number and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BadRow {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// Why (at least one).
    pub problems: Vec<RowProblem>,
}

impl BadRow {
    /// The reasons in English, joined (for the command line).
    pub fn reason(&self) -> String {
        self.problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// How the file's bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 (with or without a byte-order mark).
    Utf8,
    /// Not UTF-8: read as Windows-1252.
    Windows1252,
}

/// A parsed file.
#[derive(Debug, Clone)]
pub struct ParsedCsv {
    /// The good rows, with their line numbers.
    pub rows: Vec<InmateRow>,
    /// The bad rows.
    pub bad: Vec<BadRow>,
    /// How it was decoded.
    pub encoding: CsvEncoding,
    /// `,` or `;`.
    pub delimiter: char,
}

/// Windows-1252's characters for 0x80–0x9F (the rest is Latin-1).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

fn decode(bytes: &[u8]) -> Result<(String, CsvEncoding), CsvError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(CsvError::Utf16);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok((t.to_string(), CsvEncoding::Utf8)),
        Err(_) => Ok((
            bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
                    _ => char::from(b),
                })
                .collect(),
            CsvEncoding::Windows1252,
        )),
    }
}

/// Reads and checks every row of a CSV export. Refuses the whole file only when it cannot be
/// an export at all (empty, UTF-16, wrong header, too many rows); every other problem is a
/// bad row named by its line.
pub fn parse_inmate_csv(bytes: &[u8]) -> Result<ParsedCsv, CsvError> {
    let (text, encoding) = decode(bytes)?;
    let first = text.lines().find(|l| !l.trim().is_empty());
    let Some(first) = first else {
        return Err(CsvError::Empty);
    };
    let delimiter = if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| CsvError::Header(e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let reg_col = col(&["reg_number", "no_registrasi", "nomor_registrasi", "no_reg"]);
    let name_col = col(&["name", "nama"]);
    let status_col = col(&["status"]);
    let block_col = col(&["block", "blok"]);
    let (Some(reg_col), Some(name_col), Some(status_col)) = (reg_col, name_col, status_col) else {
        return Err(CsvError::Header(headers.join(",")));
    };
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                bad.push(BadRow {
                    line,
                    problems: vec![RowProblem::Unreadable(e.to_string())],
                });
                continue;
            }
        }
        if rows.len() + bad.len() >= MAX_ROWS {
            return Err(CsvError::TooManyRows(MAX_ROWS + 1));
        }
        let line = record.position().map_or(0, csv::Position::line);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut problems = Vec::new();
        let reg = RegNumber::parse(field(reg_col))
            .map_err(|e| problems.push(RowProblem::RegNumber(text_error(&e))))
            .ok();
        let name = PersonName::parse(field(name_col))
            .map_err(|e| problems.push(RowProblem::Name(text_error(&e))))
            .ok();
        let status = InmateStatus::parse(field(status_col));
        if status.is_none() {
            problems.push(RowProblem::Status(field(status_col).to_string()));
        }
        if let Some(first) = reg
            .as_ref()
            .and_then(|r| seen.insert(r.as_str().to_string(), line))
        {
            problems.push(RowProblem::Duplicate(first));
        }
        match (reg, name, status) {
            (Some(reg_number), Some(name), Some(status)) if problems.is_empty() => {
                let block = block_col
                    .map(field)
                    .filter(|b| !b.is_empty())
                    .map(|b| b.chars().filter(|c| !c.is_control()).take(60).collect());
                rows.push((
                    line,
                    NewInmate {
                        reg_number,
                        name,
                        status,
                        block,
                    },
                ));
            }
            _ => bad.push(BadRow { line, problems }),
        }
    }
    if rows.is_empty() && bad.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(ParsedCsv {
        rows,
        bad,
        encoding,
        delimiter: char::from(delimiter),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn good_rows_parse_and_bad_rows_are_named_by_line() {
        let csv = "reg_number,name,status,block\nB.I 1/2021,Budi Santoso,narapidana,A\nA.II 2/2024,,tahanan,\nB.I 3/2021,Agus,escaped,\nB.I 1/2021,Dup,narapidana,\n";
        let p = parse_inmate_csv(csv.as_bytes()).unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].1.reg_number.as_str(), "B.I 1/2021");
        let lines: Vec<u64> = p.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert!(p.bad[0].reason().contains("name"));
        assert!(p.bad[1].reason().contains("escaped"));
        assert!(p.bad[2].reason().contains("line 2"));
    }

    #[test]
    fn indonesian_headers_semicolons_and_bom_are_accepted() {
        let csv = "\u{feff}No_Registrasi;Nama;Status;Blok\nB.I 9/2020;Siti Aminah;narapidana;C\n";
        let p = parse_inmate_csv(csv.as_bytes()).unwrap();
        assert!(p.bad.is_empty(), "{:?}", p.bad);
        assert_eq!(p.delimiter, ';');
        assert_eq!(p.rows[0].1.block.as_deref(), Some("C"));
    }

    #[test]
    fn windows_1252_is_read_and_said() {
        let p =
            parse_inmate_csv(b"reg_number,name,status\nB.I 1/2021,Jos\xe9 Ram\xf3n,narapidana\n")
                .unwrap();
        assert_eq!(p.encoding, CsvEncoding::Windows1252);
        assert_eq!(p.rows[0].1.name.as_str(), "José Ramón");
    }

    #[test]
    fn wrong_columns_empty_files_and_utf16_are_refused_whole() {
        assert_eq!(
            parse_inmate_csv(b"id,foo\n1,2\n").unwrap_err(),
            CsvError::Header("id,foo".into())
        );
        assert!(
            parse_inmate_csv(b"id,foo\n1,2\n")
                .unwrap_err()
                .to_string()
                .contains(EXPECTED_HEADER)
        );
        assert_eq!(parse_inmate_csv(b"").unwrap_err(), CsvError::Empty);
        assert_eq!(
            parse_inmate_csv(b"reg_number,name,status\n").unwrap_err(),
            CsvError::Empty
        );
        assert_eq!(
            parse_inmate_csv(b"\xff\xfer\x00").unwrap_err(),
            CsvError::Utf16
        );
    }
}
