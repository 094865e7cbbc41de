//! `shailoo audit`: verify the audit log's hash chain, make a checkpoint signing key, sign
//! checkpoints and check them. The key and checkpoint files are read and written here; what is
//! signed, and how a log is checked against it, is `shailoo_app::audit::checkpoint`.
//!
//! Exit codes of `verify`: 0 intact, 1 a broken chain or a checkpoint that does not hold
//! (each named), 2 a checkpoint or key file that cannot be read.

use crate::DbArg;
use anyhow::{Context, Result};
use clap::Subcommand;
use shailoo_app::audit::checkpoint::{
    SignedCheckpoint, SystemLabel, Trust, confirm_in_audit_log, sign_audit_log,
};
use shailoo_app::signing::{PublicKey, Signer};
use shailoo_app::{Store, verified_audit_head};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify the hash chain, and that the log still holds what each checkpoint signed.
    ///
    /// Exit code 0 when intact; 1 naming the first broken entry, or a checkpoint whose entry
    /// is gone (truncated) or has another hash (rewritten), or whose signature or key does not
    /// verify; 2 when a checkpoint or key file cannot be read.
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// A checkpoint file written by `audit checkpoint` (repeat for several).
        #[arg(long)]
        checkpoint: Vec<PathBuf>,
        /// The commission's published public key (PEM, or 64 hex digits): checkpoints must be
        /// signed with it. Without it, the key a checkpoint carries is trusted, which proves
        /// nothing about who signed it.
        #[arg(long)]
        public_key: Option<PathBuf>,
    },
    /// Make an Ed25519 key for signing checkpoints: FILE (the private key, PKCS#8 PEM, mode
    /// 0600) and FILE.pub (the public key to publish). Never overwrites a file.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify the chain, then sign a checkpoint of the log as it stands and print it (or
    /// write it to --out). Exit code 1 when the chain is broken (nothing is signed).
    Checkpoint {
        #[command(flatten)]
        db: DbArg,
        /// The private key file (from `audit keygen` or `openssl genpkey -algorithm ed25519`).
        #[arg(long, env = "SHAILOO_AUDIT_KEY")]
        key: Option<PathBuf>,
        /// The election system the checkpoint speaks of, as the public knows it.
        #[arg(long, env = "SHAILOO_SYSTEM", default_value = "shailoo")]
        system: String,
        /// Write the checkpoint to this file (never overwritten) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub async fn run(command: AuditCommand) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify {
            db,
            checkpoint,
            public_key,
        } => verify(&db.db, &checkpoint, public_key.as_deref()).await,
        AuditCommand::Keygen { out } => keygen(&out).map(|_| ExitCode::SUCCESS),
        AuditCommand::Checkpoint {
            db,
            key,
            system,
            out,
        } => checkpoint(&db.db, key.as_deref(), &system, out.as_deref()).await,
    }
}

/// Opens the database as it is, without migrating it: verifying and signing only read (the
/// audit tables), so a read-only account will do.
async fn open(db: &str) -> Result<std::sync::Arc<dyn Store>> {
    shailoo_store::Db::open(db)
        .await
        .map(shailoo_store::Db::into_dyn)
        .with_context(|| format!("opening the database {}", super::redact(db)))
}

/// A file that cannot be used as given: printed, exit code 2.
fn unusable(error: &anyhow::Error) -> ExitCode {
    eprintln!("error: {error:#}");
    ExitCode::from(2)
}

async fn verify(db: &str, checkpoints: &[PathBuf], public_key: Option<&Path>) -> Result<ExitCode> {
    // Every file is read before the database is: a file that cannot be read is a mistake of
    // the command line, not a verdict on the log.
    let pinned = match public_key.map(read_public_key).transpose() {
        Ok(pinned) => pinned,
        Err(e) => return Ok(unusable(&e)),
    };
    let mut signed = Vec::with_capacity(checkpoints.len());
    for path in checkpoints {
        match read_checkpoint(path) {
            Ok(c) => signed.push((path, c)),
            Err(e) => return Ok(unusable(&e)),
        }
    }

    let store = open(db).await?;
    let head = match verified_audit_head(store.as_ref()).await? {
        Ok(head) => {
            println!("audit chain intact: {} entries", head.seq);
            Some(head)
        }
        Err(broken) => {
            eprintln!("{broken}");
            None
        }
    };
    let mut intact = head.is_some();
    for (path, signed) in &signed {
        let c = &signed.checkpoint;
        let what = format!(
            "checkpoint {} (entry {} of the audit log of {:?}, signed {})",
            path.display(),
            c.seq,
            c.system.as_str(),
            c.at
        );
        let trust = match signed.verify_signature(pinned.as_ref()) {
            Ok(trust) => trust,
            Err(problem) => {
                eprintln!("{what} FAILS: {problem}");
                intact = false;
                continue;
            }
        };
        let Some(head) = &head else {
            eprintln!("{what} cannot be confirmed: the chain is broken");
            continue;
        };
        match confirm_in_audit_log(store.as_ref(), c, head).await? {
            Ok(()) => println!("{what} holds; {}", trust_note(trust)),
            Err(problem) => {
                eprintln!("{what} FAILS: {problem}");
                intact = false;
            }
        }
    }
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn trust_note(trust: Trust) -> String {
    match trust {
        Trust::Pinned(key) => format!("signed by {key}, the key given with --public-key"),
        Trust::Carried(key) => format!(
            "signed by {key}, the key the checkpoint carries: only the commission's published \
             key shows whose it is (pass it with --public-key FILE)"
        ),
    }
}

fn read_checkpoint(path: &Path) -> Result<SignedCheckpoint> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the checkpoint {}", path.display()))?;
    let signed = SignedCheckpoint::from_json(&text)
        .with_context(|| format!("reading the checkpoint {}", path.display()))?;
    let log = &signed.checkpoint.log;
    anyhow::ensure!(
        log.as_str() == "audit",
        "{} is a checkpoint of the {log} log, not of the audit log",
        path.display()
    );
    Ok(signed)
}

