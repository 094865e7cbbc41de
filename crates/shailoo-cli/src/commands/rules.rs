//! `shailoo rules`: the rule parameters of an election (`shailoo_app::params`): `set` applies a
//! file of changes for the CEC, all or nothing and audited; `show` prints the parameters in
//! force with their defaults and who set them. Also [`parameters_of`], which `seats` and
//! `districts` use with `--election` to apply the parameters in force.
//!
//! Exit codes of `set`: 0 done (the changes are printed; none when every value was in force
//! already), 1 refused by the calendar (voting has opened) or another failure, 2 a file that is
//! not a valid set of changes, in the one shape of [`super::malformed_input`] (`field` is the
//! first parameter at fault, `message` names every problem).

use super::malformed_input;
use super::register::{AtArg, ElectionArg, pick_election};
use crate::DbArg;
use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use shailoo_app::Actor;
use shailoo_app::params::{self, ChangeError, RulesError};
use shailoo_domain::ElectionId;
use shailoo_domain::ErrorCode;
use shailoo_domain::params::RuleParameters;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Set rule parameters of an election from a JSON file of changes, e.g.
    /// `{"threshold_percent": 5, "claim_decision_days": 1}`, for the CEC.
    ///
    /// The keys are those of `rules show` (and of `/rules`); keys the file does not name keep
    /// their value in force. All or nothing: an unknown key, a malformed value, or values no
    /// rule can work with refuse the whole file (exit code 2, one line of JSON on standard
    /// error, `{"error": {"code", "field", "message"}}`). Each setting is one audit entry with
    /// the values before and after. Possible from the calling of the election until voting
    /// opens (exit code 1 after).
    Set {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        /// The JSON file of changes, or `-` for standard input.
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        at: AtArg,
    },
    /// Print the rule parameters in force for an election: value, default, who set it, when.
    Show {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
}

pub async fn run(command: RulesCommand) -> Result<ExitCode> {
    match command {
        RulesCommand::Set {
            db,
            election,
            file,
            at,
        } => {
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).context("reading standard input")?
            } else {
                std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?
            };
            let changes = match params::parse_changes(&text) {
                Ok(c) => c,
                Err(problems) => return Ok(refused_changes(&problems)),
            };
            let now = at.instant()?;
            let store = super::connect(&db.db).await?;
            let election = pick_election(store.as_ref(), &election).await?;
            match params::set(store.as_ref(), &Actor::System, &election, &changes, now).await {
                Ok(changed) if changed.is_empty() => {
                    println!("no change: every value is in force already for {election}");
                    Ok(ExitCode::SUCCESS)
                }
                Ok(changed) => {
                    for c in &changed {
                        println!("{}: {} -> {}", c.key, c.before, c.after);
                    }
                    println!("{} parameter(s) set for {election}", changed.len());
                    Ok(ExitCode::SUCCESS)
                }
                Err(RulesError::Changes(problems)) => Ok(refused_changes(&problems)),
                Err(e @ (RulesError::Invalid(_) | RulesError::NotApplied(_))) => {
                    let field = match &e {
                        RulesError::Invalid(p) => p.first().map(|p| p.key()),
                        RulesError::NotApplied(k) => k.first().copied(),
                        _ => None,
                    };
                    Ok(malformed_input(e.code().as_str(), field, &e.to_string()))
                }
                Err(e) => Err(e.into()),
            }
        }
        RulesCommand::Show {
            db,
            election,
            format,
        } => {
            let store = super::connect(&db.db).await?;
            let election = pick_election(store.as_ref(), &election).await?;
            let in_force = params::in_force(store.as_ref(), &election).await?;
            show(&in_force, format)
        }
    }
}

fn refused_changes(problems: &[ChangeError]) -> ExitCode {
    let message = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    let first = problems.first();
    malformed_input(
        first
            .map_or(ErrorCode::ParamChangesRefused, ChangeError::code)
            .as_str(),
        first.and_then(ChangeError::key),
        &message,
    )
}

fn show(in_force: &params::ParametersInForce, format: ShowFormat) -> Result<ExitCode> {
    let rows = in_force.parameters.catalogue();
    match format {
        ShowFormat::Json => {
            let json: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let set = in_force.set.get(r.key);
                    serde_json::json!({
                        "key": r.key,
                        "rule": r.rule,
                        "confidence": r.confidence.as_str(),
                        "value": r.value,
                        "default": r.default,
                        "applied_by": r.applied_by.iter().map(|c| c.code()).collect::<Vec<_>>(),
                        "set_by": set.map(|s| s.by.as_str()),
                        "set_at": set.map(|s| s.at.to_string()),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        ShowFormat::Text => {
            for r in &rows {
                let set = in_force
                    .set
                    .get(r.key)
                    .map_or_else(String::new, |s| format!("  set by {} at {}", s.by, s.at));
                let applied = if r.is_applied() {
                    ""
                } else {
                    "  (not applied yet)"
                };
                println!(
                    "{:<7} {:<36} {:<24} default {}{set}{applied}",
                    r.rule, r.key, r.value, r.default
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The parameters in force for `--election` in the database `db`, for the pure commands
/// (`seats`, `districts`), which otherwise need no database and no runtime.
pub fn parameters_of(db: &DbArg, election: &str) -> Result<RuleParameters> {
    let election =
        ElectionId::parse(election).with_context(|| format!("--election {election:?}"))?;
    super::runtime()?.block_on(async {
        let store = super::connect(&db.db).await?;
        if store.election(&election).await?.is_none() {
            anyhow::bail!("there is no election {election} in the database");
        }
        let params = params::parameters(store.as_ref(), &election).await?;
        store.close().await;
        Ok(params)
    })
}
