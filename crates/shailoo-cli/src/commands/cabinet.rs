//! The voter cabinet's adapters: the Tunduk passport registry and the Kannel SMS gateway from
//! flags or the environment for `serve`, and for `demo` both test doubles started in-process on
//! loopback ports, the registry seeded from the demo register (`docs/registries.md`).

use anyhow::{Context, Result, bail};
use shailoo_app::cabinet::{PassportRegistry, SmsGateway};
use shailoo_generator::{Generator, Scale};
use shailoo_registries::doubles::{RegistryDouble, Running, SmsDouble, demo_record};
use shailoo_registries::tunduk::DEFAULT_SERVICE;
use shailoo_registries::{
    KannelConfig, KannelGateway, TundukConfig, TundukRegistry, XRoadClientId, XRoadServiceId,
};
use std::sync::Arc;
use std::time::Duration;

/// The two ports the cabinet needs.
pub type Adapters = (Arc<dyn PassportRegistry>, Arc<dyn SmsGateway>);

/// Where the voter cabinet's external systems are. Without `--tunduk-url` and `--sms-url` the
/// cabinet answers "not available".
#[derive(Debug, Clone, clap::Args)]
pub struct CabinetArgs {
    /// Base URL of our Tunduk (X-Road) security server, e.g. `https://ss.shailoo.local`.
    #[arg(long, env = "SHAILOO_TUNDUK_URL")]
    tunduk_url: Option<String>,
    /// Our X-Road subsystem, sent as X-Road-Client: INSTANCE/CLASS/MEMBER/SUBSYSTEM.
    #[arg(
        long,
        env = "SHAILOO_XROAD_CLIENT",
        default_value = "KG/GOV/70000001/shailoo"
    )]
    xroad_client: String,
    /// The passport service's X-Road id.
    #[arg(long, env = "SHAILOO_TUNDUK_SERVICE", default_value = DEFAULT_SERVICE)]
    tunduk_service: String,
    /// Base URL of the Kannel smsbox's sendsms interface, e.g. http://127.0.0.1:13013.
    #[arg(long, env = "SHAILOO_SMS_URL")]
    sms_url: Option<String>,
    #[arg(long, env = "SHAILOO_SMS_USERNAME", default_value = "shailoo")]
    sms_username: String,
    /// The sendsms password (prefer the environment: flags show up in `ps`).
    #[arg(
        long,
        env = "SHAILOO_SMS_PASSWORD",
        hide_env_values = true,
        default_value = ""
    )]
    sms_password: String,
    /// The sender shown on the phone.
    #[arg(long, env = "SHAILOO_SMS_FROM", default_value = "SHAILOO")]
    sms_from: String,
    /// Seconds to wait for the registry or the gateway.
    #[arg(long, env = "SHAILOO_REGISTRY_TIMEOUT", default_value_t = 10)]
    registry_timeout: u64,
}

/// The adapters the flags name, or `None` when neither system is configured.
pub fn adapters(args: &CabinetArgs) -> Result<Option<Adapters>> {
    let (tunduk_url, sms_url) = match (&args.tunduk_url, &args.sms_url) {
        (None, None) => return Ok(None),
        (Some(t), Some(s)) => (t.clone(), s.clone()),
        _ => bail!("the voter cabinet needs both --tunduk-url and --sms-url (or neither)"),
    };
    build(args, tunduk_url, sms_url).map(Some)
}

fn build(args: &CabinetArgs, tunduk_url: String, sms_url: String) -> Result<Adapters> {
    let timeout = Duration::from_secs(args.registry_timeout.max(1));
    let registry = TundukRegistry::new(TundukConfig {
        security_server: tunduk_url,
        client: XRoadClientId::parse(&args.xroad_client)?,
        service: XRoadServiceId::parse(&args.tunduk_service)?,
        timeout,
    })
    .context("configuring the Tunduk passport registry")?;
    let sms = KannelGateway::new(KannelConfig {
        url: sms_url,
        username: args.sms_username.clone(),
        password: args.sms_password.clone(),
        from: args.sms_from.clone(),
        timeout,
    })
    .context("configuring the Kannel SMS gateway")?;
    Ok((Arc::new(registry), Arc::new(sms)))
}

/// The candidate registries (CAN-08) behind the same Tunduk security server and X-Road client
/// as the passport registry (`--tunduk-url`), at the default service ids; `None` without it.
pub fn candidate_registries(
    args: &CabinetArgs,
) -> Result<Option<shailoo_app::candidates::CandidateRegistries>> {
    let Some(url) = &args.tunduk_url else {
        return Ok(None);
    };
    let adapter = shailoo_registries::TundukCandidateRegistries::new(
        shailoo_registries::CandidateRegistriesConfig {
            security_server: url.clone(),
            client: XRoadClientId::parse(&args.xroad_client)?,
            services: shailoo_registries::CandidateServices::default(),
            timeout: Duration::from_secs(args.registry_timeout.max(1)),
        },
    )
    .context("configuring the Tunduk candidate registries")?;
    Ok(Some(shailoo_app::candidates::CandidateRegistries::all(
        Arc::new(adapter),
    )))
}

