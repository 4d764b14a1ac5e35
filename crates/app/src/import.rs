//! `jenguk import inmates`: a CSV export of the national prisoner database.
//!
//! Columns (header row, any order, case-insensitive): `reg_number` (or `no_registrasi`),
//! `name` (or `nama`), `status` (`tahanan`/`narapidana`), optional `block` (or `blok`).
//! Every bad row is reported with its line number; nothing is imported if any row is bad,
//! unless `--skip-bad`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use jenguk_domain::{FacilityCode, InmateStatus, PersonName, RegNumber};
use jenguk_storage::{AuditEvent, Db, InmateRow, NewInmate};

use crate::DbArgs;

/// A row that could not be read, with its line number and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// Reads and checks every row of a CSV export.
pub fn parse_csv(bytes: &[u8]) -> Result<(Vec<InmateRow>, Vec<BadRow>), String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|e| format!("the file is not UTF-8 text (save it as CSV UTF-8): {e}"))?;
    let delimiter = if text
        .lines()
        .next()
        .is_some_and(|h| h.contains(';') && !h.contains(','))
    {
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
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let reg_col = col(&["reg_number", "no_registrasi", "nomor_registrasi", "no_reg"]);
    let name_col = col(&["name", "nama"]);
    let status_col = col(&["status"]);
    let block_col = col(&["block", "blok"]);
    let (Some(reg_col), Some(name_col), Some(status_col)) = (reg_col, name_col, status_col) else {
        return Err(format!(
            "the header row must name the columns reg_number, name and status (found: {})",
            headers.join(", ")
        ));
    };
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                bad.push(BadRow {
                    line,
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let mut reasons = Vec::new();
        let reg = RegNumber::parse(field(reg_col))
            .map_err(|e| reasons.push(format!("reg_number: {e}")))
            .ok();
        let name = PersonName::parse(field(name_col))
            .map_err(|e| reasons.push(format!("name: {e}")))
            .ok();
        let status = InmateStatus::parse(field(status_col));
        if status.is_none() {
            reasons.push(format!(
                "status: {:?} is neither tahanan nor narapidana",
                field(status_col)
            ));
        }
        if let Some((r, first)) = reg
            .as_ref()
            .and_then(|r| seen.insert(r.as_str().to_string(), line).map(|f| (r, f)))
        {
            reasons.push(format!("reg_number {r} also on line {first}"));
        }
        match (reg, name, status) {
            (Some(reg_number), Some(name), Some(status)) if reasons.is_empty() => {
                let block = block_col
                    .map(field)
                    .filter(|b| !b.is_empty())
                    .map(|b| b.chars().take(60).collect());
                good.push((
                    line,
                    NewInmate {
                        reg_number,
                        name,
                        status,
                        block,
                    },
                ));
            }
            _ => bad.push(BadRow {
                line,
                reason: reasons.join("; "),
            }),
        }
    }
    Ok((good, bad))
}

pub async fn inmates(
    db: &DbArgs,
    facility: &str,
    skip_bad: bool,
    file: &Path,
) -> anyhow::Result<ExitCode> {
    let code = FacilityCode::parse(facility)
        .map_err(|_| anyhow::anyhow!("{facility:?} is not a facility code"))?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (good, bad) = parse_csv(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    for b in &bad {
        eprintln!("{}:{}: {}", file.display(), b.line, b.reason);
    }
    if !bad.is_empty() && !skip_bad {
        eprintln!(
            "{} bad row(s) of {}: nothing imported (fix them, or use --skip-bad to import the {} good rows)",
            bad.len(),
            bad.len() + good.len(),
            good.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    let db = Db::connect(&db.database).await?;
    let f = db
        .facility(&code)
        .await
        .with_context(|| format!("no facility {code}"))?;
    let started = std::time::Instant::now();
    let report = db
        .import_inmates(f.id, &good, &AuditEvent::cli(), jiff::Timestamp::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Imported {} row(s) into {} in {:.2} s: {} new, {} updated, {} unchanged, {} bad row(s) skipped",
        good.len(),
        f.code,
        started.elapsed().as_secs_f64(),
        report.created,
        report.updated,
        report.unchanged,
        bad.len()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn good_rows_parse_and_bad_rows_are_named_by_line() {
        let csv = "reg_number,name,status,block\nB.I 1/2021,Budi Santoso,narapidana,A\nA.II 2/2024,,tahanan,\nB.I 3/2021,Agus,escaped,\nB.I 1/2021,Dup,narapidana,\n";
        let (good, bad) = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].1.reg_number.as_str(), "B.I 1/2021");
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert!(bad[0].reason.contains("name"));
        assert!(bad[1].reason.contains("escaped"));
        assert!(bad[2].reason.contains("line 2"));
    }

    #[test]
    fn indonesian_headers_semicolons_and_bom_are_accepted() {
        let csv = "\u{feff}No_Registrasi;Nama;Status;Blok\nB.I 9/2020;Siti Aminah;narapidana;C\n";
        let (good, bad) = parse_csv(csv.as_bytes()).unwrap();
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good[0].1.block.as_deref(), Some("C"));
    }

    #[test]
    fn wrong_columns_and_wrong_encoding_are_refused_whole() {
        assert!(
            parse_csv(b"id,foo\n1,2\n")
                .unwrap_err()
                .contains("reg_number")
        );
        assert!(
            parse_csv(b"reg_number,name,status\n\xff\xfe,x,y\n")
                .unwrap_err()
                .contains("UTF-8")
        );
    }
}
