//! `jenguk bench`: benchmark programs (written in a separate change).

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum BenchCommand {}

pub async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {}
}