/// The demo's doubles; they stop when this is dropped.
pub struct DemoDoubles {
    _registry: Running,
    _sms: Running,
}

/// One person in this many of the national register is in the demo's sample (as in
/// `demo::prepare`).
const SAMPLE_EVERY: usize = 20;

/// Starts the registry and SMS doubles on loopback ports, seeds the registry from the demo
/// register in the background, and returns adapters pointing at them.
pub async fn demo_doubles(seed: u64) -> Result<(Adapters, DemoDoubles)> {
    let loopback = "127.0.0.1:0".parse()?;
    let registry = RegistryDouble::new(DEFAULT_SERVICE);
    let registry_server = registry
        .serve(loopback)
        .await
        .context("starting the registry double")?;
    let password = "demo-sms";
    let sms = SmsDouble::new("shailoo", password);
    let sms_server = sms
        .serve(loopback)
        .await
        .context("starting the SMS double")?;
    let outbox = format!("{}/outbox", sms_server.url());
    // A plain thread, not `spawn_blocking`: the runtime would wait for it at shutdown, and
    // generating the register takes a while; the process ending stops it.
    std::thread::spawn(move || seed_registry(&registry, seed, &outbox));
    let args = CabinetArgs {
        tunduk_url: None,
        xroad_client: "KG/GOV/70000001/shailoo".to_owned(),
        tunduk_service: DEFAULT_SERVICE.to_owned(),
        sms_url: None,
        sms_username: "shailoo".to_owned(),
        sms_password: password.to_owned(),
        sms_from: "SHAILOO".to_owned(),
        registry_timeout: 10,
    };
    let adapters = build(&args, registry_server.url(), sms_server.url())?;
    Ok((
        adapters,
        DemoDoubles {
            _registry: registry_server,
            _sms: sms_server,
        },
    ))
}

/// Derives a record for every person of the demo's register sample; prints a sample voter.
fn seed_registry(registry: &RegistryDouble, seed: u64, outbox: &str) {
    let generator = Generator::new(Scale::National, seed);
    let mut batch = Vec::with_capacity(10_000);
    let mut printed = false;
    for person in generator.persons_sample(SAMPLE_EVERY) {
        let Some(record) = demo_record(&person.pin) else {
            continue;
        };
        if !printed && person.citizen && person.birth_date.year() < 2000 {
            // Known at once, before the rest of the register is seeded.
            registry.insert(person.pin, record.clone());
            println!(
                "voter cabinet (/cabinet): sample PIN {} with passport {}; the demo SMS \
                 gateway's outbox with the codes: {outbox}",
                person.pin, record.passport
            );
            printed = true;
        }
        batch.push((person.pin, record));
        if batch.len() == batch.capacity() {
            registry.extend(batch.drain(..));
        }
    }
    registry.extend(batch);
    println!(
        "voter cabinet: the registry double knows {} persons",
        registry.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(tunduk: Option<&str>, sms: Option<&str>, client: &str) -> CabinetArgs {
        CabinetArgs {
            tunduk_url: tunduk.map(str::to_owned),
            xroad_client: client.to_owned(),
            tunduk_service: DEFAULT_SERVICE.to_owned(),
            sms_url: sms.map(str::to_owned),
            sms_username: "shailoo".to_owned(),
            sms_password: "secret".to_owned(),
            sms_from: "SHAILOO".to_owned(),
            registry_timeout: 10,
        }
    }

    #[test]
    fn the_cabinet_needs_both_systems_or_neither() {
        let client = "KG/GOV/70000001/shailoo";
        assert!(matches!(adapters(&args(None, None, client)), Ok(None)));
        assert!(adapters(&args(Some("http://ss.local"), None, client)).is_err());
        assert!(adapters(&args(None, Some("http://127.0.0.1:13013"), client)).is_err());
        assert!(matches!(
            adapters(&args(
                Some("https://ss.local"),
                Some("http://127.0.0.1:13013"),
                client
            )),
            Ok(Some(_))
        ));
        // A malformed X-Road client id or URL is a start-up error, not a runtime surprise.
        assert!(
            adapters(&args(
                Some("https://ss.local"),
                Some("http://127.0.0.1:13013"),
                "KG/GOV"
            ))
            .is_err()
        );
        assert!(
            adapters(&args(
                Some("ftp://ss.local"),
                Some("http://127.0.0.1:13013"),
                client
            ))
            .is_err()
        );
    }
}