fn read_public_key(path: &Path) -> Result<PublicKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the public key {}", path.display()))?;
    PublicKey::parse(&text).with_context(|| format!("reading the public key {}", path.display()))
}

/// The private key in `path`, with a warning when other users may read the file.
pub fn read_signer(path: &Path) -> Result<Signer> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the signing key {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            eprintln!(
                "warning: other users may read the signing key {} (mode {mode:04o}): chmod 600 it",
                path.display()
            );
        }
    }
    Signer::from_pkcs8_pem(&text)
        .with_context(|| format!("reading the signing key {}", path.display()))
}

/// Where a key's public half is written: `FILE.pub`.
pub fn public_key_path(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Makes a new key from the operating system's random source and writes it to `out` (mode
/// 0600) and its public half to `out.pub`; neither may exist.
pub fn keygen(out: &Path) -> Result<Signer> {
    use rand::TryRngCore;
    let public_path = public_key_path(out);
    for path in [out, &public_path] {
        anyhow::ensure!(
            !path.exists(),
            "{} exists: not overwritten (a key is made once; move the old one away first)",
            path.display()
        );
    }
    let mut secret = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut secret)
        .context("reading the operating system's random source")?;
    let signer = Signer::from_secret_bytes(&secret);
    let public = signer.public_key();
    write_new(out, signer.to_pkcs8_pem()?.as_bytes(), 0o600)?;
    write_new(&public_path, public.to_pem()?.as_bytes(), 0o644)?;
    println!(
        "wrote the signing key {} (keep it offline, never on the database's host) and its public key {} (publish it): {public}",
        out.display(),
        public_path.display()
    );
    Ok(signer)
}

/// Writes a new file (an existing one is an error, never replaced) and syncs it to disk.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).with_context(|| match path.exists() {
        true => format!("{} exists: not overwritten", path.display()),
        false => format!("creating {}", path.display()),
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

async fn checkpoint(
    db: &str,
    key: Option<&Path>,
    system: &str,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let Some(key) = key else {
        eprintln!(
            "error: no signing key: pass --key FILE or set SHAILOO_AUDIT_KEY to the key file. \
             Make one once with `shailoo audit keygen --out FILE` on a computer that does not \
             hold the database, keep FILE offline and publish FILE.pub (README, \"Audit \
             checkpoints\")"
        );
        let demo_key = super::demo::demo_key_path(db);
        if demo_key.exists() {
            eprintln!(
                "(`shailoo demo` made a demo key for this database: --key {})",
                demo_key.display()
            );
        }
        return Ok(ExitCode::from(2));
    };
    let signer = match read_signer(key) {
        Ok(signer) => signer,
        Err(e) => return Ok(unusable(&e)),
    };
    let system = match SystemLabel::parse(system) {
        Ok(system) => system,
        Err(e) => return Ok(unusable(&anyhow::anyhow!("--system: {e}"))),
    };
    if let Some(out) = out
        && out.exists()
    {
        return Ok(unusable(&anyhow::anyhow!(
            "{} exists: not overwritten",
            out.display()
        )));
    }
    let store = open(db).await?;
    match write_checkpoint(store.as_ref(), &signer, system, out).await? {
        Some(_) => Ok(ExitCode::SUCCESS),
        None => Ok(ExitCode::FAILURE),
    }
}

/// Verifies the chain and signs a checkpoint of it, written to `out` (a new file) or printed.
/// `None` (with the break printed) when the chain is broken.
pub async fn write_checkpoint(
    store: &dyn Store,
    signer: &Signer,
    system: SystemLabel,
    out: Option<&Path>,
) -> Result<Option<SignedCheckpoint>> {
    let signed = match sign_audit_log(store, signer, system, jiff::Timestamp::now()).await? {
        Ok(signed) => signed,
        Err(broken) => {
            eprintln!("{broken}: no checkpoint signed");
            return Ok(None);
        }
    };
    let json = signed.to_json();
    match out {
        Some(path) => {
            write_new(path, json.as_bytes(), 0o644)?;
            println!(
                "wrote the checkpoint {} (entry {} of the audit log)",
                path.display(),
                signed.checkpoint.seq
            );
        }
        None => print!("{json}"),
    }
    Ok(Some(signed))
}
