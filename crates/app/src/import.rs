//! `jenguk import inmates`: a CSV export of the national prisoner database.
//!
//! Columns (header row, any order, case-insensitive): `reg_number` (or `no_registrasi`),
//! `name` (or `nama`), `status` (`tahanan`/`narapidana`), optional `block` (or `blok`).
//! A UTF-8 BOM and `;` separators (Excel in an Indonesian locale) are accepted; a file that is
//! not UTF-8 is read as Windows-1252, with a warning. Every bad row is reported with its line
//! number; nothing is imported if any row is bad, unless `--skip-bad`. The parser is
//! `jenguk_storage::parse_inmate_csv`, shared with the console's import page.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use jenguk_domain::FacilityCode;
use jenguk_storage::{AuditEvent, CsvEncoding, Db, parse_inmate_csv};

use crate::DbArgs;

/// Imports a CSV export into a facility (the parser is shared with the console's import
/// page: `jenguk_storage::parse_inmate_csv`).
pub async fn inmates(
    db: &DbArgs,
    facility: &str,
    skip_bad: bool,
    file: &Path,
) -> anyhow::Result<ExitCode> {
    let code = FacilityCode::parse(facility)
        .map_err(|_| anyhow::anyhow!("{facility:?} is not a facility code"))?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed =
        parse_inmate_csv(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    if parsed.encoding == CsvEncoding::Windows1252 {
        eprintln!(
            "{}: not UTF-8; read as Windows-1252 (save it as \"CSV UTF-8\" to be sure names are right)",
            file.display()
        );
    }
    let (good, bad) = (parsed.rows, parsed.bad);
    for b in &bad {
        eprintln!("{}:{}: {}", file.display(), b.line, b.reason());
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
